import { defineRule } from '../../rule';
import { boolOr, isUnknown, str } from '../../values';

/**
 * RDS instances and Aurora clusters encrypt storage. storage_encrypted defaults to false, except for Aurora Serverless v1
 * clusters (engine_mode = "serverless"), which are always encrypted (rds_cluster docs: "default is true for serverless").
 */
export const rdsStorageEncrypted = defineRule({
  id: 'aws-rds-storage-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'RDS instance / Aurora cluster storage is encrypted.',
  remediation: 'Set storage_encrypted = true and kms_key_id to a customer-managed key (requires replacing an existing unencrypted database).',
  references: ['CKV_AWS_16', 'CKV_AWS_96', 'AVD-AWS-0080', 'AVD-AWS-0079', 'CIS AWS 3.0 2.3.1'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    // Read replicas inherit encryption from their source.
    if (resource.values.replicate_source_db !== undefined && resource.values.replicate_source_db !== null) return [];
    const engineMode = resource.values.engine_mode;
    if (isUnknown(engineMode)) return [];
    const serverlessV1 = resource.type === 'aws_rds_cluster' && str(engineMode) === 'serverless';
    const v = boolOr(resource.values.storage_encrypted, serverlessV1);
    return isUnknown(v) || v ? [] : ['storage_encrypted is not true (default false)'];
  },
});
