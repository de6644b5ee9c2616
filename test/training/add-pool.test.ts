import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { TpuVersion } from '../../lib/core/accelerators/tpu';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { EksTrainingCluster, EksTrainingClusterProps } from '../../lib/training/eks';
import { GkeNodePool } from '../../lib/training/gke-node-pool';
import { GkeTrainingCluster, GkeTrainingClusterProps } from '../../lib/training/gke';
import { ExistingPoolProps, KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { AcceleratorPoolProps, TaintEffect } from '../../lib/training/pool';
import { errorOf, Synth, synth, synthApp } from '../util';

const eksBase: EksTrainingClusterProps = { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] };
const gkeBase: GkeTrainingClusterProps = {
  clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'vpc', subnetwork: 'nodes', acceleratorZones: ['us-central1-a', 'us-central1-c'],
};

const L4: AcceleratorPoolProps = { name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 };
// p5.48xlarge with maxNodes > 1: EFA, a placement group, a Karpenter NodePool, and a taint the device plugin must tolerate.
const H100: AcceleratorPoolProps = {
  name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4, taints: [{ key: 'team', value: 'vision', effect: TaintEffect.NO_SCHEDULE }],
};
const H200: AcceleratorPoolProps = { name: 'h200', accelerator: Accelerator.NVIDIA_H200, maxNodes: 2 };
const TRN: AcceleratorPoolProps = { name: 'trn', accelerator: Accelerator.AWS_TRAINIUM2, maxNodes: 2, taints: [{ key: 'dedicated', value: 'llm', effect: TaintEffect.NO_EXECUTE }] };
// Floor equals ceiling: no Karpenter NodePool.
const FIXED: AcceleratorPoolProps = { name: 'fixed', accelerator: Accelerator.NVIDIA_T4, minNodes: 2, maxNodes: 2 };

/** An EKS cluster whose in-cluster parts go to the add-ons and workloads layers, with `added` given to addPool. */
function eksLayered(pools: AcceleratorPoolProps[], added: AcceleratorPoolProps[] = [], props: Partial<EksTrainingClusterProps> = {}): Record<string, Synth> {
  return synthApp((app) => {
    const infra = new TerraformStack(app, 'infra');
    new AwsProvider(infra, 'aws', { region: 'us-east-1' });
    const layers = { addons: new TerraformStack(app, 'addons'), customResources: new TerraformStack(app, 'workloads') };
    const cluster = new EksTrainingCluster(infra, 'training', { ...eksBase, pools, layers, ...props });
    for (const p of added) cluster.addPool(p);
  });
}

/** An EKS cluster whose user installs Karpenter, the EFA plugin and the NodePools by hand, before adding `added`. */
function eksByHand(pools: AcceleratorPoolProps[], added: AcceleratorPoolProps[] = []): Record<string, Synth> {
  return synthApp((app) => {
    const infra = new TerraformStack(app, 'infra');
    new AwsProvider(infra, 'aws', { region: 'us-east-1' });
    const cluster = new EksTrainingCluster(infra, 'training', { ...eksBase, pools });
    const addons = new TerraformStack(app, 'addons');
    cluster.karpenter!.install(addons);
    cluster.installEfaDevicePlugin(addons);
    cluster.karpenter!.nodePools(new TerraformStack(app, 'workloads'));
    for (const p of added) cluster.addPool(p);
  });
}

/** Every stack's synthesized text: equal texts are byte-identical resources, addresses and metadata. */
const textOf = (out: Record<string, Synth>) => Object.fromEntries(Object.entries(out).map(([stack, s]) => [stack, s.text]));

describe('EksTrainingCluster.addPool: a pool added later is the same pool as one declared in pools', () => {
  test('given one pool declared and three added, then every stack synthesizes byte for byte as with all four declared', () => {
    expect(textOf(eksLayered([L4], [H100, TRN, FIXED]))).toEqual(textOf(eksLayered([L4, H100, TRN, FIXED])));
  });

  test('given no pool declared, then the first added pool brings Karpenter, the device plugins and the EFA plugin, as declaring it would', () => {
    const added = eksLayered([], [L4, H100, TRN]);
    expect(textOf(added)).toEqual(textOf(eksLayered([L4, H100, TRN])));
    expect(added.workloads.resources('kubernetes_manifest').map((m) => m.manifest.kind)).toContain('NodePool');
  });

  test('given Karpenter and the EFA plugin installed by hand, then an added pool joins them as a declared pool would', () => {
    expect(textOf(eksByHand([L4], [H100]))).toEqual(textOf(eksByHand([L4, H100])));
    expect(textOf(eksByHand([L4, H100], [H200]))).toEqual(textOf(eksByHand([L4, H100, H200])));
  });

  describe('wiring: the added pool reaches Karpenter, the device plugins, the EFA plugin and the team quotas', () => {
    const out = eksByHand([L4, H100], [H200, TRN]);
    const manifests = out.workloads.resources('kubernetes_manifest').map((m) => `${m.manifest.kind}/${m.manifest.metadata.name}`);
    const efa = JSON.parse(out.addons.resources('helm_release').find((r) => r.name === 'aws-efa-k8s-device-plugin').values[0]);

    test('Karpenter gets an EC2NodeClass and a NodePool for each added pool', () => {
      expect(manifests).toEqual(expect.arrayContaining(['EC2NodeClass/h200', 'NodePool/h200', 'EC2NodeClass/trn', 'NodePool/trn']));
    });

    test('the EFA device plugin installed before the pool was added runs on its nodes too', () => {
      // trn2.48xlarge with maxNodes > 1 has EFA too.
      expect(efa.supportedInstanceLabels).toEqual({ keys: ['ml-platform.io/pool'], values: ['h100', 'h200', 'trn'] });
    });

    test('the Neuron device plugin, created by the first Neuron pool, tolerates its taint', () => {
      const [plugin] = out.infra.resources('kubernetes_daemon_set_v1').filter((d) => d.metadata.name === 'neuron-device-plugin');
      expect(plugin.spec.template.spec.toleration).toContainEqual({ key: 'dedicated', operator: 'Equal', value: 'llm', effect: 'NoExecute' });
    });

    test('the capacity contracts offer the added pools, with their node groups', () => {
      const supplies = Object.values(out.infra.json['//'].ml_platform.contracts as Record<string, any>).filter((c) => c.kind === 'capacity-supply');
      expect(supplies).toContainEqual(expect.objectContaining({
        pool: 'h200', resource: 'nvidia.com/gpu', perNode: 8, maxNodes: 2,
        nodeGroup: { stack: 'infra', address: expect.stringMatching(/^aws_eks_node_group\.training_pool-h200_node-group_/) },
      }));
      expect(supplies).toContainEqual(expect.objectContaining({ pool: 'trn', resource: 'aws.amazon.com/neuroncore' }));
    });
  });

  test('given a team quota for GPUs and no pool declared, then an added GPU pool satisfies it at synth', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const cluster = new EksTrainingCluster(stack, 'training', { ...eksBase, teams: [{ team: 'vision', maxGpus: 8 }] });
      cluster.addPool(L4);
      // Team targets share the cluster's pools, whenever they were added.
      expect(cluster.teamTarget('vision').acceleratorNodes.map((n) => n.pool)).toEqual(['l4']);
    });
    expect(out.resources('kubernetes_resource_quota_v1')[0].spec.hard['requests.nvidia.com/gpu']).toBe('8');
  });

  test('monitoring discovers the GPUs of an added pool', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const cluster = new EksTrainingCluster(stack, 'training', { ...eksBase, pools: [L4] });
    cluster.addPool(H100);
    expect(cluster.monitoredWorkloads()[0]).toMatchObject({ usesGpus: true, attributes: { gpus: String(4 * 1 + 4 * 8) } });
  });
});

describe('EksTrainingCluster.addPool: bad pools fail like bad pools in pools, naming addPool', () => {
  const eks = (stack: TerraformStack) => new EksTrainingCluster(stack, 'training', { ...eksBase, pools: [L4] });

  test.each<[string, AcceleratorPoolProps, RegExp]>([
    ['a name already used', { ...L4, maxNodes: 8 }, /^test\/training: addPool\("l4"\)\.name \("l4"\) is already a pool of this cluster; choose another name$/],
    ['the system node group\'s name', { ...L4, name: 'system' }, /addPool\("system"\)\.name \("system"\) is the name of the built-in system node group; rename the pool/],
    ['a TPU', { name: 'tpu', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x2') }, /addPool\("tpu"\)\.accelerator \("tpu-v5e-2x2"\) is a TPU, which only Google Cloud offers/],
    ['EFA where the instance has none', { name: 'small', accelerator: Accelerator.NVIDIA_L4, efa: true }, /addPool\("small"\)\.efa \(true\) is not supported by g6\.xlarge/],
  ])('%s', (_what, pool, message) => {
    expect(errorOf((stack) => eks(stack as TerraformStack).addPool(pool))).toMatch(message);
  });

  test('every problem of the pool is reported in the same error', () => {
    const message = errorOf((stack) => eks(stack as TerraformStack).addPool({ name: 'Bad_Name', accelerator: Accelerator.NVIDIA_L4, minNodes: 3, maxNodes: 1 }));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toMatch(/addPool\("Bad_Name"\)\.name \("Bad_Name"\) is not a valid name/);
    expect(message).toMatch(/addPool\("Bad_Name"\)\.maxNodes \(1\) is below minNodes \(3\); raise maxNodes or lower minNodes/);
  });

  test('a node group name over EKS\'s 63 characters is refused', () => {
    expect(errorOf((stack) => new EksTrainingCluster(stack, 'training', { ...eksBase, clusterName: 'c'.repeat(30) }).addPool({ ...L4, name: 'p'.repeat(35) })))
      .toMatch(/addPool\("p{35}"\)\.name \("p{35}"\) makes the node group name "c{30}-p{35}" longer than EKS's 63 characters/);
  });

  test('adding the same pool twice is refused the second time', () => {
    expect(errorOf((stack) => {
      const cluster = eks(stack as TerraformStack);
      cluster.addPool(H100);
      cluster.addPool(H100);
    })).toMatch(/addPool\("h100"\)\.name \("h100"\) is already a pool of this cluster/);
  });

  test('a pool added after something read the cluster\'s pools is refused: that reader would never see it', () => {
    expect(errorOf((stack) => {
      const cluster = eks(stack as TerraformStack);
      cluster.monitoredWorkloads();
      cluster.addPool(H100);
    })).toMatch(/test\/training: addPool\("h100"\) \("h100"\) comes after something read this cluster's accelerator pools .* add pools right after creating the cluster/);
  });

  test('a refused pool leaves nothing behind', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const cluster = eks(stack);
      expect(() => cluster.addPool({ ...H100, minNodes: 8 })).toThrow(/maxNodes \(4\) is below minNodes \(8\)/);
      expect(Object.keys(cluster.nodePools)).toEqual(['l4']);
    });
    expect(out.resources('aws_eks_node_group').map((g) => g.node_group_name).sort()).toEqual(['ml-l4', 'ml-system']);
  });
});

describe('GkeTrainingCluster: GkeNodePool and addPool', () => {
  const V5E: AcceleratorPoolProps = { name: 'v5e', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x4') };
  const A3: AcceleratorPoolProps = { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2 };
  const gke = (pools: AcceleratorPoolProps[], added: AcceleratorPoolProps[] = [], props: Partial<GkeTrainingClusterProps> = {}) => {
    let cluster: GkeTrainingCluster | undefined;
    // As `cdktf synth` writes it: with the metadata that holds construct paths and the contracts.
    const out = synthApp((app) => {
      const stack = new TerraformStack(app, 'test');
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      cluster = new GkeTrainingCluster(stack, 'training', { ...gkeBase, pools, ...props });
      for (const p of added) cluster.addPool(p);
    }).test;
    return { out, cluster: cluster! };
  };

  test('given pools added later, then the stack synthesizes byte for byte as with them declared', () => {
    expect(gke([L4], [A3, V5E]).out.text).toEqual(gke([L4, A3, V5E]).out.text);
    expect(gke([], [L4, V5E]).out.text).toEqual(gke([L4, V5E]).out.text);
  });

  test('nodePools holds a GkeNodePool per pool, exposing its node pool at the address it always had', () => {
    const { out, cluster } = gke([L4], [V5E]);
    expect(cluster.nodePools.l4).toBeInstanceOf(GkeNodePool);
    expect(cluster.nodePools.v5e.nodePool).toBeInstanceOf(ContainerNodePool);
    expect(cluster.nodePools.l4.nodePool.node.path).toBe('test/training/pool-l4');
    expect(cluster.systemPool.node.path).toBe('test/training/system-pool');
    expect(Object.keys(out.json.resource.google_container_node_pool).sort())
      .toEqual([expect.stringMatching(/^training_pool-l4_[0-9A-F]{8}$/), expect.stringMatching(/^training_pool-v5e_[0-9A-F]{8}$/), expect.stringMatching(/^training_system-pool_[0-9A-F]{8}$/)]);
    expect(out.resource('google_container_node_pool', 'training/pool-v5e').placement_policy).toEqual({ type: 'COMPACT', tpu_topology: '2x4' });
  });

  test('a GkeNodePool made on its own puts its node pool beside it, under the pool\'s id', () => {
    const { cluster } = gke([]);
    const elsewhere = new Construct(TerraformStack.of(cluster), 'elsewhere');
    const pool = new GkeNodePool(elsewhere, 'batch', {
      cluster: cluster.cluster, project: 'ml-prod-123', location: 'us-central1', serviceAccountEmail: 'nodes@ml-prod-123.iam.gserviceaccount.com',
      system: { machineType: 'e2-standard-8' },
    });
    expect(pool.node.path).toBe('test/elsewhere/batch');
    expect(pool.nodePool.node.path).toBe('test/elsewhere/system-pool');
  });

  test('given a GkeNodePool made on its own without project or location, then it takes its cluster\'s', () => {
    let pool: GkeNodePool | undefined;
    const out = synthApp((app) => {
      const stack = new TerraformStack(app, 'test');
      new GoogleProvider(stack, 'google', { project: 'provider-project', region: 'europe-west4' });
      const cluster = new GkeTrainingCluster(stack, 'training', { ...gkeBase, pools: [] });
      pool = new GkeNodePool(new Construct(stack, 'elsewhere'), 'batch', {
        cluster: cluster.cluster, serviceAccountEmail: 'nodes@ml-prod-123.iam.gserviceaccount.com', system: { machineType: 'e2-standard-8' },
      });
    }).test;
    expect(out.resource('google_container_node_pool', 'elsewhere/system-pool')).toMatchObject({ project: gkeBase.project, location: gkeBase.location });
    expect(pool!.nodePool.projectInput).toBe(gkeBase.project);
  });

  test('given a GkeNodePool of a cluster without a project and no Google provider, then the error names project', () => {
    expect(errorOf((stack) => {
      const cluster = new ContainerCluster(stack, 'cluster', { name: 'ml', location: 'us-central1' });
      new GkeNodePool(stack, 'batch', { cluster, serviceAccountEmail: 'nodes@ml-prod-123.iam.gserviceaccount.com', system: {} });
    })).toMatch(/test\/batch: project \(undefined\) is required: set project, or place the construct in a stack whose Google provider sets project/);
  });

  test('the capacity contracts read each pool\'s node pool through its GkeNodePool', () => {
    const { out } = gke([L4], [A3]);
    const supplies = Object.values(out.json['//'].ml_platform.contracts as Record<string, any>).filter((c) => c.kind === 'capacity-supply');
    expect(supplies.map((s) => [s.pool, s.nodeGroup.address])).toEqual([
      ['l4', expect.stringMatching(/^google_container_node_pool\.training_pool-l4_/)],
      ['h100', expect.stringMatching(/^google_container_node_pool\.training_pool-h100_/)],
    ]);
  });

  test('a team TPU quota is satisfied by an added TPU pool', () => {
    const { out } = gke([], [V5E], { teams: [{ team: 'research', maxTpuChips: 8 }] });
    expect(out.resources('kubernetes_resource_quota_v1')[0].spec.hard['requests.google.com/tpu']).toBe('8');
  });

  test.each<[string, AcceleratorPoolProps, RegExp]>([
    ['a name already used', L4, /addPool\("l4"\)\.name \("l4"\) is already a pool of this cluster; choose another name/],
    ['the system pool\'s name', { ...L4, name: 'system' }, /addPool\("system"\)\.name \("system"\) is the name of the built-in system pool/],
    ['a multi-host slice that does not scale as one unit', { name: 'v5e', accelerator: Accelerator.tpu(TpuVersion.V5E, '4x4'), maxNodes: 2 },
      /addPool\("v5e"\)\.maxNodes \(2\) must equal the 4x4 slice's host count/],
  ])('%s is refused, naming addPool', (_what, pool, message) => {
    expect(errorOf((stack) => new GkeTrainingCluster(stack, 'training', { ...gkeBase, pools: [L4] }).addPool(pool))).toMatch(message);
  });
});

describe('KubernetesTrainingCluster.addPool: existing nodes described later are the same as pools', () => {
  const A100: ExistingPoolProps = { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 4 };
  const L40S: ExistingPoolProps = {
    name: 'l40s', accelerator: Accelerator.NVIDIA_L40S, acceleratorsPerNode: 4, nodeCount: 10, nodeSelector: { rack: 'r7' },
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }, { key: 'site', value: 'dc1', effect: TaintEffect.NO_EXECUTE }],
  };
  const onprem = (pools: ExistingPoolProps[], added: ExistingPoolProps[] = []) => synth((stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' });
    const cluster = new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools, teams: [{ team: 'vision', maxGpus: 8 }] });
    for (const n of added) cluster.addPool(n);
  });

  test('given nodes described later, then the device plugin runs on them and the output is as with them in pools', () => {
    const added = onprem([A100], [L40S]);
    expect(added.text).toEqual(onprem([A100, L40S]).text);
    const plugin = added.resources('kubernetes_daemon_set_v1')[0].spec.template.spec;
    expect(plugin.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term).toHaveLength(2);
    expect(plugin.toleration).toContainEqual({ key: 'site', operator: 'Equal', value: 'dc1', effect: 'NoExecute' });
  });

  test('given no nodes declared, then the first described group brings the device plugin and satisfies the GPU quota', () => {
    expect(onprem([], [A100]).text).toEqual(onprem([A100]).text);
  });

  test('a name already used, or a GPU that is not NVIDIA, is refused naming addPool', () => {
    const build = (n: ExistingPoolProps) => errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [A100] }).addPool(n);
    });
    expect(build({ ...A100, nodeCount: 2 })).toMatch(/addPool\("a100"\)\.name \("a100"\) already names GPU nodes of this cluster; choose another name/);
    expect(build({ ...A100, name: 'trn', accelerator: Accelerator.AWS_TRAINIUM })).toMatch(/addPool\("trn"\)\.accelerator \("aws-trainium"\) is not an NVIDIA GPU/);
  });
});
