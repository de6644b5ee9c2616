import { Accelerator, AcceleratorKind } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { AcceleratorNodes, Toleration } from '../core/kubernetes-target';
import { checkLabels, checkResourceName, LABEL_KEY } from '../core/names';
import { Size } from '../core/units';

/** How a pool's nodes are bought. */
export enum CapacityKind {
  ON_DEMAND = 'on-demand',
  SPOT = 'spot',
  /** EC2 Capacity Blocks for ML (EKS only). */
  CAPACITY_BLOCK = 'capacity-block',
  /** A specific reservation: an EC2 On-Demand Capacity Reservation or a Compute Engine reservation. */
  RESERVATION = 'reservation',
}

/** How a pool's nodes are bought: `Capacity.ON_DEMAND`, `Capacity.SPOT`, `Capacity.capacityBlock('cr-…')`, `Capacity.reservation(…)`. */
export class Capacity {
  /** Pay-as-you-go nodes. */
  public static readonly ON_DEMAND = new Capacity(CapacityKind.ON_DEMAND);
  /** Spot / preemptible nodes: cheap, can be reclaimed. Fine for checkpointed training. */
  public static readonly SPOT = new Capacity(CapacityKind.SPOT);

  /**
   * An EC2 Capacity Block for ML (EKS only; P-family and Trainium types). The node group gets a launch
   * template with market type `capacity-block` and this reservation, and must sit in the reservation's AZ.
   * @param reservationId the capacity reservation id, `cr-…`
   */
  public static capacityBlock(reservationId: string): Capacity {
    return new Capacity(CapacityKind.CAPACITY_BLOCK, reservationId);
  }

  /**
   * A specific reservation: on EKS an On-Demand Capacity Reservation id (`cr-…`), on GKE a Compute
   * Engine reservation name.
   */
  public static reservation(reservation: string): Capacity {
    return new Capacity(CapacityKind.RESERVATION, reservation);
  }

  private constructor(
    public readonly kind: CapacityKind,
    /** The reservation, for CAPACITY_BLOCK and RESERVATION. */
    public readonly reservation?: string,
  ) {}

  public toString(): string {
    return this.reservation ? `${this.kind}(${this.reservation})` : this.kind;
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

/** The taint every accelerator pool carries, so only pods that ask for the device land there. */
export function acceleratorTaint(accelerator: Accelerator): Required<Taint> {
  return { key: accelerator.kubernetesResource, value: 'present', effect: TaintEffect.NO_SCHEDULE };
}

/**
 * Validates the target-independent part of every pool and applies defaults. Problems go to `v`;
 * the caller throws once it has added its own.
 */
export function resolvePools(v: Validator, pools: readonly AcceleratorPoolProps[] | undefined): ResolvedPool[] {
  if (pools !== undefined && !Array.isArray(pools)) {
    v.add('pools', pools, 'must be an array of pool definitions');
    return [];
  }
  const list: readonly AcceleratorPoolProps[] = pools ?? [];
  v.unique('pools', list, (p) => String(p?.name), 'pool name');
  return list.flatMap((p, i) => resolvePool(v, p, `pools[${i}]`) ?? []);
}

/** How a pool added after construction is named in error messages: `addPool("h100")`. */
export function addedPoolProp(method: string, name: unknown): string {
  return `${method}(${typeof name === 'string' ? JSON.stringify(name) : 'pool'})`;
}

/**
 * Validates the target-independent part of one pool, named `prop` in error messages (`pools[2]`,
 * `addPool("h100")`), and applies defaults. Problems go to `v`; undefined where the pool cannot be resolved.
 */
export function resolvePool(v: Validator, p: AcceleratorPoolProps, prop: string): ResolvedPool | undefined {
  if (p === null || typeof p !== 'object') {
    v.add(prop, p, 'must be a pool definition object');
    return undefined;
  }
  checkResourceName(v, `${prop}.name`, p.name, 40);
  if (!(p.accelerator instanceof Accelerator)) {
    v.add(`${prop}.accelerator`, p.accelerator,
      'must be an Accelerator, e.g. Accelerator.NVIDIA_H100 or Accelerator.tpu(TpuVersion.V5E, "2x4")');
    return undefined;
  }
  v.integer(`${prop}.acceleratorsPerNode`, p.acceleratorsPerNode, 1, 16);
  const slice = p.accelerator.tpuSlice;
  const minNodes = p.minNodes ?? 0;
  const maxNodes = p.maxNodes ?? (slice ? slice.hosts : 1);
  const minOk = v.integer(`${prop}.minNodes`, minNodes, 0, 1000);
  const maxOk = v.integer(`${prop}.maxNodes`, maxNodes, 1, 1000);
  if (minOk && maxOk) {
    v.check(maxNodes >= minNodes, `${prop}.maxNodes`, maxNodes, `is below minNodes (${minNodes}); raise maxNodes or lower minNodes`);
  }
  if (p.capacity !== undefined && !(p.capacity instanceof Capacity)) {
    v.add(`${prop}.capacity`, p.capacity, 'must be Capacity.ON_DEMAND, Capacity.SPOT, Capacity.capacityBlock(id) or Capacity.reservation(id)');
  }
  checkLabels(v, `${prop}.labels`, p.labels);
  for (const key of Object.keys(p.labels ?? {})) {
    v.check(!key.startsWith('ml-platform.io/'), `${prop}.labels.${key}`, key, 'uses the library\'s reserved prefix ml-platform.io/; choose another key');
  }
  const taints: Required<Taint>[] = [acceleratorTaint(p.accelerator)];
  (p.taints ?? []).forEach((t, j) => {
    const tp = `${prop}.taints[${j}]`;
    if (!t || typeof t !== 'object') {
      v.add(tp, t, 'must be a taint {key, value?, effect?}');
      return;
    }
    v.check(typeof t.key === 'string' && LABEL_KEY.test(t.key), `${tp}.key`, t.key, 'is not a valid taint key; use [prefix/]name');
    v.check(t.value === undefined || (typeof t.value === 'string' && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(t.value) && t.value.length <= 63),
      `${tp}.value`, t.value, 'is not a valid taint value; use at most 63 letters, digits, "-", "_" and "."');
    v.check(t.effect === undefined || Object.values(TaintEffect).includes(t.effect), `${tp}.effect`, t.effect,
      `must be one of ${Object.values(TaintEffect).join(', ')}`);
    v.check(t.key !== p.accelerator.kubernetesResource, `${tp}.key`, t.key, 'is the accelerator taint the library already sets; remove it');
    taints.push({ key: t.key, value: t.value ?? '', effect: t.effect ?? TaintEffect.NO_SCHEDULE });
  });
  let diskGiB = 200;
  if (p.diskSize !== undefined) {
    if (!(p.diskSize instanceof Size)) {
      v.add(`${prop}.diskSize`, p.diskSize, 'must be a Size, e.g. Size.gibibytes(200)');
    } else {
      try {
        diskGiB = p.diskSize.toGibibytes();
        v.check(diskGiB >= 20 && diskGiB <= 16384, `${prop}.diskSize`, p.diskSize,
          'must be from 20 GiB to 16 TiB; accelerated node images need at least 20 GiB');
      } catch {
        v.add(`${prop}.diskSize`, p.diskSize, 'must be a whole number of GiB');
      }
    }
  }
  v.check(p.purpose === undefined || Object.values(PoolPurpose).includes(p.purpose), `${prop}.purpose`, p.purpose,
    `must be one of ${Object.values(PoolPurpose).join(', ')}`);
  if (p.efa !== undefined) v.check(typeof p.efa === 'boolean', `${prop}.efa`, p.efa, 'must be true or false');
  const purpose = p.purpose ?? PoolPurpose.TRAINING;
  return {
    name: p.name,
    accelerator: p.accelerator,
    acceleratorsPerNode: p.acceleratorsPerNode,
    machineType: p.machineType,
    minNodes,
    maxNodes,
    capacity: p.capacity instanceof Capacity ? p.capacity : Capacity.ON_DEMAND,
    labels: {
      ...p.labels,
      [POOL_LABELS.pool]: p.name,
      [POOL_LABELS.accelerator]: p.accelerator.id,
      [POOL_LABELS.acceleratorKind]: p.accelerator.kind,
      [POOL_LABELS.purpose]: purpose,
    },
    taints,
    diskGiB,
    efa: p.efa,
    purpose,
    prop,
  };
}

/** What a workload needs to land on a pool's nodes. */
export function acceleratorNodes(pool: ResolvedPool, acceleratorsPerNode: number): AcceleratorNodes {
  const tolerations: Toleration[] = pool.taints.map((t) => ({
    key: t.key,
    operator: t.value ? 'Equal' : 'Exists',
    ...(t.value ? { value: t.value } : {}),
    effect: t.effect,
  }));
  return {
    pool: pool.name,
    accelerator: pool.accelerator,
    acceleratorsPerNode,
    maxNodes: pool.maxNodes,
    minNodes: pool.minNodes,
    nodeSelector: { [POOL_LABELS.pool]: pool.name },
    tolerations,
  };
}

/** True for NVIDIA GPU pools. */
export function isNvidia(pool: { accelerator: Accelerator }): boolean {
  return pool.accelerator.kind === AcceleratorKind.NVIDIA_GPU;
}
