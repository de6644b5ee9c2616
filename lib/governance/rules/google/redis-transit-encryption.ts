import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/** Memorystore Redis uses TLS (transit_encryption_mode defaults to DISABLED). */
export const redisTransitEncryption = defineRule({
  id: 'gcp-redis-transit-encryption',
  severity: 'error',
  category: 'encryption-in-transit',
  description: 'Memorystore Redis instance has transit_encryption_mode = "SERVER_AUTHENTICATION".',
  remediation: 'Set transit_encryption_mode = "SERVER_AUTHENTICATION" (requires replacing the instance).',
  references: ['CKV_GCP_97'],
  appliesTo: ['google_redis_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.transit_encryption_mode;
    return isUnknown(v) || str(v) === 'SERVER_AUTHENTICATION' ? [] : ['transit encryption is disabled (default DISABLED)'];
  },
});
