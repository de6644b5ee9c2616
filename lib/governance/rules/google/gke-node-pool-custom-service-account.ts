import { defineRule } from '../../rule';
import { block, isUnknown, str } from '../../values';

/** Nodes run as a dedicated service account; an absent service_account means the Compute Engine default SA (Editor). */
export const gkeNodePoolCustomServiceAccount = defineRule({
  id: 'gcp-gke-node-pool-custom-service-account',
  severity: 'error',
  category: 'least-privilege',
  description: 'GKE node pool runs as a dedicated, minimally privileged service account.',
  remediation: 'Set node_config.service_account to a service account with roles/container.defaultNodeServiceAccount only.',
  references: ['CKV2_GCP_1', 'AVD-GCP-0050', 'CIS GKE 1.6.0 5.2.1'],
  appliesTo: ['google_container_node_pool'],
  packs: ['baseline'],
  evaluate(resource) {
    const sa = block(resource.values, 'node_config')?.service_account;
    if (isUnknown(sa)) return [];
    const email = str(sa) ?? 'default';
    return email === 'default' || email.endsWith('-compute@developer.gserviceaccount.com') ? ['nodes run as the Compute Engine default service account'] : [];
  },
});
