import { Accelerator, AcceleratorKind } from '../../core/accelerators/accelerator';
import { GKE_GPU_MACHINE_TYPES, GkeGpuMachineType, gkeMachineType, gkeMachineTypesFor } from '../../core/accelerators/gke-machine-types';
import { Validator } from '../../core/errors';
import { KubernetesPlatform } from '../../core/kubernetes-target';
import { GkePool } from '../gke-node-pool';
import { ResolvedPool } from '../pool';

/** N1 machine types with attached T4s: 1-2 T4s allow up to 48 vCPUs, 4 allow up to 96 (compute/docs/gpus). */
function n1WithT4(machineType: string, count: number): GkeGpuMachineType | undefined {
  const m = /^n1-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!m || ![1, 2, 4].includes(count)) return undefined;
  const vcpus = Number(m[2]);
  if (vcpus > (count === 4 ? 96 : 48)) return undefined;
  return { machineType, accelerator: Accelerator.NVIDIA_T4, acceleratorType: 'nvidia-tesla-t4', count, spotOrFlexOnly: false };
}

/** Picks machine type, guest accelerator or TPU slice for each pool, or records why it cannot. */
export function resolveGkePools(v: Validator, pools: ResolvedPool[]): GkePool[] {
  const out: GkePool[] = [];
  for (const pool of pools) {
    const { accelerator, prop } = pool;
    if (!pool.capacity.validate(v, { platform: KubernetesPlatform.GKE, prop: `${prop}.capacity` })) continue;
    const capacityConfig = pool.capacity.bindGke();
    if (accelerator.kind === AcceleratorKind.AWS_NEURON) {
      v.add(`${prop}.accelerator`, accelerator.id, 'is an AWS Neuron device, which only EC2 offers; move this pool to an EksTrainingCluster');
      continue;
    }
    const slice = accelerator.tpuSlice;
    if (slice) {
      if (pool.machineType !== undefined && pool.machineType !== slice.machineType.name) {
        v.add(`${prop}.machineType`, pool.machineType, `does not match the slice's machine type ${slice.machineType.name}; ` +
          'choose the machine type in Accelerator.tpu(version, topology, machineType) instead');
        continue;
      }
      if (pool.acceleratorsPerNode !== undefined && pool.acceleratorsPerNode !== slice.machineType.chipsPerHost) {
        v.add(`${prop}.acceleratorsPerNode`, pool.acceleratorsPerNode, `does not match ${slice.machineType.name}, which has ${slice.machineType.chipsPerHost} chips per node`);
        continue;
      }
      if (slice.hosts > 1) {
        // A multi-host slice is one atomic unit: 0 nodes or all of them (GKE "About TPUs in GKE").
        if (!v.check(pool.maxNodes === slice.hosts, `${prop}.maxNodes`, pool.maxNodes,
          `must equal the ${slice.topology} slice's host count (${slice.hosts} x ${slice.machineType.name}); a multi-host slice scales as one unit`)) continue;
        if (!v.check(pool.minNodes === 0 || pool.minNodes === slice.hosts, `${prop}.minNodes`, pool.minNodes,
          `must be 0 or ${slice.hosts}: a multi-host slice has either no nodes or all of them`)) continue;
      }
      out.push({ ...pool, machineTypeName: slice.machineType.name, perNode: slice.machineType.chipsPerHost, tpu: slice, capacityConfig });
      continue;
    }
    const offered = gkeMachineTypesFor(accelerator);
    if (offered.length === 0) {
      const gpus = [...new Set(GKE_GPU_MACHINE_TYPES.map((t) => t.accelerator.id))];
      v.add(`${prop}.accelerator`, accelerator.id, `is not offered on Google Cloud; choose one of ${gpus.join(', ')} or a TPU`);
      continue;
    }
    const counts = [...new Set(offered.map((t) => t.count))].sort((a, b) => a - b);
    let machine: GkeGpuMachineType | undefined;
    if (pool.machineType !== undefined) {
      machine = accelerator === Accelerator.NVIDIA_T4 && pool.machineType.startsWith('n1-')
        ? n1WithT4(pool.machineType, pool.acceleratorsPerNode ?? 1)
        : gkeMachineType(pool.machineType);
      if (!machine || machine.accelerator !== accelerator) {
        v.add(`${prop}.machineType`, pool.machineType, `does not carry ${pool.acceleratorsPerNode ?? ''} ${accelerator.displayName}; use one of ${offered.map((t) => t.machineType).join(', ')}` +
          (accelerator === Accelerator.NVIDIA_T4 ? ' (or any N1 type: 1-2 T4s up to 48 vCPUs, 4 T4s up to 96)' : ''));
        continue;
      }
      if (pool.acceleratorsPerNode !== undefined && pool.acceleratorsPerNode !== machine.count) {
        v.add(`${prop}.acceleratorsPerNode`, pool.acceleratorsPerNode, `does not match ${machine.machineType}, which has ${machine.count}; drop acceleratorsPerNode or set it to ${machine.count}`);
        continue;
      }
    } else {
      const count = pool.acceleratorsPerNode ?? counts[0];
      machine = gkeMachineTypesFor(accelerator, count)[0];
      if (!machine) {
        v.add(`${prop}.acceleratorsPerNode`, count, `is not a count any GKE machine type offers for ${accelerator.displayName}; valid counts: ${counts.join(', ')}`);
        continue;
      }
    }
    if (machine.spotOrFlexOnly && !capacityConfig.spot) {
      v.add(`${prop}.capacity`, pool.capacity.toString(), `cannot buy ${machine.machineType}: Compute Engine offers it only as Spot or Flex-start VMs; use Capacity.SPOT or a larger machine type`);
      continue;
    }
    out.push({ ...pool, machineTypeName: machine.machineType, perNode: machine.count, gpu: { acceleratorType: machine.acceleratorType, count: machine.count }, capacityConfig });
  }
  return out;
}
