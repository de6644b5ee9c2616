import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { StaticModelSource } from '../../lib/core/model-source';
import { EksTrainingCluster } from '../../lib/training/eks';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { EdgeFleet } from '../../lib/edge/fleet';
import { Governance } from '../../lib/governance/governance';
import { MlPlatform } from '../../lib/platform/ml-platform';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { errorOf, synthApp } from '../util';

const digest = (n: string) => `registry.example.com/${n}@sha256:${'a'.repeat(64)}`;
const labels = { owner: 'ml-platform', costCenter: 'cc-1', environment: 'prod' };

function platform(app: any): MlPlatform {
  const p = new MlPlatform(app, 'acme', { name: 'acme', labels });
  const onprem = p.onPrem('onprem', { clusterName: 'dc1', context: 'dc1-admin' });
  new KubernetesTrainingCluster(onprem.stack, 'training', {
    clusterName: 'dc1', target: onprem.target, teams: [{ team: 'vision', maxGpus: 8 }],
    pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 2, nodeSelector: { gpu: 'a100' } }],
  });
  const aws = p.aws('aws', { region: 'eu-west-1' });
  new EksTrainingCluster(aws, 'training', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
  const models = new SecureS3Bucket(aws, 'models', { bucketName: 'acme-models' });
  // The edge fleet (its own stacks) fetches models from the bucket in the AWS stack: a cross-stack reference.
  p.edgeFleet('edge', {
    fleetName: 'defects',
    model: { source: new StaticModelSource('models', `s3://${models.bucket.bucket}`, { detector: ['3'] }), name: 'detector' },
    rings: [{ name: 'all', modelVersion: '3' }],
    sites: [{ name: 'store-1', ring: 'all' }, { name: 'store-2', ring: 'all' }],
    image: digest('detector'), modelFetcher: { image: digest('aws-cli'), credentialsSecret: 'model-reader' },
  });
  return p;
}

describe('MlPlatform', () => {
  let p: MlPlatform | undefined;
  const out = synthApp((app) => { p = platform(app); });

  test('one stack per environment and per edge ring stack, named after the platform', () => {
    // The EKS cluster's in-cluster parts (priority classes, team quotas) are a later layer of acme-aws.
    expect(Object.keys(out).sort()).toEqual(['acme-aws', 'acme-aws-addons', 'acme-edge-all-0', 'acme-onprem']);
  });

  test('every environment carries the platform labels and runs governance', () => {
    expect(out['acme-aws'].resources('aws_eks_cluster')[0].tags).toMatchObject({ owner: 'ml-platform', 'cost-center': 'cc-1' });
    expect(out['acme-edge-all-0'].resources('kubernetes_namespace_v1')[0].metadata.labels.owner).toBe('ml-platform');
  });

  test('a stack that uses another stack\'s resource reads it through an output and remote state', () => {
    const aws = out['acme-aws'].json;
    const edge = out['acme-edge-all-0'].json;
    expect(Object.keys(aws.output ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(edge.data?.terraform_remote_state ?? {})).toHaveLength(1);
    const init = Object.values(edge.resource.kubernetes_deployment_v1 as Record<string, any>)[0].spec.template.spec.init_container[0];
    expect(init.env.find((e: any) => e.name === 'MODEL_URI').value).toMatch(/^s3:\/\/\$\{data\.terraform_remote_state\.[^}]+\}\/detector\/3$/);
  });

  test('the diagram shows each environment with its capabilities and the edge fleet reading models', () => {
    const diagram = p!.diagram();
    expect(diagram).toMatch(/^flowchart LR\n/);
    expect(diagram).toContain('subgraph n_acme_onprem["acme-onprem"]');
    expect(diagram).toContain('KubernetesTrainingCluster<br/>dc1');
    expect(diagram).toContain('EksTrainingCluster<br/>ml');
    expect(diagram).toContain('EdgeFleet acme-edge<br/>2 sites in 1 stacks<br/>all: 2');
    expect(p!.diagram()).toBe(diagram);
  });

  test('an edge fleet\'s rings get their own stacks, each labelled and governed like the environments', () => {
    let fleet: EdgeFleet | undefined;
    const rings = synthApp((app) => {
      const p2 = new MlPlatform(app, 'acme', { name: 'acme', labels });
      fleet = p2.edgeFleet('edge', {
        fleetName: 'defects',
        model: { source: new StaticModelSource('models', 's3://acme-models', { detector: ['3', '4'] }), name: 'detector' },
        rings: [{ name: 'canary', modelVersion: '4' }, { name: 'all', modelVersion: '3' }],
        sites: Array.from({ length: 12 }, (_, i) => ({ name: `store-${i}`, ring: i < 2 ? 'canary' : 'all' })),
        image: digest('detector'), modelFetcher: { image: digest('aws-cli'), credentialsSecret: 'model-reader' },
        sitesPerStack: 5,
      });
    });
    expect(Object.keys(rings).sort()).toEqual(['acme-edge-all-0', 'acme-edge-all-1', 'acme-edge-canary-0']);
    expect(fleet!.stacksOfRing('canary').map((s) => s.node.id)).toEqual(['acme-edge-canary-0']);
    for (const stack of fleet!.stacks) expect(Governance.of(stack).options().packs).toContain('ml-guardrails');
    for (const s of Object.values(rings)) {
      for (const ns of s.resources('kubernetes_namespace_v1')) expect(ns.metadata.labels).toMatchObject({ owner: 'ml-platform', 'cost-center': 'cc-1' });
    }
  });

  test('environment names must be unique', () => {
    expect(errorOf((scope) => {
      const p2 = new MlPlatform(scope.node.root as any, 'p', { name: 'p', labels });
      p2.aws('cloud', { region: 'eu-west-1' });
      p2.aws('cloud', { region: 'eu-west-1' });
    })).toMatch(/environment \("cloud"\) is declared twice/);
  });
});
