import { defineRule } from '../../rule';
import { acceleratorsPerNode, maxNodes } from '../../support/accelerators';

/** A node pool can scale to at most `maxAcceleratorsPerPool` GPUs/TPU chips (max nodes × accelerators per node). */
export const acceleratorBudgetPerPool = defineRule({
  id: 'ml-accelerator-budget-per-pool',
  severity: 'error',
  category: 'cost-capacity',
  description: 'Accelerator node pools cannot scale beyond the per-pool GPU/TPU budget (parameter maxAcceleratorsPerPool).',
  remediation: 'Lower the pool\'s max size (scaling_config.max_size / autoscaling max) or raise the budget with --param maxAcceleratorsPerPool=N after approval.',
  references: ['FinOps: accelerator quotas'],
  appliesTo: ['aws_eks_node_group', 'google_container_node_pool'],
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const budget = ctx.parameters.maxAcceleratorsPerPool;
    if (budget === undefined) return [];
    const perNode = acceleratorsPerNode(resource);
    const nodes = maxNodes(resource);
    if (perNode === 0 || nodes === undefined) return [];
    const total = perNode * nodes;
    return total > budget ? [`pool can scale to ${total} accelerators (${nodes} nodes × ${perNode}), budget is ${budget}`] : [];
  },
});
