import { Fn, ITerraformDependable, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon, EksAddonConfig } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ClusterLayers, clusterLayers } from '../core/layers';
import { AcceleratorKind } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { AcceleratorNodes, IKubernetesTarget, KubernetesPlatform, KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { HelmProvider } from '../core/private/helm';
import { Duration } from '../core/units';
import { WorkloadIdentityMode } from '../core/workload-identity';
import { EksAmiFamily, EksPool } from './eks-catalogue';
import { EksNodePool, EksNodePoolProps } from './eks-node-pool';
import { EfaDevicePlugin, EfaDevicePluginProps } from './efa-device-plugin';
import { EksKarpenter, EksKarpenterConfig, EksNodeAutoscaling } from './karpenter';
import { KarpenterNodePools } from './karpenter-node-pools';
import { policyDocument } from '../core/iam';
import { NeuronDevicePlugin } from './neuron-device-plugin';
import { NvidiaDevicePlugin } from './nvidia-device-plugin';
import { checkVpcCni, vpcCniAddonSettings } from './private/vpc-cni';
import { AcceleratorPoolProps, ResolvedPool } from './pool';
import { resolveEksPools } from './private/eks-pools';
import { acceleratorNodes, addedPoolProp, resolvePool, resolvePools } from './private/pools';
import { ControlPlaneAccess } from './control-plane-access';
import { checkTeamQuotas, TeamQuotas } from './team-quotas';
import { TrainingClusterBase, TrainingClusterProps } from './training-cluster';

/** The CPU node group that runs cluster add-ons (CoreDNS, device plugins, controllers). */
export interface EksSystemNodesProps {
  /** @default 'm6i.large' */
  readonly instanceType?: string;
  /** @default 2 (CoreDNS runs two replicas) */
  readonly minNodes?: number;
  /** @default 4 */
  readonly maxNodes?: number;
}

/** Props for {@link EksTrainingCluster}. */
export interface EksTrainingClusterProps extends TrainingClusterProps {
  /** Private subnets for the control plane ENIs and nodes; EKS needs subnets in at least two AZs. */
  readonly subnetIds: string[];
  /** Kubernetes minor version, e.g. `1.33`. Pinned on purpose: upgrades should be a reviewed change. */
  readonly kubernetesVersion: string;
  /**
   * Who can reach the API server: `ControlPlaneAccess.privateOnly()` or `ControlPlaneAccess.publicAndPrivate(networks)`
   * (`publicAccessCidrs`). `ControlPlaneAccess.privateFrom` is GKE's and refused here.
   * @default ControlPlaneAccess.privateOnly()
   */
  readonly controlPlaneAccess?: ControlPlaneAccess;
  /**
   * IAM principal ARNs given cluster-admin through EKS access entries (`AmazonEKSClusterAdminPolicy`).
   * The identity that runs Terraform always gets an access entry too, so it can create in-cluster objects.
   * @default - only the identity running Terraform
   */
  readonly adminPrincipalArns?: string[];
  /** @default EksAmiFamily.AL2023 */
  readonly amiFamily?: EksAmiFamily;
  /** @default - m6i.large, 2 to 4 nodes */
  readonly systemNodes?: EksSystemNodesProps;
  /**
   * The subnet for EFA pools: a cluster placement group lives in one AZ, and so does a Capacity Block.
   * @default - the first of subnetIds
   */
  readonly singleAzSubnetId?: string;
  /** How long control-plane logs are kept. @default Duration.days(365) */
  readonly logRetention?: Duration;
  /**
   * Refuse `terraform destroy` of the cluster (EKS deletion protection), of its KMS key (`prevent_destroy`) and of its
   * control-plane log group (CloudWatch Logs deletion protection). @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Enforce Kubernetes NetworkPolicies with the VPC CNI (its EKS-run policy controller and the network policy
   * agent in aws-node). Without it every NetworkPolicy on the cluster, including the ones this library
   * writes, is accepted and ignored. Set false only where another engine (Calico, Cilium) enforces them.
   * Needs Kubernetes 1.25 or later and vpc-cni v1.14.0-eksbuild.3 or later.
   * @default true
   */
  readonly networkPolicyEnforcement?: boolean;
  /**
   * The vpc-cni add-on version, e.g. `v1.19.2-eksbuild.1` (`aws eks describe-addon-versions --addon-name vpc-cni`).
   * With network policy enforcement on it must be v1.14.0-eksbuild.3 or later.
   * @default - the version EKS installs by default for kubernetesVersion; the apply stops if that is older than v1.14
   */
  readonly vpcCniVersion?: string;
  /**
   * What scales the accelerator pools up from zero when pods wait for them. With Karpenter the cluster creates its
   * AWS side here (`cluster.karpenter`); install it with `cluster.karpenter.install(addOnsScope, …)` and create its
   * NodePools with `cluster.karpenter.nodePools(laterScope, …)`.
   * @default - EksNodeAutoscaling.karpenter() where the cluster has accelerator pools
   */
  readonly nodeAutoscaling?: EksNodeAutoscaling;
  /**
   * Where the cluster's in-cluster parts go: `addons` (device plugins, Karpenter's controller, the EFA device
   * plugin, team namespaces, quotas and priority classes) and `customResources` (Karpenter NodePools), each a
   * construct in a stack applied after this one, whose kubernetes and helm providers are configured from this
   * stack's outputs. @default - in an MlPlatform environment its `addons` and `workloads` stacks; elsewhere this
   *   construct's own stack (its kubernetes provider is then configured from the cluster it creates: fine to try
   *   things out, not to apply from an empty account in one pass)
   */
  readonly layers?: Partial<ClusterLayers>;
}

/**
 * How Terraform providers reach an EKS cluster: its endpoint, CA and short-lived `aws eks get-token` credentials.
 * Read it in another stack to configure that stack's providers (cdktf passes the values across stacks).
 */
export interface EksClusterConnection {
  /** The API server URL. */
  readonly host: string;
  /** The cluster CA certificate, PEM. */
  readonly clusterCaCertificate: string;
  /** The exec credential plugin. */
  readonly exec: { readonly apiVersion: string; readonly command: string; readonly args: string[] };
}

/** CloudWatch Logs retention values (days) that the API accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * A GPU/Neuron training cluster on Amazon EKS.
 *
 * Creates: a KMS key (secrets envelope encryption and log encryption, rotation on), the control-plane log
 * group, the cluster with a private endpoint, all five control-plane log types and API-mode access entries
 * (not aws-auth), least-privilege IAM roles, the managed add-ons (VPC CNI with NetworkPolicy enforcement,
 * kube-proxy, CoreDNS, Pod Identity agent), a CPU system node group, and one managed node group per pool with
 * the accelerated AMI, the accelerator taint, IMDSv2-only launch template with encrypted root volume, EFA interfaces plus a
 * cluster placement group where the instance supports EFA, and Capacity Block / reservation wiring.
 * In the cluster: the NVIDIA device plugin (AL2023 only; Bottlerocket ships it), the Neuron device plugin for
 * Trainium/Inferentia pools, team namespaces with
 * quotas, and the serving/training PriorityClasses.
 *
 * Scaling from zero: Karpenter's AWS side (`karpenter`) is created here; its Helm install
 * (`karpenter.install(addOnsScope)`), the EFA device plugin (`installEfaDevicePlugin(addOnsScope)`) and its NodePools
 * (`karpenter.nodePools(laterScope)`) go in the stacks of later layers. See docs/training.md. More pools: {@link addPool}.
 */
export class EksTrainingCluster extends TrainingClusterBase {
  public readonly clusterName: string;
  public readonly platform = KubernetesPlatform.EKS;
  public readonly kubernetes: IKubernetesTarget;
  /** The EKS cluster (escape hatch). */
  public readonly cluster: EksCluster;
  /** The KMS key for secrets and logs. */
  public readonly kmsKey: KmsKey;
  /** The control-plane log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The cluster's IAM role. */
  public readonly clusterRole: IamRole;
  /** The nodes' IAM role. */
  public readonly nodeRole: IamRole;
  /** The kubernetes provider that reaches this cluster. */
  public readonly kubernetesProvider: KubernetesProvider;
  /** The system node group. */
  public readonly systemNodeGroup: EksNodeGroup;
  /** One per pool, by pool name. */
  public readonly nodePools: Record<string, EksNodePool> = {};
  /** Team namespaces and quotas. */
  public readonly teamQuotas: TeamQuotas;
  /**
   * The pools with EFA interfaces, for the EFA device plugin (`new EfaDevicePlugin(scope, id, { pools: cluster.efaPools, … })`);
   * pools added by {@link addPool} join it.
   */
  public readonly efaPools: AcceleratorNodes[] = [];
  /** How providers reach this cluster. */
  public readonly connection: EksClusterConnection;
  private readonly family: EksAmiFamily;
  private readonly autoscaling: EksNodeAutoscaling;
  private readonly layers?: ClusterLayers;
  /** Where in-cluster parts go: this construct, or a scope of the same name in the add-ons layer. */
  private readonly inCluster: Construct;
  /** What every node group of this cluster shares. */
  private readonly nodeDefaults: Omit<EksNodePoolProps, 'pool' | 'system'>;
  /** Every accelerator pool, in order; Karpenter's `config.pools`. */
  private readonly eksPools: EksPool[] = [];
  private readonly karpenterConfig: EksKarpenterConfig;
  /** `installEfaDevicePlugin` calls made while the cluster had no EFA pool: done when one is added. */
  private readonly pendingEfaInstalls: Array<{ scope: Construct; props: Omit<EfaDevicePluginProps, 'pools' | 'helmProvider'>; id: string }> = [];
  private nvidia?: NvidiaDevicePlugin;
  private neuron?: NeuronDevicePlugin;
  private autoscaler?: EksKarpenter;

  constructor(scope: Construct, id: string, props: EksTrainingClusterProps) {
    super(scope, id);
    const pools = EksTrainingCluster.validate(this, props);
    this.clusterName = props.clusterName;
    if (props.labels) PlatformLabels.apply(this, props.labels);
    const name = props.clusterName;
    const family = this.family = props.amiFamily ?? EksAmiFamily.AL2023;

    const partition = new DataAwsPartition(this, 'partition').partition;
    const account = new DataAwsCallerIdentity(this, 'caller');
    const region = new DataAwsRegion(this, 'region');
    const session = new DataAwsIamSessionContext(this, 'session', { arn: account.arn });

    const protect = props.deletionProtection ?? true;
    this.kmsKey = new KmsKey(this, 'kms-key', {
      description: `EKS ${name}: Kubernetes secrets and control-plane logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${account.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchLogsEncryptsThisClustersLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${region.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region.region}:${account.accountId}:log-group:/aws/eks/${name}/cluster` } },
        },
      ]),
      // Destroying the key makes the cluster's secrets and logs unreadable: it follows the cluster's protection.
      lifecycle: { preventDestroy: protect },
    });
    new KmsAlias(this, 'kms-alias', { name: `alias/eks/${name}`, targetKeyId: this.kmsKey.keyId });

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/eks/${name}/cluster`,
      retentionInDays: (props.logRetention ?? Duration.days(365)).toDays(),
      kmsKeyId: this.kmsKey.arn,
      // The control-plane audit trail: CloudWatch Logs refuses to delete the group while this is on.
      deletionProtectionEnabled: protect,
    });

    this.clusterRole = new IamRole(this, 'cluster-role', {
      name: `${name}-eks-cluster`,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      }]),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      role: this.clusterRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });

    const access = (props.controlPlaneAccess ?? ControlPlaneAccess.privateOnly()).bind(KubernetesPlatform.EKS);
    this.cluster = new EksCluster(this, 'cluster', {
      name,
      version: props.kubernetesVersion,
      roleArn: this.clusterRole.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: access.publicEndpoint,
        ...(access.publicEndpoint ? { publicAccessCidrs: access.authorizedNetworks.map((n) => n.cidrBlock) } : {}),
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.kmsKey.arn } },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // Managed add-ons below replace the unmanaged ones EKS would otherwise install.
      bootstrapSelfManagedAddons: false,
      deletionProtection: protect,
      upgradePolicy: { supportType: 'STANDARD' },
      dependsOn: [this.logGroup, clusterPolicy],
    });

    const admins = [session.issuerArn, ...(props.adminPrincipalArns ?? [])];
    const accessReady: ITerraformDependable[] = admins.map((principal, i) => {
      const suffix = i === 0 ? 'terraform' : `admin-${i}`;
      const entry = new EksAccessEntry(this, `access-${suffix}`, { clusterName: this.cluster.name, principalArn: principal, type: 'STANDARD' });
      return new EksAccessPolicyAssociation(this, `access-${suffix}-admin`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      });
    });

    this.nodeRole = new IamRole(this, 'node-role', {
      name: `${name}-eks-node`,
      assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    // The documented minimum for managed nodes (EKS User Guide, create-node-role). The CNI policy stays on the
    // node role because aws-node must get an IP for the Pod Identity agent before pods can use Pod Identity.
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEKS_CNI_Policy']
      .map((policy) => new IamRolePolicyAttachment(this, `node-${policy}`, {
        role: this.nodeRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/${policy}`,
      }));

    const addon = (addonName: string, dependsOn: ITerraformDependable[] = [], extra: Partial<EksAddonConfig> = {}) => new EksAddon(this, `addon-${addonName}`, {
      clusterName: this.cluster.name,
      addonName,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'PRESERVE',
      dependsOn,
      ...extra,
    });
    // Networking add-ons must exist before nodes join, or nodes never become Ready.
    const networking = [addon('vpc-cni', [], vpcCniAddonSettings(props)), addon('kube-proxy'), addon('eks-pod-identity-agent')];

    const nodeDefaults = this.nodeDefaults = {
      cluster: this.cluster,
      clusterName: name,
      nodeRole: this.nodeRole,
      subnetIds: props.subnetIds,
      singleAzSubnetId: props.singleAzSubnetId ?? props.subnetIds[0],
      kubernetesVersion: props.kubernetesVersion,
      dependsOn: [...nodePolicies, ...networking],
    };
    const system = props.systemNodes ?? {};
    this.systemNodeGroup = new EksNodePool(this, 'system', {
      ...nodeDefaults,
      system: { instanceType: system.instanceType ?? 'm6i.large', minNodes: system.minNodes ?? 2, maxNodes: system.maxNodes ?? 4, amiType: family === EksAmiFamily.BOTTLEROCKET ? 'BOTTLEROCKET_x86_64' : 'AL2023_x86_64_STANDARD' },
    }).nodeGroup;
    addon('coredns', [this.systemNodeGroup]);
    for (const pool of pools) this.createPool(pool);

    this.connection = {
      host: this.cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(this.cluster.certificateAuthority.get(0).data),
      // Short-lived tokens from the AWS CLI at plan/apply time: nothing long-lived lands in state.
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', this.cluster.name, '--region', region.region] },
    };
    const layers = this.layers = clusterLayers(this, props.layers);
    const providerConfig = { alias: this.providerAlias, host: this.connection.host, clusterCaCertificate: this.connection.clusterCaCertificate, exec: [this.connection.exec] };
    this.kubernetesProvider = layers
      ? new KubernetesProvider(TerraformStack.of(layers.addons), `kubernetes-${name}`, providerConfig)
      : new KubernetesProvider(this, 'kubernetes', providerConfig);
    // In-cluster parts keep their construct ids (and so their Terraform addresses) under a scope of the same name.
    const inCluster: Construct = this.inCluster = layers ? new Construct(layers.addons, this.node.id) : this;
    this.kubernetes = KubernetesTarget.fromProvider(this.kubernetesProvider, {
      clusterName: name,
      platform: KubernetesPlatform.EKS,
      acceleratorNodes: this.sharedAcceleratorNodes,
      dependables: [...accessReady, this.systemNodeGroup],
      identity: WorkloadIdentityMode.eksPodIdentity(this.cluster.name),
    }, {
      // Every later layer's stack gets its own provider, configured from this stack's outputs.
      factory: (stack) => new KubernetesProvider(stack, `kubernetes-${name}`, {
        alias: this.providerAlias, host: this.connection.host, clusterCaCertificate: this.connection.clusterCaCertificate, exec: [this.connection.exec],
      }),
      clusterStacks: [TerraformStack.of(this)],
    });

    this.wireDevicePlugins(pools);
    const autoscaling = this.autoscaling = props.nodeAutoscaling ?? EksNodeAutoscaling.karpenter();
    this.karpenterConfig = {
      cluster: this.cluster,
      clusterName: name,
      partition,
      region: region.region,
      accountId: account.accountId,
      subnetIds: props.subnetIds,
      singleAzSubnetId: nodeDefaults.singleAzSubnetId,
      amiFamily: family,
      pools: this.eksPools,
      nodePools: this.nodePools,
      settings: autoscaling.props,
      providers: this,
    };
    if (autoscaling.karpenter && pools.length > 0) this.autoscaler = new EksKarpenter(this, 'karpenter', this.karpenterConfig);
    this.teamQuotas = new TeamQuotas(inCluster, 'teams', this.kubernetes, props.teams ?? []);
    this.checkTeamAcceleratorsAtSynth(props.teams);
    if (layers) {
      // Layered: the autoscaler's controller and CRDs with the add-ons, its NodePools a stack later.
      this.karpenter?.install(inCluster);
      this.installEfaDevicePlugin(inCluster);
      if (this.karpenter && layers.customResources) this.karpenter.nodePools(new Construct(layers.customResources, this.node.id));
    }
  }

  /** The NVIDIA device plugin, where installed. */
  public get nvidiaDevicePlugin(): NvidiaDevicePlugin | undefined {
    return this.nvidia;
  }

  /** The Neuron device plugin, where there are Trainium/Inferentia pools (the AL2023 Neuron AMI does not ship it). */
  public get neuronDevicePlugin(): NeuronDevicePlugin | undefined {
    return this.neuron;
  }

  /** Karpenter's AWS side (queue, rules, roles), where `nodeAutoscaling` is Karpenter and there are pools. */
  public get karpenter(): EksKarpenter | undefined {
    return this.autoscaler;
  }

  /**
   * Adds an accelerator pool after construction, as if it were one more entry of `pools`: validated the same way
   * (errors name `addPool("<name>")`; a name already used is refused), created with the same construct id and so at
   * the same Terraform addresses (moving a pool between `pools` and `addPool` changes nothing), and wired wherever
   * constructor pools are: `kubernetes.acceleratorNodes` and every team target, the NVIDIA / Neuron device plugin
   * (created, or told the pool's taints), `efaPools` and every EFA device plugin, Karpenter (created with the first
   * pool; a NodePool in every `karpenter.nodePools(…)` made so far), the team quota check (at synth) and the capacity
   * contracts. Constructs built on the cluster (a MonitoringStack, endpoints, pipelines) read the pools when they are
   * created: add pools before creating them, or this throws.
   */
  public addPool(pool: AcceleratorPoolProps): EksNodePool {
    const v = new Validator(this);
    const prop = addedPoolProp('addPool', pool?.name);
    const resolved = resolvePool(v, pool, prop);
    let added: EksPool | undefined;
    if (resolved) {
      v.check(resolved.name !== 'system', `${prop}.name`, resolved.name, 'is the name of the built-in system node group; rename the pool');
      v.check(!Object.prototype.hasOwnProperty.call(this.nodePools, resolved.name), `${prop}.name`, resolved.name,
        'is already a pool of this cluster; choose another name');
      EksTrainingCluster.checkNodeGroupName(v, this.clusterName, resolved);
      [added] = resolveEksPools(v, [resolved], this.family);
    }
    this.checkPoolsStillOpen(v, prop, pool?.name);
    v.throwIfAny();

    // In the order the constructor makes these, so the output matches a pool declared in `pools`.
    const created = this.createPool(added!);
    this.wireDevicePlugins([added!]);
    const firstForKarpenter = this.autoscaling.karpenter && !this.autoscaler;
    if (firstForKarpenter) this.autoscaler = new EksKarpenter(this, 'karpenter', this.karpenterConfig);
    if (firstForKarpenter && this.layers) this.autoscaler!.install(this.inCluster);
    if (added!.efaEnabled) {
      for (const { scope, props, id } of this.pendingEfaInstalls.splice(0)) this.installEfaDevicePlugin(scope, props, id);
    }
    if (firstForKarpenter && this.layers?.customResources) {
      const scope = this.layers.customResources.node.tryFindChild(this.node.id) as Construct | undefined;
      this.autoscaler!.nodePools(scope ?? new Construct(this.layers.customResources, this.node.id));
    } else if (this.autoscaler) {
      // Every NodePool set made so far for this cluster's Karpenter, wherever it was created.
      const karpenter = this.autoscaler;
      for (const c of this.node.root.node.findAll()) {
        if (c instanceof KarpenterNodePools && c.karpenter === karpenter) c.addPool(added!.name);
      }
    }
    return created;
  }

  protected nodeGroupOf(pool: string): TerraformResource | undefined {
    return this.nodePools[pool]?.nodeGroup;
  }

  /** The managed node group of a validated pool, offered to the cluster's targets (and `efaPools`). */
  private createPool(pool: EksPool): EksNodePool {
    const created = new EksNodePool(this, `pool-${pool.name}`, { ...this.nodeDefaults, pool });
    this.nodePools[pool.name] = created;
    this.eksPools.push(pool);
    const nodes = acceleratorNodes(pool, pool.instance.count);
    this.offerNodes(nodes);
    if (pool.efaEnabled) this.efaPools.push(nodes);
    return created;
  }

  /**
   * The device plugins the node images lack (NVIDIA on AL2023, Neuron), created with the first pool that needs one
   * and tolerating the taints of every pool that comes later.
   */
  private wireDevicePlugins(added: readonly EksPool[]): void {
    const tolerations = (kind: AcceleratorKind, nodes: readonly AcceleratorNodes[]) =>
      nodes.filter((n) => n.accelerator.kind === kind).flatMap((n) => n.tolerations);
    const addedNodes = added.map((p) => acceleratorNodes(p, p.instance.count));
    const has = (kind: AcceleratorKind) => added.some((p) => p.accelerator.kind === kind);
    if (this.family === EksAmiFamily.AL2023 && has(AcceleratorKind.NVIDIA_GPU)) {
      if (this.nvidia) {
        this.nvidia.addTolerations(tolerations(AcceleratorKind.NVIDIA_GPU, addedNodes));
      } else {
        this.nvidia = new NvidiaDevicePlugin(this.inCluster, 'nvidia-device-plugin', this.kubernetes, {
          nodeSelectors: [{ 'ml-platform.io/accelerator-kind': AcceleratorKind.NVIDIA_GPU }],
          tolerations: tolerations(AcceleratorKind.NVIDIA_GPU, this.offeredNodes),
        });
      }
    }
    if (has(AcceleratorKind.AWS_NEURON)) {
      if (this.neuron) {
        this.neuron.addTolerations(tolerations(AcceleratorKind.AWS_NEURON, addedNodes));
      } else {
        this.neuron = new NeuronDevicePlugin(this.inCluster, 'neuron-device-plugin', this.kubernetes, {
          tolerations: tolerations(AcceleratorKind.AWS_NEURON, this.offeredNodes),
        });
      }
    }
  }

  /**
   * A helm provider reaching this cluster, in the stack that holds `scope` (one per stack and cluster), for the
   * Helm add-ons of a later layer (`cluster.karpenter.install`, `EfaDevicePlugin`). In another stack its settings
   * are read from this one's outputs.
   */
  public helmProvider(scope: IConstruct): TerraformProvider {
    const stack = TerraformStack.of(scope);
    const v = new Validator(scope);
    v.check(stack !== TerraformStack.of(this), 'scope', stack.node.id, `is the stack that creates cluster ${this.clusterName}, so a helm provider there ` +
      'would be configured from resources of its own stack (the first plan fails); place the Helm add-ons in the environment\'s add-ons stack');
    v.throwIfAny();
    return HelmProvider.find(stack, this.providerAlias)
      ?? new HelmProvider(stack, `helm-${this.clusterName}`, { alias: this.providerAlias, kubernetes: this.connection });
  }

  /**
   * The EFA device plugin in `scope` (the add-ons layer), where the cluster has EFA pools; undefined otherwise, and
   * then installed there when {@link addPool} adds the first EFA pool. Its values are read at synth, so EFA pools added
   * later join an installed plugin. Without it pods cannot request `vpc.amazonaws.com/efa`, and Karpenter launches no
   * EFA interfaces.
   */
  public installEfaDevicePlugin(scope: Construct, props: Omit<EfaDevicePluginProps, 'pools' | 'helmProvider'> = {}, id = 'efa-device-plugin'): EfaDevicePlugin | undefined {
    if (this.efaPools.length === 0) {
      this.pendingEfaInstalls.push({ scope, props, id });
      return undefined;
    }
    return new EfaDevicePlugin(scope, id, { ...props, pools: this.efaPools, helmProvider: this.helmProvider(scope) });
  }

  /** One alias per cluster, so several clusters' providers live side by side in a stack. */
  private get providerAlias(): string {
    return `eks_${this.clusterName.replace(/-/g, '_')}`;
  }

  private static validate(self: Construct, props: EksTrainingClusterProps): EksPool[] {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { clusterName, kubernetesVersion, subnetIds, pools }');
      v.throwIfAny();
    }
    checkResourceName(v, 'clusterName', props.clusterName, 40);
    v.check(typeof props.clusterName === 'string', 'clusterName', props.clusterName, 'is required');
    v.matches('kubernetesVersion', props.kubernetesVersion, /^1\.\d{2}$/, 'must be a Kubernetes minor version such as "1.33"');
    v.check(typeof props.kubernetesVersion === 'string', 'kubernetesVersion', props.kubernetesVersion, 'is required, e.g. "1.33"');
    if (v.nonEmpty('subnetIds', props.subnetIds, 'must list private subnets in at least two Availability Zones')) {
      v.check(props.subnetIds.length >= 2, 'subnetIds', props.subnetIds, 'must list subnets in at least two Availability Zones (an EKS requirement)');
      props.subnetIds.forEach((s, i) => v.matches(`subnetIds[${i}]`, s, /^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id, e.g. subnet-0123456789abcdef0'));
    }
    if (props.singleAzSubnetId !== undefined) {
      v.matches('singleAzSubnetId', props.singleAzSubnetId, /^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id, e.g. subnet-0123456789abcdef0');
    }
    if (v.check(props.controlPlaneAccess === undefined || props.controlPlaneAccess instanceof ControlPlaneAccess, 'controlPlaneAccess', props.controlPlaneAccess,
      'must be ControlPlaneAccess.privateOnly() or ControlPlaneAccess.publicAndPrivate([{ cidrBlock }])')) {
      props.controlPlaneAccess?.validate(v, KubernetesPlatform.EKS);
    }
    (props.adminPrincipalArns ?? []).forEach((arn, i) => v.matches(`adminPrincipalArns[${i}]`, arn, /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role)\/.+$/,
      'must be an IAM role or user ARN'));
    v.check(props.amiFamily === undefined || Object.values(EksAmiFamily).includes(props.amiFamily), 'amiFamily', props.amiFamily,
      `must be one of ${Object.values(EksAmiFamily).join(', ')}`);
    if (props.logRetention !== undefined) {
      let days: number | undefined;
      try { days = props.logRetention.toDays(); } catch { days = undefined; }
      v.check(days !== undefined && LOG_RETENTION_DAYS.includes(days), 'logRetention', props.logRetention,
        `must be one of the CloudWatch retention periods (days): ${LOG_RETENTION_DAYS.join(', ')}`);
    }
    checkVpcCni(v, props);
    const sys = props.systemNodes ?? {};
    const sysMin = sys.minNodes ?? 2;
    const sysMax = sys.maxNodes ?? 4;
    if (v.integer('systemNodes.minNodes', sysMin, 1, 100, 'must be a whole number from 1 to 100; add-ons need at least one CPU node')
      && v.integer('systemNodes.maxNodes', sysMax, 1, 100)) {
      v.check(sysMax >= sysMin, 'systemNodes.maxNodes', sysMax, `is below systemNodes.minNodes (${sysMin}); raise maxNodes or lower minNodes`);
    }
    v.matches('systemNodes.instanceType', sys.instanceType, /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as m6i.large');

    const resolved = resolvePools(v, props.pools);
    v.check(!resolved.some((p) => p.name === 'system'), 'pools', 'system', 'uses the name of the built-in system node group; rename the pool');
    resolved.forEach((p) => EksTrainingCluster.checkNodeGroupName(v, props.clusterName, p));
    const family = props.amiFamily ?? EksAmiFamily.AL2023;
    const pools = resolveEksPools(v, resolved, family);
    checkTeamQuotas(v, props.teams);
    v.check(props.nodeAutoscaling === undefined || props.nodeAutoscaling instanceof EksNodeAutoscaling, 'nodeAutoscaling', props.nodeAutoscaling,
      'must be EksNodeAutoscaling.karpenter({...}) or EksNodeAutoscaling.NONE');
    v.throwIfAny();
    return pools;
  }

  /** EKS names a pool's node group `<cluster>-<pool>`, at most 63 characters. */
  private static checkNodeGroupName(v: Validator, clusterName: unknown, pool: ResolvedPool): void {
    if (typeof clusterName !== 'string') return;
    v.check(`${clusterName}-${pool.name}`.length <= 63, `${pool.prop}.name`, pool.name,
      `makes the node group name "${clusterName}-${pool.name}" longer than EKS's 63 characters; shorten the pool or cluster name`);
  }
}
