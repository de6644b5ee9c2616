import { defineRule } from '../../rule';
import { block, isSet } from '../../values';

/** Buckets use a customer-managed key (Google-managed keys by default), a warning: Google encrypts everything anyway. */
export const storageCmek = defineRule({
  id: 'gcp-storage-cmek',
  severity: 'warning',
  category: 'key-management',
  description: 'Cloud Storage bucket sets encryption.default_kms_key_name (CMEK).',
  remediation: 'Set encryption { default_kms_key_name = <crypto key id> } and grant the GCS service agent encrypter/decrypter on the key.',
  references: ['AVD-GCP-0066'],
  appliesTo: ['google_storage_bucket'],
  packs: ['strict'],
  evaluate(resource) {
    return isSet(block(resource.values, 'encryption')?.default_kms_key_name) ? [] : ['bucket uses Google-managed encryption keys'];
  },
});
