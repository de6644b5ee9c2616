import * as fc from 'fast-check';
import { Testing, TerraformStack } from 'cdktf';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { TpuVersion } from '../../lib/core/accelerators/tpu';
import { MlPlatformValidationError } from '../../lib/core/errors';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { Size } from '../../lib/core/units';
import { EksTrainingCluster } from '../../lib/training/eks';
import { GkeTrainingCluster } from '../../lib/training/gke';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { Capacity, TaintEffect } from '../../lib/training/pool';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';

/**
 * Random props for every target: each run must either synthesize (with validations) or throw the library's
 * MlPlatformValidationError — never a TypeError or an error from inside cdktf.
 */

const name = fc.oneof(fc.constantFrom('gpu', 'a', 'pool-1', 'x'.repeat(41), 'Bad_Name', '', '-x', 'system'), fc.string({ maxLength: 12 }));
const count = fc.oneof(fc.integer({ min: -2, max: 20 }), fc.constantFrom(0.5, Number.NaN, undefined));
const tpu = fc.constantFrom(
  Accelerator.tpu(TpuVersion.V5E, '2x4'), Accelerator.tpu(TpuVersion.V5E, '1x1'), Accelerator.tpu(TpuVersion.V5P, '2x2x2'),
  Accelerator.tpu(TpuVersion.V6E, '4x4'), Accelerator.tpu(TpuVersion.V4, '2x2x1'));
const accelerator = fc.oneof(fc.constantFrom(...Accelerator.all()), tpu, fc.constantFrom('nvidia-h100', null, 42) as fc.Arbitrary<any>);
const capacity = fc.constantFrom(undefined, Capacity.ON_DEMAND, Capacity.SPOT, Capacity.capacityBlock('cr-0123456789abcdef0'),
  Capacity.capacityBlock('bad'), Capacity.reservation('res-a'), 'spot' as any);
const labels = fc.option(fc.dictionary(fc.constantFrom('team', 'a/b', 'ml-platform.io/x', 'Bad Key'), fc.constantFrom('v', 'Bad Value', '', 'x'.repeat(70))), { nil: undefined });
const taints = fc.option(fc.array(fc.record({
  key: fc.constantFrom('dedicated', 'nvidia.com/gpu', 'bad key'),
  value: fc.option(fc.constantFrom('x', 'bad value'), { nil: undefined }),
  effect: fc.option(fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE, 'Never' as any), { nil: undefined }),
}), { maxLength: 2 }), { nil: undefined });
const pool = fc.record({
  name,
  accelerator,
  acceleratorsPerNode: count,
  minNodes: count,
  maxNodes: count,
  capacity,
  labels,
  taints,
  diskSize: fc.constantFrom(undefined, Size.gibibytes(10), Size.gibibytes(500), Size.mebibytes(1536), 100 as any),
  efa: fc.constantFrom(undefined, true, false),
  machineType: fc.constantFrom(undefined, 'p5.48xlarge', 'g6.xlarge', 'a3-highgpu-8g', 'n1-standard-8', 'nope'),
}, { requiredKeys: ['name', 'accelerator'] });
const teams = fc.option(fc.array(fc.record({
  team: fc.constantFrom('vision', 'nlp', 'kube-system', 'Bad'),
  maxGpus: count,
  maxTpuChips: count,
  maxNeuronDevices: count,
}), { maxLength: 3 }), { nil: undefined });

const outcomes = { synthesized: 0, refused: 0 };

function synthesizesOrValidationError(build: (stack: TerraformStack) => void): void {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'prop');
  try {
    build(stack);
    Testing.synth(stack, true);
    outcomes.synthesized++;
  } catch (e) {
    if (!(e instanceof MlPlatformValidationError)) throw e;
    outcomes.refused++;
  }
}

beforeEach(() => {
  outcomes.synthesized = 0;
  outcomes.refused = 0;
});

// The generators must reach both sides, or the property says nothing.
afterEach(() => {
  expect(outcomes.synthesized).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
});

const runs = { numRuns: 60, seed: 20261128 };

test('EksTrainingCluster: random props synthesize or fail validation', () => {
  fc.assert(fc.property(fc.array(pool, { maxLength: 3 }), teams, fc.constantFrom(['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], [], ['nope']),
    (pools, t, subnetIds) => synthesizesOrValidationError((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: [...subnetIds], pools: pools as any, teams: t as any });
    })), runs);
});

test('GkeTrainingCluster: random props synthesize or fail validation', () => {
  fc.assert(fc.property(fc.array(pool, { maxLength: 3 }), teams, fc.constantFrom('us-central1', 'us-central1-a', 'Nowhere'),
    (pools, t, location) => synthesizesOrValidationError((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      new GkeTrainingCluster(stack, 'c', { clusterName: 'ml', project: 'ml-prod-123', location, network: 'n', subnetwork: 's', pools: pools as any, teams: t as any });
    })), runs);
});

test('KubernetesTrainingCluster: random props synthesize or fail validation', () => {
  const gpuNodes = fc.array(fc.record({
    name, accelerator, acceleratorsPerNode: count, nodeCount: count,
    nodeSelector: fc.constantFrom({ 'nvidia.com/gpu.present': 'true' }, {}, { 'bad key': 'x' }),
  }), { maxLength: 2 });
  fc.assert(fc.property(gpuNodes, teams, (nodes, t) => synthesizesOrValidationError((stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'k', { clusterName: 'dc1' });
    new KubernetesTrainingCluster(stack, 'c', { clusterName: 'dc1', target, pools: nodes as any, teams: t as any });
  })), runs);
});
