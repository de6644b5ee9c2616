import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { buildTrainingExample } from '../examples/training/stacks';
import { literalSecrets, parse, Synth } from './util';

/** Synthesizes the example as `cdktf synth` does (validations on) into a fresh folder; returns the files. */
function synthExample(): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-example-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildTrainingExample(app);
    app.synth();
    const files: Record<string, string> = {};
    for (const stack of readdirSync(join(outdir, 'stacks'))) {
      files[stack] = readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
    }
    files['manifest.json'] = readFileSync(join(outdir, 'manifest.json'), 'utf8');
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('examples/training', () => {
  const files = synthExample();
  const stack = (name: string): Synth => parse(files[name]);

  test('writes one stack per target', () => {
    // Each cloud cluster's in-cluster parts are later layers (EKS: device plugins, Karpenter and its NodePools).
    expect(Object.keys(files).sort()).toEqual(['manifest.json', 'training-eks', 'training-eks-addons', 'training-eks-workloads', 'training-gke', 'training-gke-addons', 'training-onprem']);
  });

  test('EKS GPU node groups use an NVIDIA accelerated AMI with the GPU taint', () => {
    const gpuGroups = stack('training-eks').resources('aws_eks_node_group').filter((g) => g.labels['ml-platform.io/accelerator-kind'] === 'nvidia-gpu');
    expect(gpuGroups.length).toBe(3);
    for (const g of gpuGroups) {
      expect(g.ami_type).toBe('AL2023_x86_64_NVIDIA');
      expect(g.taint).toContainEqual({ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' });
    }
  });

  test('GKE GPU pools have guest accelerators with driver installation', () => {
    const gpuPools = stack('training-gke').resources('google_container_node_pool').filter((p) => p.node_config.guest_accelerator);
    expect(gpuPools.map((p) => p.name).sort()).toEqual(['h100', 'l4-spot']);
    for (const p of gpuPools) expect(p.node_config.guest_accelerator[0].gpu_driver_installation_config.gpu_driver_version).toBe('DEFAULT');
  });

  test('GKE TPU pools carry a topology whose chip count matches chips per node times node count', () => {
    const chipsPerNode: Record<string, number> = { 'ct5lp-hightpu-4t': 4, 'ct5p-hightpu-4t': 4 };
    const tpuPools = stack('training-gke').resources('google_container_node_pool').filter((p) => p.placement_policy?.tpu_topology);
    expect(tpuPools).toHaveLength(2);
    for (const p of tpuPools) {
      const chips = p.placement_policy.tpu_topology.split('x').map(Number).reduce((a: number, b: number) => a * b, 1);
      expect(chipsPerNode[p.node_config.machine_type] * p.autoscaling.max_node_count).toBe(chips);
    }
  });

  test('the on-prem stack caps team GPUs with ResourceQuotas', () => {
    const quotas = stack('training-onprem').resources('kubernetes_resource_quota_v1').map((q) => q.spec.hard['requests.nvidia.com/gpu']).sort();
    expect(quotas).toEqual(['16', '2', '24']);
  });

  test('every resource that takes labels carries the standard ones', () => {
    for (const r of stack('training-eks').resources('aws_eks_cluster')) expect(r.tags).toMatchObject({ 'owner': 'ml-platform', 'cost-center': 'cc-4200' });
    for (const r of stack('training-gke').resources('google_container_node_pool')) expect(r.node_config.resource_labels['data-classification']).toBe('confidential');
  });

  test('no secret appears in any synthesized file', () => {
    for (const [name, text] of Object.entries(files)) expect([name, literalSecrets(JSON.parse(text))]).toEqual([name, []]);
  });

  test('synthesis is deterministic: two synths give byte-identical files', () => {
    expect(synthExample()).toEqual(files);
  });
});
