import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** RDS instances get no public IP (publicly_accessible defaults to false). */
export const rdsNotPubliclyAccessible = defineRule({
  id: 'aws-rds-not-publicly-accessible',
  severity: 'error',
  category: 'public-exposure',
  description: 'RDS instance is not publicly accessible.',
  remediation: 'Set publicly_accessible = false and reach the database through the VPC.',
  references: ['CKV_AWS_17', 'AVD-AWS-0180', 'CIS AWS 3.0 2.3.3'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.publicly_accessible, false);
    return isUnknown(v) || !v ? [] : ['publicly_accessible is true'];
  },
});
