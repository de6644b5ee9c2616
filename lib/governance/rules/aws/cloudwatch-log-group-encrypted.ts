import { defineRule } from '../../rule';
import { isSet } from '../../values';

/**
 * Log groups are encrypted with a customer-managed key. CloudWatch Logs always encrypts with a service key; kms_key_id
 * adds key control (who may read control-plane, audit and training logs) and lets revoking the key cut access.
 */
export const cloudwatchLogGroupEncrypted = defineRule({
  id: 'aws-cloudwatch-log-group-encrypted',
  severity: 'warning',
  category: 'key-management',
  description: 'CloudWatch log group sets kms_key_id (customer-managed KMS key).',
  remediation: 'Set kms_key_id to a KMS key whose policy allows the logs.<region>.amazonaws.com service principal (kms:Encrypt*, kms:Decrypt*, kms:GenerateDataKey*).',
  references: ['CKV_AWS_158', 'AVD-AWS-0017'],
  appliesTo: ['aws_cloudwatch_log_group'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.kms_key_id) ? [] : ['kms_key_id is not set: logs are encrypted with a CloudWatch-owned key'];
  },
});
