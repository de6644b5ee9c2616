import { defineRule } from '../../rule';
import { podSpec, POD_BEARING_TYPES } from '../../support/workloads';
import { bool } from '../../values';

/** Pods do not share the node's network, PID or IPC namespace (all default to false). */
export const noHostNamespaces = defineRule({
  id: 'k8s-no-host-namespaces',
  severity: 'error',
  category: 'workload-hardening',
  description: 'Pods do not use host_network, host_pid or host_ipc.',
  remediation: 'Remove host_network / host_pid / host_ipc = true from the pod spec; expose ports through a Service.',
  references: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19', 'AVD-KSV-0008', 'AVD-KSV-0009', 'AVD-KSV-0010', 'CIS Kubernetes 1.10 5.2.3-5.2.5'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const spec = podSpec(resource);
    return ['host_network', 'host_pid', 'host_ipc'].filter((k) => bool(spec?.[k]) === true).map((k) => `pod spec sets ${k} = true`);
  },
});
