import { Accelerator } from './accelerator';

/** One GCE machine type that carries NVIDIA GPUs on GKE. */
export interface GkeGpuMachineType {
  /** GCE machine type, e.g. `a3-highgpu-8g`. */
  readonly machineType: string;
  /** The GPU. */
  readonly accelerator: Accelerator;
  /** `node_config.guest_accelerator.type`, e.g. `nvidia-h100-80gb`. */
  readonly acceleratorType: string;
  /** GPUs per VM. */
  readonly count: number;
  /** True where Compute Engine only offers the type as Spot or Flex-start VMs, never on-demand. */
  readonly spotOrFlexOnly: boolean;
}

/*
 * Sources (read 2026-11):
 * - Compute Engine "GPU machine types", https://cloud.google.com/compute/docs/gpus (A2, A3, A4, G2, N1 sections)
 * - GKE "Run GPUs in GKE Standard node pools", https://cloud.google.com/kubernetes-engine/docs/how-to/gpus:
 *   set guest_accelerator.count to the machine type's GPU count; machine_type is required for A/G series.
 * - GoogleCloudPlatform/cluster-toolkit pkg/config/accelerators.json (same mapping; it labels a2-ultragpu as
 *   nvidia-tesla-a100, which contradicts the GKE docs' nvidia-a100-80gb; the docs win).
 * - a3-highgpu-1g/2g/4g: "can only be created as Spot or Flex-start VMs" (compute/docs/gpus).
 * - T4 attaches to N1 machine types (not shared-core); 1-2 T4s allow up to 48 vCPUs, 4 allow up to 96.
 * - L40S and A10G are not offered on Google Cloud.
 */
const rows: Array<[string, Accelerator, string, number, boolean?]> = [
  ['n1-standard-4', Accelerator.NVIDIA_T4, 'nvidia-tesla-t4', 1],
  ['n1-standard-8', Accelerator.NVIDIA_T4, 'nvidia-tesla-t4', 1],
  ['n1-standard-16', Accelerator.NVIDIA_T4, 'nvidia-tesla-t4', 2],
  ['n1-standard-32', Accelerator.NVIDIA_T4, 'nvidia-tesla-t4', 4],
  ['g2-standard-4', Accelerator.NVIDIA_L4, 'nvidia-l4', 1],
  ['g2-standard-8', Accelerator.NVIDIA_L4, 'nvidia-l4', 1],
  ['g2-standard-12', Accelerator.NVIDIA_L4, 'nvidia-l4', 1],
  ['g2-standard-16', Accelerator.NVIDIA_L4, 'nvidia-l4', 1],
  ['g2-standard-32', Accelerator.NVIDIA_L4, 'nvidia-l4', 1],
  ['g2-standard-24', Accelerator.NVIDIA_L4, 'nvidia-l4', 2],
  ['g2-standard-48', Accelerator.NVIDIA_L4, 'nvidia-l4', 4],
  ['g2-standard-96', Accelerator.NVIDIA_L4, 'nvidia-l4', 8],
  ['a2-highgpu-1g', Accelerator.NVIDIA_A100_40GB, 'nvidia-tesla-a100', 1],
  ['a2-highgpu-2g', Accelerator.NVIDIA_A100_40GB, 'nvidia-tesla-a100', 2],
  ['a2-highgpu-4g', Accelerator.NVIDIA_A100_40GB, 'nvidia-tesla-a100', 4],
  ['a2-highgpu-8g', Accelerator.NVIDIA_A100_40GB, 'nvidia-tesla-a100', 8],
  ['a2-megagpu-16g', Accelerator.NVIDIA_A100_40GB, 'nvidia-tesla-a100', 16],
  ['a2-ultragpu-1g', Accelerator.NVIDIA_A100_80GB, 'nvidia-a100-80gb', 1],
  ['a2-ultragpu-2g', Accelerator.NVIDIA_A100_80GB, 'nvidia-a100-80gb', 2],
  ['a2-ultragpu-4g', Accelerator.NVIDIA_A100_80GB, 'nvidia-a100-80gb', 4],
  ['a2-ultragpu-8g', Accelerator.NVIDIA_A100_80GB, 'nvidia-a100-80gb', 8],
  ['a3-highgpu-1g', Accelerator.NVIDIA_H100, 'nvidia-h100-80gb', 1, true],
  ['a3-highgpu-2g', Accelerator.NVIDIA_H100, 'nvidia-h100-80gb', 2, true],
  ['a3-highgpu-4g', Accelerator.NVIDIA_H100, 'nvidia-h100-80gb', 4, true],
  ['a3-highgpu-8g', Accelerator.NVIDIA_H100, 'nvidia-h100-80gb', 8],
  ['a3-edgegpu-8g', Accelerator.NVIDIA_H100, 'nvidia-h100-80gb', 8],
  ['a3-megagpu-8g', Accelerator.NVIDIA_H100, 'nvidia-h100-mega-80gb', 8],
  ['a3-ultragpu-8g', Accelerator.NVIDIA_H200, 'nvidia-h200-141gb', 8],
  ['a4-highgpu-8g', Accelerator.NVIDIA_B200, 'nvidia-b200', 8],
];

/** The GKE GPU catalogue, smallest machine first within each accelerator and count. */
export const GKE_GPU_MACHINE_TYPES: readonly GkeGpuMachineType[] = rows.map(
  ([machineType, accelerator, acceleratorType, count, spotOrFlexOnly]) =>
    ({ machineType, accelerator, acceleratorType, count, spotOrFlexOnly: spotOrFlexOnly ?? false }));

/** Machine types that carry `accelerator`, optionally with exactly `count` per VM. */
export function gkeMachineTypesFor(accelerator: Accelerator, count?: number): GkeGpuMachineType[] {
  return GKE_GPU_MACHINE_TYPES.filter((t) => t.accelerator === accelerator && (count === undefined || t.count === count));
}

/** Looks up one machine type in the catalogue. */
export function gkeMachineType(machineType: string): GkeGpuMachineType | undefined {
  return GKE_GPU_MACHINE_TYPES.find((t) => t.machineType === machineType);
}
