import { defineRule } from '../../rule';
import { block, boolOr, isUnknown } from '../../values';

/** Object versioning is on (versioning.enabled defaults to false). */
export const storageVersioning = defineRule({
  id: 'gcp-storage-versioning',
  severity: 'warning',
  category: 'data-protection',
  description: 'Cloud Storage bucket has object versioning (or soft delete you rely on).',
  remediation: 'Set versioning { enabled = true } with a lifecycle rule for noncurrent versions.',
  references: ['CKV_GCP_78'],
  appliesTo: ['google_storage_bucket'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(block(resource.values, 'versioning')?.enabled, false);
    return isUnknown(v) || v ? [] : ['versioning is not enabled'];
  },
});
