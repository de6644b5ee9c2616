import { defineRule } from '../../rule';
import { bool, isUnknown } from '../../values';

/** Database credentials are IAM authentication or a Secrets Manager-managed master password (both default off). */
export const rdsIamOrManagedCredentials = defineRule({
  id: 'aws-rds-iam-or-managed-credentials',
  severity: 'warning',
  category: 'least-privilege',
  description: 'RDS instance / Aurora cluster uses IAM database authentication or manage_master_user_password.',
  remediation: 'Set manage_master_user_password = true (Secrets Manager rotates it) and/or iam_database_authentication_enabled = true.',
  references: ['CKV_AWS_161', 'CKV_AWS_162', 'AVD-AWS-0176'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const iam = bool(resource.values.iam_database_authentication_enabled);
    const managed = bool(resource.values.manage_master_user_password);
    if (isUnknown(iam) || isUnknown(managed) || iam === true || managed === true) return [];
    if (resource.values.replicate_source_db !== undefined && resource.values.replicate_source_db !== null) return [];
    return ['neither iam_database_authentication_enabled nor manage_master_user_password is true'];
  },
});
