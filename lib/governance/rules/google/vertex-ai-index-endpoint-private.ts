import { defineRule } from '../../rule';
import { block, bool, boolOr, isSet, isUnknown } from '../../values';

/**
 * Vector Search index endpoints serve over VPC peering (`network`) or Private Service Connect, not the public endpoint
 * (public_endpoint_enabled, default false; an endpoint with neither private option has only the public one).
 */
export const vertexAiIndexEndpointPrivate = defineRule({
  id: 'gcp-vertex-ai-index-endpoint-private',
  severity: 'warning',
  category: 'network-isolation',
  description: 'Vertex AI index endpoint is private (network or Private Service Connect) and public_endpoint_enabled is not true.',
  remediation: 'Remove public_endpoint_enabled = true and set network = "projects/<number>/global/networks/<vpc>" or private_service_connect_config { enable_private_service_connect = true, project_allowlist = [...] }.',
  references: ['CKV2_GCP_34'],
  appliesTo: ['google_vertex_ai_index_endpoint'],
  packs: ['baseline'],
  evaluate(resource) {
    const publicEndpoint = boolOr(resource.values.public_endpoint_enabled, false);
    const psc = bool(block(resource.values, 'private_service_connect_config')?.enable_private_service_connect);
    if (isUnknown(publicEndpoint) || isUnknown(psc)) return [];
    if (publicEndpoint) return ['public_endpoint_enabled is true: the index is queryable from the internet'];
    return psc === true || isSet(resource.values.network) ? [] : ['no network or Private Service Connect: the index endpoint can only be public'];
  },
});
