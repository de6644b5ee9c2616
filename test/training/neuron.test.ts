import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator, AcceleratorKind, NEURON_CORE_RESOURCE } from '../../lib/core/accelerators/accelerator';
import { eksInstanceType } from '../../lib/core/accelerators/eks-instance-types';
import { EksTrainingCluster, EksTrainingClusterProps } from '../../lib/training/eks';
import { TaintEffect } from '../../lib/training/pool';
import { evaluateContracts } from '../../lib/contracts/evaluate';
import { readSynthesizedFolder, stackDependencies } from '../../lib/governance/synth-folder';
import { errorOf, synth } from '../util';

const base: EksTrainingClusterProps = { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] };

function eks(props: Partial<EksTrainingClusterProps>) {
  return synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new EksTrainingCluster(stack, 'training', { ...base, ...props });
  });
}

describe('Neuron: the catalogue knows each device\'s NeuronCores', () => {
  test('Trainium and Inferentia2 have two NeuronCore-v2; Trainium2 eight NeuronCore-v3, four at its default LNC', () => {
    expect(Accelerator.AWS_TRAINIUM.neuronCores).toEqual({ physical: 2, logical: 2 });
    expect(Accelerator.AWS_INFERENTIA2.neuronCores).toEqual({ physical: 2, logical: 2 });
    expect(Accelerator.AWS_TRAINIUM2.neuronCores).toEqual({ physical: 8, logical: 4 });
    // "a Trn2.48xlarge instance presents 64 available NeuronCores" at LNC=2 (Neuron docs, logical-neuroncore-config).
    expect(eksInstanceType('trn2.48xlarge')!.count * Accelerator.AWS_TRAINIUM2.neuronCores!.logical).toBe(64);
    // Karpenter's instance-type table: trn1.32xlarge 32, inf2.48xlarge 24 (physical = logical there).
    expect(eksInstanceType('trn1.32xlarge')!.count * Accelerator.AWS_TRAINIUM.neuronCores!.physical).toBe(32);
    expect(eksInstanceType('inf2.48xlarge')!.count * Accelerator.AWS_INFERENTIA2.neuronCores!.physical).toBe(24);
  });

  test('only Neuron devices have NeuronCores', () => {
    for (const a of Accelerator.all()) expect(a.neuronCores !== undefined).toBe(a.kind === AcceleratorKind.AWS_NEURON);
    expect(NEURON_CORE_RESOURCE).toBe('aws.amazon.com/neuroncore');
  });
});

describe('Neuron: team quotas cap whole devices and single cores', () => {
  const out = eks({
    pools: [{ name: 'trn', accelerator: Accelerator.AWS_TRAINIUM2, maxNodes: 2 }],
    teams: [{ team: 'llm', maxNeuronDevices: 16, maxNeuronCores: 32 }, { team: 'interns', maxNeuronDevices: 1 }],
  });
  const quota = (team: string) => out.resources('kubernetes_resource_quota_v1').find((q) => JSON.stringify(q.metadata).includes(`teams_${team}-namespace`)).spec.hard;

  test('maxNeuronCores becomes requests.aws.amazon.com/neuroncore beside requests.aws.amazon.com/neuron', () => {
    expect(quota('llm')).toMatchObject({ 'requests.aws.amazon.com/neuron': '16', 'requests.aws.amazon.com/neuroncore': '32' });
  });

  test('a team given devices only cannot get around its quota by asking for cores', () => {
    expect(quota('interns')).toMatchObject({ 'requests.aws.amazon.com/neuron': '1', 'requests.aws.amazon.com/neuroncore': '0' });
  });

  test('a bad NeuronCore quota fails at construction; a quota on a cluster without Neuron pools fails at synth, naming the fix', () => {
    expect(errorOf((stack) => new EksTrainingCluster(stack, 'training', {
      ...base, pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4 }], teams: [{ team: 'a', maxNeuronCores: 8 }, { team: 'b', maxNeuronCores: -1 }],
    }))).toMatch(/^test\/training: teams\[1\]\.maxNeuronCores \(-1\) must be a whole number from 0 to 100000$/);
    // Pools added with addPool count, so whether the cluster has a Neuron pool is known only at synth.
    expect(errorOf((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(stack, 'training', { ...base, pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4 }], teams: [{ team: 'a', maxNeuronCores: 8 }] });
      Testing.synth(stack as TerraformStack, true);
    })).toMatch(/test\/training: teams\[0\]\.maxNeuronCores \(8\) caps NeuronCores but the cluster has no Neuron pool; add one or remove the quota/);
  });

  test('Neuron pools offer their cores to the capacity contracts: a core quota above what the pools can ever hold is a finding', () => {
    // 2 × trn2.48xlarge = 32 devices = 128 cores at LNC=2.
    const findings = (maxNeuronCores: number) => {
      const outdir = mkdtempSync(join(tmpdir(), 'mlp-neuron-'));
      try {
        const app = new App({ outdir, stackTraces: false });
        const stack = new TerraformStack(app, 'infra');
        new AwsProvider(stack, 'aws', { region: 'us-east-1' });
        new EksTrainingCluster(stack, 'training', { ...base, pools: [{ name: 'trn', accelerator: Accelerator.AWS_TRAINIUM2, maxNodes: 2 }], teams: [{ team: 'llm', maxNeuronCores }] });
        app.synth();
        return evaluateContracts(readSynthesizedFolder(outdir), { dependencies: stackDependencies(outdir) }).findings.map((f) => `${f.ruleId}: ${f.message}`);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    };
    expect(findings(128)).toEqual([]);
    expect(findings(129)).toEqual([expect.stringMatching(/^contract-capacity: namespace llm may use 129 aws\.amazon\.com\/neuroncore .* more than the 128 all pools of cluster ml can ever hold/)]);
  });
});

describe('Neuron: the device plugin reaches every Neuron node', () => {
  test('it tolerates the Neuron pools\' own taints as well as aws.amazon.com/neuron', () => {
    const out = eks({ pools: [{ name: 'inf', accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 2, taints: [{ key: 'dedicated', value: 'inference', effect: TaintEffect.NO_SCHEDULE }] }] });
    const [ds] = out.resources('kubernetes_daemon_set_v1').filter((d) => d.metadata.name === 'neuron-device-plugin');
    expect(ds.spec.template.spec.toleration).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' },
    ]);
  });
});
