/**
 * From an empty account in one pass: every example's cdktf.out is checked as Terraform would run it, stack by
 * stack in `cdktf deploy '*'` order (lib/platform/deploy-order.ts), and a broken layout is reported.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildMonitoringExample } from '../../examples/monitoring/stacks';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildTrainingExample } from '../../examples/training/stacks';
import { checkDeployOrder, DeployOrderProblem } from '../../lib/platform/deploy-order';

function problemsOf(build: (app: App) => void): { problems: DeployOrderProblem[]; stacks: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-order-'));
  try {
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    build(app);
    app.synth();
    const problems = checkDeployOrder(outdir);
    return { problems, stacks: app.node.findAll().filter((c) => c instanceof TerraformStack).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('every example deploys in order from an empty account', () => {
  test.each([
    ['hybrid-platform', (app: App) => { buildHybridPlatform(app); }],
    ['training', (app: App) => { buildTrainingExample(app); }],
    ['data-platform', (app: App) => { buildDataPlatformExample(app); }],
    ['serving', (app: App) => { buildServingExample(app); }],
    ['monitoring', (app: App) => { buildMonitoringExample(app); }],
  ])('%s: providers from literals and remote state only, CRDs before their kinds, a DAG, autoscalers for pools at zero', (_name, build) => {
    const { problems } = problemsOf(build);
    expect(problems.map((p) => `${p.check} ${p.stack}: ${p.message}`)).toEqual([]);
  });
});

describe('the check sees a broken layout', () => {
  test('a provider configured from a resource of its own stack, and a custom resource without its CRD', () => {
    const { problems } = problemsOf((app) => {
      const stack = new TerraformStack(app, 'one-stack');
      const crd = new Manifest(stack, 'crd', {
        provider: new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config' }),
        manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { host: 'h' } },
      });
      const fromResource = new KubernetesProvider(stack, 'k8s-from-resource', { alias: 'bad', host: `https://${crd.getStringAttribute('id')}` });
      new Manifest(stack, 'route', {
        provider: fromResource,
        manifest: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default' }, spec: {} },
      });
    });
    expect(problems.map((p) => p.check).sort()).toEqual(['crd', 'provider']);
    expect(problems.find((p) => p.check === 'provider')!.message).toMatch(/provider kubernetes\.bad in one-stack is configured from kubernetes_manifest\.crd of its own stack/);
    expect(problems.find((p) => p.check === 'crd')!.message).toMatch(/kubernetes_manifest\.route is a gateway.networking.k8s.io\/HTTPRoute, whose CRD no stack that one-stack depends on installs/);
  });
});
