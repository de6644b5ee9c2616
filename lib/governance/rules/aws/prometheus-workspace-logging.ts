import { defineRule } from '../../rule';
import { block, isSet } from '../../values';

/** Amazon Managed Prometheus workspaces send their logs to CloudWatch (logging_configuration is off by default). */
export const prometheusWorkspaceLogging = defineRule({
  id: 'aws-prometheus-workspace-logging',
  severity: 'warning',
  category: 'logging-audit',
  description: 'Amazon Managed Prometheus workspace has logging_configuration with a log group.',
  remediation: 'Add logging_configuration { log_group_arn = "${aws_cloudwatch_log_group.x.arn}:*" }.',
  references: ['AWS AMP logging'],
  appliesTo: ['aws_prometheus_workspace'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(block(resource.values, 'logging_configuration')?.log_group_arn) ? [] : ['workspace has no logging_configuration'];
  },
});
