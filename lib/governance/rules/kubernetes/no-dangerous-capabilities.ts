import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES, securityContext } from '../../support/workloads';
import { block, strings } from '../../values';

const DANGEROUS = ['SYS_ADMIN', 'NET_ADMIN', 'ALL', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'];

/** Containers do not add SYS_ADMIN, NET_ADMIN or ALL capabilities. */
export const noDangerousCapabilities = defineRule({
  id: 'k8s-no-dangerous-capabilities',
  severity: 'error',
  category: 'workload-hardening',
  description: 'Containers do not add SYS_ADMIN, NET_ADMIN or ALL capabilities.',
  remediation: 'Remove the capability from security_context.capabilities.add; drop ALL and add back only what is needed (e.g. NET_BIND_SERVICE).',
  references: ['CKV_K8S_39', 'AVD-KSV-0005', 'AVD-KSV-0022', 'CIS Kubernetes 1.10 5.2.9'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    for (const { label, container } of containers(resource)) {
      const added = strings(block(securityContext(container), 'capabilities')?.add).filter((c) => DANGEROUS.includes(c.toUpperCase()));
      if (added.length) out.push(`${label} adds capabilities ${added.join(', ')}`);
    }
    return out;
  },
});
