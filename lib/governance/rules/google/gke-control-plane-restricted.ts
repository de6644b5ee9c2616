import { defineRule } from '../../rule';
import { coversWholeInternet } from '../../support/cidr';
import { anyUnknown, block, blocks, bool, boolOr, isUnknown, strings } from '../../values';

/**
 * The control-plane endpoint is private, or reachable only from master authorized networks that
 * do not include 0.0.0.0/0. Without either, the public endpoint accepts any source (provider default).
 */
export const gkeControlPlaneRestricted = defineRule({
  id: 'gcp-gke-control-plane-restricted',
  severity: 'error',
  category: 'public-exposure',
  description: 'GKE control plane is private or limited to master authorized networks.',
  remediation: 'Set private_cluster_config.enable_private_endpoint = true, or master_authorized_networks_config with cidr_blocks for your networks (never 0.0.0.0/0, no gcp_public_cidrs_access_enabled).',
  references: ['CKV_GCP_20', 'AVD-GCP-0061', 'CIS GKE 1.6.0 5.6.3'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const privateEndpoint = boolOr(block(resource.values, 'private_cluster_config')?.enable_private_endpoint, false);
    if (isUnknown(privateEndpoint) || privateEndpoint) return [];
    const man = block(resource.values, 'master_authorized_networks_config');
    if (!man) return ['control-plane endpoint is public with no master_authorized_networks_config'];
    // Google Cloud's public ranges are anyone's: any project can start a VM there.
    const gcpPublic = bool(man.gcp_public_cidrs_access_enabled);
    if (gcpPublic === true) return ['master_authorized_networks_config.gcp_public_cidrs_access_enabled admits every Google Cloud public IP'];
    const cidrs = blocks(man, 'cidr_blocks').map((c) => c.cidr_block);
    if (anyUnknown(cidrs)) return [];
    return coversWholeInternet(strings(cidrs)) ? ['master authorized networks cover the whole internet (0.0.0.0/0, ::/0 or ranges that add up to it)'] : [];
  },
});
