import { TerraformResource } from 'cdktf';
import { Contracts } from '../contracts/contracts';
import { Construct, IConstruct } from 'constructs';
import { qualifyProviderSources } from '../core/provider-sources';
import type { TeamQuotas } from './team-quotas';
import { AcceleratorKind, NEURON_CORE_RESOURCE } from '../core/accelerators/accelerator';
import { IMonitorable, MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { IKubernetesTarget, KubernetesPlatform } from '../core/kubernetes-target';
import { StandardLabels } from '../core/labels';
import { AcceleratorPoolProps } from './pool';
import { TeamQuota } from './team-quotas';

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

  constructor(scope: Construct, id: string) {
    super(scope, id);
    qualifyProviderSources(this);
    // What each pool can hold, for the capacity contracts of the workloads placed on it (read at synth).
    // Neuron pools offer their devices' NeuronCores too: the device plugin advertises both resources.
    Contracts.capacitySupply(this, () => this.kubernetes.acceleratorNodes.flatMap((n) => {
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

  /** The node group / node pool resource of a pool, where the target creates one. */
  protected nodeGroupOf(pool: string): TerraformResource | undefined {
    const pools = (this as unknown as { nodePools?: Record<string, unknown> }).nodePools;
    const p = pools?.[pool];
    if (p instanceof TerraformResource) return p;
    const group = (p as { nodeGroup?: unknown } | undefined)?.nodeGroup;
    return group instanceof TerraformResource ? group : undefined;
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
