import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/** Public access prevention is enforced (public_access_prevention defaults to "inherited"). */
export const storagePublicAccessPrevention = defineRule({
  id: 'gcp-storage-public-access-prevention',
  severity: 'error',
  category: 'public-exposure',
  description: 'Cloud Storage bucket enforces public access prevention.',
  remediation: 'Set public_access_prevention = "enforced".',
  references: ['CKV_GCP_114', 'AVD-GCP-0001', 'CIS GCP 3.0 5.1'],
  appliesTo: ['google_storage_bucket'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.public_access_prevention;
    return isUnknown(v) || str(v) === 'enforced' ? [] : [`public_access_prevention is "${str(v) ?? 'inherited'}", not "enforced"`];
  },
});
