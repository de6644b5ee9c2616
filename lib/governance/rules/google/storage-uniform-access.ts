import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Bucket access is IAM-only (uniform_bucket_level_access defaults to false: ACLs apply). */
export const storageUniformAccess = defineRule({
  id: 'gcp-storage-uniform-access',
  severity: 'error',
  category: 'least-privilege',
  description: 'Cloud Storage bucket uses uniform bucket-level access.',
  remediation: 'Set uniform_bucket_level_access = true.',
  references: ['CKV_GCP_29', 'AVD-GCP-0002', 'CIS GCP 3.0 5.2'],
  appliesTo: ['google_storage_bucket'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.uniform_bucket_level_access, false);
    return isUnknown(v) || v ? [] : ['uniform_bucket_level_access is not true (default false)'];
  },
});
