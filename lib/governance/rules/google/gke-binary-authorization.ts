import { defineRule } from '../../rule';
import { block, bool, isUnknown, str } from '../../values';

const ENFORCING = ['PROJECT_SINGLETON_POLICY_ENFORCE', 'POLICY_BINDINGS', 'POLICY_BINDINGS_AND_PROJECT_SINGLETON_POLICY_ENFORCE'];

/**
 * Only attested images are admitted: binary_authorization.evaluation_mode enforces the project policy (or policy
 * bindings). Without the block, or with DISABLED, any image from any registry runs (the provider default).
 */
export const gkeBinaryAuthorization = defineRule({
  id: 'gcp-gke-binary-authorization',
  severity: 'warning',
  category: 'ml-lifecycle',
  description: 'GKE cluster enforces Binary Authorization (binary_authorization.evaluation_mode PROJECT_SINGLETON_POLICY_ENFORCE or policy bindings).',
  remediation: 'Set binary_authorization { evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE" } and define google_binary_authorization_policy with the attestors your CI signs with.',
  references: ['CKV_GCP_66', 'CIS GKE 1.6.0 5.10.4'],
  appliesTo: ['google_container_cluster'],
  packs: ['strict'],
  evaluate(resource) {
    const config = block(resource.values, 'binary_authorization');
    const mode = config?.evaluation_mode;
    const enabled = bool(config?.enabled);
    if (isUnknown(mode) || isUnknown(enabled)) return [];
    if (ENFORCING.includes(str(mode) ?? '') || (mode === undefined && enabled === true)) return [];
    return [`Binary Authorization is not enforced (evaluation_mode ${str(mode) ?? 'unset'}): any image can run`];
  },
});
