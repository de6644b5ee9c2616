import { defineRule } from '../../rule';
import { block, bool, isSet, isUnknown } from '../../values';

/** Vertex AI endpoints are private (VPC peering `network` or Private Service Connect); public by default. */
export const vertexAiEndpointPrivate = defineRule({
  id: 'gcp-vertex-ai-endpoint-private',
  severity: 'warning',
  category: 'network-isolation',
  description: 'Vertex AI endpoint is private (network or private_service_connect_config).',
  remediation: 'Set network = "projects/<number>/global/networks/<vpc>" or private_service_connect_config { enable_private_service_connect = true, project_allowlist = [...] }.',
  references: ['CKV2_GCP_33'],
  appliesTo: ['google_vertex_ai_endpoint'],
  packs: ['baseline'],
  evaluate(resource) {
    const psc = bool(block(resource.values, 'private_service_connect_config')?.enable_private_service_connect);
    if (isUnknown(psc) || psc === true || isSet(resource.values.network)) return [];
    return ['endpoint is public (no network or Private Service Connect)'];
  },
});
