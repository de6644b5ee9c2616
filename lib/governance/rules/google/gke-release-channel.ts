import { defineRule } from '../../rule';
import { block, isUnknown, str } from '../../values';

/**
 * Clusters are enrolled in a release channel. When release_channel is omitted GKE enrols new clusters
 * in REGULAR, so only an explicit UNSPECIFIED (no channel, manual upgrades) is reported.
 */
export const gkeReleaseChannel = defineRule({
  id: 'gcp-gke-release-channel',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'GKE cluster is enrolled in a release channel.',
  remediation: 'Set release_channel { channel = "REGULAR" } (or STABLE / RAPID).',
  references: ['CKV_GCP_70', 'CIS GKE 1.6.0 5.5.4'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const channel = block(resource.values, 'release_channel')?.channel;
    return isUnknown(channel) || str(channel) !== 'UNSPECIFIED' ? [] : ['release_channel is UNSPECIFIED: no automatic upgrades'];
  },
});
