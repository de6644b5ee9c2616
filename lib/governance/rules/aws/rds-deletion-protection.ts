import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** RDS databases cannot be deleted by accident (deletion_protection defaults to false). */
export const rdsDeletionProtection = defineRule({
  id: 'aws-rds-deletion-protection',
  severity: 'warning',
  category: 'data-protection',
  description: 'RDS instance / Aurora cluster has deletion protection enabled.',
  remediation: 'Set deletion_protection = true.',
  references: ['CKV_AWS_293', 'CKV_AWS_139', 'AVD-AWS-0177', 'AVD-AWS-0343'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.deletion_protection, false);
    return isUnknown(v) || v ? [] : ['deletion_protection is not true (default false)'];
  },
});
