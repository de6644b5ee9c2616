import { Accelerator } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { KubernetesPlatform } from '../core/kubernetes-target';
import { Size } from '../core/units';

/** How a pool's nodes are bought on EKS: what {@link Capacity.bindEks} returns. */
export interface EksCapacityConfig {
  /** The managed node group's `capacity_type`: `ON_DEMAND`, `SPOT` or `CAPACITY_BLOCK`. */
  readonly capacityType: string;
  /** Karpenter's `karpenter.sh/capacity-type` values for the pool's NodePool. */
  readonly karpenterCapacityTypes: string[];
  /** The EC2 capacity reservation the nodes launch into (a Capacity Block or an ODCR). @default - none */
  readonly capacityReservationId?: string;
  /**
   * An EC2 Capacity Block for ML: the launch template names the instance type and the `capacity-block` market type,
   * the node group names no instance type, and the nodes sit in the block's Availability Zone.
   */
  readonly capacityBlock: boolean;
}

/** How a pool's nodes are bought on GKE: what {@link Capacity.bindGke} returns. */
export interface GkeCapacityConfig {
  /** Spot VMs. */
  readonly spot: boolean;
  /** The Compute Engine reservation the nodes consume (`SPECIFIC_RESERVATION`). @default - none */
  readonly reservationName?: string;
}

/** Where a {@link Capacity} is used, for {@link Capacity.validate}. */
export interface CapacityContext {
  /** The target the pool is built on (EKS or GKE). */
  readonly platform: KubernetesPlatform;
  /** The prop errors name, e.g. `pools[1].capacity`. */
  readonly prop: string;
}

/**
 * How a pool's nodes are bought: `Capacity.ON_DEMAND`, `Capacity.SPOT`, `Capacity.capacityBlock('cr-…')` (EKS) or
 * `Capacity.reservation(…)`. Each choice knows how it is written on each target (`bindEks`, `bindGke`) and refuses
 * a target that cannot honour it (`validate`).
 */
export abstract class Capacity {
  /** Pay-as-you-go nodes. */
  public static readonly ON_DEMAND: Capacity = new (class OnDemandCapacity extends Capacity {
    public validate(): boolean { return true; }
    public bindEks(): EksCapacityConfig {
      return { capacityType: 'ON_DEMAND', karpenterCapacityTypes: ['on-demand'], capacityBlock: false };
    }
    public bindGke(): GkeCapacityConfig { return { spot: false }; }
  })('on-demand');

  /** Spot / preemptible nodes: cheap, can be reclaimed. Fine for checkpointed training. */
  public static readonly SPOT: Capacity = new (class SpotCapacity extends Capacity {
    public validate(): boolean { return true; }
    public bindEks(): EksCapacityConfig {
      return { capacityType: 'SPOT', karpenterCapacityTypes: ['spot'], capacityBlock: false };
    }
    public bindGke(): GkeCapacityConfig { return { spot: true }; }
  })('spot');

  /**
   * An EC2 Capacity Block for ML (EKS only; P-family and Trainium types). The node group gets a launch
   * template with market type `capacity-block` and this reservation, and must sit in the reservation's AZ.
   * @param reservationId the capacity reservation id, `cr-…`
   */
  public static capacityBlock(reservationId: string): Capacity {
    return new CapacityBlock(reservationId);
  }

  /**
   * A specific reservation: on EKS an On-Demand Capacity Reservation id (`cr-…`), on GKE a Compute
   * Engine reservation name.
   */
  public static reservation(reservation: string): Capacity {
    return new Reservation(reservation);
  }

  protected constructor(private readonly description: string) {}

  /**
   * Adds a problem to `v` where the target cannot buy nodes this way, or the reservation is not one of its names.
   * @returns whether the capacity can be used there
   */
  public abstract validate(v: Validator, context: CapacityContext): boolean;

  /** How an EKS node group and Karpenter NodePool buy the nodes. Validate for EKS first. */
  public abstract bindEks(): EksCapacityConfig;

  /** How a GKE node pool buys the nodes. Validate for GKE first. */
  public abstract bindGke(): GkeCapacityConfig;

  /** `on-demand`, `spot`, `capacity-block(cr-…)`, `reservation(name)`. */
  public toString(): string {
    return this.description;
  }
}

/** An EC2 capacity reservation id. */
const EC2_RESERVATION = /^cr-[0-9a-f]{8,17}$/;

/**
 * Capacity Blocks and ODCRs are Karpenter's `reserved`: "Karpenter doesn't model ODCRs as standard on-demand capacity,
 * and instead uses a dedicated capacity type: reserved", and "Capacity blocks are modeled as on-demand capacity
 * reservations in EC2" (aws/karpenter-provider-aws website/content/en/v1.14/tasks/odcrs.md @ 1d927085). Only
 * `reserved`, so a reserved pool never spills onto on-demand capacity its budget did not plan for, as its managed node
 * group does not either.
 */
class CapacityBlock extends Capacity {
  constructor(private readonly reservationId: string) {
    super(`capacity-block(${reservationId})`);
  }

  public validate(v: Validator, { platform, prop }: CapacityContext): boolean {
    if (!v.check(platform === KubernetesPlatform.EKS, prop, this,
      'is an EC2 Capacity Block, which GKE cannot use; use Capacity.reservation(name) or Capacity.SPOT')) return false;
    return v.matches(prop, this.reservationId, EC2_RESERVATION, 'must name an EC2 capacity reservation id, e.g. cr-0123456789abcdef0');
  }

  public bindEks(): EksCapacityConfig {
    return { capacityType: 'CAPACITY_BLOCK', karpenterCapacityTypes: ['reserved'], capacityReservationId: this.reservationId, capacityBlock: true };
  }

  public bindGke(): GkeCapacityConfig {
    throw new Error(`${this} is an EC2 Capacity Block, which GKE cannot use`);
  }
}

class Reservation extends Capacity {
  constructor(private readonly reservation: string) {
    super(`reservation(${reservation})`);
  }

  public validate(v: Validator, { platform, prop }: CapacityContext): boolean {
    if (platform === KubernetesPlatform.GKE) {
      return v.matches(prop, this.reservation, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must name a Compute Engine reservation');
    }
    return v.matches(prop, this.reservation, EC2_RESERVATION, 'must name an EC2 capacity reservation id, e.g. cr-0123456789abcdef0');
  }

  /** An ODCR: on-demand nodes in the reservation; Karpenter's `reserved` only (see CapacityBlock). */
  public bindEks(): EksCapacityConfig {
    return { capacityType: 'ON_DEMAND', karpenterCapacityTypes: ['reserved'], capacityReservationId: this.reservation, capacityBlock: false };
  }

  public bindGke(): GkeCapacityConfig {
    return { spot: false, reservationName: this.reservation };
  }
}

/** Kubernetes taint effects. */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** A node taint. */
export interface Taint {
  readonly key: string;
  /** @default - no value */
  readonly value?: string;
  /** @default TaintEffect.NO_SCHEDULE */
  readonly effect?: TaintEffect;
}

/** What a pool is for. Training pools scale to zero by default; the label lets schedulers tell them apart. */
export enum PoolPurpose {
  TRAINING = 'training',
  SERVING = 'serving',
}

/** One pool of accelerator nodes, declared once and compiled per target. */
export interface AcceleratorPoolProps {
  /** Pool name: lowercase letters, digits and hyphens, at most 40 characters. Part of the Terraform address. */
  readonly name: string;
  /** The accelerator, e.g. `Accelerator.NVIDIA_H100` or `Accelerator.tpu(TpuVersion.V5E, '2x4')`. */
  readonly accelerator: Accelerator;
  /**
   * Accelerators per node. Picks the smallest machine type in the catalogue with that many.
   * @default - the smallest count the target offers for the accelerator (1 for most GPUs, 8 for A100 on EKS);
   * for TPU slices the machine type's chips per host
   */
  readonly acceleratorsPerNode?: number;
  /**
   * Pin the EC2 instance type / GCE machine type; it must carry `acceleratorsPerNode` of `accelerator`.
   * @default - the smallest catalogue type with `acceleratorsPerNode` accelerators
   */
  readonly machineType?: string;
  /** Fewest nodes. @default 0 (training pools scale to zero when idle) */
  readonly minNodes?: number;
  /** Most nodes. @default 1; for a multi-host TPU slice, the slice's host count */
  readonly maxNodes?: number;
  /** How nodes are bought. @default Capacity.ON_DEMAND */
  readonly capacity?: Capacity;
  /** Extra node labels. @default - only the library's pool labels */
  readonly labels?: Record<string, string>;
  /** Extra taints, on top of the accelerator taint every pool gets. @default - only the accelerator taint */
  readonly taints?: Taint[];
  /** Root disk per node. @default Size.gibibytes(200) */
  readonly diskSize?: Size;
  /**
   * EKS: attach EFA interfaces and put nodes in a cluster placement group (single AZ).
   * @default - true when the instance type supports EFA and maxNodes > 1
   */
  readonly efa?: boolean;
  /** What the pool is for. @default PoolPurpose.TRAINING */
  readonly purpose?: PoolPurpose;
}

/** Node label keys the library sets on every pool's nodes. */
export const POOL_LABELS = {
  pool: 'ml-platform.io/pool',
  accelerator: 'ml-platform.io/accelerator',
  acceleratorKind: 'ml-platform.io/accelerator-kind',
  purpose: 'ml-platform.io/purpose',
} as const;

/** A pool after target-independent validation and defaults. */
export interface ResolvedPool {
  readonly name: string;
  readonly accelerator: Accelerator;
  /** Undefined where the target picks it (TPU slices, or GPUs on a type given by machineType). */
  readonly acceleratorsPerNode?: number;
  readonly machineType?: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly capacity: Capacity;
  readonly labels: Record<string, string>;
  /** The accelerator taint first, then the user's. */
  readonly taints: Required<Taint>[];
  readonly diskGiB: number;
  readonly efa?: boolean;
  readonly purpose: PoolPurpose;
  /** Where this pool sits in the props, for error messages: `pools[2]`. */
  readonly prop: string;
}
