import { IKubernetesTarget } from '../../core/kubernetes-target';
import { WorkloadIdentityKind } from '../../core/workload-identity-mode';

/** Which cloud a Feast registry or offline store keeps its data in, and which one a workload has an identity for. */
export enum FeastCloud {
  AWS = 'aws',
  GOOGLE = 'google',
  NONE = 'none',
}

/** The cloud whose workload identity pods on `target` have. */
export function identityCloud(target: IKubernetesTarget): FeastCloud {
  const kind = target?.identity?.kind;
  if (kind === WorkloadIdentityKind.EKS_POD_IDENTITY) return FeastCloud.AWS;
  if (kind === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY) return FeastCloud.GOOGLE;
  return FeastCloud.NONE;
}

/** The longest key prefix two keys share, up to and including its last `/`. */
export function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, a.lastIndexOf('/', i - 1) + 1);
}
