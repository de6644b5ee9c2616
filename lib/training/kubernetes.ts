import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { Accelerator, AcceleratorKind } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { AcceleratorNodes, IKubernetesTarget, KubernetesPlatform, KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels } from '../core/labels';
import { checkLabels, checkResourceName } from '../core/names';
import { NvidiaDevicePlugin } from './nvidia-device-plugin';
import { POOL_LABELS, Taint, TaintEffect } from './pool';
import { acceleratorTaint, addedPoolProp } from './private/pools';
import { checkTeamQuotas, TeamQuotas } from './team-quotas';
import { TrainingClusterBase, TrainingClusterProps } from './training-cluster';

/** GPU nodes that already exist in the cluster (on-prem hardware is not created by Terraform). */
export interface ExistingPoolProps {
  /** A name for this group of nodes. */
  readonly name: string;
  /** The GPU model, e.g. `Accelerator.NVIDIA_A100_80GB`. */
  readonly accelerator: Accelerator;
  /** GPUs per node. */
  readonly acceleratorsPerNode: number;
  /** How many such nodes exist (for budgets and capacity checks). */
  readonly nodeCount: number;
  /**
   * Node labels that select exactly these nodes. The device plugin, the DCGM exporter and every workload are
   * pinned to them, so they must be labels the nodes carry: without the GPU Operator, labels you set
   * (`kubectl label nodes <node> ml-platform.io/pool=a100`); with it, GPU feature discovery's are fine too
   * (`{ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }`).
   * @default - `{ 'ml-platform.io/pool': name }`, the pool label EKS and GKE pools carry
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Taints the nodes carry, which workloads must tolerate. Taint GPU nodes `nvidia.com/gpu=present:NoSchedule`
   * (e.g. `kubectl taint nodes … nvidia.com/gpu=present:NoSchedule`) so CPU pods stay off them.
   * @default - the taint `nvidia.com/gpu=present:NoSchedule`
   */
  readonly taints?: Taint[];
}

/** Props for {@link KubernetesTrainingCluster}. */
export interface KubernetesTrainingClusterProps extends Omit<TrainingClusterProps, 'pools'> {
  /** The cluster: `KubernetesTarget.fromKubeconfig(this, 'onprem', { clusterName, context })`. */
  readonly target: IKubernetesTarget;
  /** The GPU nodes the cluster has. @default - none */
  readonly pools?: ExistingPoolProps[];
  /**
   * The NVIDIA GPU Operator manages the GPU nodes. It runs the device plugin and the DCGM exporter on every GPU
   * node itself (with drivers, container toolkit and GPU feature discovery), so the library installs neither:
   * no device plugin here, and a MonitoringStack on this cluster scrapes the Operator's DCGM exporter instead
   * of deploying its own. Leave it off where the nodes have drivers and the NVIDIA container toolkit but no
   * Operator: then the library installs the device plugin (and MonitoringStack the exporter), pinned to the
   * GPU nodes by their `nodeSelector`.
   * @default false
   */
  readonly gpuOperator?: boolean;
  /** The GPU Operator's namespace (OpenShift's OperatorHub install uses `nvidia-gpu-operator`). @default 'gpu-operator' */
  readonly gpuOperatorNamespace?: string;
  /**
   * Install the NVIDIA device plugin DaemonSet on the GPU nodes. Turn off where something other than the GPU
   * Operator already runs it (e.g. NVIDIA's k8s-device-plugin Helm chart); with the Operator, set `gpuOperator`.
   * @default true when there are GPU nodes and no GPU Operator
   */
  readonly nvidiaDevicePlugin?: boolean;
  /** @default - see NvidiaDevicePlugin */
  readonly nvidiaDevicePluginImage?: string;
}

/** The namespace NVIDIA's install guide uses (docs.nvidia.com gpu-operator getting-started: `helm install … -n gpu-operator --create-namespace`). */
const DEFAULT_GPU_OPERATOR_NAMESPACE = 'gpu-operator';

/** Node label prefix of NVIDIA GPU feature discovery (`nvidia.com/gpu.product`, …; NVIDIA/k8s-device-plugin, GFD "Generated Labels"), which the GPU Operator runs. */
const GFD_LABEL_PREFIX = 'nvidia.com/';

/**
 * GPU capacity on an existing Kubernetes cluster (on-prem, or any cluster Terraform does not own).
 *
 * Creates, through the cluster's kubernetes provider: one namespace per team with a ResourceQuota that caps
 * its GPUs (`requests.nvidia.com/gpu`), a LimitRange with default container resources, a same-namespace
 * ingress NetworkPolicy and Pod Security labels; the `ml-serving` and `ml-training` PriorityClasses; and,
 * unless the NVIDIA GPU Operator manages the GPU nodes (`gpuOperator`), the NVIDIA device plugin DaemonSet
 * pinned to the GPU nodes by their labels (default `ml-platform.io/pool=<name>`), tolerating their taints.
 * It describes GPU nodes that exist (`pools`, {@link addPool}) where the cloud targets create pools
 * (`pools`, `addPool`): Terraform does not own on-prem hardware.
 */
export class KubernetesTrainingCluster extends TrainingClusterBase {
  public readonly clusterName: string;
  public readonly platform: KubernetesPlatform;
  public readonly kubernetes: IKubernetesTarget;
  public readonly teamQuotas: TeamQuotas;
  /** The GPU nodes this cluster describes (`pools` and {@link addPool}), in order. */
  private readonly pools: AcceleratorNodes[];
  /** Whether the library runs the device plugin on the GPU nodes (no GPU Operator, not turned off). */
  private readonly runsDevicePlugin: boolean;
  private readonly devicePluginImage?: string;
  private devicePlugin?: NvidiaDevicePlugin;

  constructor(scope: Construct, id: string, props: KubernetesTrainingClusterProps) {
    super(scope, id);
    const nodes = this.pools = KubernetesTrainingCluster.validate(this, props);
    this.clusterName = props.clusterName;
    this.platform = props.target.platform;
    if (props.labels) PlatformLabels.apply(this, props.labels);
    const operator = props.gpuOperator === true;
    this.runsDevicePlugin = !operator && (props.nvidiaDevicePlugin ?? true);
    this.devicePluginImage = props.nvidiaDevicePluginImage;
    this.offerNodes(...props.target.acceleratorNodes, ...nodes);
    this.kubernetes = KubernetesTarget.derivedFrom(props.target, {
      clusterName: props.clusterName,
      namespace: props.target.namespace,
      platform: props.target.platform,
      acceleratorNodes: this.sharedAcceleratorNodes,
      dependables: props.target.dependables,
      identity: props.target.identity,
      kubeletServingCertificates: props.target.kubeletServingCertificates,
      gpuOperatorNamespace: operator ? props.gpuOperatorNamespace ?? DEFAULT_GPU_OPERATOR_NAMESPACE : props.target.gpuOperatorNamespace,
    });
    if (nodes.length > 0 && this.runsDevicePlugin) {
      this.devicePlugin = this.newDevicePlugin();
      (props.pools ?? []).forEach((n, i) => this.warnOnFeatureDiscoveryLabels(`pools[${i}]`, n));
    }
    this.teamQuotas = new TeamQuotas(this, 'teams', this.kubernetes, props.teams ?? []);
    this.checkTeamAcceleratorsAtSynth(props.teams);
  }

  /** The NVIDIA device plugin, where the library runs it. */
  public get nvidiaDevicePlugin(): NvidiaDevicePlugin | undefined {
    return this.devicePlugin;
  }

  /**
   * Describes more existing GPU nodes after construction, as if they were one more entry of `pools`: validated the
   * same way (errors name `addPool("<name>")`; a name already used is refused) and offered wherever `pools` are:
   * `kubernetes.acceleratorNodes` and every team target, the NVIDIA device plugin (created, or extended to these nodes'
   * labels and taints), the team quota check (at synth) and the capacity contracts. Constructs built on the cluster (a
   * MonitoringStack, endpoints, pipelines) read the nodes when they are created: describe nodes before creating them,
   * or this throws.
   */
  public addPool(nodes: ExistingPoolProps): AcceleratorNodes {
    const v = new Validator(this);
    const prop = addedPoolProp('addPool', nodes?.name);
    const described = KubernetesTrainingCluster.describeGpuNodes(v, nodes, prop);
    if (described) {
      v.check(!this.pools.some((n) => n.pool === described.pool), `${prop}.name`, described.pool,
        'already names GPU nodes of this cluster; choose another name');
    }
    this.checkPoolsStillOpen(v, prop, nodes?.name);
    v.throwIfAny();
    this.pools.push(described!);
    this.offerNodes(described!);
    if (this.runsDevicePlugin) {
      if (this.devicePlugin) {
        this.devicePlugin.addNodeSelector(described!.nodeSelector);
        this.devicePlugin.addTolerations(described!.tolerations);
      } else {
        this.devicePlugin = this.newDevicePlugin();
      }
      this.warnOnFeatureDiscoveryLabels(prop, nodes);
    }
    return described!;
  }

  /** The device plugin on every GPU node described so far. */
  private newDevicePlugin(): NvidiaDevicePlugin {
    return new NvidiaDevicePlugin(this, 'nvidia-device-plugin', this.kubernetes, {
      nodeSelectors: this.pools.map((n) => n.nodeSelector),
      tolerations: this.pools.flatMap((n) => n.tolerations),
      image: this.devicePluginImage,
    });
  }

  /**
   * GPU feature discovery labels (`nvidia.com/gpu.product`, `nvidia.com/gpu.present`) exist only where GFD runs,
   * which in practice means the GPU Operator, which runs its own device plugin and DCGM exporter: either the
   * library's DaemonSets schedule nowhere (no GFD) or they duplicate the Operator's. Not an error, since GFD can
   * run alone (k8s-device-plugin's chart), but worth a word at synth.
   */
  private warnOnFeatureDiscoveryLabels(prop: string, n: ExistingPoolProps): void {
    const keys = Object.keys(n.nodeSelector ?? {}).filter((k) => k.startsWith(GFD_LABEL_PREFIX));
    if (keys.length === 0) return;
    Annotations.of(this).addWarning(`${prop}.nodeSelector uses ${keys.join(', ')}, a label only NVIDIA GPU feature discovery sets, `
      + 'which runs with the NVIDIA GPU Operator. Where the Operator runs, set gpuOperator: true: it already runs the device plugin and the '
      + 'DCGM exporter, and a second copy of each fights it. Otherwise select the nodes by a label you set, e.g. leave nodeSelector unset '
      + `and run kubectl label nodes <node> ${POOL_LABELS.pool}=${n.name}.`);
  }

  private static validate(self: Construct, props: KubernetesTrainingClusterProps): AcceleratorNodes[] {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { clusterName, target, pools, teams }');
      v.throwIfAny();
    }
    v.check(typeof props.clusterName === 'string', 'clusterName', props.clusterName, 'is required');
    checkResourceName(v, 'clusterName', props.clusterName, 63);
    v.check(!!props.target && typeof props.target === 'object' && typeof props.target.providerFor === 'function', 'target', props.target,
      'is required: KubernetesTarget.fromKubeconfig(scope, id, { clusterName, context })');
    v.check(props.gpuOperator === undefined || typeof props.gpuOperator === 'boolean', 'gpuOperator', props.gpuOperator, 'must be true or false');
    if (props.gpuOperatorNamespace !== undefined && checkResourceName(v, 'gpuOperatorNamespace', props.gpuOperatorNamespace, 63)) {
      v.check(props.gpuOperator === true, 'gpuOperatorNamespace', props.gpuOperatorNamespace,
        'is set but gpuOperator is not; set gpuOperator: true where the NVIDIA GPU Operator manages the GPU nodes, or remove gpuOperatorNamespace');
    }
    if (props.gpuOperator === true) {
      v.check(props.nvidiaDevicePlugin !== true, 'nvidiaDevicePlugin', props.nvidiaDevicePlugin,
        'would run a second device plugin beside the GPU Operator\'s; remove nvidiaDevicePlugin (the Operator runs the plugin), or set gpuOperator: false');
      v.check(props.nvidiaDevicePluginImage === undefined, 'nvidiaDevicePluginImage', props.nvidiaDevicePluginImage,
        'has no effect with gpuOperator: the Operator picks its device plugin image (ClusterPolicy devicePlugin.version); remove it');
    }
    const list = props.pools ?? [];
    v.unique('pools', list, (n) => String(n?.name), 'name');
    const out = list.flatMap((n, i) => KubernetesTrainingCluster.describeGpuNodes(v, n, `pools[${i}]`) ?? []);
    checkTeamQuotas(v, props.teams);
    v.throwIfAny();
    return out;
  }

  /** Validates one group of existing GPU nodes (`prop`: `pools[1]`, `addPool("a100")`); problems go to `v`. */
  private static describeGpuNodes(v: Validator, n: ExistingPoolProps, prop: string): AcceleratorNodes | undefined {
    if (!n || typeof n !== 'object') {
      v.add(prop, n, 'must be { name, accelerator, acceleratorsPerNode, nodeCount, nodeSelector? }');
      return undefined;
    }
    checkResourceName(v, `${prop}.name`, n.name, 63);
    const isAccel = n.accelerator instanceof Accelerator;
    if (!isAccel) v.add(`${prop}.accelerator`, n.accelerator, 'must be an Accelerator, e.g. Accelerator.NVIDIA_A100_80GB');
    else v.check(n.accelerator.kind === AcceleratorKind.NVIDIA_GPU, `${prop}.accelerator`, n.accelerator.id,
      'is not an NVIDIA GPU; on-prem clusters get GPU capacity only (TPUs and Neuron run in their clouds)');
    v.integer(`${prop}.acceleratorsPerNode`, n.acceleratorsPerNode, 1, 16);
    v.check(n.acceleratorsPerNode !== undefined, `${prop}.acceleratorsPerNode`, n.acceleratorsPerNode, 'is required: GPUs per node');
    v.integer(`${prop}.nodeCount`, n.nodeCount, 1, 100000);
    v.check(n.nodeCount !== undefined, `${prop}.nodeCount`, n.nodeCount, 'is required: how many such nodes exist');
    const nodeSelector = n.nodeSelector ?? { [POOL_LABELS.pool]: n.name };
    const selectorOk = v.check(!!nodeSelector && typeof nodeSelector === 'object' && Object.keys(nodeSelector).length > 0,
      `${prop}.nodeSelector`, n.nodeSelector, `must name at least one node label that selects these nodes, or be left unset to select them by ${POOL_LABELS.pool}=${n.name}`);
    if (selectorOk) checkLabels(v, `${prop}.nodeSelector`, nodeSelector);
    if (!isAccel || !selectorOk) return undefined;
    const taints = n.taints ?? [acceleratorTaint(n.accelerator)];
    return {
      pool: n.name,
      accelerator: n.accelerator,
      acceleratorsPerNode: n.acceleratorsPerNode,
      maxNodes: n.nodeCount,
      nodeSelector,
      tolerations: taints.map((t) => ({
        key: t.key,
        operator: t.value ? 'Equal' : 'Exists',
        ...(t.value ? { value: t.value } : {}),
        effect: t.effect ?? TaintEffect.NO_SCHEDULE,
      })),
    };
  }
}
