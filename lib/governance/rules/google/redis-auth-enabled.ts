import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Memorystore Redis requires AUTH (auth_enabled defaults to false). */
export const redisAuthEnabled = defineRule({
  id: 'gcp-redis-auth-enabled',
  severity: 'warning',
  category: 'least-privilege',
  description: 'Memorystore Redis instance has auth_enabled = true.',
  remediation: 'Set auth_enabled = true and read the AUTH string from the instance\'s auth_string into a secret.',
  references: ['CKV_GCP_95'],
  appliesTo: ['google_redis_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.auth_enabled, false);
    return isUnknown(v) || v ? [] : ['auth_enabled is not true (default false)'];
  },
});
