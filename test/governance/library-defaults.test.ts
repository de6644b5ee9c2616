import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { TpuVersion } from '../../lib/core/accelerators/tpu';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { DataClassification } from '../../lib/core/labels';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { Governance } from '../../lib/governance/governance';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { EksTrainingCluster } from '../../lib/training/eks';
import { GkeTrainingCluster } from '../../lib/training/gke';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { Capacity } from '../../lib/training/pool';
import { buildTrainingExample } from '../../examples/training/stacks';
import { reviewAsSynthesized } from '../util';

/**
 * Secure by default is tested, not claimed: every construct of the library, on its defaults and in its main
 * variants, synthesizes with Governance on (error findings would fail synth) and has no baseline finding at all.
 */
const labels = { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL };

function review(build: (stack: TerraformStack) => void) {
  return reviewAsSynthesized(build, { labels });
}

const subnets = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];

const cases: Array<[string, (stack: TerraformStack) => void]> = [
  ['EksTrainingCluster with GPU, EFA, Capacity Block, spot and Neuron pools', (stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new EksTrainingCluster(stack, 'eks', {
      clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: subnets,
      pools: [
        { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4 },
        { name: 'cb', accelerator: Accelerator.NVIDIA_H200, maxNodes: 2, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') },
        { name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 8, capacity: Capacity.SPOT },
        { name: 'trn', accelerator: Accelerator.AWS_TRAINIUM2, maxNodes: 2 },
      ],
      teams: [{ team: 'vision', maxGpus: 8 }],
    });
  }],
  ['GkeTrainingCluster with GPU and TPU pools', (stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
    new GkeTrainingCluster(stack, 'gke', {
      clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'n', subnetwork: 's',
      pools: [
        { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, maxNodes: 2 },
        { name: 'v6e', accelerator: Accelerator.tpu(TpuVersion.V6E, '4x4') },
      ],
      teams: [{ team: 'research', maxTpuChips: 16 }],
    });
  }],
  ['KubernetesTrainingCluster with GPU nodes and teams', (stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
    new KubernetesTrainingCluster(stack, 'onprem', {
      clusterName: 'dc1', target, teams: [{ team: 'vision', maxGpus: 4 }],
      pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_40GB, acceleratorsPerNode: 8, nodeCount: 2, nodeSelector: { gpu: 'a100' } }],
    });
  }],
  ['SecureS3Bucket and a workload granted on it', (stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const eks = new EksTrainingCluster(stack, 'eks', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: subnets, teams: [{ team: 'vision' }] });
    const wi = new WorkloadIdentity(stack, 'wi', { target: eks.teamTarget('vision'), serviceAccountName: 'reader', cloudName: 'reader' });
    new SecureS3Bucket(stack, 'bucket', { bucketName: 'ml-data' }).grantReadWrite(wi);
  }],
  ['SecureGcsBucket', (stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
    new SecureGcsBucket(stack, 'bucket', { project: 'ml-prod-123', bucketName: 'ml-data', location: 'EU' });
  }],
];

describe.each(cases)('%s', (_name, build) => {
  const result = review(build);

  test('has no baseline or ml-guardrails error or warning', () => {
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });

  test('every suppression carries a reason', () => {
    for (const f of result.suppressed) expect(f.suppressed?.reason.length).toBeGreaterThan(20);
  });
});

test('the training example passes the baseline at synth time, as cdktf synth runs it', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-gov-'));
  const app = new App({ outdir });
  for (const stack of buildTrainingExample(app)) Governance.of(stack);
  expect(() => app.synth()).not.toThrow();
  rmSync(outdir, { recursive: true, force: true });
});
