import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Replication groups use TLS (transit_encryption_enabled defaults to false). */
export const elasticacheInTransitEncryption = defineRule({
  id: 'aws-elasticache-in-transit-encryption',
  severity: 'error',
  category: 'encryption-in-transit',
  description: 'ElastiCache replication group requires TLS in transit.',
  remediation: 'Set transit_encryption_enabled = true (and transit_encryption_mode = "required").',
  references: ['CKV_AWS_30', 'AVD-AWS-0051'],
  appliesTo: ['aws_elasticache_replication_group'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.transit_encryption_enabled, false);
    return isUnknown(v) || v ? [] : ['transit_encryption_enabled is not true'];
  },
});
