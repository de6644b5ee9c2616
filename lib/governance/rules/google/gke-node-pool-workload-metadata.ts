import { defineRule } from '../../rule';
import { block, isSet, isUnknown, str } from '../../values';

/**
 * Node pools expose the GKE metadata server (mode GKE_METADATA) so pods cannot read node credentials.
 * When workload_metadata_config is absent the pool inherits GKE_METADATA only if the cluster has Workload Identity.
 */
export const gkeNodePoolWorkloadMetadata = defineRule({
  id: 'gcp-gke-node-pool-workload-metadata',
  severity: 'error',
  category: 'workload-hardening',
  description: 'GKE node pool uses workload_metadata_config.mode = "GKE_METADATA".',
  remediation: 'Set node_config { workload_metadata_config { mode = "GKE_METADATA" } } and enable Workload Identity on the cluster.',
  references: ['CKV_GCP_69', 'CIS GKE 1.6.0 5.4.1'],
  appliesTo: ['google_container_node_pool'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const mode = block(block(resource.values, 'node_config'), 'workload_metadata_config')?.mode;
    if (isUnknown(mode)) return [];
    if (mode !== undefined && mode !== null) return str(mode) === 'GKE_METADATA' ? [] : [`workload_metadata_config.mode is ${String(mode)}`];
    const clusters = ctx.referencedFrom(resource, 'cluster', ['google_container_cluster']);
    if (clusters.length === 0) return []; // cluster not in this configuration: cannot tell what is inherited
    return clusters.every((c) => isSet(block(c.values, 'workload_identity_config')?.workload_pool))
      ? []
      : ['no workload_metadata_config and the cluster has no Workload Identity: pods can reach node credentials'];
  },
});
