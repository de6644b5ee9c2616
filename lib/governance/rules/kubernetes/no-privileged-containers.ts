import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { bool } from '../../values';

/** No container runs privileged (security_context.privileged defaults to false). */
export const noPrivilegedContainers = defineRule({
  id: 'k8s-no-privileged-containers',
  severity: 'error',
  category: 'workload-hardening',
  description: 'Containers do not run privileged.',
  remediation: 'Remove security_context { privileged = true }; grant the specific capability or use a device plugin (GPUs need no privilege).',
  references: ['CKV_K8S_16', 'AVD-KSV-0017', 'CIS Kubernetes 1.10 5.2.2'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    return containers(resource)
      .filter(({ container }) => bool(securityContext(container)?.privileged) === true)
      .map(({ label }) => `${label} runs privileged`);
  },
});
