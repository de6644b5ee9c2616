import { defineRule } from '../../rule';
import { boolOr, isUnknown, str } from '../../values';

/**
 * Replication groups encrypt data at rest. at_rest_encryption_enabled (a string in provider v6) defaults
 * to false for engine redis and true for valkey (elasticache_replication_group docs).
 */
export const elasticacheAtRestEncryption = defineRule({
  id: 'aws-elasticache-at-rest-encryption',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'ElastiCache replication group encrypts data at rest.',
  remediation: 'Set at_rest_encryption_enabled = "true" (and kms_key_id for a customer-managed key).',
  references: ['CKV_AWS_29', 'AVD-AWS-0045'],
  appliesTo: ['aws_elasticache_replication_group'],
  packs: ['baseline'],
  evaluate(resource) {
    const engine = str(resource.values.engine) ?? 'redis';
    const v = boolOr(resource.values.at_rest_encryption_enabled, engine === 'valkey');
    return isUnknown(v) || v ? [] : ['at_rest_encryption_enabled is not true'];
  },
});
