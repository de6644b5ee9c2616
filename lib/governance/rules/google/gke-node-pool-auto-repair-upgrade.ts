import { defineRule } from '../../rule';
import { block, boolOr, isUnknown } from '../../values';

/** Node auto-repair and auto-upgrade stay on (management.auto_repair / auto_upgrade default to true). */
export const gkeNodePoolAutoRepairUpgrade = defineRule({
  id: 'gcp-gke-node-pool-auto-repair-upgrade',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'GKE node pool keeps auto_repair and auto_upgrade enabled.',
  remediation: 'Remove management { auto_repair = false / auto_upgrade = false }; use maintenance windows to control timing.',
  references: ['CKV_GCP_9', 'CKV_GCP_10', 'AVD-GCP-0063', 'AVD-GCP-0058', 'CIS GKE 1.6.0 5.5.2', 'CIS GKE 1.6.0 5.5.3'],
  appliesTo: ['google_container_node_pool'],
  packs: ['baseline'],
  evaluate(resource) {
    const management = block(resource.values, 'management');
    const out: string[] = [];
    for (const key of ['auto_repair', 'auto_upgrade']) {
      const v = boolOr(management?.[key], true);
      if (!isUnknown(v) && !v) out.push(`management.${key} is false`);
    }
    return out;
  },
});
