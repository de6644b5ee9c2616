import { defineRule } from '../../rule';
import { containers, podSpec, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { block, bool, isUnknown } from '../../values';

/** Containers must run as a non-root user (pod- or container-level run_as_non_root; unset means root is allowed). */
export const runAsNonRoot = defineRule({
  id: 'k8s-run-as-non-root',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Pods or containers set run_as_non_root = true.',
  remediation: 'Set spec.security_context { run_as_non_root = true, run_as_user = 1000 } or the same per container; build images with a non-root USER.',
  references: ['CKV_K8S_23', 'AVD-KSV-0012', 'CIS Kubernetes 1.10 5.2.7'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const podLevel = bool(block(podSpec(resource), 'security_context')?.run_as_non_root);
    return containers(resource)
      .filter(({ container }) => {
        const own = bool(securityContext(container)?.run_as_non_root);
        const effective = own === undefined ? podLevel : own;
        return !isUnknown(effective) && effective !== true;
      })
      .map(({ label }) => `${label} may run as root (run_as_non_root not true)`);
  },
});
