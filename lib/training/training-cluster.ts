import { TerraformResource } from 'cdktf';
import { Contracts } from '../contracts/contracts';
import { Construct, IConstruct } from 'constructs';
import { qualifyProviderSources } from '../core/private/provider-sources';
import type { TeamQuotas } from './team-quotas';
import { AcceleratorKind, NEURON_CORE_RESOURCE } from '../core/accelerators/accelerator';
import { IMonitorable, MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { AcceleratorNodes, IKubernetesTarget, KubernetesPlatform } from '../core/kubernetes-target';
import { StandardLabels } from '../core/labels';
import { Validator } from '../core/errors';
import { AcceleratorPoolProps } from './pool';
import { OfferedNodes } from './private/offered-nodes';
import { checkTeamQuotas, TeamQuota } from './team-quotas';

/** What every TrainingCluster target takes. */
export interface TrainingClusterProps {
  /** Cluster name: lowercase letters, digits and hyphens, at most 40 characters. */
  readonly clusterName: string;
  /** Accelerator pools. @default - no accelerator pools (a CPU-only cluster) */
  readonly pools?: AcceleratorPoolProps[];
  /** Team namespaces with accelerator quotas, enforced on every target. @default - no team namespaces */
  readonly teams?: TeamQuota[];
  /**
   * Standard labels (owner, cost centre, environment, data classification) for every resource of the
   * cluster. @default - none here; apply `PlatformLabels.apply(stack, …)` to label a whole stack
   */
  readonly labels?: StandardLabels;
}

/** A training cluster on any target. Later constructs take this interface, not a concrete class. */
export interface ITrainingCluster extends IConstruct {
  /** The cluster's name. */
  readonly clusterName: string;
  /** Where it runs. */
  readonly platform: KubernetesPlatform;
  /** The cluster as a Kubernetes target (namespace `default`); use `teamTarget()` for a team's namespace. */
  readonly kubernetes: IKubernetesTarget;
  /** The Kubernetes target for one team's namespace. Throws if the team was not declared. */
  teamTarget(team: string): IKubernetesTarget;
}

/** How a MonitoringStack sees a training cluster. */
export function trainingClusterWorkload(cluster: ITrainingCluster): MonitoredWorkload {
  const nodes = cluster.kubernetes.acceleratorNodes;
  return {
    kind: MonitoredKind.TRAINING_CLUSTER,
    name: cluster.clusterName,
    clusterName: cluster.clusterName,
    usesGpus: nodes.some((n) => n.accelerator.kind === AcceleratorKind.NVIDIA_GPU),
    attributes: {
      platform: cluster.platform,
      gpus: String(nodes.filter((n) => n.accelerator.kind === AcceleratorKind.NVIDIA_GPU).reduce((sum, n) => sum + n.acceleratorsPerNode * n.maxNodes, 0)),
    },
  };
}

/**
 * What every TrainingCluster target shares: team targets, monitoring and the escape hatch to its resources.
 * Each target (eks.ts, gke.ts, kubernetes.ts) builds the cluster and its TeamQuotas.
 */
export abstract class TrainingClusterBase extends Construct implements ITrainingCluster, IMonitorable {
  public abstract readonly clusterName: string;
  public abstract readonly platform: KubernetesPlatform;
  public abstract readonly kubernetes: IKubernetesTarget;
  /** Team namespaces and quotas. */
  public abstract readonly teamQuotas: TeamQuotas;
  private readonly offered = new OfferedNodes();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    qualifyProviderSources(this);
    // What each pool can hold, for the capacity contracts of the workloads placed on it (read at synth, so pools
    // added after construction count). Neuron pools offer their devices' NeuronCores too: the device plugin
    // advertises both resources.
    Contracts.capacitySupply(this, () => this.offered.all.flatMap((n) => {
      const offer = {
        cluster: this.clusterName,
        pool: n.pool,
        resource: n.accelerator.kubernetesResource,
        perNode: n.acceleratorsPerNode,
        minNodes: n.minNodes ?? n.maxNodes,
        maxNodes: n.maxNodes,
        nodeGroup: this.nodeGroupOf(n.pool),
      };
      const cores = n.accelerator.neuronCores;
      return cores ? [offer, { ...offer, resource: NEURON_CORE_RESOURCE, perNode: n.acceleratorsPerNode * cores.logical }] : [offer];
    }));
  }

  /**
   * The accelerator nodes the cluster offers, for its Kubernetes target's `acceleratorNodes`: one list, shared by every
   * target derived from it, so node groups offered after construction (`addPool`, `addPool`) reach every reader.
   */
  protected get sharedAcceleratorNodes(): AcceleratorNodes[] {
    return this.offered.shared;
  }

  /** Every node group offered so far, for the cluster's own wiring (not counted as a read by a consumer). */
  protected get offeredNodes(): AcceleratorNodes[] {
    return [...this.offered.all];
  }

  /** Offers more node groups: the pools of the constructor, then those of `addPool` / `addPool`. */
  protected offerNodes(...nodes: AcceleratorNodes[]): void {
    this.offered.add(...nodes);
  }

  /** The node group / node pool resource of a pool, where the target creates one (EKS, GKE). */
  protected nodeGroupOf(_pool: string): TerraformResource | undefined {
    return undefined;
  }

  /**
   * Checks at synth that every team quota caps an accelerator the cluster offers: pools added after construction
   * (`addPool`, `addPool`) count, so the check waits until they are all known. The quotas themselves are
   * checked in the constructor.
   */
  protected checkTeamAcceleratorsAtSynth(teams: TeamQuota[] | undefined): void {
    this.node.addValidation({
      validate: () => {
        const v = new Validator(this);
        checkTeamQuotas(v, teams, new Set(this.offered.all.map((n) => n.accelerator.kind)));
        // The library's one error type, as at construction (cdktf would wrap returned messages in its own).
        v.throwIfAny();
        return [];
      },
    });
  }

  /**
   * Records a problem when a pool is added (`prop`: `addPool("h100")`) after something read the cluster's accelerator
   * nodes: constructs built on the cluster take what they need from them when they are created (a MonitoringStack
   * its GPU nodes, an endpoint or pipeline its pool's tolerations), and would silently miss the new pool.
   */
  protected checkPoolsStillOpen(v: Validator, prop: string, name: unknown): void {
    v.check(!this.offered.read, prop, name,
      'comes after something read this cluster\'s accelerator pools (kubernetes.acceleratorNodes: a MonitoringStack, an inference endpoint or '
      + 'a retraining pipeline on the cluster reads them when it is created) and would be missing there; add pools right after creating the cluster');
  }

  /** Watched by a MonitoringStack: GPU utilisation and memory (DCGM), idle or saturated accelerators. */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [trainingClusterWorkload(this)];
  }

  public teamTarget(team: string): IKubernetesTarget {
    return this.teamQuotas.targetFor(this.kubernetes, team);
  }

  /** All resources this construct created, for inspection and overrides. */
  public get resources(): TerraformResource[] {
    return this.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
  }
}
