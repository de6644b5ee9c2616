import { defineRule } from '../../rule';
import { block, isSet } from '../../values';

/** Amazon Managed Grafana workspaces are reachable only from named VPC endpoints or prefix lists (public by default). */
export const grafanaWorkspaceNetworkRestricted = defineRule({
  id: 'aws-grafana-workspace-network-restricted',
  severity: 'warning',
  category: 'public-exposure',
  description: 'Amazon Managed Grafana workspace has network_access_control (VPC endpoints or prefix lists).',
  remediation: 'Add network_access_control { prefix_list_ids = [...], vpce_ids = [...] }.',
  references: ['AWS Managed Grafana network access control'],
  appliesTo: ['aws_grafana_workspace'],
  packs: ['baseline'],
  evaluate(resource) {
    const nac = block(resource.values, 'network_access_control');
    return nac && (isSet(nac.prefix_list_ids) || isSet(nac.vpce_ids)) ? [] : ['workspace is reachable from the internet (no network_access_control)'];
  },
});
