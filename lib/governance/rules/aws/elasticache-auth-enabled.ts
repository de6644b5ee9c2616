import { defineRule } from '../../rule';
import { isSet } from '../../values';

/** Clients authenticate: an AUTH token or RBAC user groups (neither is configured by default). */
export const elasticacheAuthEnabled = defineRule({
  id: 'aws-elasticache-auth-enabled',
  severity: 'warning',
  category: 'least-privilege',
  description: 'ElastiCache replication group requires authentication (auth_token or user_group_ids).',
  remediation: 'Set user_group_ids to an aws_elasticache_user_group (RBAC), or auth_token from a secret (requires transit encryption).',
  references: ['CKV_AWS_31'],
  appliesTo: ['aws_elasticache_replication_group'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.auth_token) || isSet(resource.values.user_group_ids) ? [] : ['no auth_token or user_group_ids: clients connect without authentication'];
  },
});
