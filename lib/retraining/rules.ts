import { Duration } from '../core/units';
import { AlertRuleGroup, AlertSeverity } from '../monitoring/rules';

/**
 * Metric names of a pipeline's runs. The WorkflowTemplate emits them as Argo custom metrics; the controller
 * exports custom metrics with the `argo_workflows_` prefix and, for counters, the OpenTelemetry `_total`
 * suffix depending on the exporter, so rules match all spellings.
 */
export const RETRAINING_METRICS = {
  /** Counter per finished run, labels `pipeline` and `status` (Succeeded, Failed, Error). */
  runs: 'ml_retraining_runs',
  /** Counter per evaluation whose gates rejected the candidate, label `pipeline`. */
  gateFailures: 'ml_retraining_gate_failures',
} as const;

/** A selector matching a custom metric however the controller spells it. */
export function customMetric(name: string, labels: string): string {
  return `{__name__=~"(argo_workflows_)?${name}(_total)?",${labels}}`;
}

/**
 * The alert rules of one pipeline: failed runs (warning: the loop is broken, the drift stays), gate rejections
 * (info: the loop worked and kept a worse model out), CronWorkflow submissions the controller could not make.
 */
export function retrainingRuleGroup(pipeline: string, namespace: string): AlertRuleGroup {
  const base = { workload: pipeline, ml_kind: 'retraining-pipeline' };
  const sel = `pipeline="${pipeline}",namespace="${namespace}"`;
  return {
    name: `ml-retraining-${pipeline}`,
    workload: pipeline,
    rules: [
      {
        alert: 'MlRetrainingRunFailed',
        expr: `sum(increase(${customMetric(RETRAINING_METRICS.runs, `${sel},status=~"Failed|Error"`)}[1h])) > 0`,
        for: Duration.minutes(0), severity: AlertSeverity.WARNING,
        labels: { severity: AlertSeverity.WARNING, ...base, category: 'retraining' },
        summary: `${pipeline}: a retraining run failed`,
        description: 'A run failed or errored in the last hour (data validation, training or registration): the drift that started it is not addressed. Check the workflow in namespace ' + namespace + '.',
      },
      {
        alert: 'MlRetrainingGateRejected',
        expr: `sum(increase(${customMetric(RETRAINING_METRICS.gateFailures, sel)}[1h])) > 0`,
        for: Duration.minutes(0), severity: AlertSeverity.INFO,
        labels: { severity: AlertSeverity.INFO, ...base, category: 'retraining' },
        summary: `${pipeline}: a candidate failed its evaluation gates`,
        description: 'The candidate missed a metric or fairness threshold and was not registered; the gate step log names each failed gate.',
      },
      {
        alert: 'MlRetrainingScheduleNotSubmitted',
        expr: `sum(increase({__name__=~"argo_workflows_error_count(_total)?",cause=~"CronWorkflowSubmissionError|CronWorkflowSpecError"}[1h])) > 0`,
        for: Duration.minutes(0), severity: AlertSeverity.WARNING,
        labels: { severity: AlertSeverity.WARNING, ...base, category: 'retraining' },
        summary: `${pipeline}: the workflow controller could not submit a CronWorkflow`,
        description: 'The Argo Workflows controller counted CronWorkflow submission or spec errors: scheduled retraining is not running.',
      },
    ],
  };
}
