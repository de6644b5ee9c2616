import { defineRule } from '../../rule';
import { isUnknown } from '../../values';

/**
 * Clusters carry resource labels (none by default), so billing exports, budgets and inventory can attribute their
 * accelerator spend. Which labels are required is ml-required-tags' job (ml-guardrails); this rule asks for any.
 */
export const gkeClusterLabels = defineRule({
  id: 'gcp-gke-cluster-labels',
  severity: 'warning',
  category: 'tagging-labels',
  description: 'GKE cluster sets resource_labels.',
  remediation: 'Set resource_labels (e.g. owner, cost-center, environment), or google provider default_labels.',
  references: ['CKV_GCP_21', 'AVD-GCP-0051'],
  appliesTo: ['google_container_cluster'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    if (isUnknown(resource.values.resource_labels)) return [];
    // ctx.tags merges the google provider's default_labels under resource_labels; goog-* labels are Google's own.
    return Object.keys(ctx.tags(resource)).some((k) => !k.startsWith('goog-')) ? [] : ['the cluster has no resource_labels'];
  },
});
