import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES } from '../../support/workloads';
import { block, isSet } from '../../values';

/** Containers declare cpu and memory requests and limits (none are set by default). */
export const resourceLimitsSet = defineRule({
  id: 'k8s-resource-limits-set',
  severity: 'warning',
  category: 'cost-capacity',
  description: 'Containers set resources.requests and resources.limits for cpu and memory.',
  remediation: 'Add resources { requests = { cpu = "500m", memory = "1Gi" }, limits = { cpu = "1", memory = "1Gi" } } to every container.',
  references: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13', 'AVD-KSV-0011', 'AVD-KSV-0015', 'AVD-KSV-0016', 'AVD-KSV-0018'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    for (const { label, container } of containers(resource)) {
      const resources = block(container, 'resources');
      const missing: string[] = [];
      for (const kind of ['requests', 'limits']) {
        const values = resources?.[kind];
        if (isSet(values) && typeof values !== 'object') continue; // unknown map
        for (const r of ['cpu', 'memory']) {
          if (!isSet((values as Record<string, unknown> | undefined)?.[r])) missing.push(`${kind}.${r}`);
        }
      }
      if (missing.length) out.push(`${label} has no ${missing.join(', ')}`);
    }
    return out;
  },
});
