import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { anyUnknown, block, strings } from '../../values';

/**
 * Containers drop NET_RAW (or ALL). Container runtimes grant NET_RAW by default, which lets a compromised container
 * craft packets (ARP/DNS spoofing inside the node's network).
 */
export const netRawDropped = defineRule({
  id: 'k8s-net-raw-dropped',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Containers drop the NET_RAW capability (security_context.capabilities.drop includes ALL or NET_RAW).',
  remediation: 'Add security_context { capabilities { drop = ["ALL"] } } and add back only what the process needs (e.g. NET_BIND_SERVICE).',
  references: ['CKV_K8S_28', 'CIS Kubernetes 1.10 5.2.8'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    for (const { label, container } of containers(resource)) {
      const capabilities = block(securityContext(container), 'capabilities');
      if (anyUnknown(capabilities?.drop)) continue;
      const dropped = strings(capabilities?.drop).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
      const added = strings(capabilities?.add).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
      if (added.includes('NET_RAW')) out.push(`${label} adds NET_RAW`);
      else if (!dropped.includes('ALL') && !dropped.includes('NET_RAW')) out.push(`${label} keeps NET_RAW (capabilities.drop has neither ALL nor NET_RAW)`);
    }
    return out;
  },
});
