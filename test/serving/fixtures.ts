import { Construct } from 'constructs';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { IFeatureReader, IReadableModelSource } from '../../lib/serving/model-source';

/** Test doubles and constants shared by the serving tests. */

export const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/';
export const DIGEST = 'a'.repeat(64);
/** A digest-pinned image in the approved test registry. */
export const image = (repo = 'triton', digest = DIGEST) => `${REGISTRY}${repo}@sha256:${digest}`;

/** A registry that knows the versions it was given and records grants. */
export class FakeRegistry implements IReadableModelSource {
  public readonly granted: string[] = [];
  constructor(public readonly registryName: string, private readonly versions: Record<string, string[]>) {}
  public modelVersionUri(model: string, version: string): string {
    return `s3://ml-models/${model}/${version}/`;
  }
  public hasModelVersion(model: string, version: string): boolean {
    return (this.versions[model] ?? []).includes(version);
  }
  public grantRead(workload: WorkloadIdentity): void {
    this.granted.push(workload.serviceAccountName);
  }
}

/** A feature store that records grants. */
export class FakeFeatureStore implements IFeatureReader {
  public readonly granted: string[] = [];
  public readonly onlineEndpoint = 'feast-online.features.svc:6566';
  public grantRead(workload: WorkloadIdentity): void {
    this.granted.push(workload.serviceAccountName);
  }
}

/** An on-prem cluster with an L4 pool (1 GPU/node) and an H100 pool (8 GPUs/node). */
export function gpuTarget(scope: Construct, namespace = 'serving'): KubernetesTarget {
  return KubernetesTarget.fromKubeconfig(scope, 'dc1', {
    clusterName: 'dc1',
    namespace,
    acceleratorNodes: [
      { pool: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 1, maxNodes: 4, nodeSelector: { 'ml-platform.io/pool': 'l4' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }] },
      { pool: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2, nodeSelector: { 'ml-platform.io/pool': 'h100' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }] },
    ],
  });
}

/** A CPU-only on-prem cluster. */
export function cpuTarget(scope: Construct): KubernetesTarget {
  return KubernetesTarget.fromKubeconfig(scope, 'cpu', { clusterName: 'cpu', namespace: 'serving' });
}
