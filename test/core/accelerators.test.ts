import { Accelerator, AcceleratorKind } from '../../lib/core/accelerators/accelerator';
import { EKS_INSTANCE_TYPES, eksInstanceType, eksInstanceTypesFor } from '../../lib/core/accelerators/eks-instance-types';
import { GKE_GPU_MACHINE_TYPES, gkeMachineType } from '../../lib/core/accelerators/gke-machine-types';
import { TpuVersion } from '../../lib/core/accelerators/tpu';

describe('Accelerator catalogue', () => {
  test('every named GPU and Neuron accelerator is in the catalogue and found by id', () => {
    const ids = Accelerator.all().map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([
      'nvidia-t4', 'nvidia-a10g', 'nvidia-l4', 'nvidia-l40s', 'nvidia-a100-40gb', 'nvidia-a100-80gb',
      'nvidia-h100', 'nvidia-h200', 'nvidia-b200', 'aws-trainium', 'aws-trainium2', 'aws-inferentia2',
    ]));
    expect(Accelerator.of('nvidia-h100')).toBe(Accelerator.NVIDIA_H100);
  });

  test('an unknown id fails with the list of valid ids', () => {
    expect(() => Accelerator.of('nvidia-h1000')).toThrow(/Unknown accelerator "nvidia-h1000". Valid ids: nvidia-t4, .*nvidia-h100/);
  });

  test('each kind requests its own Kubernetes extended resource', () => {
    expect(Accelerator.NVIDIA_L4.kubernetesResource).toBe('nvidia.com/gpu');
    expect(Accelerator.AWS_TRAINIUM.kubernetesResource).toBe('aws.amazon.com/neuron');
    expect(Accelerator.tpu(TpuVersion.V5E, '2x2').kubernetesResource).toBe('google.com/tpu');
  });
});

describe('EKS instance catalogue (Karpenter instance-types.md and eksctl instance_types.go)', () => {
  test.each([
    ['g4dn.12xlarge', 'nvidia-t4', 4, 1, false],
    ['g5.48xlarge', 'nvidia-a10g', 8, 1, false],
    ['g6.xlarge', 'nvidia-l4', 1, 0, false],
    ['g6e.48xlarge', 'nvidia-l40s', 8, 4, false],
    ['p4d.24xlarge', 'nvidia-a100-40gb', 8, 4, true],
    ['p4de.24xlarge', 'nvidia-a100-80gb', 8, 4, true],
    ['p5.48xlarge', 'nvidia-h100', 8, 32, true],
    ['p5.4xlarge', 'nvidia-h100', 1, 1, true],
    ['p5en.48xlarge', 'nvidia-h200', 8, 16, true],
    ['p6-b200.48xlarge', 'nvidia-b200', 8, 8, true],
    ['trn1.2xlarge', 'aws-trainium', 1, 0, false],
    ['trn1n.32xlarge', 'aws-trainium', 16, 16, false],
    ['trn2.48xlarge', 'aws-trainium2', 16, 16, true],
    ['inf2.48xlarge', 'aws-inferentia2', 12, 0, false],
  ])('%s carries %s x%i, %i EFA interfaces, capacity blocks %s', (type, accel, count, efa, cb) => {
    const t = eksInstanceType(type)!;
    expect(t.accelerator.id).toBe(accel);
    expect(t.count).toBe(count);
    expect(t.efaInterfaces).toBe(efa);
    expect(t.capacityBlock).toBe(cb);
  });

  test('no TPU appears on EC2 and every row is unique', () => {
    expect(EKS_INSTANCE_TYPES.some((t) => t.accelerator.kind === AcceleratorKind.GOOGLE_TPU)).toBe(false);
    expect(new Set(EKS_INSTANCE_TYPES.map((t) => t.instanceType)).size).toBe(EKS_INSTANCE_TYPES.length);
  });

  test('lookups by count return the smallest instance first', () => {
    expect(eksInstanceTypesFor(Accelerator.NVIDIA_L4, 1)[0].instanceType).toBe('g6.xlarge');
    expect(eksInstanceTypesFor(Accelerator.NVIDIA_A10G, 4)[0].instanceType).toBe('g5.12xlarge');
    expect(eksInstanceTypesFor(Accelerator.NVIDIA_A100_40GB, 1)).toEqual([]);
  });
});

describe('GKE GPU catalogue (compute/docs/gpus)', () => {
  test.each([
    ['g2-standard-8', 'nvidia-l4', 1],
    ['g2-standard-96', 'nvidia-l4', 8],
    ['a2-highgpu-8g', 'nvidia-tesla-a100', 8],
    ['a2-ultragpu-8g', 'nvidia-a100-80gb', 8],
    ['a3-highgpu-8g', 'nvidia-h100-80gb', 8],
    ['a3-megagpu-8g', 'nvidia-h100-mega-80gb', 8],
    ['a3-ultragpu-8g', 'nvidia-h200-141gb', 8],
    ['a4-highgpu-8g', 'nvidia-b200', 8],
  ])('%s attaches %s x%i', (machine, type, count) => {
    const t = gkeMachineType(machine)!;
    expect(t.acceleratorType).toBe(type);
    expect(t.count).toBe(count);
  });

  test('A10G and L40S are not offered on Google Cloud', () => {
    const gcp = new Set(GKE_GPU_MACHINE_TYPES.map((t) => t.accelerator));
    expect(gcp.has(Accelerator.NVIDIA_A10G)).toBe(false);
    expect(gcp.has(Accelerator.NVIDIA_L40S)).toBe(false);
  });
});

describe('TPU slices', () => {
  test.each([
    [TpuVersion.V5E, '1x1', undefined, 'ct5lp-hightpu-1t', 1, 1],
    [TpuVersion.V5E, '2x2', undefined, 'ct5lp-hightpu-4t', 4, 1],
    [TpuVersion.V5E, '2x4', undefined, 'ct5lp-hightpu-4t', 8, 2],
    [TpuVersion.V5E, '2x4', 'ct5lp-hightpu-8t', 'ct5lp-hightpu-8t', 8, 1],
    [TpuVersion.V5E, '4x4', undefined, 'ct5lp-hightpu-4t', 16, 4],
    [TpuVersion.V5E, '16x16', undefined, 'ct5lp-hightpu-4t', 256, 64],
    [TpuVersion.V6E, '8x16', undefined, 'ct6e-standard-4t', 128, 32],
    [TpuVersion.V4, '2x2x1', undefined, 'ct4p-hightpu-4t', 4, 1],
    [TpuVersion.V4, '2x2x2', undefined, 'ct4p-hightpu-4t', 8, 2],
    [TpuVersion.V5P, '2x4x4', undefined, 'ct5p-hightpu-4t', 32, 8],
    [TpuVersion.V5P, '16x16x24', undefined, 'ct5p-hightpu-4t', 6144, 1536],
  ])('%s %s on %s -> %s: %i chips on %i hosts', (version, topology, machine, expectedMachine, chips, hosts) => {
    const slice = version.slice(topology as string, machine as string | undefined);
    expect(slice.machineType.name).toBe(expectedMachine);
    expect(slice.chips).toBe(chips);
    expect(slice.hosts).toBe(hosts);
  });

  test.each([
    [TpuVersion.V5E, '3x3', /TPU v5e topology "3x3" is not offered; valid topologies: 1x1, 2x2, 2x4, 4x4/],
    [TpuVersion.V5E, '2x2x2', /is not offered/],
    [TpuVersion.V4, '4x4', /is not of the form AxBxC/],
    [TpuVersion.V4, '4x2x2', /ascending order/],
    [TpuVersion.V5P, '2x4x12', /more than 64 chips, so every dimension must be a multiple of 4/],
    [TpuVersion.V4, '16x16x16', /exceeds the largest v4 slice \(12x16x16\)/],
    [TpuVersion.V5P, '1x1x2', /whole number of 4-chip/],
  ])('%s rejects topology %s', (version, topology, message) => {
    expect(() => version.slice(topology)).toThrow(message);
  });

  test('a topology on a machine type that cannot hold it names the valid machine types', () => {
    expect(() => TpuVersion.V5E.slice('4x4', 'ct5lp-hightpu-8t')).toThrow(/valid machine types for it: ct5lp-hightpu-4t/);
  });

  test('GKE node labels per version', () => {
    expect(TpuVersion.all().map((v) => v.gkeAccelerator)).toEqual(['tpu-v4-podslice', 'tpu-v5-lite-podslice', 'tpu-v5p-slice', 'tpu-v6e-slice']);
  });
});
