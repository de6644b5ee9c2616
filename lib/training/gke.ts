import { Fn, ITerraformDependable, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Validator } from '../core/errors';
import { ClusterLayers, clusterLayers } from '../core/layers';
import { IKubernetesTarget, KubernetesPlatform, KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { googleSetting } from '../core/private/environment';
import { WorkloadIdentityMode } from '../core/workload-identity';
import { ControlPlaneAccess } from './control-plane-access';
import { GkeNodePool, GkeNodePoolProps, GkePool } from './gke-node-pool';
import { AcceleratorPoolProps } from './pool';
import { resolveGkePools } from './private/gke-pools';
import { acceleratorNodes, addedPoolProp, resolvePool, resolvePools } from './private/pools';
import { checkTeamQuotas, TeamQuotas } from './team-quotas';
import { TrainingClusterBase, TrainingClusterProps } from './training-cluster';

/** GKE release channels. */
export enum ReleaseChannel {
  RAPID = 'RAPID',
  REGULAR = 'REGULAR',
  STABLE = 'STABLE',
}

/** The CPU node pool for system workloads. */
export interface GkeSystemNodesProps {
  /** @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Nodes per zone, at least. @default 1 */
  readonly minNodesPerZone?: number;
  /** Nodes per zone, at most. @default 3 */
  readonly maxNodesPerZone?: number;
}

/** Props for {@link GkeTrainingCluster}. */
export interface GkeTrainingClusterProps extends TrainingClusterProps {
  /**
   * Google Cloud project id.
   * @default - the project of the stack's Google provider
   */
  readonly project?: string;
  /**
   * Region (regional cluster, recommended) or zone, e.g. `us-central1`.
   * @default - the region of the stack's Google provider (a regional cluster)
   */
  readonly location?: string;
  /** VPC network name or self link. */
  readonly network: string;
  /** Subnetwork name or self link, in `location`'s region. */
  readonly subnetwork: string;
  /**
   * Zones for accelerator pools: GPUs and TPUs are zonal and not offered in every zone. Multi-host TPU
   * slices use the first zone (a slice lives in one zone).
   * @default - the cluster's zones (only safe when every zone offers every pool's accelerator)
   */
  readonly acceleratorZones?: string[];
  /** @default ReleaseChannel.REGULAR */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * Who can reach the API server: `ControlPlaneAccess.privateOnly()`, `ControlPlaneAccess.privateFrom(networks)` (master
   * authorized networks on the private endpoint) or `ControlPlaneAccess.publicAndPrivate(networks)` (a public endpoint
   * admitting only those networks).
   * @default ControlPlaneAccess.privateOnly()
   */
  readonly controlPlaneAccess?: ControlPlaneAccess;
  /** Control plane CIDR (/28) for VPC-peering private clusters. @default - Private Service Connect, no CIDR needed */
  readonly masterIpv4CidrBlock?: string;
  /** Secondary range names for pods and services. @default - GKE creates the ranges */
  readonly podsRangeName?: string;
  /** @default - GKE creates the range */
  readonly servicesRangeName?: string;
  /** @default - e2-standard-4, 1 to 3 per zone */
  readonly systemNodes?: GkeSystemNodesProps;
  /** Refuse `terraform destroy` of the cluster. @default true */
  readonly deletionProtection?: boolean;
  /**
   * Enable GKE's Gateway API: GKE installs and upgrades the standard-channel CRDs and runs its Gateway controller
   * (`gateway_api_config { channel = "CHANNEL_STANDARD" }`; GatewayAPIConfig.Channel, container.googleapis.com v1:
   * "CHANNEL_STANDARD: Gateway API support is enabled, standard CRDs are installed"). Turn it off only where another
   * installer owns the Gateway API CRDs (GatewayApi with Envoy Gateway installs its own). @default true
   */
  readonly gatewayApi?: boolean;
  /**
   * Where the cluster's in-cluster parts (team namespaces, quotas, priority classes) go: `addons`, a construct in
   * a stack applied after this one, whose kubernetes provider is configured from this stack's outputs.
   * @default - in an MlPlatform environment its `addons` stack; elsewhere this construct's own stack (its
   *   kubernetes provider is then configured from the cluster it creates: fine to try things out, not to apply
   *   from an empty account in one pass)
   */
  readonly layers?: Partial<ClusterLayers>;
}

/**
 * A GPU/TPU training cluster on GKE Standard.
 *
 * Creates: a Cloud KMS key ring and key (rotated every 90 days) for application-layer secrets encryption,
 * a least-privilege node service account (`roles/container.defaultNodeServiceAccount`), a private,
 * VPC-native, Dataplane V2 cluster with Workload Identity, shielded nodes and a release channel, a CPU
 * system pool, and one node pool per accelerator pool: GPU pools with `guest_accelerator` and GKE-managed
 * driver installation, TPU pools with the TPU machine type, `placement_policy.tpu_topology` and a node
 * count equal to the slice's hosts. Every node runs the GKE metadata server, secure boot and integrity
 * monitoring. In the cluster: team namespaces with GPU/TPU quotas and the serving/training PriorityClasses.
 * More pools: {@link addPool}.
 */
export class GkeTrainingCluster extends TrainingClusterBase {
  public readonly clusterName: string;
  public readonly platform = KubernetesPlatform.GKE;
  public readonly kubernetes: IKubernetesTarget;
  /** The GKE cluster (escape hatch). */
  public readonly cluster: ContainerCluster;
  /** The secrets-encryption key. */
  public readonly kmsKey: KmsCryptoKey;
  /** The nodes' service account. */
  public readonly nodeServiceAccount: ServiceAccount;
  /** The system pool. */
  public readonly systemPool: ContainerNodePool;
  /** Accelerator pools by name; each exposes its `nodePool` resource. */
  public readonly nodePools: Record<string, GkeNodePool> = {};
  /** The kubernetes provider that reaches this cluster. */
  public readonly kubernetesProvider: KubernetesProvider;
  /** Team namespaces and quotas. */
  public readonly teamQuotas: TeamQuotas;
  /** The cluster's project (given, or the stack's Google provider's). */
  public readonly project: string;
  /** The cluster's region or zone (given, or the region of the stack's Google provider). */
  public readonly location: string;
  /** Whether GKE's Gateway API (standard channel) is enabled; `GatewayController.gke({ cluster })` requires it. */
  public readonly gatewayApi: boolean;
  /** What every node pool of this cluster shares. */
  private readonly poolDefaults: Omit<GkeNodePoolProps, 'pool' | 'system'>;

  constructor(scope: Construct, id: string, props: GkeTrainingClusterProps) {
    super(scope, id);
    const { pools, project: projectId, location } = GkeTrainingCluster.validate(this, props);
    const name = props.clusterName;
    this.clusterName = name;
    this.project = projectId;
    this.location = location;
    if (props.labels) PlatformLabels.apply(this, props.labels);
    const region = location.replace(/-[a-z]$/, '');
    const project = new DataGoogleProject(this, 'project', { projectId });

    const keyRing = new KmsKeyRing(this, 'key-ring', { name: `${name}-gke`, location: region, project: projectId });
    this.kmsKey = new KmsCryptoKey(this, 'secrets-key', {
      name: `${name}-secrets`,
      keyRing: keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: '7776000s',
      // Destroying the key makes every Kubernetes secret of the cluster unreadable.
      lifecycle: { preventDestroy: true },
    });
    const keyAccess = new KmsCryptoKeyIamMember(this, 'secrets-key-gke-agent', {
      cryptoKeyId: this.kmsKey.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`,
    });

    this.nodeServiceAccount = new ServiceAccount(this, 'node-sa', {
      project: projectId,
      accountId: `${name.slice(0, 24).replace(/-+$/, '')}-nodes`,
      displayName: `GKE ${name} nodes`,
    });
    const nodeRole = new ProjectIamMember(this, 'node-sa-role', {
      project: projectId,
      role: 'roles/container.defaultNodeServiceAccount',
      member: this.nodeServiceAccount.member,
    });

    const access = (props.controlPlaneAccess ?? ControlPlaneAccess.privateOnly()).bind(KubernetesPlatform.GKE);
    this.gatewayApi = props.gatewayApi ?? true;
    this.cluster = new ContainerCluster(this, 'cluster', {
      name,
      project: projectId,
      location,
      network: props.network,
      subnetwork: props.subnetwork,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      deletionProtection: props.deletionProtection ?? true,
      releaseChannel: { channel: props.releaseChannel ?? ReleaseChannel.REGULAR },
      workloadIdentityConfig: { workloadPool: `${projectId}.svc.id.goog` },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: !access.publicEndpoint,
        ...(props.masterIpv4CidrBlock ? { masterIpv4CidrBlock: props.masterIpv4CidrBlock } : {}),
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: access.authorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, ...(n.displayName !== undefined ? { displayName: n.displayName } : {}) })),
      },
      ipAllocationPolicy: {
        ...(props.podsRangeName ? { clusterSecondaryRangeName: props.podsRangeName } : {}),
        ...(props.servicesRangeName ? { servicesSecondaryRangeName: props.servicesRangeName } : {}),
      },
      networkingMode: 'VPC_NATIVE',
      datapathProvider: 'ADVANCED_DATAPATH',
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.kmsKey.id },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER', 'WORKLOADS'] },
      // Written when off too, so turning it off shows in the plan as CHANNEL_DISABLED.
      gatewayApiConfig: { channel: this.gatewayApi ? 'CHANNEL_STANDARD' : 'CHANNEL_DISABLED' },
      dependsOn: [keyAccess],
    });

    this.poolDefaults = {
      cluster: this.cluster,
      project: projectId,
      location,
      serviceAccountEmail: this.nodeServiceAccount.email,
      acceleratorZones: props.acceleratorZones,
      dependsOn: [nodeRole],
    };
    this.systemPool = new GkeNodePool(this, 'node-pool-system', { ...this.poolDefaults, system: props.systemNodes ?? {} }).nodePool;
    for (const pool of pools) this.createPool(pool);

    const alias = `gke_${name.replace(/-/g, '_')}`;
    const host = `https://${this.cluster.endpoint}`;
    const clusterCaCertificate = Fn.base64decode(this.cluster.masterAuth.clusterCaCertificate);
    const layers = clusterLayers(this, props.layers);
    // Layered, every stack's provider is configured from this stack's outputs and authenticates with GKE's
    // kubectl credential plugin (gke-gcloud-auth-plugin, needed where Terraform runs): no data source, no token
    // in state. https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
    const layeredProvider = (stack: TerraformStack, id: string) => new KubernetesProvider(stack, id, {
      alias, host, clusterCaCertificate,
      exec: [{ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] }],
    });
    if (layers) {
      this.kubernetesProvider = layeredProvider(TerraformStack.of(layers.addons), `kubernetes-${name}`);
    } else {
      const client = new DataGoogleClientConfig(this, 'client');
      this.kubernetesProvider = new KubernetesProvider(this, 'kubernetes', { alias, host, token: client.accessToken, clusterCaCertificate });
    }
    const dependables: ITerraformDependable[] = [this.systemPool];
    this.kubernetes = KubernetesTarget.fromProvider(this.kubernetesProvider, {
      clusterName: name,
      platform: KubernetesPlatform.GKE,
      acceleratorNodes: this.sharedAcceleratorNodes,
      dependables,
      identity: WorkloadIdentityMode.gkeWorkloadIdentity(projectId, this.cluster),
    }, { factory: (stack) => layeredProvider(stack, `kubernetes-${name}`), clusterStacks: [TerraformStack.of(this)] });
    // In-cluster parts keep their construct ids (and so their Terraform addresses) under a scope of the same name.
    const inCluster: Construct = layers ? new Construct(layers.addons, this.node.id) : this;
    this.teamQuotas = new TeamQuotas(inCluster, 'teams', this.kubernetes, props.teams ?? []);
    this.checkTeamAcceleratorsAtSynth(props.teams);
  }

  /**
   * Adds an accelerator pool after construction, as if it were one more entry of `pools`: validated the same way
   * (errors name `addPool("<name>")`; a name already used is refused), created with the same construct id and so at
   * the same Terraform address (moving a pool between `pools` and `addPool` changes nothing), and offered wherever
   * constructor pools are: `kubernetes.acceleratorNodes` and every team target, the team quota check (at synth) and
   * the capacity contracts. Constructs built on the cluster (a MonitoringStack, endpoints, pipelines) read the pools
   * when they are created: add pools before creating them, or this throws.
   */
  public addPool(pool: AcceleratorPoolProps): GkeNodePool {
    const v = new Validator(this);
    const prop = addedPoolProp('addPool', pool?.name);
    const resolved = resolvePool(v, pool, prop);
    let added: GkePool | undefined;
    if (resolved) {
      v.check(resolved.name !== 'system', `${prop}.name`, resolved.name, 'is the name of the built-in system pool; rename the pool');
      v.check(!Object.prototype.hasOwnProperty.call(this.nodePools, resolved.name), `${prop}.name`, resolved.name,
        'is already a pool of this cluster; choose another name');
      [added] = resolveGkePools(v, [resolved]);
    }
    this.checkPoolsStillOpen(v, prop, pool?.name);
    v.throwIfAny();
    return this.createPool(added!);
  }

  protected nodeGroupOf(pool: string): TerraformResource | undefined {
    return this.nodePools[pool]?.nodePool;
  }

  /** The node pool of a validated pool, offered to the cluster's targets. */
  private createPool(pool: GkePool): GkeNodePool {
    const created = new GkeNodePool(this, `node-pool-${pool.name}`, { ...this.poolDefaults, pool });
    this.nodePools[pool.name] = created;
    this.offerNodes(acceleratorNodes(pool, pool.perNode));
    return created;
  }

  private static validate(self: Construct, props: GkeTrainingClusterProps): { pools: GkePool[]; project: string; location: string } {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { clusterName, network, subnetwork, pools }');
      v.throwIfAny();
    }
    v.check(typeof props.clusterName === 'string', 'clusterName', props.clusterName, 'is required');
    checkResourceName(v, 'clusterName', props.clusterName, 40);
    const project = googleSetting(self, v, 'project', 'project', props.project);
    v.matches('project', project || undefined, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens)');
    const location = googleSetting(self, v, 'location', 'region', props.location);
    v.matches('location', location || undefined, /^[a-z]+-[a-z]+\d+(-[a-z])?$/, 'must be a region such as us-central1 or a zone such as us-central1-a');
    v.check(typeof props.network === 'string' && props.network.length > 0, 'network', props.network, 'is required: the VPC network name or self link');
    v.check(typeof props.subnetwork === 'string' && props.subnetwork.length > 0, 'subnetwork', props.subnetwork, 'is required: the subnetwork name or self link');
    v.check(props.gatewayApi === undefined || typeof props.gatewayApi === 'boolean', 'gatewayApi', props.gatewayApi, 'must be true or false');
    v.check(props.releaseChannel === undefined || Object.values(ReleaseChannel).includes(props.releaseChannel), 'releaseChannel', props.releaseChannel,
      `must be one of ${Object.values(ReleaseChannel).join(', ')}`);
    (props.acceleratorZones ?? []).forEach((z, i) => {
      if (v.matches(`acceleratorZones[${i}]`, z, /^[a-z]+-[a-z]+\d+-[a-z]$/, 'must be a zone such as us-central1-a') && location) {
        v.check(z.startsWith(location.replace(/-[a-z]$/, '')), `acceleratorZones[${i}]`, z, `is not in the cluster's region (${location}); use a zone of that region`);
      }
    });
    if (v.check(props.controlPlaneAccess === undefined || props.controlPlaneAccess instanceof ControlPlaneAccess, 'controlPlaneAccess', props.controlPlaneAccess,
      'must be ControlPlaneAccess.privateOnly(), ControlPlaneAccess.privateFrom([{ cidrBlock }]) or ControlPlaneAccess.publicAndPrivate([{ cidrBlock }])')) {
      props.controlPlaneAccess?.validate(v, KubernetesPlatform.GKE);
    }
    v.matches('masterIpv4CidrBlock', props.masterIpv4CidrBlock, /^(\d{1,3}\.){3}\d{1,3}\/28$/, 'must be a /28 IPv4 block');
    const sys = props.systemNodes ?? {};
    const sMin = sys.minNodesPerZone ?? 1;
    const sMax = sys.maxNodesPerZone ?? 3;
    if (v.integer('systemNodes.minNodesPerZone', sMin, 1, 100, 'must be a whole number from 1 to 100; add-ons need a CPU node')
      && v.integer('systemNodes.maxNodesPerZone', sMax, 1, 100)) {
      v.check(sMax >= sMin, 'systemNodes.maxNodesPerZone', sMax, `is below systemNodes.minNodesPerZone (${sMin}); raise it`);
    }
    const resolved = resolvePools(v, props.pools);
    v.check(!resolved.some((p) => p.name === 'system'), 'pools', 'system', 'uses the name of the built-in system pool; rename the pool');
    const pools = resolveGkePools(v, resolved);
    checkTeamQuotas(v, props.teams);
    v.throwIfAny();
    return { pools, project, location };
  }
}
