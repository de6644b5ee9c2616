// Public API: exports only. Provider bindings are imported by deep path inside each module.

// core vocabulary
export * from './core/accelerators/accelerator';
export * from './core/accelerators/tpu';
export * from './core/accelerators/eks-instance-types';
export * from './core/accelerators/gke-machine-types';
export * from './core/errors';
export * from './core/units';
export * from './core/labels';
export * from './core/names';
export * from './core/kubernetes-target';
export * from './core/iam';
export * from './core/provider-sources';
export * from './core/workload-identity';
export * from './core/monitoring-contract';
export * from './core/model-source';

// training
export * from './training/training-cluster';
export * from './training/pool';
export * from './training/team-quotas';
export * from './training/nvidia-device-plugin';
export { EksAmiFamily } from './training/eks-catalogue';
export * from './training/eks';
export { EksNodePool, EksNodePoolProps } from './training/eks-node-pool';
export * from './training/gke';
export * from './training/kubernetes';

// storage primitives (secure by default)
export * from './storage/aws-kms-key';
export * from './storage/s3-bucket';
export * from './storage/gcp-kms-key';
export * from './storage/gcs-bucket';
export * from './storage/gcp-audit-logs';

// edge
export * from './edge/site';
export * from './edge/fleet';
export * from './edge/site-workload';
export * from './edge/iot';
export { rendezvousShard } from './edge/sharding';

// governance: rules, packs, suppressions, reviews and reports
export * from './governance';
