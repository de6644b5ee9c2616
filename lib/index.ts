// Public API: exports only. Provider bindings are imported by deep path inside each module.
// The fast synthesis path is on for apps that import the library (see core/fast-synthesis.ts).
export * from './core/fast-synthesis';

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
export * from './core/workload-identity-mode';
export * from './core/workload-identity';
export * from './core/monitoring-contract';
export * from './core/model-source';

// training
export * from './training/training-cluster';
export * from './training/pool';
export * from './training/team-quotas';
export * from './training/nvidia-device-plugin';
export * from './training/neuron-device-plugin';
export { EksAmiFamily } from './training/eks-catalogue';
export * from './training/eks';
export { EksNodePool, EksNodePoolProps } from './training/eks-node-pool';
export { EksKarpenter, EksKarpenterProps, EksKarpenterConfig, EksNodeAutoscaling } from './training/karpenter';
export { KarpenterController, KarpenterControllerProps, KARPENTER_VERSION, KARPENTER_CHART_REPOSITORY, KARPENTER_KINDS } from './training/karpenter-controller';
export { KarpenterNodePools, KarpenterNodePoolsProps, KarpenterPoolResources } from './training/karpenter-node-pools';
export { EfaDevicePlugin, EfaDevicePluginProps, EFA_DEVICE_PLUGIN_CHART_VERSION, EKS_CHARTS_REPOSITORY } from './training/efa-device-plugin';
export { ClusterLayers } from './core/layers';
export * from './training/gke';
export * from './training/kubernetes';

// storage primitives (secure by default)
export * from './storage/aws-kms-key';
export * from './storage/s3-bucket';
export * from './storage/gcp-kms-key';
export * from './storage/gcs-bucket';
export * from './storage/gcp-audit-logs';

// model registry and dataset stores
export { LINEAGE_KEYS, ModelLineage, ModelLineageProps } from './registry/lineage';
export { IModelRegistry, ModelRegistryKind } from './registry/model-registry';
export {
  ObjectStore, ObjectStoreProps, ObjectStoreLocation, ObjectStoreKind, S3ObjectStoreProps, GcsObjectStoreProps,
  S3CompatibleObjectStoreProps, S3CredentialsSecretRef, ContainerEnv,
} from './registry/object-store';
export { DatasetStore, DatasetStoreProps, DvcRemote } from './registry/dataset-store';
export { MlflowBackend, MlflowBackendKind, DatabaseConnection, IMlflowDatabase, BackendContext } from './registry/mlflow-backend';
export { RdsPostgres, RdsPostgresProps } from './registry/rds-postgres';
export { InClusterPostgres, InClusterPostgresProps, PasswordSecretRef, POSTGRES_IMAGE } from './registry/in-cluster-postgres';
export { MlflowModelRegistry, MlflowModelRegistryProps, MlflowAdminSecretRef, MlflowPermission, MlflowExternalAccess, MlflowModelGrant } from './registry/mlflow';
export { SageMakerModelRegistry, SageMakerModelRegistryProps, SAGEMAKER_MODEL_PREFIX } from './registry/sagemaker';
export { ReleasedModelVersions, checkReleasedVersions } from './registry/model-versions';
export { CloudSqlPostgres, CloudSqlPostgresProps, checkCloudSqlProps } from './registry/cloud-sql-postgres';

// feature stores
export * from './features/value-type';
export * from './features/definitions';
export * from './features/feature-store';
export * from './features/feast-stores';
export { renderFeastDefinitions, renderYaml, YamlMap } from './features/feast-render';
export { FeastRedis, FeastRedisProps, DEFAULT_REDIS_IMAGE } from './features/feast-redis';
export {
  ElastiCacheEngine, ElastiCacheOnlineStoreProps, MemorystoreOnlineStoreProps, MemorystoreSnapshotPeriod,
  FeastElastiCache, FeastMemorystore, ManagedOnlineStoreConnection, ManagedOnlineStoreContext,
} from './features/feast-managed-redis';
export * from './features/feast';
export * from './features/sagemaker';
export * from './features/vertex';

// serving
export * from './serving';

// monitoring
export * from './monitoring';

// edge
export * from './edge/site';
export * from './edge/fleet';
export * from './edge/site-workload';
export * from './edge/iot';
export * from './edge/accelerator';
export { rendezvousShard } from './edge/sharding';

// retraining: drift alert → a gated, registered challenger
export * from './retraining';
export { IRetrainingTrigger, AlertmanagerPeer } from './monitoring/receivers';

// platform composition
export * from './core/wiring';
export * from './platform/ml-platform';
export { platformDiagram } from './platform/diagram';
export { platformReport } from './platform/report';
export { checkDeployOrder, checkStacksDeployOrder, DeployOrderProblem } from './platform/deploy-order';

// platform contracts: the wires between capabilities, checked at synth and by `ml-platform review`
export {
  Contracts, ContractParties, AwsPermissionNeed, GcpPermissionNeed, NetworkNeed, ConfigurationNeed, CapacityNeed, CapacityOffer, OrderNeed,
} from './contracts/contracts';
export {
  Contract, ContractRecord, ContractEnds, ResourceLocation, AwsPermissionContract, GcpPermissionContract, GcpResourceRef, NetworkContract,
  ConfigurationContract, RequiredEnv, CapacityContract, CapacitySupply, OrderContract, CONTRACT_RULE_IDS,
} from './contracts/contract';
export { evaluateContracts, contractsOf, EvaluateContractsOptions, ContractResult } from './contracts/evaluate';

// governance: rules, packs, suppressions, reviews and reports
export * from './governance';
