import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { bool, isUnknown } from '../../values';

/**
 * Containers run with a read-only root filesystem (writable scratch space comes from emptyDir volumes). In the strict
 * pack: vendor add-ons such as the AWS Neuron device plugin do not run read-only upstream.
 */
export const readOnlyRootFilesystem = defineRule({
  id: 'k8s-read-only-root-filesystem',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Containers set security_context.read_only_root_filesystem = true.',
  remediation: 'Add security_context { read_only_root_filesystem = true } and mount an empty_dir volume where the process writes (/tmp, caches).',
  references: ['CKV_K8S_22', 'AVD-KSV-0014'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['strict'],
  evaluate(resource) {
    return containers(resource)
      .filter(({ container }) => {
        const v = bool(securityContext(container)?.read_only_root_filesystem);
        return !isUnknown(v) && v !== true;
      })
      .map(({ label }) => `${label} has a writable root filesystem (read_only_root_filesystem not true)`);
  },
});
