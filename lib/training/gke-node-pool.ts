import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool, ContainerNodePoolNodeConfig } from '@cdktf/provider-google/lib/container-node-pool';
import type { GkeSystemNodesProps } from './gke';
import { TpuTopology } from '../core/accelerators/tpu';
import { Validator } from '../core/errors';
import { googleSetting } from '../core/private/environment';
import { GkeCapacityConfig, ResolvedPool } from './pool';

/** A pool resolved against the GKE catalogue. */
export interface GkePool extends ResolvedPool {
  readonly machineTypeName: string;
  /** Accelerators (GPUs or TPU chips) per node. */
  readonly perNode: number;
  /** For GPU pools. */
  readonly gpu?: { readonly acceleratorType: string; readonly count: number };
  /** For TPU pools. */
  readonly tpu?: TpuTopology;
  /** How the nodes are bought on GKE (the pool's `capacity`, bound). */
  readonly capacityConfig: GkeCapacityConfig;
}

/** Props for {@link GkeNodePool}: either an accelerator pool or the system (CPU) pool. */
export interface GkeNodePoolProps {
  readonly cluster: ContainerCluster;
  /**
   * Google Cloud project id.
   * @default - the cluster's project where it was given one, else the project of the stack's Google provider
   */
  readonly project?: string;
  /**
   * The cluster's region or zone.
   * @default - the cluster's location where it was given one, else the region of the stack's Google provider
   */
  readonly location?: string;
  /** The nodes' service account (its email). */
  readonly serviceAccountEmail: string;
  /**
   * Zones of an accelerator pool; a multi-host TPU slice uses the first.
   * @default - the cluster's zones
   */
  readonly acceleratorZones?: string[];
  /** What the node pool waits for (the node service account's role). @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
  /** The accelerator pool, resolved against the GKE catalogue. */
  readonly pool?: GkePool;
  /** The system pool, where `pool` is not given. @default - e2-standard-4, 1 to 3 nodes per zone */
  readonly system?: GkeSystemNodesProps;
}

/**
 * One GKE node pool: an accelerator pool (GPU machine type with `guest_accelerator` and GKE-managed drivers, or a
 * TPU machine type with `placement_policy.tpu_topology`, the accelerator taint set explicitly, spot or a specific
 * reservation, autoscaling that a multi-host slice does atomically) or the CPU system pool. Every node runs as the
 * given service account with the GKE metadata server, secure boot and integrity monitoring.
 *
 * The node pool resource is created beside this construct, in the same scope, as `pool-<name>` (`system-pool`): the
 * construct id and so the Terraform address GkeTrainingCluster gave its node pools before this construct existed.
 * Nesting it here would change the address, and Terraform would replace every existing pool.
 */
export class GkeNodePool extends Construct {
  /** The node pool (escape hatch). */
  public readonly nodePool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    const v = new Validator(this);
    // The cluster's own settings first: a node pool lives in its cluster's project and location.
    const project = googleSetting(this, v, 'project', 'project', props.project ?? literal(props.cluster.projectInput));
    const location = googleSetting(this, v, 'location', 'region', props.location ?? literal(props.cluster.locationInput));
    v.throwIfAny();
    const pool = props.pool;
    const base: ContainerNodePoolNodeConfig = {
      serviceAccount: props.serviceAccountEmail,
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      metadata: { 'disable-legacy-endpoints': 'true' },
      labels: pool ? pool.labels : { 'ml-platform.io/pool': 'system' },
    };
    const common = { project, cluster: props.cluster.id, location, dependsOn: props.dependsOn };
    if (!pool) {
      const sys = props.system ?? {};
      this.nodePool = new ContainerNodePool(scope, 'system-pool', {
        ...common,
        name: 'system',
        autoscaling: { minNodeCount: sys.minNodesPerZone ?? 1, maxNodeCount: sys.maxNodesPerZone ?? 3 },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: { ...base, machineType: sys.machineType ?? 'e2-standard-4' },
      });
      return;
    }

    const multiHost = !!pool.tpu && pool.tpu.hosts > 1;
    const zones = props.acceleratorZones;
    const nodeConfig: ContainerNodePoolNodeConfig = {
      ...base,
      machineType: pool.machineTypeName,
      diskSizeGb: pool.diskGiB,
      // A3 Ultra boots only from Hyperdisk Balanced (compute/docs/accelerator-optimized-machines).
      ...(pool.machineTypeName === 'a3-ultragpu-8g' ? { diskType: 'hyperdisk-balanced' } : {}),
      ...(pool.capacityConfig.spot ? { spot: true } : {}),
      ...(pool.capacityConfig.reservationName !== undefined ? {
        reservationAffinity: { consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [pool.capacityConfig.reservationName] },
      } : {}),
      ...(pool.gpu ? {
        guestAccelerator: [{
          type: pool.gpu.acceleratorType,
          count: pool.gpu.count,
          gpuDriverInstallationConfig: { gpuDriverVersion: 'DEFAULT' },
        }],
      } : {}),
      // GKE taints GPU nodes itself only when the cluster already has a non-GPU pool; set it explicitly.
      taint: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() })),
    };
    this.nodePool = new ContainerNodePool(scope, `pool-${pool.name}`, {
      ...common,
      name: pool.name,
      ...(zones && zones.length > 0 ? { nodeLocations: multiHost ? [zones[0]] : zones } : {}),
      initialNodeCount: pool.minNodes,
      autoscaling: multiHost
        // GKE checks the per-zone maximum against the slice size; total_* limits are rejected for slices.
        ? { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes, locationPolicy: 'ANY' }
        : { totalMinNodeCount: pool.minNodes, totalMaxNodeCount: pool.maxNodes, locationPolicy: 'ANY' },
      management: { autoRepair: true, autoUpgrade: true },
      // Accelerators are scarce: replace nodes one at a time instead of surging extra GPUs.
      upgradeSettings: { maxSurge: 0, maxUnavailable: 1 },
      ...(pool.tpu ? { placementPolicy: { type: 'COMPACT', tpuTopology: pool.tpu.topology } } : {}),
      nodeConfig,
      lifecycle: { ignoreChanges: ['initial_node_count'] },
    });
  }
}

/** A cluster setting as given to it, where it is a string (the `*Input` getters read what was set). */
function literal(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
