import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Legacy ABAC stays off (enable_legacy_abac defaults to false). */
export const gkeLegacyAbacDisabled = defineRule({
  id: 'gcp-gke-legacy-abac-disabled',
  severity: 'error',
  category: 'least-privilege',
  description: 'GKE cluster has legacy ABAC disabled.',
  remediation: 'Remove enable_legacy_abac = true; use Kubernetes RBAC.',
  references: ['CKV_GCP_7', 'AVD-GCP-0062', 'CIS GKE 1.6.0 5.8.3'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.enable_legacy_abac, false);
    return isUnknown(v) || !v ? [] : ['enable_legacy_abac is true'];
  },
});
