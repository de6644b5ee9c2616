import { defineRule } from '../../rule';
import { block, isSet } from '../../values';

/** Vertex AI resources holding models or data use a customer-managed key (Google-managed by default). */
export const vertexAiCmek = defineRule({
  id: 'gcp-vertex-ai-cmek',
  severity: 'warning',
  category: 'key-management',
  description: 'Vertex AI endpoint / feature store / dataset / index sets encryption_spec.kms_key_name.',
  remediation: 'Set encryption_spec { kms_key_name = <crypto key id in the same region> }.',
  references: ['CKV2_GCP_24', 'CKV2_GCP_25', 'CKV2_GCP_26', 'CKV_GCP_92', 'CKV_GCP_96'],
  appliesTo: ['google_vertex_ai_endpoint', 'google_vertex_ai_featurestore', 'google_vertex_ai_dataset', 'google_vertex_ai_index', 'google_vertex_ai_metadata_store', 'google_vertex_ai_tensorboard'],
  packs: ['strict'],
  evaluate(resource) {
    return isSet(block(resource.values, 'encryption_spec')?.kms_key_name) ? [] : ['encryption_spec.kms_key_name is not set (Google-managed key)'];
  },
});
