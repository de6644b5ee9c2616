import { defineRule } from '../../rule';
import { isAcceleratorPool } from '../../support/accelerators';
import { blocks, str } from '../../values';

/**
 * EKS accelerator node groups carry a NoSchedule taint so only pods that request accelerators land there.
 * GKE adds nvidia.com/gpu and google.com/tpu NoSchedule taints to accelerator pools automatically, so GKE
 * pools are treated as tainted and this rule only checks aws_eks_node_group.
 */
export const acceleratorPoolTainted = defineRule({
  id: 'ml-accelerator-pool-tainted',
  severity: 'warning',
  category: 'ml-lifecycle',
  description: 'EKS GPU / Neuron node groups are tainted nvidia.com/gpu or aws.amazon.com/neuron (NO_SCHEDULE).',
  remediation: 'Add taint { key = "nvidia.com/gpu", value = "true", effect = "NO_SCHEDULE" } (aws.amazon.com/neuron for Trainium/Inferentia).',
  references: ['EKS best practices: GPU node taints'],
  appliesTo: ['aws_eks_node_group'],
  packs: ['ml-guardrails'],
  evaluate(resource) {
    if (!isAcceleratorPool(resource)) return [];
    const ami = str(resource.values.ami_type) ?? '';
    const types = JSON.stringify(resource.values.instance_types ?? []);
    const neuron = /NEURON/.test(ami) || /"(trn|inf)\d/.test(types);
    const expected = neuron ? 'aws.amazon.com/neuron' : 'nvidia.com/gpu';
    const taints = blocks(resource.values, 'taint');
    const ok = taints.some((t) => str(t.key) === expected && /NO_SCHEDULE|NO_EXECUTE/.test(str(t.effect) ?? ''));
    return ok ? [] : [`accelerator pool has no ${expected} NO_SCHEDULE taint`];
  },
});
