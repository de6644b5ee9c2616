import { defineRule } from '../../rule';
import { block, isUnknown, stringMap } from '../../values';

const LABEL = 'pod-security.kubernetes.io/enforce';

/** Namespaces enforce a Pod Security Standard (baseline or restricted). Without the label nothing is enforced. */
export const namespacePodSecurityEnforced = defineRule({
  id: 'k8s-namespace-pod-security-enforced',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Namespaces carry pod-security.kubernetes.io/enforce = baseline or restricted.',
  remediation: 'Add metadata.labels["pod-security.kubernetes.io/enforce"] = "restricted" (or "baseline").',
  references: ['CIS Kubernetes 1.10 5.2.1'],
  appliesTo: ['kubernetes_namespace', 'kubernetes_namespace_v1'],
  packs: ['baseline'],
  evaluate(resource) {
    const labels = block(resource.values, 'metadata')?.labels;
    if (isUnknown(labels)) return [];
    const level = stringMap(labels)[LABEL];
    if (level === 'baseline' || level === 'restricted') return [];
    return [level ? `${LABEL} is "${level}"` : `namespace has no ${LABEL} label`];
  },
});
