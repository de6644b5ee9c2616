import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Accelerator } from './accelerators/accelerator';
import { Validator } from './errors';
import { checkResourceName } from './names';
import { WorkloadIdentityMode } from './workload-identity-mode';

/** Where a Kubernetes cluster runs. Constructs use it for platform-specific choices (e.g. workload identity). */
export enum KubernetesPlatform {
  EKS = 'eks',
  GKE = 'gke',
  /** An existing cluster: on-prem, another cloud, or one this library did not create. */
  EXISTING = 'existing',
  /** A small edge cluster (k3s, MicroK8s, Google Distributed Cloud edge). */
  EDGE = 'edge',
}

/** A Kubernetes toleration, in Kubernetes' own spelling. */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Nodes of a cluster that carry accelerators, as a workload needs to know them to land there. */
export interface AcceleratorNodes {
  /** The pool name. */
  readonly pool: string;
  /** What the nodes carry. */
  readonly accelerator: Accelerator;
  /** Accelerators per node. */
  readonly acceleratorsPerNode: number;
  /** Most nodes the pool can have (for budgets). */
  readonly maxNodes: number;
  /** Labels that select exactly these nodes. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations a pod needs to land on these nodes. */
  readonly tolerations: Toleration[];
}

/**
 * "A Kubernetes cluster and a namespace that workloads land in", with the provider that reaches it.
 *
 * An EKS or GKE TrainingCluster provides one, so does an existing on-prem cluster or an edge site. Feature
 * stores, registries, endpoints and monitoring that run on Kubernetes take a target, so the same code
 * deploys on-prem, in either cloud and at the edge.
 */
export interface IKubernetesTarget {
  /** The Terraform kubernetes provider configured for this cluster. Pass it as `provider` to every resource. */
  readonly provider: TerraformProvider;
  /** The cluster's name, for labels, metrics and messages. */
  readonly clusterName: string;
  /** The namespace workloads land in. */
  readonly namespace: string;
  /** Where the cluster runs. */
  readonly platform: KubernetesPlatform;
  /** The accelerator nodes the cluster offers. Empty for a CPU-only cluster. */
  readonly acceleratorNodes: AcceleratorNodes[];
  /**
   * Resources that in-cluster objects must wait for (the cluster's access entries, node pools).
   * Add them to `dependsOn` of anything created through {@link provider}.
   */
  readonly dependables: ITerraformDependable[];
  /** How pods get cloud credentials: EKS Pod Identity, GKE Workload Identity, or none. */
  readonly identity: WorkloadIdentityMode;
  /** The same cluster, another namespace. */
  inNamespace(namespace: string): IKubernetesTarget;
}

/** Props to describe a target whose provider already exists. */
export interface KubernetesTargetProps {
  /** The cluster's name. */
  readonly clusterName: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** @default KubernetesPlatform.EXISTING */
  readonly platform?: KubernetesPlatform;
  /** @default - no accelerator nodes */
  readonly acceleratorNodes?: AcceleratorNodes[];
  /** @default - nothing to wait for */
  readonly dependables?: ITerraformDependable[];
  /** @default WorkloadIdentityMode.NONE */
  readonly identity?: WorkloadIdentityMode;
}

/** Props to reach an existing cluster through a kubeconfig. */
export interface KubeconfigTargetProps {
  /** The cluster's name, for labels and messages. */
  readonly clusterName: string;
  /** Path to the kubeconfig file. @default '~/.kube/config' */
  readonly configPath?: string;
  /** The kubeconfig context. @default - the kubeconfig's current context */
  readonly context?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** @default KubernetesPlatform.EXISTING */
  readonly platform?: KubernetesPlatform;
  /** @default - no accelerator nodes */
  readonly acceleratorNodes?: AcceleratorNodes[];
}

/** The standard {@link IKubernetesTarget}. */
export class KubernetesTarget implements IKubernetesTarget {
  /**
   * Reaches an existing cluster (on-prem, edge, or any cluster created elsewhere) through a kubeconfig
   * context. Creates one aliased kubernetes provider in `scope`; no credential enters the synthesized output.
   */
  public static fromKubeconfig(scope: Construct, id: string, props: KubeconfigTargetProps): KubernetesTarget {
    const v = new Validator(`${scope.node.path}/${id}`);
    checkResourceName(v, 'clusterName', props.clusterName, 63);
    checkResourceName(v, 'namespace', props.namespace, 63);
    v.throwIfAny();
    const provider = new KubernetesProvider(scope, id, {
      alias: id.replace(/[^A-Za-z0-9_]/g, '_'),
      configPath: props.configPath ?? '~/.kube/config',
      configContext: props.context,
    });
    return new KubernetesTarget(provider, props);
  }

  /** Wraps a kubernetes provider that already exists. */
  public static fromProvider(provider: TerraformProvider, props: KubernetesTargetProps): KubernetesTarget {
    const v = new Validator(provider.node.path);
    checkResourceName(v, 'clusterName', props.clusterName, 63);
    checkResourceName(v, 'namespace', props.namespace, 63);
    v.throwIfAny();
    return new KubernetesTarget(provider, props);
  }

  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly platform: KubernetesPlatform;
  public readonly acceleratorNodes: AcceleratorNodes[];
  public readonly dependables: ITerraformDependable[];
  public readonly identity: WorkloadIdentityMode;

  private constructor(public readonly provider: TerraformProvider, props: KubernetesTargetProps) {
    this.clusterName = props.clusterName;
    this.namespace = props.namespace ?? 'default';
    this.platform = props.platform ?? KubernetesPlatform.EXISTING;
    this.acceleratorNodes = props.acceleratorNodes ?? [];
    this.dependables = props.dependables ?? [];
    this.identity = props.identity ?? WorkloadIdentityMode.NONE;
  }

  public inNamespace(namespace: string): IKubernetesTarget {
    const v = new Validator(this.provider.node.path);
    checkResourceName(v, 'namespace', namespace, 63);
    v.throwIfAny();
    return new KubernetesTarget(this.provider, { ...this, namespace });
  }
}

/**
 * Node affinity that admits nodes matching any of `selectors` (each a set of labels that must all match), in
 * the kubernetes provider's spelling; keys sorted so the output does not depend on object key order.
 */
export function nodeAffinityForAny(selectors: ReadonlyArray<Record<string, string>>) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerm: selectors.map((sel) => ({
          matchExpressions: Object.keys(sel).sort().map((key) => ({ key, operator: 'In', values: [sel[key]] })),
        })),
      },
    },
  };
}
