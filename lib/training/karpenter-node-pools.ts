import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Validator } from '../core/errors';
import { Duration } from '../core/units';
import { EksAmiFamily, EksPool } from './eks-catalogue';
import type { EksKarpenter, EksKarpenterConfig } from './karpenter';
import { PoolPurpose } from './pool';
import { checkProvider } from '../core/private/providers';

/** Props for {@link KarpenterNodePools}. */
export interface KarpenterNodePoolsProps {
  /** The cluster's Karpenter infrastructure (`cluster.karpenter`). */
  readonly karpenter: EksKarpenter;
  /**
   * A kubernetes provider reaching the cluster, in the same stack as this construct.
   * @default - the cluster target's provider for this stack (`cluster.kubernetes.providerFor(scope)`)
   */
  readonly kubernetesProvider?: TerraformProvider;
}

/** The resources of one accelerator pool. */
export interface KarpenterPoolResources {
  readonly nodeClass: Manifest;
  readonly nodePool: Manifest;
}

/**
 * One EC2NodeClass and one NodePool (karpenter.k8s.aws/v1, karpenter.sh/v1) per accelerator pool, so a pending pod
 * that asks for a pool's accelerators gets a node of that pool: the pool's instance type, labels and taints, its
 * capacity type, and a limit of the accelerators its managed node group could add above its floor
 * ((maxNodes − minNodes) × accelerators per node, so the two together never exceed maxNodes). Training pools are
 * consolidated only when empty and never expire (a running job is never drained for a cheaper node); serving pools
 * are also consolidated when under-used and rotate every 30 days. A pool whose floor is its ceiling gets none.
 *
 * Custom resources: put this construct in a stack applied after the one that installed Karpenter (its CRDs), since
 * `kubernetes_manifest` reads the CRD at plan. Fields checked against the v1.14 CRDs (pkg/apis/crds @ 1d927085) and
 * concepts/nodeclasses.md, concepts/nodepools.md.
 */
export class KarpenterNodePools extends Construct {
  /** By pool name (escape hatch). */
  public readonly pools: Record<string, KarpenterPoolResources> = {};
  /** The cluster's Karpenter infrastructure these node pools belong to. */
  public readonly karpenter: EksKarpenter;
  private readonly provider: TerraformProvider;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    const v = new Validator(this);
    if (props.kubernetesProvider !== undefined) checkProvider(v, 'kubernetesProvider', props.kubernetesProvider, 'kubernetes', this);
    const here = TerraformStack.of(this);
    const controller = props.karpenter.controller;
    if (controller) {
      v.check(TerraformStack.of(controller) !== here, 'scope', here.node.id,
        `is the stack that installs Karpenter's CRDs (${controller.node.path}), so its NodePools cannot be planned before the first apply; `
        + 'create the node pools in a stack applied after that one (the workloads or custom-resources layer)');
    }
    v.throwIfAny();
    if (controller && !here.dependencies.includes(TerraformStack.of(controller))) here.addDependency(TerraformStack.of(controller));

    this.karpenter = props.karpenter;
    this.provider = props.kubernetesProvider ?? props.karpenter.config.providers.kubernetes.providerFor(this);
    for (const pool of props.karpenter.config.pools) this.addPool(pool.name);
  }

  /**
   * The EC2NodeClass and NodePool of the cluster's pool `name`, made now if they do not exist yet: for a pool added to
   * the cluster after this construct (`EksTrainingCluster.addPool` calls it), at the same addresses as if it had been
   * there from the start. Undefined for a pool whose floor is its ceiling (it gets none).
   */
  public addPool(name: string): KarpenterPoolResources | undefined {
    const config = this.karpenter.config;
    const pool = config.pools.find((p) => p.name === name);
    if (!pool) throw new Error(`${this.node.path}: addPool(${JSON.stringify(name)}) names no pool of cluster ${this.karpenter.clusterName}; add the pool to the cluster (addPool) first`);
    if (Object.prototype.hasOwnProperty.call(this.pools, name)) return this.pools[name];
    const headroom = pool.maxNodes - pool.minNodes;
    if (headroom <= 0) return undefined;
    const common = { provider: this.provider };
    const nodeClass = new Manifest(this, `${pool.name}-node-class`, { ...common, manifest: nodeClassManifest(this.karpenter, config, pool) });
    const nodePool = new Manifest(this, `${pool.name}-node-pool`, {
      ...common,
      manifest: nodePoolManifest(pool, headroom, config.settings.consolidateAfter ?? Duration.minutes(10)),
      dependsOn: [nodeClass],
    });
    this.pools[pool.name] = { nodeClass, nodePool };
    return this.pools[pool.name];
  }
}

/** Karpenter durations are Go durations (`10m`, `720h`). */
function goDuration(d: Duration): string {
  const s = d.toSeconds();
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

function nodeClassManifest(karpenter: EksKarpenter, config: EksKarpenterConfig, pool: EksPool): Record<string, unknown> {
  const managed = config.nodePools[pool.name];
  const bottlerocket = config.amiFamily === EksAmiFamily.BOTTLEROCKET;
  const capacity = pool.capacityConfig;
  const singleAz = pool.efaEnabled || capacity.capacityBlock;
  const data = { volumeSize: `${pool.diskGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true };
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: pool.name },
    spec: {
      role: karpenter.nodeRoleName,
      // The EKS-optimized alias picks the accelerated variant (NVIDIA, Neuron) for the instance type
      // (pkg/providers/amifamily/al2023.go: x86_64 variants standard, nvidia, neuron).
      amiSelectorTerms: [{ alias: `${bottlerocket ? 'bottlerocket' : 'al2023'}@${config.settings.amiVersion ?? 'latest'}` }],
      // By id, not by discovery tag: the library knows the exact subnets and groups its node groups use, and
      // tagging subnets it does not own would fight the VPC's own tags and collide between clusters sharing them.
      subnetSelectorTerms: (singleAz ? [config.singleAzSubnetId] : config.subnetIds).map((id) => ({ id })),
      securityGroupSelectorTerms: [
        { id: config.cluster.vpcConfig.clusterSecurityGroupId },
        ...(managed?.efaSecurityGroup ? [{ id: managed.efaSecurityGroup.id }] : []),
      ],
      ...(capacity.capacityReservationId !== undefined ? { capacityReservationSelectorTerms: [{ id: capacity.capacityReservationId }] } : {}),
      ...(managed?.placementGroup ? { placementGroupSelector: { name: managed.placementGroup.name } } : {}),
      // IMDSv2 only, one hop: pods cannot reach the node's instance credentials (as the managed node groups).
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      // Bottlerocket keeps the OS on /dev/xvda (4Gi by Karpenter's default) and images and pod data on /dev/xvdb.
      blockDeviceMappings: bottlerocket
        ? [{ deviceName: '/dev/xvda', ebs: { ...data, volumeSize: '4Gi' } }, { deviceName: '/dev/xvdb', ebs: data }]
        : [{ deviceName: '/dev/xvda', ebs: data }],
      tags: { 'ml-platform.io/pool': pool.name },
    },
  };
}

function nodePoolManifest(pool: EksPool, headroom: number, consolidateAfter: Duration): Record<string, unknown> {
  const training = pool.purpose === PoolPurpose.TRAINING;
  const capacity = pool.capacityConfig;
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: pool.name },
    spec: {
      template: {
        metadata: { labels: pool.labels },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.name },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [pool.instance.instanceType] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: capacity.karpenterCapacityTypes },
          ],
          taints: pool.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })),
          // Expiration drains a node whatever runs on it; a training job of several weeks must not be cut short.
          expireAfter: training ? 'Never' : '720h',
        },
      },
      disruption: {
        consolidationPolicy: training ? 'WhenEmpty' : 'WhenEmptyOrUnderutilized',
        consolidateAfter: goDuration(consolidateAfter),
      },
      limits: { [pool.accelerator.kubernetesResource]: String(headroom * pool.instance.count) },
    },
  };
}
