import { IConstruct } from 'constructs';
import { AcceleratorKind } from '../core/accelerators/accelerator';
import { MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
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
