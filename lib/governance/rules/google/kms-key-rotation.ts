import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

const MAX_ROTATION_SECONDS = 90 * 24 * 3600;

/** Symmetric Cloud KMS keys rotate at least every 90 days (rotation_period is unset by default: no rotation). */
export const cloudKmsKeyRotation = defineRule({
  id: 'gcp-kms-key-rotation',
  severity: 'error',
  category: 'key-management',
  description: 'Cloud KMS crypto key has rotation_period of 90 days (7776000s) or less.',
  remediation: 'Set rotation_period = "7776000s" (or shorter).',
  references: ['CKV_GCP_43', 'AVD-GCP-0065', 'CIS GCP 3.0 1.10'],
  appliesTo: ['google_kms_crypto_key'],
  packs: ['baseline'],
  evaluate(resource) {
    const purpose = str(resource.values.purpose) ?? 'ENCRYPT_DECRYPT';
    if (purpose !== 'ENCRYPT_DECRYPT') return []; // automatic rotation is only supported for symmetric keys
    const period = resource.values.rotation_period;
    if (isUnknown(period)) return [];
    const seconds = Number((str(period) ?? '').replace(/s$/, ''));
    if (!str(period) || Number.isNaN(seconds)) return ['rotation_period is not set: the key never rotates'];
    return seconds > MAX_ROTATION_SECONDS ? [`rotation_period ${str(period)} is longer than 90 days`] : [];
  },
});
