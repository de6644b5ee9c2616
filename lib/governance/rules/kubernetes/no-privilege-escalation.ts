import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { bool, isUnknown } from '../../values';

/** Containers set allow_privilege_escalation = false; Kubernetes allows escalation when it is unset. */
export const noPrivilegeEscalation = defineRule({
  id: 'k8s-no-privilege-escalation',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Containers set security_context.allow_privilege_escalation = false.',
  remediation: 'Add security_context { allow_privilege_escalation = false } to every container.',
  references: ['CKV_K8S_20', 'AVD-KSV-0001', 'CIS Kubernetes 1.10 5.2.6'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    return containers(resource)
      .filter(({ container }) => {
        const v = bool(securityContext(container)?.allow_privilege_escalation);
        return !isUnknown(v) && v !== false;
      })
      .map(({ label }) => `${label} allows privilege escalation (allow_privilege_escalation not false)`);
  },
});
