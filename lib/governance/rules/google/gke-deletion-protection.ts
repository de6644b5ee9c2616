import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Terraform cannot destroy the cluster by accident (deletion_protection defaults to true since provider 5.0). */
export const gkeDeletionProtection = defineRule({
  id: 'gcp-gke-deletion-protection',
  severity: 'warning',
  category: 'data-protection',
  description: 'GKE cluster keeps deletion_protection enabled.',
  remediation: 'Remove deletion_protection = false (default true); set it to false only in the change that deletes the cluster.',
  references: ['google_container_cluster deletion_protection'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.deletion_protection, true);
    return isUnknown(v) || v ? [] : ['deletion_protection is false'];
  },
});
