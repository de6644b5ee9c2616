/**
 * Cloud TPU versions and the slice topologies GKE accepts for each.
 *
 * Sources (checked 2026-11):
 * - GKE "Plan TPUs in GKE", https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus
 *   (machine types, chips per VM, topologies, node labels `cloud.google.com/gke-tpu-accelerator`).
 *   Nodes in a slice = chips / chips per VM (gcloud `container node-pools create --tpu-topology`); the
 *   v5e "hosts" column of the Cloud TPU docs counts 8-chip hosts and is not the GKE node count.
 * - Cloud TPU v4 / v5p system architecture: AxBxC topologies, 2x2x1 is the only single-host slice,
 *   above 64 chips every dimension is a multiple of 4; largest slices 12x16x16 (v4), 16x16x24 (v5p).
 * - v6e (Trillium) machine types and topologies as in GoogleCloudPlatform/xpk and cluster-toolkit
 *   (modules/compute/gke-node-pool), which mirror v5e: 1t = 1x1, 4t = 2x2 or multi-host 2x4..16x16,
 *   8t = single-host 2x4.
 */

/** A TPU machine type and how many chips each VM (Kubernetes node) has. */
export interface TpuMachineType {
  /** GCE machine type, e.g. `ct5lp-hightpu-4t`. */
  readonly name: string;
  /** TPU chips per VM. */
  readonly chipsPerHost: number;
}

/** A TPU slice resolved against GKE: what a node pool needs to hold it. */
export interface TpuTopology {
  /** The TPU version. */
  readonly version: TpuVersion;
  /** The topology string as GKE takes it in `placement_policy.tpu_topology`, e.g. `2x4`. */
  readonly topology: string;
  /** Total chips in the slice. */
  readonly chips: number;
  /** The machine type of each host. */
  readonly machineType: TpuMachineType;
  /** How many VMs (nodes) hold the slice: `chips / chipsPerHost`. A multi-host slice has more than one. */
  readonly hosts: number;
}

interface TpuVersionSpec {
  readonly id: string;
  readonly displayName: string;
  readonly gkeAccelerator: string;
  readonly hbmGiBPerChip: number;
  readonly machineTypes: TpuMachineType[];
  /** 2D versions: every valid topology with the machine types that can hold it. */
  readonly topologies2d?: Record<string, string[]>;
  /** 3D versions: the largest topology (sorted dims). */
  readonly max3d?: [number, number, number];
}

/** A Cloud TPU generation. Closed set: `TpuVersion.V4`, `V5E`, `V5P`, `V6E`. */
export class TpuVersion {
  /**
   * TPU v4: `ct4p-hightpu-4t`, 4 chips per VM, 3D torus topologies `AxBxC`.
   */
  public static readonly V4 = new TpuVersion({
    id: 'v4', displayName: 'v4', gkeAccelerator: 'tpu-v4-podslice', hbmGiBPerChip: 32,
    machineTypes: [{ name: 'ct4p-hightpu-4t', chipsPerHost: 4 }],
    max3d: [12, 16, 16],
  });

  /**
   * TPU v5e (v5 lite): `ct5lp-hightpu-1t|4t|8t`; 2D topologies from 1x1 to 16x16.
   * Multi-host slices (above 2x4, or 2x4 on 4-chip hosts) use `ct5lp-hightpu-4t`.
   */
  public static readonly V5E = new TpuVersion({
    id: 'v5e', displayName: 'v5e', gkeAccelerator: 'tpu-v5-lite-podslice', hbmGiBPerChip: 16,
    machineTypes: [
      { name: 'ct5lp-hightpu-1t', chipsPerHost: 1 },
      { name: 'ct5lp-hightpu-4t', chipsPerHost: 4 },
      { name: 'ct5lp-hightpu-8t', chipsPerHost: 8 },
    ],
    topologies2d: {
      '1x1': ['ct5lp-hightpu-1t'],
      '2x2': ['ct5lp-hightpu-4t'],
      '2x4': ['ct5lp-hightpu-4t', 'ct5lp-hightpu-8t'],
      '4x4': ['ct5lp-hightpu-4t'],
      '4x8': ['ct5lp-hightpu-4t'],
      '8x8': ['ct5lp-hightpu-4t'],
      '8x16': ['ct5lp-hightpu-4t'],
      '16x16': ['ct5lp-hightpu-4t'],
    },
  });

  /**
   * TPU v5p: `ct5p-hightpu-4t`, 4 chips per VM, 3D topologies `AxBxC`.
   */
  public static readonly V5P = new TpuVersion({
    id: 'v5p', displayName: 'v5p', gkeAccelerator: 'tpu-v5p-slice', hbmGiBPerChip: 95,
    machineTypes: [{ name: 'ct5p-hightpu-4t', chipsPerHost: 4 }],
    max3d: [16, 16, 24],
  });

  /**
   * TPU v6e (Trillium): `ct6e-standard-1t|4t|8t`; 2D topologies from 1x1 to 16x16.
   */
  public static readonly V6E = new TpuVersion({
    id: 'v6e', displayName: 'v6e (Trillium)', gkeAccelerator: 'tpu-v6e-slice', hbmGiBPerChip: 32,
    machineTypes: [
      { name: 'ct6e-standard-1t', chipsPerHost: 1 },
      { name: 'ct6e-standard-4t', chipsPerHost: 4 },
      { name: 'ct6e-standard-8t', chipsPerHost: 8 },
    ],
    topologies2d: {
      '1x1': ['ct6e-standard-1t'],
      '2x2': ['ct6e-standard-4t'],
      '2x4': ['ct6e-standard-4t', 'ct6e-standard-8t'],
      '4x4': ['ct6e-standard-4t'],
      '4x8': ['ct6e-standard-4t'],
      '8x8': ['ct6e-standard-4t'],
      '8x16': ['ct6e-standard-4t'],
      '16x16': ['ct6e-standard-4t'],
    },
  });

  /** All versions in the catalogue. */
  public static all(): TpuVersion[] {
    return [TpuVersion.V4, TpuVersion.V5E, TpuVersion.V5P, TpuVersion.V6E];
  }

  private constructor(private readonly spec: TpuVersionSpec) {}

  /** `v4`, `v5e`, `v5p`, `v6e`. */
  public get id(): string {
    return this.spec.id;
  }

  public get displayName(): string {
    return this.spec.displayName;
  }

  /** The value of the GKE node label `cloud.google.com/gke-tpu-accelerator`. */
  public get gkeAccelerator(): string {
    return this.spec.gkeAccelerator;
  }

  /** High-bandwidth memory per chip, GiB. */
  public get hbmGiBPerChip(): number {
    return this.spec.hbmGiBPerChip;
  }

  /** The TPU machine types of this version. */
  public get machineTypes(): TpuMachineType[] {
    return [...this.spec.machineTypes];
  }

  /** Example valid topologies, for error messages and docs. */
  public validTopologies(): string[] {
    if (this.spec.topologies2d) return Object.keys(this.spec.topologies2d);
    const [a, b, c] = this.spec.max3d!;
    return ['2x2x1', '2x2x2', '2x2x4', '2x4x4', '4x4x4', '4x4x8', '4x8x8', '8x8x8', `... up to ${a}x${b}x${c}`];
  }

  /**
   * Resolves a topology (and optionally a machine type) to a slice, or throws a RangeError that lists
   * what is valid. Multi-host slices default to the 4-chip host type.
   */
  public slice(topology: string, machineTypeName?: string): TpuTopology {
    const chips = this.chipsOf(topology);
    const candidates = this.spec.topologies2d
      ? (this.spec.topologies2d[topology] ?? [])
      : this.spec.machineTypes.map((m) => m.name);
    if (machineTypeName !== undefined && !candidates.includes(machineTypeName)) {
      throw new RangeError(`TPU ${this.id} topology ${topology} cannot run on machine type "${machineTypeName}"; ` +
        `valid machine types for it: ${candidates.join(', ')}`);
    }
    const name = machineTypeName ?? candidates[0];
    const machineType = this.spec.machineTypes.find((m) => m.name === name)!;
    return { version: this, topology, chips, machineType, hosts: chips / machineType.chipsPerHost };
  }

  private chipsOf(topology: string): number {
    const invalid = (why: string) => new RangeError(`TPU ${this.id} topology "${topology}" ${why}; ` +
      `valid topologies: ${this.validTopologies().join(', ')}`);
    if (this.spec.topologies2d) {
      if (!(topology in this.spec.topologies2d)) throw invalid('is not offered');
      const [x, y] = topology.split('x').map(Number);
      return x * y;
    }
    const dims = /^(\d+)x(\d+)x(\d+)$/.exec(topology);
    if (!dims) throw invalid('is not of the form AxBxC');
    const [a, b, c] = dims.slice(1).map(Number);
    const [ma, mb, mc] = this.spec.max3d!;
    // 2x2x1 (one host) is written that way by GKE; every other topology lists dimensions ascending.
    if (topology !== '2x2x1' && !(a <= b && b <= c)) throw invalid('must list its dimensions in ascending order (A <= B <= C)');
    const chips = a * b * c;
    if (a < 1 || chips % 4 !== 0 || chips < 4) throw invalid('is not a whole number of 4-chip (2x2x1) hosts');
    // Slices above 64 chips are built from whole 4x4x4 cubes, so every dimension is a multiple of 4.
    if (chips > 64 && [a, b, c].some((d) => d % 4 !== 0)) throw invalid('has more than 64 chips, so every dimension must be a multiple of 4');
    const sorted = [a, b, c].sort((x, y) => x - y);
    if (sorted[0] > ma || sorted[1] > mb || sorted[2] > mc) throw invalid(`exceeds the largest ${this.id} slice (${ma}x${mb}x${mc})`);
    return chips;
  }
}
