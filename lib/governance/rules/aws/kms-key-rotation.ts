import { defineRule } from '../../rule';
import { boolOr, isUnknown, str } from '../../values';

/** Symmetric KMS keys rotate yearly (enable_key_rotation defaults to false). */
export const kmsKeyRotation = defineRule({
  id: 'aws-kms-key-rotation',
  severity: 'error',
  category: 'key-management',
  description: 'Symmetric KMS key has enable_key_rotation = true.',
  remediation: 'Set enable_key_rotation = true (optionally rotation_period_in_days).',
  references: ['CKV_AWS_7', 'AVD-AWS-0065', 'CIS AWS 3.0 3.6'],
  appliesTo: ['aws_kms_key'],
  packs: ['baseline'],
  evaluate(resource) {
    const spec = str(resource.values.customer_master_key_spec) ?? 'SYMMETRIC_DEFAULT';
    if (spec !== 'SYMMETRIC_DEFAULT') return []; // rotation is only supported for symmetric keys
    const v = boolOr(resource.values.enable_key_rotation, false);
    return isUnknown(v) || v ? [] : ['enable_key_rotation is not true (default false)'];
  },
});
