import { findingKeys, review } from '../helpers';

const container = (securityContext: Record<string, unknown>) => ({
  name: 'app', image: 'registry.example.com/app:1.2.3', securityContext,
  resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } },
});
const manifest = (kind: string, podSpec: Record<string, unknown>) => {
  const template = { metadata: { labels: { app: 'a' } }, spec: podSpec };
  const spec = kind === 'Pod' ? podSpec : kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } } } : { template, selector: { matchLabels: { app: 'a' } } };
  return { 'kubernetes_manifest.w': { manifest: { apiVersion: kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : kind === 'Pod' ? 'v1' : 'apps/v1', kind, metadata: { name: 'w', namespace: 'ml' }, spec } } };
};

describe('kubernetes_manifest workloads are reviewed like kubernetes_deployment_v1', () => {
  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'])('%s: a privileged container, host network and root are reported', (kind) => {
    const keys = findingKeys(review(manifest(kind, { hostNetwork: true, containers: [container({ privileged: true, allowPrivilegeEscalation: true })] })));
    expect(keys).toEqual(expect.arrayContaining([
      'k8s-no-privileged-containers@kubernetes_manifest.w',
      'k8s-no-host-namespaces@kubernetes_manifest.w',
      'k8s-no-privilege-escalation@kubernetes_manifest.w',
      'k8s-run-as-non-root@kubernetes_manifest.w',
    ]));
  });

  test('a hardened manifest passes the workload rules, init containers and capabilities included', () => {
    const hardened = container({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const keys = findingKeys(review(manifest('Deployment', { initContainers: [{ ...hardened, name: 'init' }], containers: [hardened] })));
    expect(keys.filter((k) => k.startsWith('k8s-') && k !== 'k8s-namespace-has-network-policy@kubernetes_manifest.w')).toEqual([]);
    const added = findingKeys(review(manifest('Deployment', { initContainers: [{ ...hardened, name: 'init', securityContext: { ...hardened.securityContext, capabilities: { add: ['SYS_ADMIN'] } } }], containers: [hardened] })));
    expect(added).toContain('k8s-no-dangerous-capabilities@kubernetes_manifest.w');
  });

  test('manifests that are not workloads are left alone', () => {
    const keys = findingKeys(review({ 'kubernetes_manifest.cm': { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } } }));
    expect(keys.filter((k) => k.startsWith('k8s-'))).toEqual([]);
  });

  test('a manifest workload counts for its namespace network policy', () => {
    const keys = findingKeys(review({
      'kubernetes_namespace_v1.ml': { metadata: { name: 'ml', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      ...manifest('Deployment', { containers: [container({ allowPrivilegeEscalation: false, runAsNonRoot: true })] }),
    }));
    expect(keys).toContain('k8s-namespace-has-network-policy@kubernetes_namespace_v1.ml');
  });
});
