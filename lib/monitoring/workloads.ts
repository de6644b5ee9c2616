import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { isMonitorable, IMonitorable, MonitoredKind, MonitoredWorkload, ScrapeTarget } from '../core/monitoring-contract';
import { checkLabels, checkResourceName } from '../core/names';
import { RESERVED_JOB_NAMES } from './scrape';

/**
 * Every {@link IMonitorable} construct below `scope` (depth first, in construct-tree order, so the result is
 * deterministic). Constructs added after the call are not found: discover once the workloads are declared.
 */
export function discoverMonitorables(scope: IConstruct): IMonitorable[] {
  return scope.node.findAll().filter(isMonitorable);
}

/** How the watched workloads are checked against the place that watches them. */
export interface WorkloadCheckOptions {
  /** The cluster whose pods the variant can scrape. @default - any (managed variants) */
  readonly clusterName?: string;
  /** Whether the watcher sees GPU metrics; `usesGpus` workloads are refused where it does not. @default true */
  readonly gpuMetricsAvailable?: boolean;
  /** Why GPU metrics are unavailable, for the error. */
  readonly noGpuReason?: string;
  /**
   * More constructs to watch, each with the prop that named it (e.g. the retraining pipelines of
   * `alerting.retrainingPipelines[0]`); one already in `watch` is watched once. @default - none
   */
  readonly alsoWatch?: AlsoWatched[];
}

/** A construct to watch besides `watch`, with the prop that named it (for errors). */
export interface AlsoWatched {
  readonly construct: IConstruct;
  readonly prop: string;
}

/** Whether two scrape targets select the same pods the same way (a shared target, e.g. one workflow controller). */
function sameTarget(a: ScrapeTarget, b: ScrapeTarget): boolean {
  const labels = (t: ScrapeTarget) => JSON.stringify(Object.entries(t.podLabels ?? {}).sort());
  return a.namespace === b.namespace && a.portName === b.portName && (a.path ?? '/metrics') === (b.path ?? '/metrics') && labels(a) === labels(b);
}

/**
 * Workloads whose scrape targets can be shared: retraining pipelines on one Argo Workflows controller each declare
 * the controller's metrics, which are scraped once.
 */
const SHARED_SCRAPE_KINDS: readonly MonitoredKind[] = [MonitoredKind.RETRAINING_PIPELINE];

/** A Prometheus job name: DNS-1123, so it is also a valid NetworkPolicy and PodMonitoring name. */
const JOB_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A container port name (IANA_SVC_NAME): at most 15 lowercase letters, digits and hyphens, one letter at least. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The workloads of `watch`, validated: each entry implements IMonitorable, names and job names are unique
 * and valid, SLOs are in range, scraped workloads run on the watched cluster, GPU workloads have GPU metrics.
 */
export function collectWorkloads(v: Validator, watch: readonly IConstruct[] | undefined, options: WorkloadCheckOptions = {}): MonitoredWorkload[] {
  const out: MonitoredWorkload[] = [];
  if (watch !== undefined && !v.check(Array.isArray(watch), 'watch', watch, 'must be an array of constructs, e.g. MonitoringStack.discover(stack)')) return out;
  const entries = [
    ...(watch ?? []).map((construct, i) => ({ construct, prop: `watch[${i}]` })),
    ...(options.alsoWatch ?? []).filter((e) => !(watch ?? []).includes(e.construct)),
  ];
  const jobOwners = new Map<string, { name: string; kind: MonitoredKind; target: ScrapeTarget }>();
  const names = new Set<string>();
  entries.forEach(({ construct: c, prop: at }) => {
    if (!v.check(isMonitorable(c), at, (c as IConstruct)?.node?.path ?? c,
      'does not implement IMonitorable (monitoredWorkloads()); watch training clusters, endpoints, feature stores, registries or retraining pipelines')) return;
    (c as IMonitorable).monitoredWorkloads().forEach((w, j) => {
      const prop = `${at}.workloads[${j}]`;
      if (!v.check(Object.values(MonitoredKind).includes(w.kind), `${prop}.kind`, w.kind, `must be one of ${Object.values(MonitoredKind).join(', ')}`)) return;
      checkResourceName(v, `${prop}.name`, w.name, 63);
      if (v.check(!names.has(w.name), `${prop}.name`, w.name, 'repeats an earlier workload name; every watched workload needs its own name')) names.add(w.name);
      if (w.slo?.latencyP99Ms !== undefined && !Token.isUnresolved(w.slo.latencyP99Ms)) {
        v.check(Number.isFinite(w.slo.latencyP99Ms) && w.slo.latencyP99Ms > 0, `${prop}.slo.latencyP99Ms`, w.slo.latencyP99Ms, 'must be a latency in milliseconds above 0');
      }
      if (w.slo?.errorRatePercent !== undefined && !Token.isUnresolved(w.slo.errorRatePercent)) {
        v.check(Number.isFinite(w.slo.errorRatePercent) && w.slo.errorRatePercent > 0 && w.slo.errorRatePercent <= 100,
          `${prop}.slo.errorRatePercent`, w.slo.errorRatePercent, 'must be a percentage above 0 and at most 100');
      }
      const scrape = w.scrape ?? [];
      if (scrape.length > 0 && options.clusterName !== undefined && w.clusterName !== undefined && w.clusterName !== options.clusterName) {
        v.add(`${prop}.clusterName`, w.clusterName,
          `is not the monitored cluster (${options.clusterName}); Prometheus discovers pods of its own cluster only: watch it from a MonitoringStack on ${w.clusterName}`);
      }
      if (w.usesGpus && options.gpuMetricsAvailable === false) {
        v.add(`${prop}.usesGpus`, w.usesGpus, `asks for GPU alerts, but ${options.noGpuReason ?? 'no GPU metrics are collected'}`);
      }
      scrape.forEach((s, k) => {
        const sp = `${prop}.scrape[${k}]`;
        if (!v.matches(`${sp}.jobName`, s.jobName, JOB_NAME, 'must be lowercase letters, digits and hyphens, starting with a letter')) return;
        v.check(s.jobName.length <= 50, `${sp}.jobName`, s.jobName, 'is longer than 50 characters; shorten it');
        v.check(!(RESERVED_JOB_NAMES as readonly string[]).includes(s.jobName), `${sp}.jobName`, s.jobName,
          `is used by the monitoring stack itself (${RESERVED_JOB_NAMES.join(', ')}); choose another`);
        const owner = jobOwners.get(s.jobName);
        const shared = owner !== undefined && owner.kind === w.kind && SHARED_SCRAPE_KINDS.includes(w.kind) && sameTarget(owner.target, s);
        v.check(owner === undefined || shared, `${sp}.jobName`, s.jobName, `duplicates the job of ${owner?.name}; every scrape target needs a unique job name`);
        if (!owner) jobOwners.set(s.jobName, { name: w.name, kind: w.kind, target: s });
        checkResourceName(v, `${sp}.namespace`, s.namespace, 63);
        if (v.check(!!s.podLabels && Object.keys(s.podLabels).length > 0, `${sp}.podLabels`, s.podLabels,
          'must name at least one pod label, or every pod of the namespace would be scraped')) checkLabels(v, `${sp}.podLabels`, s.podLabels);
        v.matches(`${sp}.portName`, s.portName, PORT_NAME, 'must be a container port name (at most 15 lowercase letters, digits and hyphens)');
        v.check(s.portName === undefined || s.portName.length <= 15, `${sp}.portName`, s.portName, 'is longer than 15 characters (a Kubernetes port name limit)');
        if (s.path !== undefined) v.matches(`${sp}.path`, s.path, /^\/[^\s]*$/, 'must be an absolute URL path such as /metrics');
      });
      out.push(w);
    });
  });
  return out;
}
