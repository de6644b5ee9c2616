import { IConstruct } from 'constructs';

/** How pods of a cluster get cloud credentials without static keys. */
export enum WorkloadIdentityKind {
  /** EKS Pod Identity: an IAM role associated with a Kubernetes service account. */
  EKS_POD_IDENTITY = 'eks-pod-identity',
  /** GKE Workload Identity: a Google service account impersonated by a Kubernetes service account. */
  GKE_WORKLOAD_IDENTITY = 'gke-workload-identity',
  /** No cloud identity (on-prem, edge): cloud stores are reached with credentials from an existing secret. */
  NONE = 'none',
}

/** The cluster-side facts workload identity needs. `WorkloadIdentityMode.eksPodIdentity(cluster)` etc. */
export class WorkloadIdentityMode {
  /** Pods assume IAM roles through EKS Pod Identity associations on `clusterName`. */
  public static eksPodIdentity(clusterName: string): WorkloadIdentityMode {
    return new WorkloadIdentityMode(WorkloadIdentityKind.EKS_POD_IDENTITY, clusterName);
  }

  /**
   * Pods impersonate Google service accounts through the `<project>.svc.id.goog` pool.
   * @param poolOwner the cluster resource whose Workload Identity creates the pool, when Terraform creates it:
   *   bindings to the pool must be created after it (an order contract checks they are)
   */
  public static gkeWorkloadIdentity(project: string, poolOwner?: IConstruct): WorkloadIdentityMode {
    return new WorkloadIdentityMode(WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY, undefined, project, poolOwner);
  }

  /** No cloud identity for pods. */
  public static readonly NONE = new WorkloadIdentityMode(WorkloadIdentityKind.NONE);

  private constructor(
    public readonly kind: WorkloadIdentityKind,
    /** EKS: the cluster name (may be a token). */
    public readonly eksClusterName?: string,
    /** GKE: the project whose workload pool the cluster uses. */
    public readonly gcpProject?: string,
    /** GKE: the cluster resource that creates the workload pool, when it is in this app. */
    public readonly poolOwner?: IConstruct,
  ) {}
}
