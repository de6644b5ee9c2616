import { Construct } from 'constructs';
import { Accelerator, AcceleratorKind } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { AcceleratorNodes, IKubernetesTarget, KubernetesPlatform, KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels } from '../core/labels';
import { checkLabels, checkResourceName } from '../core/names';
import { NvidiaDevicePlugin } from './nvidia-device-plugin';
import { acceleratorTaint, Taint, TaintEffect } from './pool';
import { checkTeamQuotas, TeamQuotas } from './team-quotas';
import { TrainingClusterBase, TrainingClusterProps } from './training-cluster';

/** GPU nodes that already exist in the cluster (on-prem hardware is not created by Terraform). */
export interface ExistingGpuNodesProps {
  /** A name for this group of nodes. */
  readonly name: string;
  /** The GPU model, e.g. `Accelerator.NVIDIA_A100_80GB`. */
  readonly accelerator: Accelerator;
  /** GPUs per node. */
  readonly acceleratorsPerNode: number;
  /** How many such nodes exist (for budgets and capacity checks). */
  readonly nodeCount: number;
  /** Node labels that select exactly these nodes, e.g. `{ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }`. */
  readonly nodeSelector: Record<string, string>;
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
  readonly gpuNodes?: ExistingGpuNodesProps[];
  /**
   * Install the NVIDIA device plugin DaemonSet on the GPU nodes. Turn off where the NVIDIA GPU Operator
   * already runs it. @default true when there are GPU nodes
   */
  readonly nvidiaDevicePlugin?: boolean;
  /** @default - see NvidiaDevicePlugin */
  readonly nvidiaDevicePluginImage?: string;
}

/**
 * GPU capacity on an existing Kubernetes cluster (on-prem, or any cluster Terraform does not own).
 *
 * Creates, through the cluster's kubernetes provider: one namespace per team with a ResourceQuota that caps
 * its GPUs (`requests.nvidia.com/gpu`), a LimitRange with default container resources, a same-namespace
 * ingress NetworkPolicy and Pod Security labels; the `ml-serving` and `ml-training` PriorityClasses; and the
 * NVIDIA device plugin DaemonSet pinned to the GPU nodes by node affinity.
 */
export class KubernetesTrainingCluster extends TrainingClusterBase {
  public readonly clusterName: string;
  public readonly platform: KubernetesPlatform;
  public readonly kubernetes: IKubernetesTarget;
  public readonly teamQuotas: TeamQuotas;
  public readonly nvidiaDevicePlugin?: NvidiaDevicePlugin;

  constructor(scope: Construct, id: string, props: KubernetesTrainingClusterProps) {
    super(scope, id);
    const nodes = KubernetesTrainingCluster.validate(this, props);
    this.clusterName = props.clusterName;
    this.platform = props.target.platform;
    if (props.labels) PlatformLabels.apply(this, props.labels);
    this.kubernetes = KubernetesTarget.fromProvider(props.target.provider, {
      clusterName: props.clusterName,
      namespace: props.target.namespace,
      platform: props.target.platform,
      acceleratorNodes: [...props.target.acceleratorNodes, ...nodes],
      dependables: props.target.dependables,
      identity: props.target.identity,
    });
    if (nodes.length > 0 && (props.nvidiaDevicePlugin ?? true)) {
      this.nvidiaDevicePlugin = new NvidiaDevicePlugin(this, 'nvidia-device-plugin', this.kubernetes, {
        nodeSelectors: nodes.map((n) => n.nodeSelector),
        image: props.nvidiaDevicePluginImage,
      });
    }
    this.teamQuotas = new TeamQuotas(this, 'teams', this.kubernetes, props.teams ?? []);
  }


  private static validate(self: Construct, props: KubernetesTrainingClusterProps): AcceleratorNodes[] {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { clusterName, target, gpuNodes, teams }');
      v.throwIfAny();
    }
    v.check(typeof props.clusterName === 'string', 'clusterName', props.clusterName, 'is required');
    checkResourceName(v, 'clusterName', props.clusterName, 63);
    v.check(!!props.target && typeof props.target === 'object' && !!props.target.provider, 'target', props.target,
      'is required: KubernetesTarget.fromKubeconfig(scope, id, { clusterName, context })');
    const list = props.gpuNodes ?? [];
    v.unique('gpuNodes', list, (n) => String(n?.name), 'name');
    const out: AcceleratorNodes[] = [];
    list.forEach((n, i) => {
      const prop = `gpuNodes[${i}]`;
      if (!n || typeof n !== 'object') {
        v.add(prop, n, 'must be { name, accelerator, acceleratorsPerNode, nodeCount, nodeSelector }');
        return;
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
      const selectorOk = v.check(!!n.nodeSelector && typeof n.nodeSelector === 'object' && Object.keys(n.nodeSelector).length > 0,
        `${prop}.nodeSelector`, n.nodeSelector, 'must name at least one node label that selects these nodes');
      if (selectorOk) checkLabels(v, `${prop}.nodeSelector`, n.nodeSelector);
      if (!isAccel || !selectorOk) return;
      const taints = n.taints ?? [acceleratorTaint(n.accelerator)];
      out.push({
        pool: n.name,
        accelerator: n.accelerator,
        acceleratorsPerNode: n.acceleratorsPerNode,
        maxNodes: n.nodeCount,
        nodeSelector: n.nodeSelector,
        tolerations: taints.map((t) => ({
          key: t.key,
          operator: t.value ? 'Equal' : 'Exists',
          ...(t.value ? { value: t.value } : {}),
          effect: t.effect ?? TaintEffect.NO_SCHEDULE,
        })),
      });
    });
    checkTeamQuotas(v, props.teams, new Set(out.map((n) => n.accelerator.kind)));
    v.throwIfAny();
    return out;
  }
}
