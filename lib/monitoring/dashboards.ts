import { createHash } from 'crypto';
import { MonitoredKind, MonitoredWorkload, ML_METRICS } from '../core/monitoring-contract';
import { CADVISOR_METRICS, GPU_METRICS, SERVING_METRICS } from './metrics';
import { customMetric, RETRAINING_METRICS, retrainingPipelineOf, retrainingSelector } from './private/retraining-rules';

/** The provisioned Prometheus datasource every panel references by uid. */
export const DATASOURCE = { type: 'prometheus', uid: 'ml-prometheus', name: 'Prometheus' } as const;

/** Grafana's dashboard JSON model version these dashboards are written for (Grafana 11/12 accept it). */
export const DASHBOARD_SCHEMA_VERSION = 39;

interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly targets: Array<{ expr: string; legend: string }>;
  /** A horizontal threshold line (e.g. the SLO). */
  readonly threshold?: number;
}

/** A dashboard uid: at most 40 characters, stable for a workload name. */
export function dashboardUid(workload: string): string {
  const uid = `ml-${workload}`;
  return uid.length <= 40 ? uid : `ml-${workload.slice(0, 28)}-${createHash('sha256').update(workload).digest('hex').slice(0, 8)}`;
}

function panelsFor(w: MonitoredWorkload): PanelSpec[] {
  const jobs = (w.scrape ?? []).map((s) => s.jobName);
  const job = jobs.length === 0 ? undefined : jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
  const wl = `workload="${w.name}"`;
  const panels: PanelSpec[] = [];
  if (job) {
    panels.push({ title: 'Targets up', unit: 'short', targets: [{ expr: `sum(up{${job}})`, legend: 'up' }] });
    if (w.kind === MonitoredKind.INFERENCE_ENDPOINT || w.slo) {
      panels.push({ title: 'Requests per second by status', unit: 'reqps', targets: [{ expr: `sum by (code) (rate(${SERVING_METRICS.requests}{${job}}[5m]))`, legend: '{{code}}' }] });
      panels.push({
        title: 'Latency p50 / p99', unit: 's', threshold: w.slo?.latencyP99Ms !== undefined ? w.slo.latencyP99Ms / 1000 : undefined,
        targets: [0.5, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${SERVING_METRICS.latencyHistogramBucket}{${job}}[5m])))`, legend: `p${q * 100}` })),
      });
      panels.push({
        title: 'Error ratio (5xx)', unit: 'percentunit', threshold: w.slo?.errorRatePercent !== undefined ? w.slo.errorRatePercent / 100 : undefined,
        targets: [{ expr: `sum(rate(${SERVING_METRICS.requests}{${job},code=~"5.."}[5m])) / sum(rate(${SERVING_METRICS.requests}{${job}}[5m]))`, legend: 'errors' }],
      });
    }
    panels.push({
      title: 'CPU throttling by pod', unit: 'percentunit',
      targets: [{ expr: `sum by (pod) (rate(${CADVISOR_METRICS.throttledPeriods}{container!=""}[5m])) / sum by (pod) (rate(${CADVISOR_METRICS.periods}{container!=""}[5m])) and on (pod) max by (pod) (up{${job}})`, legend: '{{pod}}' }],
    });
  }
  if (w.usesGpus) {
    const sel = job ? ` and on (namespace, pod) max by (namespace, pod) (up{${job}})` : '';
    const by = job ? 'pod, gpu' : 'Hostname, gpu';
    panels.push({ title: 'GPU utilisation', unit: 'percent', targets: [{ expr: `max by (${by}) (${GPU_METRICS.utilisation})${sel}`, legend: job ? '{{pod}} gpu {{gpu}}' : '{{Hostname}} gpu {{gpu}}' }] });
    panels.push({ title: 'GPU memory used', unit: 'decmbytes', targets: [{ expr: `max by (${by}) (${GPU_METRICS.memoryUsed})${sel}`, legend: job ? '{{pod}} gpu {{gpu}}' : '{{Hostname}} gpu {{gpu}}' }] });
  }
  if (w.kind === MonitoredKind.INFERENCE_ENDPOINT) {
    panels.push({ title: 'Feature drift by feature', unit: 'short', targets: [{ expr: `max by (feature) (${ML_METRICS.featureDrift}{${wl}})`, legend: '{{feature}}' }] });
    panels.push({ title: 'Prediction drift', unit: 'short', targets: [{ expr: `max(${ML_METRICS.predictionDrift}{${wl}})`, legend: 'prediction drift' }] });
    panels.push({ title: 'Served model age', unit: 's', targets: [{ expr: `time() - max(${ML_METRICS.modelVersionCreated}{${wl}})`, legend: 'age' }] });
  }
  if (w.kind === MonitoredKind.FEATURE_STORE) {
    panels.push({ title: 'Feature materialization lag', unit: 's', targets: [{ expr: `time() - max by (feature_view) (${ML_METRICS.materializationLastSuccess}{${wl}})`, legend: '{{feature_view}}' }] });
  }
  const retraining = retrainingPipelineOf(w);
  if (retraining) {
    const sel = retrainingSelector(retraining.pipeline, retraining.namespace);
    panels.push({ title: 'Runs by status (24h)', unit: 'short', targets: [{ expr: `sum by (status) (increase(${customMetric(RETRAINING_METRICS.runs, sel)}[1d]))`, legend: '{{status}}' }] });
    panels.push({ title: 'Gate rejections (24h)', unit: 'short', targets: [{ expr: `sum(increase(${customMetric(RETRAINING_METRICS.gateFailures, sel)}[1d]))`, legend: 'rejected' }] });
  }
  if (w.kind === MonitoredKind.MODEL_REGISTRY) {
    panels.push({ title: 'Age of the latest version by model', unit: 's', targets: [{ expr: `time() - max by (model) (${ML_METRICS.modelVersionCreated}{${wl}})`, legend: '{{model}}' }] });
  }
  return panels;
}

/**
 * A Grafana dashboard (JSON model) for one workload: every panel and target references the provisioned
 * Prometheus datasource by uid, two panels per row.
 */
export function workloadDashboard(w: MonitoredWorkload): Record<string, unknown> {
  const datasource = { type: DATASOURCE.type, uid: DATASOURCE.uid };
  const panels = panelsFor(w).map((p, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    datasource,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.threshold !== undefined ? {
          custom: { thresholdsStyle: { mode: 'line' } },
          thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: p.threshold }] },
        } : {}),
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: t.expr, legendFormat: t.legend })),
  }));
  return {
    uid: dashboardUid(w.name),
    title: `ML ${w.kind}: ${w.name}`,
    tags: ['ml-platform', w.kind],
    editable: false,
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    timezone: 'utc',
    panels,
  };
}
