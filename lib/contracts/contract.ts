/**
 * Platform contracts: the wires between capabilities, written down by the construct that consumes something
 * so that a check can prove, from the synthesized Terraform alone, that the wire works when applied.
 *
 * A contract states a *need* ("this role must be able to read that object and decrypt it with that key",
 * "these pods must reach those pods on port 6566"), never how the need is met. The grant, label, env var or
 * quota that meets it is made elsewhere, by the producer; the check (./evaluate.ts) reads the synthesized JSON
 * and evaluates the real IAM policies, NetworkPolicies, containers and quotas. Removing a grant therefore
 * fails the check, while removing the need would mean removing the wire itself.
 *
 * Records are plain JSON (Terraform expressions for values only known at apply) kept in each stack's
 * `//.ml_platform.contracts`, so `ml-platform review cdktf.out` evaluates exactly what synth evaluated.
 */

/** Where a Terraform resource is: its stack and address. */
export interface ResourceLocation {
  /** Stack name (the cdktf stack id). */
  readonly stack: string;
  /** Terraform address, e.g. `kubernetes_deployment_v1.churn_deployment_1A2B3C`. */
  readonly address: string;
}

/** What every contract names: both ends and what flows between them. */
export interface ContractEnds {
  /** Construct path of the consumer (the endpoint, job or device that needs something). */
  readonly consumer: string;
  /** Construct path of the producer (the registry, store or server that provides it). */
  readonly producer: string;
  /** What flows, in a few words: `model artifacts of churn v12`, `online features`. */
  readonly what: string;
  /** How to meet the need when it is missing, in the producer's API (e.g. `registry.grantRead(role)`). */
  readonly fix: string;
}

/** An AWS principal must be allowed actions on resources, and to use the KMS key that encrypts them. */
export interface AwsPermissionContract extends ContractEnds {
  readonly kind: 'aws-permission';
  /** The IAM role ARN (a Terraform expression such as `${aws_iam_role.x.arn}`). */
  readonly principal: string;
  /** Where the role is declared, for the finding's address. */
  readonly principalResource: ResourceLocation;
  readonly actions: readonly string[];
  /** Resource ARNs the actions are needed on. */
  readonly resources: readonly string[];
  /** The KMS key ARN that encrypts `resources`: the principal needs `kmsActions` on it too. */
  readonly kmsKey?: string;
  /** @default ['kms:Decrypt'] */
  readonly kmsActions?: readonly string[];
  /** The AWS service that calls KMS on the principal's behalf (`kms:ViaService`), e.g. `s3`. @default 's3' */
  readonly kmsViaService?: string;
}

/** What a Google Cloud permission is needed on. */
export interface GcpResourceRef {
  /** `project`, `bucket`, `bigquery-dataset`, `bigquery-table`, `kms-key`, `secret`, `pubsub-subscription`. */
  readonly type: 'project' | 'bucket' | 'bigquery-dataset' | 'bigquery-table' | 'kms-key' | 'secret' | 'pubsub-subscription';
  /**
   * The resource's id as the IAM resources name it: bucket name, project id, `dataset`, `dataset/table`, key id, secret id,
   * subscription name.
   */
  readonly id: string;
  /** The project that holds it (so project-level bindings count). */
  readonly project?: string;
}

/** A Google Cloud member must hold a role that contains the permissions on the resource (or its project). */
export interface GcpPermissionContract extends ContractEnds {
  readonly kind: 'gcp-permission';
  /** IAM member, e.g. `serviceAccount:${google_service_account.x.email}`. */
  readonly member: string;
  readonly memberResource: ResourceLocation;
  readonly permissions: readonly string[];
  readonly resource: GcpResourceRef;
}

/** Pods of one workload must reach pods of another on a port, through every NetworkPolicy in the way. */
export interface NetworkContract extends ContractEnds {
  readonly kind: 'network';
  /** The client workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, or a kubernetes_manifest of one, of an Argo WorkflowTemplate / CronWorkflow or of an Argo Events EventSource). */
  readonly client: ResourceLocation;
  /** The server workload. */
  readonly server: ResourceLocation;
  /** The server's container port, by number or by the container port's name. */
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** One environment variable a consumer needs. */
export interface RequiredEnv {
  readonly name: string;
  /** The value it must have (a Terraform expression is fine). @default - any value */
  readonly value?: string;
  /** It carries a credential: it must come from a Secret (`value_from.secret_key_ref`), never a literal. */
  readonly fromSecret?: boolean;
}

/** A container must be configured with what its URI scheme or client needs. */
export interface ConfigurationContract extends ContractEnds {
  readonly kind: 'configuration';
  readonly workload: ResourceLocation;
  /** Container name. @default - every container of the pod must have it */
  readonly container?: string;
  readonly env: readonly RequiredEnv[];
}

/** Accelerator (or other extended resource) demand a namespace quota and a pool must hold. */
export interface CapacityContract extends ContractEnds {
  readonly kind: 'capacity';
  /** Cluster name: demand and supply are summed per cluster. */
  readonly cluster: string;
  readonly namespace: string;
  /** Extended resource, e.g. `nvidia.com/gpu`. */
  readonly resource: string;
  /** Units needed at most (max replicas × per pod, plus rollout surge). */
  readonly maxDemand: number;
  /** Units held at all times (min replicas × per pod). */
  readonly minDemand: number;
  /** The pool the pods land on. */
  readonly pool?: string;
}

/** What one accelerator pool can hold, recorded by the cluster that declares it. */
export interface CapacitySupply {
  readonly kind: 'capacity-supply';
  readonly cluster: string;
  readonly pool: string;
  readonly resource: string;
  readonly perNode: number;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Where the pool's node group is (EKS node group, GKE node pool), to read its real size from the JSON. */
  readonly nodeGroup?: ResourceLocation;
  /** Construct path of the pool's cluster. */
  readonly producer: string;
}

/** A resource must be created after the resources it uses (directly or through its references). */
export interface OrderContract extends ContractEnds {
  readonly kind: 'order';
  readonly resource: ResourceLocation;
  readonly after: readonly ResourceLocation[];
}

/** Any contract. */
export type Contract = AwsPermissionContract | GcpPermissionContract | NetworkContract | ConfigurationContract | CapacityContract | OrderContract;

/** What a stack records: contracts and capacity supplies. */
export type ContractRecord = Contract | CapacitySupply;

/** The rule ids contract findings carry, one per kind. */
export const CONTRACT_RULE_IDS: Readonly<Record<Contract['kind'], string>> = {
  'aws-permission': 'contract-permission',
  'gcp-permission': 'contract-permission',
  'network': 'contract-network',
  'configuration': 'contract-configuration',
  'capacity': 'contract-capacity',
  'order': 'contract-order',
};
