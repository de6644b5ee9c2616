import { customMetric, RETRAINING_METRIC_LABELS, RETRAINING_METRICS, retrainingRules, retrainingWorkloadName } from '../monitoring/private/retraining-rules';
import { AlertRuleGroup } from '../monitoring/rules';

// The rules live with the monitoring stack, which generates them for every watched MonitoredKind.RETRAINING_PIPELINE.
export { customMetric, RETRAINING_METRIC_LABELS, RETRAINING_METRICS };

/**
 * The alert rules of one pipeline, as the MonitoringStack loads them for the pipeline's workload
 * (`retraining-<pipeline>`): failed runs (warning: the loop is broken, the drift stays), gate rejections (info:
 * the loop worked and kept a worse model out), CronWorkflow submissions the controller could not make.
 */
export function retrainingRuleGroup(pipeline: string, namespace: string): AlertRuleGroup {
  const workload = retrainingWorkloadName(pipeline);
  return { name: `ml-${workload}`, workload, rules: retrainingRules(workload, pipeline, namespace) };
}
