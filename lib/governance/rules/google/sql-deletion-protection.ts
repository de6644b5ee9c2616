import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Terraform cannot destroy the instance by accident (deletion_protection defaults to true). */
export const sqlDeletionProtection = defineRule({
  id: 'gcp-sql-deletion-protection',
  severity: 'warning',
  category: 'data-protection',
  description: 'Cloud SQL instance keeps deletion_protection enabled.',
  remediation: 'Remove deletion_protection = false (default true); also consider settings.deletion_protection_enabled for API-level protection.',
  references: ['google_sql_database_instance deletion_protection'],
  appliesTo: ['google_sql_database_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.deletion_protection, true);
    return isUnknown(v) || v ? [] : ['deletion_protection is false'];
  },
});
