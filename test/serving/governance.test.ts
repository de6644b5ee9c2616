import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { DataClassification } from '../../lib/core/labels';
import { KubernetesInferenceEndpoint } from '../../lib/serving/kubernetes';
import { Peer } from '../../lib/core/connections';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { ModelArtifact } from '../../lib/serving/model-source';
import { SageMakerInferenceEndpoint } from '../../lib/serving/sagemaker';
import { Traffic } from '../../lib/serving/traffic';
import { VertexInferenceEndpoint } from '../../lib/serving/vertex';
import { RegistryMirrors } from '../../lib/core/images';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { FakeRegistry, image, REGISTRY } from './fixtures';
import { reviewAsSynthesized } from '../util';

/**
 * Every serving target, per traffic strategy and routing, synthesizes with Governance on (baseline +
 * ml-guardrails, serving images restricted to the test registry) and has no error or warning at all.
 */
const labels = { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL };
const parameters = { approvedRegistries: [REGISTRY] };

function review(build: (stack: TerraformStack) => void) {
  return reviewAsSynthesized(build, { labels, parameters });
}

const registry = new FakeRegistry('churn-registry', { churn: ['3', '4'] });
const model = (version: string) => ModelArtifact.fromRegistry(registry, 'churn', version);
const strategies: Array<[string, Traffic]> = [
  ['single', Traffic.single('a')],
  ['canary', Traffic.canary('a', 'b', 10)],
  ['A/B test', Traffic.abTest([{ variant: 'a', weight: 50 }, { variant: 'b', weight: 50 }])],
  ['champion-challenger', Traffic.championChallenger('a', 'b')],
];
const variantsOf = (t: Traffic) => t.variants;

/** An on-prem cluster with a team namespace (NetworkPolicy, Pod Security) and an L4 pool; the endpoint lands in the team's namespace. */
function onPrem(stack: TerraformStack, traffic: Traffic, routing: TrafficRouting) {
  // The cluster's own images (the device plugin) come through the approved registry's mirror, like the serving images.
  RegistryMirrors.configure(stack, { '*': `${REGISTRY}mirror` });
  const cluster = new KubernetesTrainingCluster(stack, 'dc1', {
    clusterName: 'dc1',
    target: KubernetesTarget.fromKubeconfig(stack, 'kube', { clusterName: 'dc1' }),
    teams: [{ team: 'serving', maxGpus: 32 }], // room for the largest split below at max replicas plus surge (capacity contract)
    pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 1, nodeCount: 32, nodeSelector: { gpu: 'l4' } }],
  });
  const target = cluster.teamTarget('serving');
  const endpoint = new KubernetesInferenceEndpoint(stack, 'churn', {
    name: 'churn', target, traffic, routing,
    variants: variantsOf(traffic).map((name, i) => ({ name, model: model(String(3 + i)), image: image(), accelerator: i === 0 ? Accelerator.NVIDIA_L4 : undefined })),
  });
  endpoint.connections.allowDefaultPortFrom(Peer.namespace('web'));
}

const cases: Array<[string, (stack: TerraformStack) => void]> = [
  ...strategies.map(([label, traffic]): [string, (stack: TerraformStack) => void] => [`Kubernetes, Gateway API, ${label}`, (stack) =>
    onPrem(stack, traffic, TrafficRouting.gatewayApi({ gateway: { name: 'inference', namespace: 'gateways' } }))]),
  ...strategies.filter(([, t]) => !t.shadow).map(([label, traffic]): [string, (stack: TerraformStack) => void] => [`Kubernetes, replica-proportional, ${label}`, (stack) =>
    onPrem(stack, traffic, TrafficRouting.replicaProportional({ minReplicas: 10 }))]),
  ...strategies.map(([label, traffic]): [string, (stack: TerraformStack) => void] => [`SageMaker, ${label}`, (stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new SageMakerInferenceEndpoint(stack, 'churn', {
      name: 'churn', traffic, subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'],
      variants: variantsOf(traffic).map((name, i) => ({ name, model: model(String(3 + i)), image: image(), instanceType: i === 0 ? 'ml.g5.xlarge' : 'ml.c6i.xlarge' })),
    });
  }]),
  ...strategies.filter(([, t]) => !t.shadow).map(([label, traffic]): [string, (stack: TerraformStack) => void] => [`Vertex AI, ${label}`, (stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod' });
    new VertexInferenceEndpoint(stack, 'churn', {
      name: 'churn', project: 'ml-prod', location: 'us-central1', endpointId: '1234567', traffic,
      variants: variantsOf(traffic).map((name, i) => ({ name, deployedModelId: String(101 + i), vertexModel: `projects/ml-prod/locations/us-central1/models/churn@${3 + i}`, machineType: 'n2-standard-4' })),
    });
  }]),
];

describe.each(cases)('%s', (_name, build) => {
  const result = review(build);

  test('has no baseline or ml-guardrails error or warning', () => {
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test('every suppression carries a reason', () => {
    for (const f of result.suppressed) expect(f.suppressed?.reason.length).toBeGreaterThan(20);
  });
});

test('the rules can fail: an image outside the approved registry fails synth', () => {
  expect(() => review((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new SageMakerInferenceEndpoint(stack, 'churn', {
      name: 'churn', traffic: Traffic.single('a'), subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'],
      variants: [{ name: 'a', model: model('3'), image: `999999999999.dkr.ecr.us-east-1.amazonaws.com/triton@sha256:${'c'.repeat(64)}`, instanceType: 'ml.c6i.xlarge' }],
    });
  })).toThrow(/ml-serving-image-approved-registry/);
});

test('on local-NVMe instance types the missing volume key is suppressed, with its reason', () => {
  const result = review((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new SageMakerInferenceEndpoint(stack, 'churn', {
      name: 'churn', traffic: Traffic.single('a'), subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'],
      variants: [{ name: 'a', model: model('3'), image: image(), instanceType: 'ml.g5.xlarge' }],
    });
  });
  expect(result.suppressed.map((f) => f.ruleId)).toContain('aws-sagemaker-endpoint-config-encrypted');
});
