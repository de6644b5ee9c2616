import { defineRule } from '../../rule';
import { block, bool, isUnknown } from '../../values';

/**
 * Optimized Vertex AI Feature Store online stores serve through a dedicated endpoint that is public unless
 * dedicated_serving_endpoint.private_service_connect_config enables Private Service Connect. Bigtable online stores
 * serve through the regional Vertex AI API (IAM-controlled) and have no endpoint of their own to check.
 */
export const vertexAiFeatureOnlineStorePrivate = defineRule({
  id: 'gcp-vertex-ai-feature-online-store-private',
  severity: 'warning',
  category: 'network-isolation',
  description: 'Optimized Vertex AI feature online stores serve through Private Service Connect, not a public dedicated endpoint.',
  remediation: 'Set dedicated_serving_endpoint { private_service_connect_config { enable_private_service_connect = true, project_allowlist = [...] } }.',
  references: ['Vertex AI Feature Store: online serving through Private Service Connect'],
  appliesTo: ['google_vertex_ai_feature_online_store'],
  packs: ['baseline'],
  evaluate(resource) {
    const optimized = resource.values.optimized;
    if (optimized === undefined || optimized === null || (Array.isArray(optimized) && optimized.length === 0)) return [];
    const psc = bool(block(block(resource.values, 'dedicated_serving_endpoint'), 'private_service_connect_config')?.enable_private_service_connect);
    if (isUnknown(psc)) return [];
    return psc === true ? [] : ['the optimized online store\'s dedicated serving endpoint is public (Private Service Connect not enabled)'];
  },
});
