import { defineRule } from '../../rule';
import { block, isSet, isUnknown, str } from '../../values';

/** etcd application-layer secrets encryption with Cloud KMS (database_encryption defaults to DECRYPTED). */
export const gkeSecretsEncrypted = defineRule({
  id: 'gcp-gke-secrets-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'GKE cluster encrypts Kubernetes secrets with Cloud KMS (database_encryption ENCRYPTED).',
  remediation: 'Set database_encryption { state = "ENCRYPTED", key_name = <crypto key id> }.',
  references: ['CIS GKE 1.6.0 5.3.1'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const enc = block(resource.values, 'database_encryption');
    if (isUnknown(enc?.state)) return [];
    return str(enc?.state) === 'ENCRYPTED' && isSet(enc?.key_name) ? [] : ['Kubernetes secrets are not encrypted with a Cloud KMS key'];
  },
});
