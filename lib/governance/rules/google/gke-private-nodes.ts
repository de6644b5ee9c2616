import { defineRule } from '../../rule';
import { block, boolOr, isUnknown } from '../../values';

/** GKE nodes have only internal IPs (private_cluster_config.enable_private_nodes defaults to false). */
export const gkePrivateNodes = defineRule({
  id: 'gcp-gke-private-nodes',
  severity: 'error',
  category: 'network-isolation',
  description: 'GKE cluster uses private nodes.',
  remediation: 'Set private_cluster_config { enable_private_nodes = true } (egress through Cloud NAT).',
  references: ['CKV_GCP_25', 'CKV_GCP_64', 'AVD-GCP-0059', 'CIS GKE 1.6.0 5.6.5'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const privateCluster = boolOr(block(resource.values, 'private_cluster_config')?.enable_private_nodes, false);
    const networkConfig = boolOr(block(resource.values, 'network_config')?.enable_private_nodes ?? block(block(resource.values, 'node_pool_defaults'), 'node_config_defaults')?.enable_private_nodes, false);
    if (isUnknown(privateCluster) || privateCluster === true || networkConfig === true || isUnknown(networkConfig)) return [];
    return ['nodes get public IPs (private_cluster_config.enable_private_nodes is not true)'];
  },
});
