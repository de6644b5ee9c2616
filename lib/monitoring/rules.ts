import { MonitoredKind, MonitoredWorkload, ML_METRICS } from '../core/monitoring-contract';
import { Duration } from '../core/units';
import { CADVISOR_METRICS, CONTRACT_LABELS, DRIFT_PUSH_JOB, GPU_METRICS, SERVING_METRICS } from './metrics';
import { AlertRule, AlertRuleGroup, AlertSeverity, RETRAIN_ACTION } from './alert-rule';
import { retrainingPipelineOf, retrainingRules } from './private/retraining-rules';
import { ResolvedThresholds } from './thresholds';

// The rule model lives in alert-rule.ts (retraining-rules.ts builds rules too); re-exported here for existing imports.
export { AlertRule, AlertRuleGroup, AlertSeverity, RETRAIN_ACTION } from './alert-rule';

/** What the rule generator needs beyond the workloads and thresholds. */
export interface RuleOptions {
  /** Workloads whose drift job this stack runs (adds a "drift job not reporting" rule). @default - none */
  readonly driftJobs?: Record<string, Duration>;
}

/** A PromQL number without float noise (0.1 + 0.2 style) or exponent notation. */
export function promNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** Prometheus rule files accept `for: 10m`, `2h`, `30d`. */
function promDuration(d: Duration): string {
  return d.toString();
}

function jobMatcher(w: MonitoredWorkload): string | undefined {
  const jobs = (w.scrape ?? []).map((s) => s.jobName);
  if (jobs.length === 0) return undefined;
  return jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
}

/**
 * The alert rules for each workload, by kind. No user-written PromQL: thresholds come from the workload's
 * SLO or {@link ResolvedThresholds}, metric names from the contracts in `metrics.ts` and `ML_METRICS`.
 */
export function alertRuleGroups(workloads: readonly MonitoredWorkload[], t: ResolvedThresholds, options: RuleOptions = {}): AlertRuleGroup[] {
  return workloads.map((w) => ({ name: `ml-${w.name}`, workload: w.name, rules: rulesFor(w, t, options) }))
    .filter((g) => g.rules.length > 0);
}

function rulesFor(w: MonitoredWorkload, t: ResolvedThresholds, options: RuleOptions): AlertRule[] {
  const rules: AlertRule[] = [];
  const base = { [CONTRACT_LABELS.workload]: w.name, ml_kind: w.kind };
  const add = (alert: string, expr: string, forDuration: Duration, severity: AlertSeverity, category: string,
    summary: string, description: string, extra: Record<string, string> = {}) => {
    rules.push({ alert, expr, for: forDuration, severity, labels: { severity, ...base, category, ...extra }, summary, description });
  };
  const retraining = retrainingPipelineOf(w);
  // A retraining pipeline shares its workflow controller's scrape job: the controller's availability rules come
  // once, with the controller's own workload (MonitoringStack), not once per pipeline.
  const job = retraining ? undefined : jobMatcher(w);
  const wl = `${CONTRACT_LABELS.workload}="${w.name}"`;
  const retrain = { [RETRAIN_ACTION.label]: RETRAIN_ACTION.value };
  const isEndpoint = w.kind === MonitoredKind.INFERENCE_ENDPOINT;

  if (job) {
    add('MlTargetDown', `up{${job}} == 0`, Duration.minutes(5), AlertSeverity.WARNING, 'availability',
      `${w.name}: a metrics target is down`,
      `Prometheus cannot scrape {{ $labels.pod }} in {{ $labels.namespace }} (job {{ $labels.job }}); check the pod and its metrics port.`);

    // SLO rules: always for endpoints, for other kinds only when they declare an objective.
    const latencyMs = w.slo?.latencyP99Ms ?? (isEndpoint ? t.latencyP99Ms : undefined);
    if (latencyMs !== undefined) {
      add('MlLatencyP99High',
        `histogram_quantile(0.99, sum by (le) (rate(${SERVING_METRICS.latencyHistogramBucket}{${job}}[5m]))) > ${promNumber(latencyMs / 1000)}`,
        t.sloBreachFor, AlertSeverity.CRITICAL, 'latency',
        `${w.name}: p99 latency above ${promNumber(latencyMs)} ms`,
        `p99 request latency is {{ $value | humanizeDuration }}, above the ${promNumber(latencyMs)} ms objective for ${promDuration(t.sloBreachFor)}.`);
    }
    const errorPct = w.slo?.errorRatePercent ?? (isEndpoint ? t.errorRatePercent : undefined);
    if (errorPct !== undefined) {
      const code = SERVING_METRICS.statusCodeLabel;
      add('MlErrorRateHigh',
        `sum(rate(${SERVING_METRICS.requests}{${job},${code}=~"5.."}[5m])) / sum(rate(${SERVING_METRICS.requests}{${job}}[5m])) > ${promNumber(errorPct / 100)}`,
        t.sloBreachFor, AlertSeverity.CRITICAL, 'errors',
        `${w.name}: error ratio above ${promNumber(errorPct)}%`,
        `{{ $value | humanizePercentage }} of requests answered 5xx over 5 minutes, above the ${promNumber(errorPct)}% objective.`);
    }
    add('MlCpuThrottled',
      `sum by (namespace, pod) (rate(${CADVISOR_METRICS.throttledPeriods}{container!=""}[5m])) / sum by (namespace, pod) (rate(${CADVISOR_METRICS.periods}{container!=""}[5m])) > ${promNumber(t.cpuThrottlingPercent / 100)} and on (namespace, pod) up{${job}}`,
      Duration.minutes(15), AlertSeverity.WARNING, 'saturation',
      `${w.name}: CPU throttled above ${promNumber(t.cpuThrottlingPercent)}%`,
      `{{ $labels.pod }} is throttled in {{ $value | humanizePercentage }} of CFS periods: raise its CPU limit or add replicas.`);
  }

  if (w.usesGpus) {
    const util = GPU_METRICS.utilisation;
    const memRatio = `${GPU_METRICS.memoryUsed} / (${GPU_METRICS.memoryUsed} + ${GPU_METRICS.memoryFree})`;
    if (job) {
      // DCGM's Kubernetes mapping labels each GPU with the namespace and pod it is allocated to.
      const mine = `and on (namespace, pod) up{${job}}`;
      add('MlGpuIdle', `max by (namespace, pod, gpu) (${util}) < ${promNumber(t.gpuIdlePercent)} ${mine}`,
        t.gpuIdleFor, AlertSeverity.WARNING, 'cost',
        `${w.name}: GPU idle below ${promNumber(t.gpuIdlePercent)}% for ${promDuration(t.gpuIdleFor)}`,
        `GPU {{ $labels.gpu }} of {{ $labels.pod }} has stayed below ${promNumber(t.gpuIdlePercent)}% utilisation: scale the endpoint down or move it to a smaller GPU.`);
      add('MlGpuSaturated', `avg by (namespace, pod) (${util}) > ${promNumber(t.gpuSaturatedPercent)} ${mine}`,
        Duration.minutes(15), AlertSeverity.WARNING, 'saturation',
        `${w.name}: GPUs above ${promNumber(t.gpuSaturatedPercent)}% utilisation`,
        `{{ $labels.pod }} keeps its GPUs at {{ $value | humanize }}% utilisation: add replicas before latency suffers.`);
      add('MlGpuMemoryNearlyFull', `max by (namespace, pod, gpu) (${memRatio}) * 100 > ${promNumber(t.gpuMemoryPercent)} ${mine}`,
        Duration.minutes(15), AlertSeverity.WARNING, 'saturation',
        `${w.name}: GPU memory above ${promNumber(t.gpuMemoryPercent)}%`,
        `GPU {{ $labels.gpu }} of {{ $labels.pod }} uses {{ $value | humanize }}% of its memory: out-of-memory errors are next.`);
    } else {
      add('MlGpuIdle', `max by (Hostname, gpu, modelName) (${util}) < ${promNumber(t.gpuIdlePercent)}`,
        t.gpuIdleFor, AlertSeverity.WARNING, 'cost',
        `${w.name}: GPU idle below ${promNumber(t.gpuIdlePercent)}% for ${promDuration(t.gpuIdleFor)}`,
        `GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} has stayed below ${promNumber(t.gpuIdlePercent)}% utilisation: the node costs money for nothing; stop the job or let the pool scale to zero.`);
      add('MlGpuMemoryNearlyFull', `max by (Hostname, gpu) (${memRatio}) * 100 > ${promNumber(t.gpuMemoryPercent)}`,
        Duration.minutes(15), AlertSeverity.INFO, 'saturation',
        `${w.name}: GPU memory above ${promNumber(t.gpuMemoryPercent)}%`,
        `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} uses {{ $value | humanize }}% of its memory.`);
    }
  }

  if (isEndpoint) {
    add('MlFeatureDrift', `max by (workload, feature) (${ML_METRICS.featureDrift}{${wl}}) > ${promNumber(t.featureDrift)}`,
      Duration.minutes(5), AlertSeverity.WARNING, 'drift',
      `${w.name}: feature drift above ${promNumber(t.featureDrift)}`,
      `Feature {{ $labels.feature }} drifted from the reference dataset (score {{ printf "%.2f" $value }}): retrain or investigate the upstream data.`, retrain);
    add('MlPredictionDrift', `max by (workload) (${ML_METRICS.predictionDrift}{${wl}}) > ${promNumber(t.predictionDrift)}`,
      Duration.minutes(5), AlertSeverity.WARNING, 'drift',
      `${w.name}: prediction drift above ${promNumber(t.predictionDrift)}`,
      `The distribution of recent predictions moved away from the reference (score {{ printf "%.2f" $value }}).`, retrain);
    add('MlModelStale', `time() - max by (workload) (${ML_METRICS.modelVersionCreated}{${wl}}) > ${t.modelStaleness.toSeconds()}`,
      Duration.hours(1), AlertSeverity.WARNING, 'freshness',
      `${w.name}: served model older than ${promDuration(t.modelStaleness)}`,
      `The served model version was registered {{ $value | humanizeDuration }} ago; no newer version in ${promDuration(t.modelStaleness)}.`, retrain);
    const staleAfter = options.driftJobs?.[w.name];
    if (staleAfter) {
      add('MlDriftJobNotReporting', `time() - max by (workload) (push_time_seconds{job="${DRIFT_PUSH_JOB}",${wl}}) > ${staleAfter.toSeconds()}`,
        Duration.minutes(10), AlertSeverity.WARNING, 'freshness',
        `${w.name}: drift job has not reported for ${promDuration(staleAfter)}`,
        `The last drift metrics were pushed {{ $value | humanizeDuration }} ago; check the drift CronJob's pods.`);
    }
  }

  if (w.kind === MonitoredKind.FEATURE_STORE) {
    add('MlFeaturesStale',
      `time() - max by (workload, feature_view) (${ML_METRICS.materializationLastSuccess}{${wl}}) > ${t.featureStaleness.toSeconds()}`,
      Duration.minutes(10), AlertSeverity.WARNING, 'freshness',
      `${w.name}: features older than ${promDuration(t.featureStaleness)}`,
      `Feature view {{ $labels.feature_view }} last materialized {{ $value | humanizeDuration }} ago: online features are stale.`);
  }

  if (retraining) rules.push(...retrainingRules(w.name, retraining.pipeline, retraining.namespace));

  if (w.kind === MonitoredKind.MODEL_REGISTRY) {
    add('MlRegisteredModelStale',
      `time() - max by (workload, model) (${ML_METRICS.modelVersionCreated}{${wl}}) > ${t.modelStaleness.toSeconds()}`,
      Duration.hours(1), AlertSeverity.WARNING, 'freshness',
      `${w.name}: a model has no version newer than ${promDuration(t.modelStaleness)}`,
      `Model {{ $labels.model }} got its last version {{ $value | humanizeDuration }} ago.`, retrain);
  }
  return rules;
}

/** A rule in Prometheus' rule-file form. */
export function prometheusRule(r: AlertRule): Record<string, unknown> {
  return {
    alert: r.alert,
    expr: r.expr,
    ...(r.for.toSeconds() > 0 ? { for: promDuration(r.for) } : {}),
    labels: r.labels,
    annotations: { summary: r.summary, description: r.description },
  };
}

/**
 * A Prometheus rule file (`promtool check rules` format) holding `groups`. Emitted as JSON, which is YAML;
 * key order is fixed, so the output is deterministic.
 */
export function renderRuleFile(groups: readonly AlertRuleGroup[], interval?: Duration): string {
  return JSON.stringify({
    groups: groups.map((g) => ({ name: g.name, ...(interval ? { interval: promDuration(interval) } : {}), rules: g.rules.map(prometheusRule) })),
  }, null, 2);
}
