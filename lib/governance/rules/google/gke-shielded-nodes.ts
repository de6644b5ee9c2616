import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Shielded GKE nodes stay on (enable_shielded_nodes defaults to true); only an explicit false is reported. */
export const gkeShieldedNodes = defineRule({
  id: 'gcp-gke-shielded-nodes',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'GKE cluster keeps Shielded GKE nodes enabled.',
  remediation: 'Remove enable_shielded_nodes = false (the default is true).',
  references: ['CKV_GCP_71', 'AVD-GCP-0055', 'CIS GKE 1.6.0 5.5.5'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.enable_shielded_nodes, true);
    return isUnknown(v) || v ? [] : ['enable_shielded_nodes is false'];
  },
});
