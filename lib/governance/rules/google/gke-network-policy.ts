import { defineRule } from '../../rule';
import { block, bool, isUnknown, str } from '../../values';

/** NetworkPolicy is enforced: Dataplane V2 (ADVANCED_DATAPATH) or network_policy.enabled (both off by default). */
export const gkeNetworkPolicy = defineRule({
  id: 'gcp-gke-network-policy',
  severity: 'warning',
  category: 'network-isolation',
  description: 'GKE cluster enforces Kubernetes NetworkPolicy (Dataplane V2 or Calico).',
  remediation: 'Set datapath_provider = "ADVANCED_DATAPATH" (Dataplane V2), or network_policy { enabled = true }.',
  references: ['CKV_GCP_12', 'AVD-GCP-0056'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const datapath = resource.values.datapath_provider;
    const enabled = bool(block(resource.values, 'network_policy')?.enabled);
    if (isUnknown(datapath) || isUnknown(enabled)) return [];
    return str(datapath) === 'ADVANCED_DATAPATH' || enabled === true ? [] : ['NetworkPolicy is not enforced (no Dataplane V2, network_policy disabled)'];
  },
});
