import { Construct } from 'constructs';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { AcceleratorKind, KUBERNETES_RESOURCE, NEURON_CORE_RESOURCE } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { IKubernetesTarget, KubernetesTarget } from '../core/kubernetes-target';
import { checkResourceName } from '../core/names';
import { PRIORITY_CLASSES } from '../core/priority-classes';
import { Cpu, Size } from '../core/units';

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  PRIVILEGED = 'privileged',
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}

/**
 * A team's share of the cluster. Declared once on the TrainingCluster and enforced on every target as a
 * namespace with a ResourceQuota (Kubernetes' own admission control caps what the team can request).
 */
export interface TeamQuota {
  /** Team name; also the namespace name. Lowercase letters, digits and hyphens. */
  readonly team: string;
  /** Most NVIDIA GPUs the team's pods may request at once (`requests.nvidia.com/gpu`). @default 0 */
  readonly maxGpus?: number;
  /** Most TPU chips (`requests.google.com/tpu`). @default 0 */
  readonly maxTpuChips?: number;
  /** Most whole Neuron devices (`requests.aws.amazon.com/neuron`). @default 0 */
  readonly maxNeuronDevices?: number;
  /**
   * Most single NeuronCores (`requests.aws.amazon.com/neuroncore`), the resource most Neuron workloads request.
   * Capped separately from devices because the device plugin advertises both and a pod may ask for either:
   * leaving it unset keeps it at 0, so a device quota cannot be bypassed by asking for cores. A device holds 2
   * cores on Trainium and Inferentia2 and 4 on Trainium2 at its default LNC (`Accelerator.neuronCores`).
   * @default 0
   */
  readonly maxNeuronCores?: number;
  /** Most CPU requested in total. @default - not capped */
  readonly maxCpu?: Cpu;
  /** Most memory requested in total. @default - not capped */
  readonly maxMemory?: Size;
  /**
   * Pod Security Standard enforced in the namespace; `restricted` is always warned and audited.
   * @default PodSecurityLevel.BASELINE
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Terraform `prevent_destroy` on the team's namespace: deleting a namespace deletes everything in it, the volume
   * claims (checkpoints, datasets, the databases of in-cluster MLflow or Feast Redis) included. Removing a team is
   * then two reviewed changes: this set to false, then the team removed. @default true
   */
  readonly protectFromDeletion?: boolean;
}

// Defined in core with the other priority class names; exported here too, where it always was.
export { PRIORITY_CLASSES };

/**
 * Validates team quotas and, given `kinds`, that each caps an accelerator the cluster actually has (training clusters
 * check that at synth, once pools added after construction are known).
 */
export function checkTeamQuotas(v: Validator, teams: readonly TeamQuota[] | undefined, kinds?: ReadonlySet<AcceleratorKind>): void {
  const list = teams ?? [];
  if (!Array.isArray(list)) {
    v.add('teams', teams, 'must be an array of { team, maxGpus?, ... }');
    return;
  }
  v.unique('teams', list, (t) => String(t?.team), 'team');
  const quotaKinds: Array<[keyof TeamQuota, AcceleratorKind, string]> = [
    ['maxGpus', AcceleratorKind.NVIDIA_GPU, 'NVIDIA GPU'],
    ['maxTpuChips', AcceleratorKind.GOOGLE_TPU, 'TPU'],
    ['maxNeuronDevices', AcceleratorKind.AWS_NEURON, 'Neuron device'],
    ['maxNeuronCores', AcceleratorKind.AWS_NEURON, 'NeuronCore'],
  ];
  list.forEach((t, i) => {
    if (!t || typeof t !== 'object') {
      v.add(`teams[${i}]`, t, 'must be { team, maxGpus?, ... }');
      return;
    }
    checkResourceName(v, `teams[${i}].team`, t.team, 63);
    v.check(!['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(t.team), `teams[${i}].team`, t.team,
      'is a namespace Kubernetes owns; choose a team name');
    for (const [prop, kind, what] of quotaKinds) {
      const value = t[prop] as number | undefined;
      if (v.integer(`teams[${i}].${prop}`, value, 0, 100000) && value && kinds && !kinds.has(kind)) {
        v.add(`teams[${i}].${prop}`, value, `caps ${what}s but the cluster has no ${what.replace(/ device$|Core$/, '')} pool; add one or remove the quota`);
      }
    }
    if (t.maxCpu !== undefined) v.check(t.maxCpu instanceof Cpu, `teams[${i}].maxCpu`, t.maxCpu, 'must be a Cpu, e.g. Cpu.cores(64)');
    if (t.maxMemory !== undefined) v.check(t.maxMemory instanceof Size, `teams[${i}].maxMemory`, t.maxMemory, 'must be a Size, e.g. Size.gibibytes(512)');
    v.check(t.podSecurity === undefined || Object.values(PodSecurityLevel).includes(t.podSecurity), `teams[${i}].podSecurity`,
      t.podSecurity, `must be one of ${Object.values(PodSecurityLevel).join(', ')}`);
  });
}

/** The Kubernetes objects that carve a cluster into teams: one per team, plus the shared priority classes. */
export interface TeamResources {
  readonly namespace: NamespaceV1;
  readonly quota: ResourceQuotaV1;
  readonly limitRange: LimitRangeV1;
  readonly networkPolicy: NetworkPolicyV1;
}

/**
 * Team namespaces with GPU/TPU/Neuron quotas, default container resources, a same-namespace-only ingress
 * NetworkPolicy and Pod Security labels; plus the `ml-serving` / `ml-training` PriorityClasses.
 * Used by every TrainingCluster target, so quotas mean the same thing on EKS, GKE and on-prem.
 */
export class TeamQuotas extends Construct {
  /** Per team, the objects created (escape hatch). */
  public readonly teams: Record<string, TeamResources> = {};
  public readonly servingPriority: PriorityClassV1;
  public readonly trainingPriority: PriorityClassV1;

  constructor(scope: Construct, id: string, target: IKubernetesTarget, teams: readonly TeamQuota[]) {
    super(scope, id);
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };
    this.servingPriority = new PriorityClassV1(this, 'serving-priority', {
      ...common,
      metadata: { name: PRIORITY_CLASSES.serving },
      value: 100000,
      description: 'Online inference: may preempt training pods.',
    });
    this.trainingPriority = new PriorityClassV1(this, 'training-priority', {
      ...common,
      metadata: { name: PRIORITY_CLASSES.training },
      value: 1000,
      description: 'Training and batch jobs: preempted by serving.',
    });

    for (const t of teams) {
      const level = t.podSecurity ?? PodSecurityLevel.BASELINE;
      const namespace = new NamespaceV1(this, `${t.team}-namespace`, {
        ...common,
        metadata: {
          name: t.team,
          labels: {
            'ml-platform.io/team': t.team,
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
            'pod-security.kubernetes.io/audit': PodSecurityLevel.RESTRICTED,
          },
        },
        lifecycle: { preventDestroy: t.protectFromDeletion ?? true },
      });
      const hard: Record<string, string> = {
        [`requests.${KUBERNETES_RESOURCE[AcceleratorKind.NVIDIA_GPU]}`]: String(t.maxGpus ?? 0),
        [`requests.${KUBERNETES_RESOURCE[AcceleratorKind.GOOGLE_TPU]}`]: String(t.maxTpuChips ?? 0),
        [`requests.${KUBERNETES_RESOURCE[AcceleratorKind.AWS_NEURON]}`]: String(t.maxNeuronDevices ?? 0),
        [`requests.${NEURON_CORE_RESOURCE}`]: String(t.maxNeuronCores ?? 0),
      };
      if (t.maxCpu) hard['requests.cpu'] = t.maxCpu.toKubernetes();
      if (t.maxMemory) hard['requests.memory'] = t.maxMemory.toKubernetes();
      const ns = namespace.metadata.name;
      const quota = new ResourceQuotaV1(this, `${t.team}-quota`, {
        provider: target.providerFor(this),
        metadata: { name: 'accelerator-quota', namespace: ns },
        spec: { hard },
      });
      // Pods that set no requests still count against the quota, and never land with unbounded memory.
      const limitRange = new LimitRangeV1(this, `${t.team}-limits`, {
        provider: target.providerFor(this),
        metadata: { name: 'default-container-resources', namespace: ns },
        spec: {
          limit: [{
            type: 'Container',
            defaultRequest: { cpu: '500m', memory: '1Gi' },
            default: { cpu: '2', memory: '4Gi' },
          }],
        },
      });
      const networkPolicy = new NetworkPolicyV1(this, `${t.team}-same-namespace`, {
        provider: target.providerFor(this),
        metadata: { name: 'allow-same-namespace-ingress', namespace: ns },
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: {} }] }],
        },
      });
      this.teams[t.team] = { namespace, quota, limitRange, networkPolicy };
    }
  }

  /**
   * The target for one team's namespace: objects created there wait for the namespace and its quota.
   * Throws, naming the declared teams, if `team` was not declared.
   */
  public targetFor(base: IKubernetesTarget, team: string): IKubernetesTarget {
    const resources = this.teams[team];
    if (!resources) {
      const declared = Object.keys(this.teams);
      throw new Error(`${this.node.scope!.node.path}: team "${team}" is not declared; declared teams: ${declared.join(', ') || 'none'}; add it to teams`);
    }
    return KubernetesTarget.derivedFrom(base, {
      clusterName: base.clusterName,
      namespace: team,
      platform: base.platform,
      acceleratorNodes: base.acceleratorNodes,
      identity: base.identity,
      kubeletServingCertificates: base.kubeletServingCertificates,
      gpuOperatorNamespace: base.gpuOperatorNamespace,
      dependables: [...base.dependables, resources.namespace, resources.quota],
    });
  }
}
