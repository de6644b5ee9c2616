import { defineRule } from '../../rule';
import { isAcceleratorPool } from '../../support/accelerators';
import { block, isUnknown, num } from '../../values';

/** Accelerator pools can scale to zero nodes so idle training capacity costs nothing. */
export const acceleratorPoolScalesToZero = defineRule({
  id: 'ml-accelerator-pool-scales-to-zero',
  severity: 'info',
  category: 'cost-capacity',
  description: 'Accelerator node pools have a minimum size of 0.',
  remediation: 'Set scaling_config.min_size = 0 (EKS) or autoscaling { min_node_count = 0 } / total_min_node_count = 0 (GKE), unless serving needs warm capacity.',
  references: ['FinOps: scale idle accelerators to zero'],
  appliesTo: ['aws_eks_node_group', 'google_container_node_pool'],
  packs: ['ml-guardrails'],
  evaluate(resource) {
    if (!isAcceleratorPool(resource)) return [];
    if (resource.type === 'aws_eks_node_group') {
      const min = block(resource.values, 'scaling_config')?.min_size;
      if (isUnknown(min)) return [];
      const n = num(min) ?? 1;
      return n > 0 ? [`accelerator pool keeps at least ${n} node(s)`] : [];
    }
    const autoscaling = block(resource.values, 'autoscaling');
    if (!autoscaling) return ['accelerator pool has no autoscaling: it never scales to zero'];
    const mins = [autoscaling.min_node_count, autoscaling.total_min_node_count];
    if (mins.some(isUnknown)) return [];
    const min = mins.map(num).find((n) => n !== undefined) ?? 0;
    return min > 0 ? [`accelerator pool keeps at least ${min} node(s)`] : [];
  },
});
