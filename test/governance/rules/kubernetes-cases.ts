import { RuleCase } from '../helpers';

const K8S = { kubernetes: [{ config_path: '~/.kube/config' }] };
const hardened = {
  name: 'app', image: 'registry.example.com/app:1.2.3',
  security_context: { allow_privilege_escalation: false, run_as_non_root: true, capabilities: { drop: ['ALL'] } },
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
};
/** A deployment whose single container is `hardened` merged with `container`; blocks rendered as lists like cdktf does. */
const deployment = (container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: [{ name: 'app', namespace: 'ml' }],
  spec: [{ selector: [{ match_labels: { app: 'app' } }], template: [{ metadata: [{ labels: { app: 'app' } }], spec: [{ container: [{ ...hardened, ...container }], ...pod }] }] }],
});
const cronJob = (container: Record<string, unknown>): Record<string, unknown> => ({
  metadata: { name: 'nightly', namespace: 'ml' },
  spec: { schedule: '0 0 * * *', job_template: { metadata: {}, spec: { template: { metadata: {}, spec: { container: [{ ...hardened, ...container }] } } } } },
});
const namespace = (labels: Record<string, string>): Record<string, unknown> => ({ metadata: { name: 'ml', labels } });

const cases: Array<Omit<RuleCase, 'provider'>> = [
  {
    ruleId: 'k8s-no-privileged-containers', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment() },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, privileged: true } }) },
  },
  {
    name: 'cron job nesting', ruleId: 'k8s-no-privileged-containers', address: 'kubernetes_cron_job_v1.nightly',
    compliant: { 'kubernetes_cron_job_v1.nightly': cronJob({}) },
    nonCompliant: { 'kubernetes_cron_job_v1.nightly': cronJob({ security_context: { privileged: true } }) },
  },
  {
    ruleId: 'k8s-no-host-namespaces', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment() },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({}, { host_network: true }) },
  },
  {
    name: 'pod', ruleId: 'k8s-no-host-namespaces', address: 'kubernetes_pod_v1.debug',
    compliant: { 'kubernetes_pod_v1.debug': { metadata: { name: 'debug' }, spec: { container: { ...hardened } } } },
    nonCompliant: { 'kubernetes_pod_v1.debug': { metadata: { name: 'debug' }, spec: { host_pid: true, container: { ...hardened } } } },
  },
  {
    ruleId: 'k8s-no-privilege-escalation', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment() },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { run_as_non_root: true } }) },
  },
  {
    ruleId: 'k8s-run-as-non-root', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { allow_privilege_escalation: false } }, { security_context: { run_as_non_root: true } }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { allow_privilege_escalation: false } }) },
  },
  {
    ruleId: 'k8s-no-dangerous-capabilities', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, capabilities: { add: ['SYS_ADMIN'] } } }) },
  },
  {
    ruleId: 'k8s-resource-limits-set', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment() },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ resources: { limits: { cpu: '1' } } }) },
  },
  {
    ruleId: 'k8s-image-tag-pinned', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ image: 'registry.example.com:5000/app@sha256:' + 'a'.repeat(64) }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ image: 'registry.example.com:5000/app' }) },
  },
  {
    name: 'latest', ruleId: 'k8s-image-tag-pinned', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ image: 'app:2.0' }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ image: 'app:latest' }) },
  },
  {
    ruleId: 'k8s-service-not-public-load-balancer', address: 'kubernetes_service_v1.svc',
    compliant: { 'kubernetes_service_v1.svc': { metadata: { name: 'svc', annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } }, spec: { type: 'LoadBalancer' } } },
    nonCompliant: { 'kubernetes_service_v1.svc': { metadata: { name: 'svc' }, spec: { type: 'LoadBalancer' } } },
  },
  {
    ruleId: 'k8s-ingress-tls', address: 'kubernetes_ingress_v1.web',
    compliant: { 'kubernetes_ingress_v1.web': { metadata: { name: 'web' }, spec: { tls: [{ hosts: ['ml.example.com'], secret_name: 'tls' }] } } },
    nonCompliant: { 'kubernetes_ingress_v1.web': { metadata: { name: 'web' }, spec: { rule: [{ host: 'ml.example.com' }] } } },
  },
  {
    ruleId: 'k8s-no-cluster-admin-binding', address: 'kubernetes_cluster_role_binding_v1.b',
    compliant: { 'kubernetes_cluster_role_binding_v1.b': { metadata: { name: 'b' }, role_ref: { kind: 'ClusterRole', name: 'view', api_group: 'rbac.authorization.k8s.io' } } },
    nonCompliant: { 'kubernetes_cluster_role_binding_v1.b': { metadata: { name: 'b' }, role_ref: { kind: 'ClusterRole', name: 'cluster-admin', api_group: 'rbac.authorization.k8s.io' } } },
  },
  {
    ruleId: 'k8s-namespace-pod-security-enforced', address: 'kubernetes_namespace_v1.ml',
    compliant: { 'kubernetes_namespace_v1.ml': namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }) },
    nonCompliant: { 'kubernetes_namespace_v1.ml': namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' }) },
  },
  {
    ruleId: 'k8s-namespace-has-network-policy', address: 'kubernetes_namespace_v1.ml',
    compliant: {
      'kubernetes_namespace_v1.ml': namespace({}),
      'kubernetes_deployment_v1.app': deployment(),
      'kubernetes_network_policy_v1.deny': { metadata: { name: 'deny', namespace: '${kubernetes_namespace_v1.ml.metadata[0].name}' }, spec: { pod_selector: {}, policy_types: ['Ingress'] } },
    },
    nonCompliant: { 'kubernetes_namespace_v1.ml': namespace({}), 'kubernetes_deployment_v1.app': deployment() },
  },
  {
    ruleId: 'k8s-read-only-root-filesystem', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, read_only_root_filesystem: true } }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment() },
  },
  {
    ruleId: 'k8s-net-raw-dropped', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, capabilities: { drop: ['NET_RAW'] } } }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, capabilities: { drop: ['SYS_ADMIN'] } } }) },
  },
  {
    name: 'added back', ruleId: 'k8s-net-raw-dropped', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment() },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({ security_context: { ...hardened.security_context, capabilities: { drop: ['ALL'], add: ['NET_RAW'] } } }) },
  },
  {
    ruleId: 'k8s-no-container-runtime-socket', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({}, { volume: [{ name: 'plugins', host_path: { path: '/var/lib/kubelet/device-plugins' } }] }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({}, { volume: [{ name: 'docker', host_path: { path: '/var/run/docker.sock', type: 'Socket' } }] }) },
  },
  {
    name: 'containerd and CRI-O socket directories', ruleId: 'k8s-no-container-runtime-socket', address: 'kubernetes_daemon_set_v1.agent',
    compliant: { 'kubernetes_daemon_set_v1.agent': { metadata: { name: 'agent', namespace: 'ml' }, spec: { template: { spec: { container: [hardened], volume: [{ name: 'logs', host_path: { path: '/var/log/pods' } }] } } } } },
    nonCompliant: { 'kubernetes_daemon_set_v1.agent': { metadata: { name: 'agent', namespace: 'ml' }, spec: { template: { spec: { container: [hardened], volume: [
      { name: 'containerd', host_path: { path: '/run/containerd/' } }, { name: 'crio', host_path: { path: '/var/run/crio/crio.sock' } },
    ] } } } } },
  },
  {
    ruleId: 'k8s-no-host-run-directory', address: 'kubernetes_deployment_v1.app',
    compliant: { 'kubernetes_deployment_v1.app': deployment({}, { volume: [{ name: 'plugins', host_path: { path: '/var/lib/kubelet/device-plugins' } }] }) },
    nonCompliant: { 'kubernetes_deployment_v1.app': deployment({}, { volume: [{ name: 'run', host_path: { path: '/var/run' } }] }) },
  },
];

/** One compliant and one non-compliant configuration per Kubernetes rule. */
export const KUBERNETES_CASES: RuleCase[] = cases.map((c) => ({ ...c, provider: K8S }));
