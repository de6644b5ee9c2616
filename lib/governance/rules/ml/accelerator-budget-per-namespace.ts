import { defineRule } from '../../rule';
import { block, num, stringMap } from '../../values';

const ACCELERATOR_RESOURCES = /^(requests\.|limits\.)?(nvidia\.com\/gpu|google\.com\/tpu|aws\.amazon\.com\/neuron(core|device)?|amd\.com\/gpu)$/;

/** A team namespace's ResourceQuota grants at most `maxAcceleratorsPerNamespace` accelerators. */
export const acceleratorBudgetPerNamespace = defineRule({
  id: 'ml-accelerator-budget-per-namespace',
  severity: 'error',
  category: 'cost-capacity',
  description: 'ResourceQuota accelerator limits (nvidia.com/gpu, google.com/tpu, aws.amazon.com/neuron) stay within the per-namespace budget (parameter maxAcceleratorsPerNamespace).',
  remediation: 'Lower spec.hard["requests.nvidia.com/gpu"] (or the TPU/Neuron equivalent) in the namespace\'s ResourceQuota, or raise the budget after approval.',
  references: ['Kubernetes ResourceQuota extended resources'],
  appliesTo: ['kubernetes_resource_quota', 'kubernetes_resource_quota_v1'],
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const budget = ctx.parameters.maxAcceleratorsPerNamespace;
    if (budget === undefined) return [];
    const hard = stringMap(block(resource.values, 'spec')?.hard);
    const out: string[] = [];
    for (const [key, value] of Object.entries(hard)) {
      const n = num(value);
      if (ACCELERATOR_RESOURCES.test(key) && n !== undefined && n > budget) out.push(`quota grants ${key} = ${n}, budget is ${budget}`);
    }
    return out;
  },
});
