import { defineRule } from '../../rule';
import { isSet } from '../../values';

/**
 * Amazon Managed Prometheus workspaces use a customer-managed KMS key (AWS-owned key by default): metrics name models,
 * endpoints and teams. The key can only be chosen when the workspace is created.
 */
export const prometheusWorkspaceEncrypted = defineRule({
  id: 'aws-prometheus-workspace-encrypted',
  severity: 'warning',
  category: 'encryption-at-rest',
  description: 'Amazon Managed Prometheus workspace sets kms_key_arn.',
  remediation: 'Set kms_key_arn to a customer-managed key (requires replacing the workspace).',
  references: ['AWS AMP encryption at rest'],
  appliesTo: ['aws_prometheus_workspace'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.kms_key_arn) ? [] : ['kms_key_arn is not set (AWS-owned key)'];
  },
});
