import { ITerraformDependable, TerraformProvider, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Accelerator } from './accelerators/accelerator';
import { Validator } from './errors';
import { checkResourceName } from './names';
import { requireProvider } from './private/optional-provider';
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

/**
 * How the cluster's kubelets sign their serving certificates, which decides whether a scraper (Prometheus on
 * cAdvisor, `:10250/metrics/cadvisor`) can verify them with the cluster CA it gets in every pod (`ca.crt`).
 */
export enum KubeletServingCertificates {
  /**
   * Signed by the cluster CA: EKS and GKE, and kubeadm clusters with `serverTLSBootstrap: true` whose
   * kubelet-serving CSRs are approved (kubernetes.io, kubeadm-certs#kubelet-serving-certs). Verified.
   */
  CLUSTER_CA_SIGNED = 'cluster-ca-signed',
  /**
   * Self-signed by each kubelet, kubeadm's default: "By default the kubelet serving certificate deployed by
   * kubeadm is self-signed" (kubernetes.io, kubeadm-certs#kubelet-serving-certs), so no CA can verify them and
   * the scrape skips verification. Prometheus still sends its token only over TLS, and only needs `nodes/metrics`.
   */
  SELF_SIGNED = 'self-signed',
}

/** The kubelet certificates a platform's clusters have unless told otherwise. */
function defaultKubeletCertificates(platform: KubernetesPlatform): KubeletServingCertificates {
  return platform === KubernetesPlatform.EKS || platform === KubernetesPlatform.GKE
    ? KubeletServingCertificates.CLUSTER_CA_SIGNED
    : KubeletServingCertificates.SELF_SIGNED;
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
  /** Fewest nodes the pool keeps; 0 is a pool that scales to zero. @default - maxNodes (a fixed pool, e.g. existing nodes) */
  readonly minNodes?: number;
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
  /**
   * How the kubelets sign their serving certificates; MonitoringStack verifies them only when the cluster CA
   * signed them. @default - CLUSTER_CA_SIGNED on EKS and GKE, SELF_SIGNED elsewhere
   */
  readonly kubeletServingCertificates?: KubeletServingCertificates;
  /**
   * The namespace of the NVIDIA GPU Operator where it manages the GPU nodes (it runs their device plugin and
   * DCGM exporter, so this library runs neither). @default - no Operator: the library runs both
   */
  readonly gpuOperatorNamespace?: string;
  /** The same cluster, another namespace. */
  inNamespace(namespace: string): IKubernetesTarget;
  /**
   * The kubernetes provider for resources in `scope`'s stack. Each stack gets its own (Terraform providers
   * cannot be shared across states), configured from literals or from the cluster stack's outputs through
   * remote state, never from a resource of the same stack. Throws, naming the fix, where that is impossible.
   */
  providerFor(scope: IConstruct): TerraformProvider;
  /** What resources in `scope` must wait for: {@link dependables} in their own stack; in another stack the stack order covers it. */
  dependablesFor(scope: IConstruct): ITerraformDependable[];
}

/**
 * Makes the kubernetes provider for one stack (see {@link IKubernetesTarget.providerFor}); called at most once
 * per stack. `id` is unique per target within the stack.
 */
export type KubernetesProviderFactory = (stack: TerraformStack, id: string) => TerraformProvider;

/** Providers already made for a target, per stack; shared by a target's namespace copies. */
interface ProviderCache {
  readonly byStack: Map<TerraformStack, TerraformProvider>;
  readonly factory?: KubernetesProviderFactory;
  /** Stacks whose resources create the cluster: a provider there would be configured from them. */
  readonly clusterStacks: ReadonlySet<TerraformStack>;
  readonly id: string;
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
  /** @default - KubeletServingCertificates.CLUSTER_CA_SIGNED on EKS and GKE, SELF_SIGNED elsewhere */
  readonly kubeletServingCertificates?: KubeletServingCertificates;
  /** @default - no GPU Operator */
  readonly gpuOperatorNamespace?: string;
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
  /**
   * How the kubelets sign their serving certificates. The default is kubeadm's: each kubelet self-signs, and
   * MonitoringStack scrapes cAdvisor without verifying them. Say CLUSTER_CA_SIGNED once the kubelets have
   * certificates from the cluster CA (kubeadm `serverTLSBootstrap: true`) and the scrape is verified.
   * @default KubeletServingCertificates.SELF_SIGNED
   */
  readonly kubeletServingCertificates?: KubeletServingCertificates;
  /** @default - no GPU Operator */
  readonly gpuOperatorNamespace?: string;
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
    // The provider treats an empty config_context like an absent one and uses the kubeconfig's current context:
    // the cluster deployed to would be whichever one kubectl last switched to.
    if (props.context !== undefined && !Token.isUnresolved(props.context)) {
      v.check(typeof props.context === 'string' && props.context.trim() !== '', 'context', props.context,
        'is empty, which the kubernetes provider reads as "the kubeconfig\'s current context" (whatever kubectl last switched to); '
        + 'name the context (kubectl config get-contexts -o name), or leave context unset to use the current context on purpose');
    }
    if (props.configPath !== undefined && !Token.isUnresolved(props.configPath)) {
      v.check(typeof props.configPath === 'string' && props.configPath.trim() !== '', 'configPath', props.configPath,
        'is empty; give the kubeconfig\'s path, or leave configPath unset for ~/.kube/config');
    }
    KubernetesTarget.checkFacts(v, props);
    v.throwIfAny();
    const config = { alias: id.replace(/[^A-Za-z0-9_]/g, '_'), configPath: props.configPath ?? '~/.kube/config', configContext: props.context };
    const { KubernetesProvider } = requireProvider(scope, `the kubernetes provider ${id}`, () =>
      require('@cdktf/provider-kubernetes/lib/provider') as typeof import('@cdktf/provider-kubernetes/lib/provider'));
    const provider = new KubernetesProvider(scope, id, config);
    // A kubeconfig is configuration, not a resource: every stack can configure the same provider from it.
    const factory: KubernetesProviderFactory = (stack, providerId) => new KubernetesProvider(stack, `kubernetes-${providerId}`, config);
    return new KubernetesTarget(provider, props, { byStack: new Map([[TerraformStack.of(provider), provider]]), factory, clusterStacks: new Set(), id });
  }

  /**
   * Wraps a kubernetes provider that already exists. Resources in other stacks need `factory` to get a provider
   * of their own (`providerFor` throws otherwise); `clusterStacks` are stacks that create the cluster, where no
   * provider may be configured (its configuration would come from resources of the same stack).
   */
  public static fromProvider(provider: TerraformProvider, props: KubernetesTargetProps, options: {
    readonly factory?: KubernetesProviderFactory;
    readonly clusterStacks?: TerraformStack[];
  } = {}): KubernetesTarget {
    const v = new Validator(provider.node.path);
    checkResourceName(v, 'clusterName', props.clusterName, 63);
    checkResourceName(v, 'namespace', props.namespace, 63);
    KubernetesTarget.checkFacts(v, props);
    v.throwIfAny();
    return new KubernetesTarget(provider, props, {
      byStack: new Map([[TerraformStack.of(provider), provider]]), factory: options.factory,
      clusterStacks: new Set(options.clusterStacks ?? []), id: provider.node.id,
    });
  }

  /**
   * A target that describes `base`'s cluster differently (another namespace, more facts) and shares its
   * providers: resources in any stack get the provider `base` gives that stack.
   */
  public static derivedFrom(base: IKubernetesTarget, props: KubernetesTargetProps): KubernetesTarget {
    return KubernetesTarget.fromProvider(base.provider, props, { factory: (stack) => base.providerFor(stack) });
  }

  private static checkFacts(v: Validator, props: KubernetesTargetProps): void {
    const certificates = Object.values(KubeletServingCertificates) as string[];
    v.check(props.kubeletServingCertificates === undefined || certificates.includes(props.kubeletServingCertificates), 'kubeletServingCertificates',
      props.kubeletServingCertificates, `must be one of ${certificates.join(', ')}`);
    checkResourceName(v, 'gpuOperatorNamespace', props.gpuOperatorNamespace, 63);
  }

  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly platform: KubernetesPlatform;
  public readonly acceleratorNodes: AcceleratorNodes[];
  public readonly dependables: ITerraformDependable[];
  public readonly identity: WorkloadIdentityMode;
  public readonly kubeletServingCertificates: KubeletServingCertificates;
  public readonly gpuOperatorNamespace?: string;

  private constructor(public readonly provider: TerraformProvider, props: KubernetesTargetProps, private readonly providers: ProviderCache) {
    this.clusterName = props.clusterName;
    this.namespace = props.namespace ?? 'default';
    this.platform = props.platform ?? KubernetesPlatform.EXISTING;
    this.acceleratorNodes = props.acceleratorNodes ?? [];
    this.dependables = props.dependables ?? [];
    this.identity = props.identity ?? WorkloadIdentityMode.NONE;
    this.kubeletServingCertificates = props.kubeletServingCertificates ?? defaultKubeletCertificates(this.platform);
    this.gpuOperatorNamespace = props.gpuOperatorNamespace;
  }

  public inNamespace(namespace: string): IKubernetesTarget {
    const v = new Validator(this.provider.node.path);
    checkResourceName(v, 'namespace', namespace, 63);
    v.throwIfAny();
    return new KubernetesTarget(this.provider, { ...this, namespace }, this.providers);
  }

  public providerFor(scope: IConstruct): TerraformProvider {
    const stack = TerraformStack.of(scope);
    const cached = this.providers.byStack.get(stack);
    if (cached) return cached;
    const path = scope.node.path;
    if (this.providers.clusterStacks.has(stack)) {
      throw new Error(`${path}: cluster ${this.clusterName} is created in stack ${stack.node.id}, so a kubernetes provider there would be ` +
        'configured from resources of its own stack (the first plan fails, later ones are unpredictable); place this construct in ' +
        'the environment\'s add-ons or workloads stack (MlPlatform: env.addons / env.workloads)');
    }
    if (!this.providers.factory) {
      throw new Error(`${path}: the kubernetes provider of cluster ${this.clusterName} is in stack ${TerraformStack.of(this.provider).node.id}, ` +
        `and this construct is in ${stack.node.id}; a provider serves one stack. Create the target with KubernetesTarget.fromKubeconfig, ` +
        'or pass a factory to KubernetesTarget.fromProvider, so each stack gets its own');
    }
    const provider = this.providers.factory(stack, this.providers.id.replace(/[^A-Za-z0-9_-]/g, '-'));
    this.providers.byStack.set(stack, provider);
    return provider;
  }

  public dependablesFor(scope: IConstruct): ITerraformDependable[] {
    const stack = TerraformStack.of(scope);
    // Dependables in another stack cannot be named in depends_on: that stack is applied first.
    return this.dependables.filter((d) => !(d instanceof Construct) || TerraformStack.of(d) === stack);
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
