import { TerraformStack } from 'cdktf';
import { EksTrainingCluster } from '../../lib/training/eks';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { DataClassification } from '../../lib/core/labels';
import { MonitoringStack } from '../../lib/monitoring/monitoring-stack';
import { buildAmp, buildGmp, buildStack, endpoint, FakeWorkload, routing } from './fakes';
import { reviewAsSynthesized } from '../util';

/**
 * Secure by default, for monitoring: each variant synthesizes with Governance on (baseline + ml-guardrails)
 * as `cdktf synth` runs it, and the review of cdk.tf.json has no error or warning. The only suppressions are
 * the DCGM exporter's, each with its reason.
 */
const labels = { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL };

function review(build: (stack: TerraformStack) => void) {
  return reviewAsSynthesized(build, { labels });
}

const cases: Array<[string, (stack: TerraformStack) => void, string[]]> = [
  ['MonitoringStack on an on-prem GPU cluster with drift jobs', (stack) => { buildStack(stack); },
    ['k8s-no-dangerous-capabilities', 'k8s-run-as-non-root']],
  ['MonitoringStack on EKS, watching the training cluster', (stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const eks = new EksTrainingCluster(stack, 'eks', {
      clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 }],
    });
    new FakeWorkload(stack, 'endpoints', [endpoint('churn', { clusterName: 'ml' })]);
    new MonitoringStack(stack, 'monitoring', {
      target: eks.kubernetes.inNamespace('monitoring'), watch: MonitoringStack.discover(stack), alerting: routing,
      grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } }, driftDetection: { image: 'registry.example.com/ml/drift:1.2.0' },
    });
  }, ['k8s-no-dangerous-capabilities', 'k8s-run-as-non-root']],
  ['AmpMonitoring', (stack) => { buildAmp(stack); }, []],
  ['GmpMonitoring', (stack) => { buildGmp(stack); }, []],
];

describe.each(cases)('%s', (_name, build, expectedSuppressions) => {
  const result = review(build);

  test('has no baseline or ml-guardrails error or warning', () => {
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test('suppresses only what it must, each with a reason', () => {
    const own = result.suppressed.filter((f) => /\.(monitoring|amp|gmp)_/.test(f.address));
    expect([...new Set(own.map((f) => f.ruleId))].sort()).toEqual(expectedSuppressions);
    for (const f of own) expect(f.address).toMatch(/dcgm-exporter/);
    for (const f of result.suppressed) expect(f.suppressed?.reason.length).toBeGreaterThan(20);
  });
});
