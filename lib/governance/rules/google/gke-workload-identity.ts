import { defineRule } from '../../rule';
import { block, isSet } from '../../values';

/** Pods authenticate to Google APIs with Workload Identity, not node service-account keys. */
export const gkeWorkloadIdentity = defineRule({
  id: 'gcp-gke-workload-identity',
  severity: 'error',
  category: 'least-privilege',
  description: 'GKE cluster enables Workload Identity (workload_identity_config.workload_pool).',
  remediation: 'Set workload_identity_config { workload_pool = "<project>.svc.id.goog" }.',
  references: ['CIS GKE 1.6.0 5.2.2'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(block(resource.values, 'workload_identity_config')?.workload_pool) ? [] : ['Workload Identity is not enabled'];
  },
});
