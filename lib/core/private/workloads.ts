import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CronJobV1, CronJobV1SpecJobTemplateSpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { DaemonSetV1, DaemonSetV1SpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { Contracts } from '../../contracts/contracts';
import { IKubernetesTarget } from '../kubernetes-target';
import { SYSTEM_NODE_CRITICAL } from '../priority-classes';

/**
 * The two workload shapes every capability repeats, built once: a scheduled batch job (drift checks, feature
 * materialization, database dumps) and a node agent (device plugins, GPU exporters, edge model servers). Each
 * capability gives what is its own (name, labels, schedule, the pod); the rest is decided here, so every CronJob
 * and DaemonSet of the library behaves the same way.
 */

/** What a {@link scheduledJob} needs. */
export interface ScheduledJobProps {
  readonly target: IKubernetesTarget;
  /** @default - the target's dependables */
  readonly dependsOn?: ITerraformDependable[];
  /** The CronJob's name (at most 52 characters: Kubernetes appends an 11-character suffix to its Jobs). */
  readonly name: string;
  /** @default - the target's namespace */
  readonly namespace?: string;
  /** Labels of the CronJob, its Jobs and their pods. */
  readonly labels: Record<string, string>;
  /** Standard cron syntax, evaluated in {@link timeZone}. */
  readonly schedule: string;
  /** @default 'Etc/UTC' (a schedule does not move with the controller's local time or daylight saving) */
  readonly timeZone?: string;
  /** Longest one run may take, in seconds; a run over it fails and is retried. */
  readonly activeDeadlineSeconds: number;
  /** A run that could not start within this many seconds of its time is skipped. @default 300 */
  readonly startingDeadlineSeconds?: number;
  /** Retries of a failed run. @default 2 */
  readonly backoffLimit?: number;
  /** The pod. `restartPolicy` defaults to `Never` (a failed pod is kept for its logs; the Job retries). */
  readonly pod: CronJobV1SpecJobTemplateSpecTemplateSpec;
}

/**
 * A CronJob whose runs never overlap (`Forbid`), retry twice, and keep their last three successful and three failed
 * Jobs (with their pods' logs) for inspection; the schedule is in UTC unless told otherwise. No
 * `ttlSecondsAfterFinished`: it would delete a failed nightly run a day later, before anyone looked, while the
 * history limits already bound what is kept.
 */
export function scheduledJob(scope: Construct, id: string, props: ScheduledJobProps): CronJobV1 {
  const { labels } = props;
  return new CronJobV1(scope, id, {
    provider: props.target.providerFor(scope),
    dependsOn: props.dependsOn ?? props.target.dependablesFor(scope),
    metadata: { name: props.name, namespace: props.namespace ?? props.target.namespace, labels },
    spec: {
      schedule: props.schedule,
      timezone: props.timeZone ?? 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: props.startingDeadlineSeconds ?? 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: props.backoffLimit ?? 2,
          activeDeadlineSeconds: props.activeDeadlineSeconds,
          template: { metadata: { labels }, spec: { restartPolicy: 'Never', ...props.pod } },
        },
      },
    },
  });
}

/** What a {@link nodeAgent} needs. */
export interface NodeAgentProps {
  readonly target: IKubernetesTarget;
  /** @default - the target's dependables */
  readonly dependsOn?: ITerraformDependable[];
  readonly name: string;
  /** @default - the target's namespace */
  readonly namespace?: string;
  /** Labels of the DaemonSet and its pods. */
  readonly labels: Record<string, string>;
  /** The subset of {@link labels} that selects the pods (immutable once applied). */
  readonly selector: Record<string, string>;
  /**
   * The pod. `automountServiceAccountToken` defaults to false (an agent that calls the API server says so).
   */
  readonly pod: DaemonSetV1SpecTemplateSpec;
  /**
   * A node agent the node cannot do without (a device plugin, a GPU exporter): SYSTEM_NODE_CRITICAL, evicted last
   * and scheduled first. Outside kube-system it comes with a ResourceQuota that admits such pods in the namespace:
   * GKE (and any cluster that limits critical priority classes by default, see "Limit Priority Class consumption by
   * default" in the Kubernetes ResourceQuota docs) refuses them elsewhere with "insufficient quota to match these
   * scopes". An application that merely runs on every node (an edge model server) is not critical. @default true
   */
  readonly critical?: boolean;
  /** Nodes updated at once during a rollout. @default 1 */
  readonly maxUnavailable?: string;
}

/** A DaemonSet that rolls out one node at a time. */
export function nodeAgent(scope: Construct, id: string, props: NodeAgentProps): DaemonSetV1 {
  const namespace = props.namespace ?? props.target.namespace;
  const critical = props.critical ?? true;
  const dependsOn = props.dependsOn ?? props.target.dependablesFor(scope);
  // The pods are refused until the quota admitting them exists, so the DaemonSet waits for it.
  const quota = critical && namespace !== 'kube-system' ? criticalPodsQuota(scope, `${id}-critical-pods`, props, namespace, dependsOn) : undefined;
  const daemonSet = new DaemonSetV1(scope, id, {
    provider: props.target.providerFor(scope),
    dependsOn: quota ? [...dependsOn, quota] : dependsOn,
    metadata: { name: props.name, namespace, labels: props.labels },
    spec: {
      selector: { matchLabels: props.selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: props.maxUnavailable ?? '1' } },
      template: {
        metadata: { labels: props.labels },
        spec: { ...(critical ? { priorityClassName: SYSTEM_NODE_CRITICAL } : {}), automountServiceAccountToken: false, ...props.pod },
      },
    },
  });
  if (quota) {
    Contracts.order(scope, {
      producer: quota, what: `admission of ${props.name}'s system-node-critical pods in namespace ${namespace}`, resource: daemonSet, after: [quota],
      fix: `let DaemonSet ${props.name} depend on ResourceQuota ${quota.node.path}: where critical pods are limited (GKE), they are refused until it exists`,
    });
  }
  return daemonSet;
}

/**
 * Admits SYSTEM_NODE_CRITICAL pods in a namespace other than kube-system. It permits rather than limits: the ceiling
 * is far above any node count (GKE's own `gcp-critical-pods` quota in kube-system sets `1G`), and every quota with
 * this scope in the namespace counts the same pods, so two agents sharing a namespace never starve each other.
 */
function criticalPodsQuota(scope: Construct, id: string, props: NodeAgentProps, namespace: string,
  dependsOn: ITerraformDependable[]): ResourceQuotaV1 {
  return new ResourceQuotaV1(scope, id, {
    provider: props.target.providerFor(scope),
    dependsOn,
    metadata: { name: `${props.name}-critical-pods`.slice(0, 63).replace(/-+$/, ''), namespace, labels: props.labels },
    spec: {
      hard: { pods: '100000' },
      scopeSelector: { matchExpression: [{ scopeName: 'PriorityClass', operator: 'In', values: [SYSTEM_NODE_CRITICAL] }] },
    },
  });
}
