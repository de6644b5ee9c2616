import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { TpuVersion } from '../../lib/core/accelerators/tpu';
import { ControlPlaneAccess } from '../../lib/training/control-plane-access';
import { GkeTrainingCluster, GkeTrainingClusterProps, ReleaseChannel } from '../../lib/training/gke';
import { AcceleratorPoolProps, Capacity } from '../../lib/training/pool';
import { errorOf, synth } from '../util';

const base: GkeTrainingClusterProps = {
  clusterName: 'ml',
  project: 'ml-prod-123',
  location: 'us-central1',
  network: 'vpc',
  subnetwork: 'nodes',
  acceleratorZones: ['us-central1-a', 'us-central1-c'],
};

function gke(props: Partial<GkeTrainingClusterProps> = {}) {
  return synth((stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
    new GkeTrainingCluster(stack, 'training', { ...base, ...props });
  });
}

const gkeError = (props: Partial<GkeTrainingClusterProps>) =>
  errorOf((stack) => new GkeTrainingCluster(stack, 'training', { ...base, ...props } as GkeTrainingClusterProps));

const pool = (p: Partial<AcceleratorPoolProps> & { accelerator: Accelerator }): AcceleratorPoolProps => ({ name: 'accel', ...p });

describe('GkeTrainingCluster: the cluster is private and hardened by default', () => {
  const out = gke();
  const cluster = out.resources('google_container_cluster')[0];

  test('private nodes and a private endpoint, no client certificate', () => {
    expect(cluster.private_cluster_config).toEqual({ enable_private_nodes: true, enable_private_endpoint: true });
    expect(cluster.master_authorized_networks_config).toEqual({ cidr_blocks: [] });
    expect(cluster.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
  });

  test('Workload Identity, shielded nodes, Dataplane V2 and a release channel', () => {
    expect(cluster.workload_identity_config).toEqual({ workload_pool: 'ml-prod-123.svc.id.goog' });
    expect(cluster.enable_shielded_nodes).toBe(true);
    expect(cluster.datapath_provider).toBe('ADVANCED_DATAPATH');
    expect(cluster.release_channel).toEqual({ channel: 'REGULAR' });
    expect(cluster.remove_default_node_pool).toBe(true);
    expect(cluster.deletion_protection).toBe(true);
  });

  test('secrets are encrypted with a rotating Cloud KMS key the GKE service agent may use', () => {
    expect(cluster.database_encryption).toEqual({ state: 'ENCRYPTED', key_name: expect.stringContaining('google_kms_crypto_key.') });
    expect(out.resources('google_kms_crypto_key')[0]).toMatchObject({ rotation_period: '7776000s', lifecycle: { prevent_destroy: true } });
    expect(out.resources('google_kms_crypto_key_iam_member')[0].member)
      .toMatch(/^serviceAccount:service-\$\{data\.google_project\..+\.number\}@container-engine-robot\.iam\.gserviceaccount\.com$/);
  });

  test('nodes run as a dedicated least-privilege service account with the GKE metadata server and secure boot', () => {
    expect(out.resources('google_project_iam_member')[0].role).toBe('roles/container.defaultNodeServiceAccount');
    const system = out.resources('google_container_node_pool')[0].node_config;
    expect(system.service_account).toMatch(/google_service_account\..+\.email/);
    expect(system.workload_metadata_config).toEqual({ mode: 'GKE_METADATA' });
    expect(system.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
  });

  test('given privateFrom(networks), then the endpoint stays private and only those internal ranges are authorized', () => {
    const c = gke({ controlPlaneAccess: ControlPlaneAccess.privateFrom([{ cidrBlock: '10.20.0.0/16', displayName: 'ci runners' }]) })
      .resources('google_container_cluster')[0];
    expect(c.private_cluster_config).toEqual({ enable_private_nodes: true, enable_private_endpoint: true });
    expect(c.master_authorized_networks_config).toEqual({ cidr_blocks: [{ cidr_block: '10.20.0.0/16', display_name: 'ci runners' }] });
  });

  test('given publicAndPrivate(networks), then the public endpoint is on and admits only those networks', () => {
    const c = gke({ controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([{ cidrBlock: '203.0.113.0/24', displayName: 'office' }, { cidrBlock: '198.51.100.7/32' }]) })
      .resources('google_container_cluster')[0];
    expect(c.private_cluster_config).toEqual({ enable_private_nodes: true, enable_private_endpoint: false });
    expect(c.master_authorized_networks_config).toEqual({ cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'office' }, { cidr_block: '198.51.100.7/32' }] });
  });

  test('a release channel can be chosen', () => {
    expect(gke({ releaseChannel: ReleaseChannel.STABLE }).resources('google_container_cluster')[0].release_channel).toEqual({ channel: 'STABLE' });
  });
});

describe('GkeTrainingCluster: project and location come from the stack\'s Google provider unless given', () => {
  const { project: _project, location: _location, ...unplaced } = base;

  test('given a Google provider with project and region, when neither prop is set, then the cluster and its pools use the provider\'s', () => {
    let cluster: GkeTrainingCluster | undefined;
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-inherited-1', region: 'us-central1' });
      cluster = new GkeTrainingCluster(stack, 'training', { ...unplaced, pools: [pool({ accelerator: Accelerator.NVIDIA_L4 })] });
    });
    expect(cluster!.project).toBe('ml-inherited-1');
    expect(cluster!.location).toBe('us-central1');
    expect(out.resources('google_container_cluster')[0]).toMatchObject({
      project: 'ml-inherited-1', location: 'us-central1', workload_identity_config: { workload_pool: 'ml-inherited-1.svc.id.goog' },
    });
    expect(out.resources('google_container_node_pool').map((p) => [p.name, p.project, p.location]).sort())
      .toEqual([['accel', 'ml-inherited-1', 'us-central1'], ['system', 'ml-inherited-1', 'us-central1']]);
    expect(out.resources('google_kms_key_ring')[0]).toMatchObject({ project: 'ml-inherited-1', location: 'us-central1' });
  });

  test('given the props, then they win over the provider\'s', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-inherited-1', region: 'europe-west4' });
      new GkeTrainingCluster(stack, 'training', base);
    });
    expect(out.resources('google_container_cluster')[0]).toMatchObject({ project: 'ml-prod-123', location: 'us-central1' });
  });

  test('given neither the props nor a provider that sets them, then the error names both props and how to set them', () => {
    const message = errorOf((stack) => new GkeTrainingCluster(stack, 'training', unplaced));
    expect(message).toMatch(/project \(undefined\) is required: set project, or place the construct in a stack whose Google provider sets project/);
    expect(message).toMatch(/location \(undefined\) is required: set location, or place the construct in a stack whose Google provider sets region/);
  });
});

describe('GkeTrainingCluster: the Gateway API', () => {
  test('given defaults, when synthesized, then GKE installs the standard-channel Gateway API and runs its controller', () => {
    expect(gke().resources('google_container_cluster')[0].gateway_api_config).toEqual({ channel: 'CHANNEL_STANDARD' });
  });

  test('given gatewayApi off, then the channel is written as disabled and the cluster says so', () => {
    let cluster: GkeTrainingCluster | undefined;
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      cluster = new GkeTrainingCluster(stack, 'training', { ...base, gatewayApi: false });
    });
    expect(out.resources('google_container_cluster')[0].gateway_api_config).toEqual({ channel: 'CHANNEL_DISABLED' });
    expect(cluster!.gatewayApi).toBe(false);
  });

  test('given a non-boolean gatewayApi, then the error names the prop', () => {
    expect(gkeError({ gatewayApi: 'yes' as unknown as boolean })).toMatch(/gatewayApi \("yes"\) must be true or false/);
  });
});

describe('GkeTrainingCluster: GPU pools', () => {
  const out = gke({
    pools: [
      pool({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 8, capacity: Capacity.SPOT }),
      pool({ name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2 }),
      pool({ name: 'h200', accelerator: Accelerator.NVIDIA_H200, capacity: Capacity.reservation('h200-block') }),
    ],
  });
  const np = (name: string) => out.resources('google_container_node_pool').find((p) => p.name === name);

  test('GPU pools have guest accelerators with GKE-managed driver installation', () => {
    expect(np('l4').node_config).toMatchObject({
      machine_type: 'g2-standard-4',
      guest_accelerator: [{ type: 'nvidia-l4', count: 1, gpu_driver_installation_config: { gpu_driver_version: 'DEFAULT' } }],
    });
    expect(np('h100').node_config).toMatchObject({
      machine_type: 'a3-highgpu-8g',
      guest_accelerator: [{ type: 'nvidia-h100-80gb', count: 8, gpu_driver_installation_config: { gpu_driver_version: 'DEFAULT' } }],
    });
  });

  test('GPU pools carry the GPU taint explicitly and scale to zero across the accelerator zones', () => {
    expect(np('l4').node_config.taint).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(np('l4').autoscaling).toEqual({ total_min_node_count: 0, total_max_node_count: 8, location_policy: 'ANY' });
    expect(np('l4').node_locations).toEqual(['us-central1-a', 'us-central1-c']);
  });

  test('spot and reservations map to node_config', () => {
    expect(np('l4').node_config.spot).toBe(true);
    expect(np('h100').node_config.spot).toBeUndefined();
    expect(np('h200').node_config.reservation_affinity).toEqual({
      consume_reservation_type: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: ['h200-block'],
    });
    expect(np('h200').node_config.disk_type).toBe('hyperdisk-balanced');
  });
});

describe('GkeTrainingCluster: TPU pools', () => {
  const out = gke({
    pools: [
      pool({ name: 'v5e-multi', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x4') }),
      pool({ name: 'v5e-single', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x4', 'ct5lp-hightpu-8t'), maxNodes: 3 }),
      pool({ name: 'v5p', accelerator: Accelerator.tpu(TpuVersion.V5P, '2x2x4'), minNodes: 4 }),
    ],
    teams: [{ team: 'research', maxTpuChips: 32 }],
  });
  const np = (name: string) => out.resources('google_container_node_pool').find((p) => p.name === name);

  test('a multi-host slice: TPU machine type, topology, and node count equal to the slice hosts, in one zone', () => {
    expect(np('v5e-multi').node_config.machine_type).toBe('ct5lp-hightpu-4t');
    expect(np('v5e-multi').placement_policy).toEqual({ type: 'COMPACT', tpu_topology: '2x4' });
    expect(np('v5e-multi').autoscaling).toEqual({ min_node_count: 0, max_node_count: 2, location_policy: 'ANY' });
    expect(np('v5e-multi').node_locations).toEqual(['us-central1-a']);
    expect(np('v5p').node_config.machine_type).toBe('ct5p-hightpu-4t');
    expect(np('v5p').placement_policy.tpu_topology).toBe('2x2x4');
    expect(np('v5p').autoscaling).toMatchObject({ min_node_count: 4, max_node_count: 4 });
  });

  test('a single-host slice pool may hold several slices', () => {
    expect(np('v5e-single').node_config.machine_type).toBe('ct5lp-hightpu-8t');
    expect(np('v5e-single').autoscaling).toEqual({ total_min_node_count: 0, total_max_node_count: 3, location_policy: 'ANY' });
  });

  test('TPU nodes carry the TPU taint and no guest accelerator', () => {
    expect(np('v5p').node_config.taint).toEqual([{ key: 'google.com/tpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(np('v5p').node_config.guest_accelerator).toBeUndefined();
  });

  test('team TPU quotas cap google.com/tpu requests', () => {
    expect(out.resources('kubernetes_resource_quota_v1')[0].spec.hard['requests.google.com/tpu']).toBe('32');
  });
});

describe('GkeTrainingCluster: bad input fails with one clear error', () => {
  test.each<[string, Partial<GkeTrainingClusterProps>, RegExp]>([
    ['a multi-host slice with the wrong node count', { pools: [pool({ accelerator: Accelerator.tpu(TpuVersion.V5E, '4x4'), maxNodes: 2 })] },
      /pools\[0\]\.maxNodes \(2\) must equal the 4x4 slice's host count \(4 x ct5lp-hightpu-4t\)/],
    ['a partial multi-host slice minimum', { pools: [pool({ accelerator: Accelerator.tpu(TpuVersion.V4, '2x2x4'), minNodes: 1 })] },
      /pools\[0\]\.minNodes \(1\) must be 0 or 4/],
    ['an AWS-only GPU', { pools: [pool({ accelerator: Accelerator.NVIDIA_A10G })] },
      /pools\[0\]\.accelerator \("nvidia-a10g"\) is not offered on Google Cloud; choose one of nvidia-t4, nvidia-l4/],
    ['Neuron on GKE', { pools: [pool({ accelerator: Accelerator.AWS_TRAINIUM })] }, /is an AWS Neuron device, which only EC2 offers/],
    ['a GPU count no machine has', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 3 })] },
      /acceleratorsPerNode \(3\) is not a count any GKE machine type offers for NVIDIA L4; valid counts: 1, 2, 4, 8/],
    ['a spot-only machine type on demand', { pools: [pool({ accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 1 })] },
      /cannot buy a3-highgpu-1g: Compute Engine offers it only as Spot or Flex-start VMs/],
    ['a Capacity Block on GKE', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') })] },
      /is an EC2 Capacity Block, which GKE cannot use/],
    ['a zone outside the region', { acceleratorZones: ['europe-west4-a'] }, /acceleratorZones\[0\] \("europe-west4-a"\) is not in the cluster's region/],
    ['an invalid project id', { project: 'My Project' }, /project \("My Project"\) must be a Google Cloud project id/],
    ['a world-open control plane', { controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([{ cidrBlock: '0.0.0.0/0', displayName: 'all' }]) },
      /controlPlaneAccess\.networks\[0\]\.cidrBlock \("0\.0\.0\.0\/0"\) opens the public endpoint to the whole internet/],
    ['a private endpoint limited to no network', { controlPlaneAccess: ControlPlaneAccess.privateFrom([]) },
      /controlPlaneAccess\.networks \(\[\]\) must list at least one network that may reach the private endpoint/],
    ['a pool named like the system pool', { pools: [pool({ name: 'system', accelerator: Accelerator.NVIDIA_L4 })] }, /uses the name of the built-in system pool/],
    ['a T4 count an N1 machine cannot take', { pools: [pool({ accelerator: Accelerator.NVIDIA_T4, machineType: 'n1-standard-64', acceleratorsPerNode: 2 })] },
      /machineType \("n1-standard-64"\) does not carry 2 NVIDIA T4.*4 T4s up to 96/],
  ])('%s', (_what, props, message) => {
    expect(gkeError(props)).toMatch(message);
  });

  test('T4 attaches to any N1 machine within the vCPU limits', () => {
    const out = gke({ pools: [pool({ accelerator: Accelerator.NVIDIA_T4, machineType: 'n1-highmem-16', acceleratorsPerNode: 4 })] });
    const accel = out.resources('google_container_node_pool').find((p) => p.name === 'accel');
    expect(accel.node_config.guest_accelerator[0]).toMatchObject({ type: 'nvidia-tesla-t4', count: 4 });
  });
});
