import { TpuTopology, TpuVersion } from './tpu';

/** What kind of device an accelerator is; decides the Kubernetes resource name, taint and AMI family. */
export enum AcceleratorKind {
  /** NVIDIA GPUs, scheduled as `nvidia.com/gpu`. */
  NVIDIA_GPU = 'nvidia-gpu',
  /** AWS Trainium and Inferentia, scheduled as `aws.amazon.com/neuron` by the Neuron device plugin. */
  AWS_NEURON = 'aws-neuron',
  /** Google Cloud TPUs, scheduled as `google.com/tpu`. */
  GOOGLE_TPU = 'google-tpu',
}

/** The extended resource a device plugin advertises for each kind, and that quotas and pods request. */
export const KUBERNETES_RESOURCE: Record<AcceleratorKind, string> = {
  [AcceleratorKind.NVIDIA_GPU]: 'nvidia.com/gpu',
  [AcceleratorKind.AWS_NEURON]: 'aws.amazon.com/neuron',
  [AcceleratorKind.GOOGLE_TPU]: 'google.com/tpu',
};

/**
 * The second resource the Neuron device plugin registers: single NeuronCores, which most Neuron workloads request
 * ("aws.amazon.com/neuroncore - Used for allocating individual Neuron cores to containers; aws.amazon.com/neuron -
 * Used for allocating entire Neuron devices", Neuron docs, containers/tutorials/k8s-neuron-device-plugin and
 * deploy/includes/k8s-neuron-device-plugin).
 */
export const NEURON_CORE_RESOURCE = 'aws.amazon.com/neuroncore';

/**
 * NeuronCores on one Neuron device.
 *
 * Sources (Neuron docs, general/arch/neuron-hardware): Trainium "each Trainium include 2 x NeuronCore-v2"
 * (trainium.html); Inferentia2 "up to twelve Inferentia2 devices (each with two NeuronCore-v2 cores)"
 * (inferentia2.html); Trainium2 "Every Trainium2 device contains eight NeuronCore-v3" (trainium2.html), and
 * "A Logical NeuronCore configuration (LNC) of two is the default setting on Trainium2 devices ... directs
 * Trainium2 devices to expose four NC_v3d ... a Trn2.48xlarge instance presents 64 available NeuronCores"
 * (general/arch/neuron-features/logical-neuroncore-config.html). Karpenter's instance-type model counts physical
 * cores instead (trn2.48xlarge: `aws.amazon.com/neuroncore` 128; aws/karpenter-provider-aws
 * website/content/en/v1.14/reference/instance-types.md @ 1d927085).
 */
export interface NeuronCoresPerDevice {
  /** Physical NeuronCores on the device. */
  readonly physical: number;
  /**
   * NeuronCores the device exposes at the default Logical NeuronCore configuration: what this library counts
   * for `aws.amazon.com/neuroncore` quotas and pool capacity (the lower figure where the two differ, so a
   * capacity check never promises cores a node does not advertise).
   */
  readonly logical: number;
}

/**
 * An ML accelerator from the catalogue: a GPU model, an AWS Neuron chip or a TPU slice.
 *
 * Accelerators are values, not strings: `Accelerator.NVIDIA_H100`, `Accelerator.tpu(TpuVersion.V5E, '2x4')`,
 * or `Accelerator.of('nvidia-l4')` which fails with the list of valid ids. What each one maps to on a
 * target (EKS instance types, GKE machine types, TPU machine types) lives in the per-target tables
 * beside this file, each row citing its source.
 */
export class Accelerator {
  private static readonly registry = new Map<string, Accelerator>();

  /** NVIDIA T4, 16 GB. */
  public static readonly NVIDIA_T4 = Accelerator.gpu('nvidia-t4', 'NVIDIA T4', 16);
  /** NVIDIA A10G, 24 GB (AWS only). */
  public static readonly NVIDIA_A10G = Accelerator.gpu('nvidia-a10g', 'NVIDIA A10G', 24);
  /** NVIDIA L4, 24 GB. */
  public static readonly NVIDIA_L4 = Accelerator.gpu('nvidia-l4', 'NVIDIA L4', 24);
  /** NVIDIA L40S, 48 GB (AWS only). */
  public static readonly NVIDIA_L40S = Accelerator.gpu('nvidia-l40s', 'NVIDIA L40S', 48);
  /** NVIDIA A100, 40 GB. */
  public static readonly NVIDIA_A100_40GB = Accelerator.gpu('nvidia-a100-40gb', 'NVIDIA A100 40GB', 40);
  /** NVIDIA A100, 80 GB. */
  public static readonly NVIDIA_A100_80GB = Accelerator.gpu('nvidia-a100-80gb', 'NVIDIA A100 80GB', 80);
  /** NVIDIA H100, 80 GB. */
  public static readonly NVIDIA_H100 = Accelerator.gpu('nvidia-h100', 'NVIDIA H100 80GB', 80);
  /** NVIDIA H200, 141 GB. */
  public static readonly NVIDIA_H200 = Accelerator.gpu('nvidia-h200', 'NVIDIA H200 141GB', 141);
  /** NVIDIA B200, 180 GB (AWS P6) / 192 GB HBM3e. */
  public static readonly NVIDIA_B200 = Accelerator.gpu('nvidia-b200', 'NVIDIA B200', 180);
  /** AWS Trainium (first generation, trn1/trn1n). */
  public static readonly AWS_TRAINIUM = Accelerator.neuron('aws-trainium', 'AWS Trainium', 32, { physical: 2, logical: 2 });
  /** AWS Trainium2 (trn2): eight physical NeuronCores per device, four at the default LNC=2. */
  public static readonly AWS_TRAINIUM2 = Accelerator.neuron('aws-trainium2', 'AWS Trainium2', 96, { physical: 8, logical: 4 });
  /** AWS Inferentia2 (inf2). */
  public static readonly AWS_INFERENTIA2 = Accelerator.neuron('aws-inferentia2', 'AWS Inferentia2', 32, { physical: 2, logical: 2 });

  /**
   * A TPU slice: a TPU version and a topology such as `2x4` (v5e, v6e) or `2x2x4` (v4, v5p).
   * The topology decides the chip count and, with the machine type, how many hosts (nodes) the slice has.
   *
   * @param machineType pick a specific TPU machine type (e.g. `ct5lp-hightpu-8t` for a single-host 2x4)
   * @default machineType - the 4-chip host type, so topologies above 4 chips are multi-host slices
   */
  public static tpu(version: TpuVersion, topology: string, machineType?: string): Accelerator {
    const slice = version.slice(topology, machineType);
    return new Accelerator(`tpu-${version.id}-${topology}`, `TPU ${version.displayName} ${topology}`,
      AcceleratorKind.GOOGLE_TPU, version.hbmGiBPerChip, slice);
  }

  /** Looks an accelerator up by id (`nvidia-h100`), failing with the list of valid ids. */
  public static of(id: string): Accelerator {
    const found = Accelerator.registry.get(id);
    if (!found) {
      throw new RangeError(`Unknown accelerator "${id}". Valid ids: ${[...Accelerator.registry.keys()].join(', ')}; ` +
        'for TPUs use Accelerator.tpu(TpuVersion.V5E, "2x4")');
    }
    return found;
  }

  /** Every GPU and Neuron accelerator in the catalogue (TPU slices are made with {@link Accelerator.tpu}). */
  public static all(): Accelerator[] {
    return [...Accelerator.registry.values()];
  }

  private static gpu(id: string, name: string, memoryGiB: number): Accelerator {
    return Accelerator.register(new Accelerator(id, name, AcceleratorKind.NVIDIA_GPU, memoryGiB));
  }

  private static neuron(id: string, name: string, memoryGiB: number, cores: NeuronCoresPerDevice): Accelerator {
    return Accelerator.register(new Accelerator(id, name, AcceleratorKind.AWS_NEURON, memoryGiB, undefined, cores));
  }

  private static register(a: Accelerator): Accelerator {
    Accelerator.registry.set(a.id, a);
    return a;
  }

  private constructor(
    /** Stable id, e.g. `nvidia-h100` or `tpu-v5e-2x4`. */
    public readonly id: string,
    /** Human name for messages and docs. */
    public readonly displayName: string,
    /** GPU, Neuron or TPU. */
    public readonly kind: AcceleratorKind,
    /** Memory per device (GB as the vendor states it; HBM per chip for TPUs). */
    public readonly memoryGB: number,
    /** For TPU slices: version, topology, machine type and host count. */
    public readonly tpuSlice?: TpuTopology,
    /** For Neuron devices: the NeuronCores on each (`aws.amazon.com/neuroncore`). */
    public readonly neuronCores?: NeuronCoresPerDevice,
  ) {}

  /** The Kubernetes extended resource name pods request (`nvidia.com/gpu`, `aws.amazon.com/neuron`, `google.com/tpu`). */
  public get kubernetesResource(): string {
    return KUBERNETES_RESOURCE[this.kind];
  }

  public toString(): string {
    return this.id;
  }
}
