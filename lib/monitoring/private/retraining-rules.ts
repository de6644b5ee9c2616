import { MonitoredKind, MonitoredWorkload } from '../../core/monitoring-contract';
import { Duration } from '../../core/units';
import { AlertRule, AlertSeverity } from '../alert-rule';

/**
 * Metric names of a retraining pipeline's runs. The WorkflowTemplate emits them as Argo custom metrics; the
 * controller exports custom metrics with the `argo_workflows_` prefix and, for counters, the OpenTelemetry `_total`
 * suffix depending on the exporter, so rules match all spellings ({@link customMetric}).
 */
export const RETRAINING_METRICS = {
  /** Counter per finished run, labels `pipeline`, `pipeline_namespace` and `status` (Succeeded, Failed, Error). */
  runs: 'ml_retraining_runs',
  /** Counter per evaluation whose gates rejected the candidate, labels `pipeline` and `pipeline_namespace`. */
  gateFailures: 'ml_retraining_gate_failures',
} as const;

/**
 * The labels the pipeline's metrics carry. Not `namespace`: the controller's pods are scraped with a `namespace`
 * target label (their own namespace, e.g. `argo`), and Prometheus renames a scraped label that collides with a
 * target label to `exported_<name>` when `honor_labels` is false, its default (Prometheus configuration,
 * `scrape_config.honor_labels`), so a `namespace` label on the metric would never match a rule.
 */
export const RETRAINING_METRIC_LABELS = { pipeline: 'pipeline', namespace: 'pipeline_namespace', status: 'status' } as const;

/** A selector matching a custom metric however the controller spells it. */
export function customMetric(name: string, labels: string): string {
  return `{__name__=~"(argo_workflows_)?${name}(_total)?",${labels}}`;
}

/** The watched workload's name for a pipeline (`retraining-<pipeline>`): apart from the endpoint of the same name. */
export function retrainingWorkloadName(pipeline: string): string {
  return `retraining-${pipeline}`;
}

/** The pipeline and namespace a {@link MonitoredKind.RETRAINING_PIPELINE} workload describes (its `attributes`). */
export function retrainingPipelineOf(w: MonitoredWorkload): { pipeline: string; namespace: string } | undefined {
  if (w.kind !== MonitoredKind.RETRAINING_PIPELINE) return undefined;
  const pipeline = w.attributes?.pipeline;
  const namespace = w.attributes?.namespace;
  return pipeline && namespace ? { pipeline, namespace } : undefined;
}

/** The selector of one pipeline's custom metrics. */
export function retrainingSelector(pipeline: string, namespace: string): string {
  return `${RETRAINING_METRIC_LABELS.pipeline}="${pipeline}",${RETRAINING_METRIC_LABELS.namespace}="${namespace}"`;
}

/**
 * The alert rules of one pipeline: failed runs (warning: the loop is broken, the drift stays), gate rejections
 * (info: the loop worked and kept a worse model out), CronWorkflow submissions the controller could not make.
 * `workload` is the watched workload's name ({@link retrainingWorkloadName}).
 */
export function retrainingRules(workload: string, pipeline: string, namespace: string): AlertRule[] {
  const base = { workload, ml_kind: MonitoredKind.RETRAINING_PIPELINE as string, pipeline, category: 'retraining' };
  const sel = retrainingSelector(pipeline, namespace);
  return [
    {
      alert: 'MlRetrainingRunFailed',
      expr: `sum(increase(${customMetric(RETRAINING_METRICS.runs, `${sel},${RETRAINING_METRIC_LABELS.status}=~"Failed|Error"`)}[1h])) > 0`,
      for: Duration.minutes(0), severity: AlertSeverity.WARNING,
      labels: { severity: AlertSeverity.WARNING, ...base },
      summary: `${pipeline}: a retraining run failed`,
      description: 'A run failed or errored in the last hour (data validation, training or registration): the drift that started it is not addressed. Check the workflow in namespace ' + namespace + '.',
    },
    {
      alert: 'MlRetrainingGateRejected',
      expr: `sum(increase(${customMetric(RETRAINING_METRICS.gateFailures, sel)}[1h])) > 0`,
      for: Duration.minutes(0), severity: AlertSeverity.INFO,
      labels: { severity: AlertSeverity.INFO, ...base },
      summary: `${pipeline}: a candidate failed its evaluation gates`,
      description: 'The candidate missed a metric, fairness or champion threshold and was not registered; the gate step log names each failed gate.',
    },
    {
      alert: 'MlRetrainingScheduleNotSubmitted',
      expr: 'sum(increase({__name__=~"argo_workflows_error_count(_total)?",cause=~"CronWorkflowSubmissionError|CronWorkflowSpecError"}[1h])) > 0',
      for: Duration.minutes(0), severity: AlertSeverity.WARNING,
      labels: { severity: AlertSeverity.WARNING, ...base },
      summary: `${pipeline}: the workflow controller could not submit a CronWorkflow`,
      description: 'The Argo Workflows controller counted CronWorkflow submission or spec errors: scheduled retraining is not running.',
    },
  ];
}
