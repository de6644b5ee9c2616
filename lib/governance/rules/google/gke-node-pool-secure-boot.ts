import { defineRule } from '../../rule';
import { block, boolOr, isUnknown } from '../../values';

/** Nodes boot with Secure Boot (shielded_instance_config.enable_secure_boot defaults to false). */
export const gkeNodePoolSecureBoot = defineRule({
  id: 'gcp-gke-node-pool-secure-boot',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'GKE node pool enables Secure Boot.',
  remediation: 'Set node_config { shielded_instance_config { enable_secure_boot = true } } (third-party unsigned kernel modules will not load).',
  references: ['CKV_GCP_68', 'CIS GKE 1.6.0 5.5.7'],
  appliesTo: ['google_container_node_pool'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(block(block(resource.values, 'node_config'), 'shielded_instance_config')?.enable_secure_boot, false);
    return isUnknown(v) || v ? [] : ['Secure Boot is not enabled (default false)'];
  },
});
