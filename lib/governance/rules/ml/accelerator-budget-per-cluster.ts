import { defineRule } from '../../rule';
import { acceleratorsPerNode, maxNodes } from '../../support/accelerators';

/** All node pools of a cluster together can scale to at most `maxAcceleratorsPerCluster` accelerators. */
export const acceleratorBudgetPerCluster = defineRule({
  id: 'ml-accelerator-budget-per-cluster',
  severity: 'error',
  category: 'cost-capacity',
  description: 'A cluster\'s accelerator node pools together stay within the per-cluster budget (parameter maxAcceleratorsPerCluster).',
  remediation: 'Lower the max size of the cluster\'s accelerator pools, or raise the budget with --param maxAcceleratorsPerCluster=N after approval.',
  references: ['FinOps: accelerator quotas'],
  appliesTo: ['aws_eks_cluster', 'google_container_cluster'],
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const budget = ctx.parameters.maxAcceleratorsPerCluster;
    if (budget === undefined) return [];
    const attribute = resource.type === 'aws_eks_cluster' ? 'cluster_name' : 'cluster';
    const poolType = resource.type === 'aws_eks_cluster' ? 'aws_eks_node_group' : 'google_container_node_pool';
    let total = 0;
    for (const pool of ctx.referencing(resource, [poolType], attribute)) {
      total += acceleratorsPerNode(pool) * (maxNodes(pool) ?? 0);
    }
    return total > budget ? [`node pools can scale to ${total} accelerators in total, budget is ${budget}`] : [];
  },
});
