import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { StaticModelSource } from '../../lib/core/model-source';
import { Size, Cpu } from '../../lib/core/units';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { KubernetesInferenceEndpoint, KubernetesInferenceEndpointProps } from '../../lib/serving/kubernetes';
import { ClientSelector, TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { KubernetesVariantProps } from '../../lib/serving/kubernetes-variant';
import { ModelArtifact } from '../../lib/serving/model-source';
import { Traffic } from '../../lib/serving/traffic';
import { MonitoredKind } from '../../lib/core/monitoring-contract';
import { RequiredPodLabels } from '../../lib/core/labels';
import { FeastFeatureStore } from '../../lib/features/feast';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry } from '../../lib/features/feast-stores';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { s3Definitions } from '../features/fixtures';
import { admitting, podsOf, reaches } from '../network';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { errorOf, literalSecrets, synth } from '../util';
import { mlflowOnPrem, onPremTarget } from '../registry/fixtures';
import { cpuTarget, FakeFeatureStore, FakeRegistry, gpuTarget, image } from './fixtures';

const registry = new FakeRegistry('churn-registry', { churn: ['3', '4', '5'] });
const gateway = TrafficRouting.gatewayApi({ gateway: { name: 'inference', namespace: 'gateways' } });
const variant = (name: string, version: string, extra: Partial<KubernetesVariantProps> = {}): KubernetesVariantProps => ({
  name, model: ModelArtifact.fromRegistry(registry, 'churn', version), image: image(), ...extra,
});

type Props = Omit<KubernetesInferenceEndpointProps, 'target'>;
const base: Props = { name: 'churn', variants: [variant('v3', '3')], traffic: Traffic.single('v3'), routing: gateway };

function endpoint(props: Partial<Props> = {}, build?: (stack: TerraformStack) => void) {
  return synth((stack) => {
    build?.(stack);
    new KubernetesInferenceEndpoint(stack, 'endpoint', { target: gpuTarget(stack), ...base, ...props });
  });
}

function endpointError(props: Partial<Props>, target = gpuTarget) {
  return errorOf((stack) => new KubernetesInferenceEndpoint(stack, 'endpoint', { target: target(stack), ...base, ...props } as KubernetesInferenceEndpointProps));
}

const route = (out: ReturnType<typeof endpoint>) => out.resources('kubernetes_manifest')[0].manifest;
/** The one object of a type named `churn-<variant>`. */
const named = (out: ReturnType<typeof endpoint>, type: string, v: string) => {
  const found = out.resources(type).filter((r) => r.metadata.name === `churn-${v}`);
  if (found.length !== 1) throw new Error(`expected one ${type} named churn-${v}, found ${found.length}`);
  return found[0];
};
const deployment = (out: ReturnType<typeof endpoint>, v: string) => named(out, 'kubernetes_deployment_v1', v);
const podSpec = (out: ReturnType<typeof endpoint>, v: string) => deployment(out, v).spec.template.spec;
const container = (out: ReturnType<typeof endpoint>, v: string) => podSpec(out, v).container[0];

describe('KubernetesInferenceEndpoint: Gateway API routing', () => {
  test('single: an HTTPRoute with one backendRef taking 100%, attached to the referenced Gateway', () => {
    const out = endpoint();
    const m = route(out);
    expect(m).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'churn', namespace: 'serving' } });
    expect(m.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference', namespace: 'gateways' }]);
    expect(m.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'churn-v3', port: 8080, weight: 100 }] }]);
  });

  test('canary: weighted backendRefs per variant Service', () => {
    const out = endpoint({ variants: [variant('v3', '3'), variant('v4', '4')], traffic: Traffic.canary('v3', 'v4', 10) });
    expect(route(out).spec.rules[0].backendRefs).toEqual([
      { name: 'churn-v3', port: 8080, weight: 90 },
      { name: 'churn-v4', port: 8080, weight: 10 },
    ]);
    expect(out.resources('kubernetes_service_v1').map((s) => [s.metadata.name, s.spec.selector])).toEqual([
      ['churn-v3', { 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v3' }],
      ['churn-v4', { 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v4' }],
    ]);
  });

  test('A/B test: one backendRef per variant with its weight', () => {
    const out = endpoint({
      variants: [variant('a', '3'), variant('b', '4'), variant('c', '5')],
      traffic: Traffic.abTest([{ variant: 'a', weight: 50 }, { variant: 'b', weight: 30 }, { variant: 'c', weight: 20 }]),
    });
    expect(route(out).spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['churn-a', 50], ['churn-b', 30], ['churn-c', 20]]);
  });

  test('champion-challenger: the champion takes all live traffic and the challenger gets a RequestMirror copy', () => {
    const out = endpoint({ variants: [variant('champion', '3'), variant('challenger', '4')], traffic: Traffic.championChallenger('champion', 'challenger') });
    const rule = route(out).spec.rules[0];
    expect(rule.backendRefs).toEqual([{ name: 'churn-champion', port: 8080, weight: 100 }]);
    expect(rule.filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'churn-challenger', port: 8080 } } }]);
    expect(deployment(out, 'challenger').spec.template.metadata.labels['ml-platform.io/variant']).toBe('challenger');
  });

  test('hostnames, path prefix and listener are passed through', () => {
    const out = endpoint({ routing: TrafficRouting.gatewayApi({ gateway: { name: 'gw', namespace: 'gateways', sectionName: 'https' }, hostnames: ['churn.ml.example.com'], pathPrefix: '/churn' }) });
    expect(route(out).spec).toMatchObject({ hostnames: ['churn.ml.example.com'], parentRefs: [expect.objectContaining({ sectionName: 'https' })] });
    expect(route(out).spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/churn' } }]);
  });

  test('each variant scales on its own bounds', () => {
    const out = endpoint({ variants: [variant('v3', '3', { minReplicas: 3, maxReplicas: 12 }), variant('v4', '4')], traffic: Traffic.canary('v3', 'v4', 5) });
    const hpa = (v: string) => named(out, 'kubernetes_horizontal_pod_autoscaler_v2', v).spec;
    expect([hpa('v3').min_replicas, hpa('v3').max_replicas]).toEqual([3, 12]);
    expect([hpa('v4').min_replicas, hpa('v4').max_replicas]).toEqual([2, 4]);
  });
});

describe('KubernetesInferenceEndpoint: replica-proportional routing', () => {
  const out = endpoint({
    variants: [variant('v3', '3'), variant('v4', '4')],
    traffic: Traffic.canary('v3', 'v4', 10),
    routing: TrafficRouting.replicaProportional({ minReplicas: 10, maxReplicas: 20 }),
  });

  test('replicas are proportional to the weights, at rest and at peak', () => {
    const hpa = (v: string) => named(out, 'kubernetes_horizontal_pod_autoscaler_v2', v).spec;
    expect(deployment(out, 'v3').spec.replicas).toBe('9');
    expect(deployment(out, 'v4').spec.replicas).toBe('1');
    expect([hpa('v3').min_replicas, hpa('v3').max_replicas]).toEqual([9, 18]);
    expect([hpa('v4').min_replicas, hpa('v4').max_replicas]).toEqual([1, 2]);
  });

  test('one Service selects every variant, and there is no HTTPRoute', () => {
    const services = out.resources('kubernetes_service_v1');
    expect(services).toHaveLength(1);
    expect(services[0].metadata.name).toBe('churn');
    expect(services[0].spec.selector).toEqual({ 'ml-platform.io/endpoint': 'churn' });
    expect(out.resources('kubernetes_manifest')).toEqual([]);
  });

  test('maxReplicas defaults to twice minReplicas', () => {
    const o = endpoint({ routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) });
    expect(o.resources('kubernetes_horizontal_pod_autoscaler_v2')[0].spec).toMatchObject({ min_replicas: 2, max_replicas: 4 });
  });
});

describe('KubernetesInferenceEndpoint: pods are hardened and observable', () => {
  const out = endpoint();
  const c = container(out, 'v3');
  const pod = podSpec(out, 'v3');

  test('the image is the digest-pinned one and the model URI reaches the server as MODEL_URI', () => {
    expect(c.image).toBe(image());
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'MODEL_URI', value: 's3://ml-models/churn/3/' },
      { name: 'MODEL_NAME', value: 'churn' },
      { name: 'MODEL_VERSION', value: '3' },
      { name: 'MODEL_DIR', value: '/mnt/models' },
    ]));
  });

  test('pod and container security contexts are restricted-profile compliant', () => {
    expect(pod.security_context).toEqual({ run_as_non_root: true, run_as_user: '1000', run_as_group: '1000', fs_group: '1000', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(c.security_context).toEqual({
      run_as_non_root: true, allow_privilege_escalation: false, privileged: false, read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] }, seccomp_profile: { type: 'RuntimeDefault' },
    });
  });

  test('/tmp and the model directory are emptyDirs, since the root filesystem is read-only', () => {
    expect(c.volume_mount).toEqual([{ name: 'tmp', mount_path: '/tmp' }, { name: 'model-cache', mount_path: '/mnt/models' }]);
    expect(pod.volume).toEqual([{ name: 'tmp', empty_dir: { size_limit: '1Gi' } }, { name: 'model-cache', empty_dir: { size_limit: '20Gi' } }]);
  });

  test('probes default to the v2 inference protocol health paths, with a startup allowance of 10 minutes', () => {
    expect(c.readiness_probe.http_get).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(c.liveness_probe.http_get).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(c.startup_probe).toMatchObject({ period_seconds: 10, failure_threshold: 60 });
  });

  test('probe paths are configurable', () => {
    const o = endpoint({ probes: { readinessPath: '/ready', livenessPath: '/healthz' } });
    expect(container(o, 'v3').readiness_probe.http_get.path).toBe('/ready');
    expect(container(o, 'v3').liveness_probe.http_get.path).toBe('/healthz');
  });

  test('requests equal limits, with units; the serving priority class; named serving and metrics ports', () => {
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '1', memory: '4Gi' } });
    expect(pod.priority_class_name).toBe('ml-serving');
    expect(c.port).toEqual([{ name: 'http', container_port: 8080, protocol: 'TCP' }, { name: 'metrics', container_port: 8082, protocol: 'TCP' }]);
    const o = endpoint({ variants: [variant('v3', '3', { cpu: Cpu.millis(500), memory: Size.mebibytes(1536) })] });
    expect(container(o, 'v3').resources.requests).toEqual({ cpu: '500m', memory: '1536Mi' });
  });

  test('rollouts never drop capacity, and the autoscaler owns the replica count', () => {
    const d = deployment(out, 'v3');
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '25%', max_unavailable: '0' } });
    expect(d.lifecycle.ignore_changes).toEqual(['spec[0].replicas']);
    expect(out.resources('kubernetes_horizontal_pod_autoscaler_v2')[0].spec).toMatchObject({
      scale_target_ref: { api_version: 'apps/v1', kind: 'Deployment' },
      metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } } }],
    });
  });

  test('a PodDisruptionBudget lets drains progress one pod at a time', () => {
    expect(out.resources('kubernetes_pod_disruption_budget_v1')[0].spec).toEqual({
      max_unavailable: '1', selector: { match_labels: { 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v3' } },
    });
  });

  test('the pods run as the endpoint\'s own service account', () => {
    expect(pod.service_account_name).toBe('churn-serving');
    expect(out.resources('kubernetes_service_account_v1')[0]).toMatchObject({ metadata: { name: 'churn-serving', namespace: 'serving' }, automount_service_account_token: false });
  });

  test('no literal secret and identical output on every synth', () => {
    expect(literalSecrets(out.json)).toEqual([]);
    expect(endpoint().text).toBe(out.text);
  });
});

describe('KubernetesInferenceEndpoint: GPU scheduling', () => {
  test('a GPU variant requests the device and carries the pool\'s node selector and tolerations', () => {
    const out = endpoint({ variants: [variant('v3', '3', { accelerator: Accelerator.NVIDIA_L4 })] });
    const pod = podSpec(out, 'v3');
    expect(pod.node_selector).toEqual({ 'ml-platform.io/pool': 'l4' });
    expect(pod.toleration).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pod.container[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(pod.container[0].resources.requests['nvidia.com/gpu']).toBe('1');
  });

  test('the pool with enough accelerators per node is chosen', () => {
    const out = endpoint({ variants: [variant('v3', '3', { accelerator: Accelerator.NVIDIA_H100, acceleratorCount: 8 })] });
    expect(podSpec(out, 'v3').node_selector).toEqual({ 'ml-platform.io/pool': 'h100' });
    expect(podSpec(out, 'v3').container[0].resources.limits['nvidia.com/gpu']).toBe('8');
  });

  test('a CPU variant has no node selector or toleration', () => {
    const pod = podSpec(endpoint(), 'v3');
    expect(pod.node_selector).toBeUndefined();
    expect(pod.toleration).toBeUndefined();
  });
});

describe('KubernetesInferenceEndpoint: network policy', () => {
  test('Gateway API: the serving port admits declared clients and the Gateway namespace; metrics admit only monitoring', () => {
    const out = endpoint({ allowedClients: [ClientSelector.namespace('web'), ClientSelector.pods({ app: 'batch' })] });
    const np = out.resources('kubernetes_network_policy_v1')[0];
    expect(np.spec.pod_selector).toEqual({ match_labels: { 'ml-platform.io/endpoint': 'churn' } });
    expect(np.spec.policy_types).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([
      {
        ports: [{ port: '8080', protocol: 'TCP' }],
        from: [
          { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'web' } } },
          { pod_selector: { match_labels: { app: 'batch' } } },
          { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gateways' } } },
        ],
      },
      { ports: [{ port: '8082', protocol: 'TCP' }], from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
    ]);
  });

  test('with no client at all, no serving rule is written (a rule without "from" would admit everyone)', () => {
    const out = endpoint({ routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) });
    const ingress = out.resources('kubernetes_network_policy_v1')[0].spec.ingress;
    expect(ingress).toHaveLength(1);
    expect(ingress[0].ports).toEqual([{ port: '8082', protocol: 'TCP' }]);
  });
});

describe('KubernetesInferenceEndpoint: identity, registry and feature store', () => {
  test('the registry and the feature store grant read to the endpoint\'s workload identity', () => {
    const reg = new FakeRegistry('r', { churn: ['3'] });
    const features = new FakeFeatureStore();
    const out = synth((stack) => new KubernetesInferenceEndpoint(stack, 'endpoint', {
      ...base, target: gpuTarget(stack), featureStore: features,
      variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(reg, 'churn', '3'), image: image() }],
    }));
    expect(reg.granted).toEqual(['churn-serving']);
    expect(features.granted).toEqual(['churn-serving']);
    expect(container(out, 'v3').env).toContainEqual({ name: 'FEATURE_STORE_ENDPOINT', value: 'feast-online.features.svc:6566' });
  });

  test('on EKS, a plain S3 URI is granted read-only on its prefix (and its key) through the Pod Identity role', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const target = KubernetesTarget.fromKubeconfig(stack, 'eks', { clusterName: 'ml', namespace: 'serving' });
      const eks = KubernetesTarget.fromProvider(target.provider, { clusterName: 'ml', namespace: 'serving', identity: WorkloadIdentityMode.eksPodIdentity('ml') });
      new KubernetesInferenceEndpoint(stack, 'endpoint', {
        ...base, target: eks,
        variants: [{ name: 'v3', model: ModelArtifact.fromUri('s3://models-bucket/churn/3/', { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' }), image: image() }],
      });
    });
    const policy = JSON.parse(out.resources('aws_iam_role_policy')[0].policy);
    expect(policy.Statement).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: expect.stringMatching(/:s3:::models-bucket$/), Condition: { StringLike: { 's3:prefix': ['churn/3/*'] } } },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [expect.stringMatching(/:s3:::models-bucket\/churn\/3\/\*$/)] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: ['arn:aws:kms:us-east-1:123456789012:key/abc'] },
    ]);
    expect(out.resources('aws_eks_pod_identity_association')[0]).toMatchObject({ namespace: 'serving', service_account: 'churn-serving' });
  });

  test('a source that cannot grant (StaticModelSource) is granted from its S3 URI instead', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const kube = KubernetesTarget.fromKubeconfig(stack, 'eks', { clusterName: 'ml', namespace: 'serving' });
      const eks = KubernetesTarget.fromProvider(kube.provider, { clusterName: 'ml', namespace: 'serving', identity: WorkloadIdentityMode.eksPodIdentity('ml') });
      const source = new StaticModelSource('models', 's3://models-bucket/registry', { churn: ['3'] });
      new KubernetesInferenceEndpoint(stack, 'endpoint', { ...base, target: eks, variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(source, 'churn', '3'), image: image() }] });
    });
    const policy = JSON.parse(out.resources('aws_iam_role_policy')[0].policy);
    expect(policy.Statement[1].Resource).toEqual([expect.stringMatching(/:s3:::models-bucket\/registry\/churn\/3\*$/)]);
  });

  test('the endpoint is monitorable: one scrape job per variant on the metrics port, SLOs and GPU use', () => {
    let ep!: KubernetesInferenceEndpoint;
    synth((stack) => {
      ep = new KubernetesInferenceEndpoint(stack, 'endpoint', {
        ...base, target: gpuTarget(stack), slo: { latencyP99Ms: 250, errorRatePercent: 1 },
        variants: [variant('v3', '3', { accelerator: Accelerator.NVIDIA_L4 }), variant('v4', '4')], traffic: Traffic.canary('v3', 'v4', 10),
      });
    });
    const [w] = ep.monitoredWorkloads();
    expect(w).toMatchObject({ kind: MonitoredKind.INFERENCE_ENDPOINT, name: 'churn', clusterName: 'dc1', slo: { latencyP99Ms: 250, errorRatePercent: 1 }, usesGpus: true });
    expect(w.scrape).toEqual([
      { jobName: 'inference-churn-v3', namespace: 'serving', podLabels: { 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v3' }, portName: 'metrics', path: '/metrics', workload: ep.variants.v3.deployment },
      { jobName: 'inference-churn-v4', namespace: 'serving', podLabels: { 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v4' }, portName: 'metrics', path: '/metrics', workload: ep.variants.v4.deployment },
    ]);
  });
});

describe('KubernetesInferenceEndpoint: online features from Feast pass every NetworkPolicy in the way', () => {
  /**
   * Given Feast in namespace `features` and the churn endpoint (a canary: two variants) in `endpointNamespace`
   * of the same cluster, reading features from it.
   */
  function endpointReadingFeast(endpointNamespace = 'serving', after?: (stack: TerraformStack, ep: KubernetesInferenceEndpoint) => void) {
    return synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const target = gpuTarget(stack, endpointNamespace);
      const features = new FeastFeatureStore(stack, 'features', {
        target: target.inNamespace('features'), definitions: s3Definitions(),
        registry: FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }),
        offlineStore: FeastOfflineStore.s3Files(new SecureS3Bucket(stack, 'lake', { bucketName: 'ml-features-offline' })),
        onlineStore: FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } }),
        credentialsSecret: 'feast-aws-credentials',
      });
      const ep = new KubernetesInferenceEndpoint(stack, 'endpoint', {
        ...base, target, featureStore: features,
        variants: [variant('v3', '3'), variant('v4', '4')], traffic: Traffic.canary('v3', 'v4', 10),
      });
      after?.(stack, ep);
    });
  }
  const server = (out: ReturnType<typeof endpoint>) => out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'feast-server');
  const serverPort = (out: ReturnType<typeof endpoint>) => server(out).spec.template.spec.container[0].port[0].container_port;

  test('every variant\'s pods carry the feature store\'s client label, and the grant admits their namespace on the server port', () => {
    const out = endpointReadingFeast();
    const policies = out.resources('kubernetes_network_policy_v1');
    expect(serverPort(out)).toBe(6566);
    for (const v of ['v3', 'v4']) {
      const pods = podsOf(deployment(out, v));
      expect(pods.labels).toMatchObject({ 'feast.ml-platform.io/feast-client': 'true', 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': v });
      expect(reaches(policies, pods, podsOf(server(out)), 6566)).toBe(true);
      expect(admitting(policies, pods, podsOf(server(out)), 6566).ingress.map((p) => p.metadata.name)).toEqual(['feast-from-serving']);
    }
    // The selector is unchanged: the Deployment keeps its pods across the label change.
    expect(deployment(out, 'v3').spec.selector.match_labels).toEqual({ 'ml-platform.io/endpoint': 'churn', 'ml-platform.io/variant': 'v3' });
  });

  test('the label is what admits them: pods of the same namespace without it are refused', () => {
    const out = endpointReadingFeast();
    const unlabelled = { namespace: 'serving', labels: { 'ml-platform.io/endpoint': 'churn' } };
    expect(reaches(out.resources('kubernetes_network_policy_v1'), unlabelled, podsOf(server(out)), 6566)).toBe(false);
  });

  test('in the feature store\'s own namespace, the server\'s own policy admits the labelled pods', () => {
    const out = endpointReadingFeast('features');
    const policies = out.resources('kubernetes_network_policy_v1');
    const pods = podsOf(deployment(out, 'v3'));
    expect(reaches(policies, pods, podsOf(server(out)), 6566)).toBe(true);
    expect(admitting(policies, pods, podsOf(server(out)), 6566).ingress.map((p) => p.metadata.name)).toEqual(['feast-server-ingress']);
  });

  test('labels a producer records for the endpoint\'s identity after the endpoint was declared still land on its pods', () => {
    const out = endpointReadingFeast('serving', (_stack, ep) => RequiredPodLabels.add(ep.identity, { 'example.com/reader': 'true' }, ep));
    expect(podsOf(deployment(out, 'v4')).labels['example.com/reader']).toBe('true');
  });

  test('the feature server reaches its Redis, and so do the apply Job and the materialization CronJobs', () => {
    const out = endpointReadingFeast();
    const policies = out.resources('kubernetes_network_policy_v1');
    const redis = podsOf(out.resources('kubernetes_stateful_set_v1')[0]);
    const clients = [server(out), ...out.resources('kubernetes_job_v1'), ...out.resources('kubernetes_cron_job_v1')];
    expect(clients).toHaveLength(4);
    for (const client of clients) expect(reaches(policies, podsOf(client), redis, 6379)).toBe(true);
    expect(reaches(policies, podsOf(deployment(out, 'v3')), redis, 6379)).toBe(false);
  });
});

describe('KubernetesInferenceEndpoint: validation says what to do', () => {
  const two = [variant('a', '3'), variant('b', '4')];

  test('weights that do not sum to 100', () => {
    expect(endpointError({ variants: two, traffic: Traffic.abTest([{ variant: 'a', weight: 60 }, { variant: 'b', weight: 30 }]) }))
      .toBe('test/endpoint: traffic.weights ("a: 60, b: 30") sum to 90; make the weights sum to 100');
  });

  test('a canary above 50%', () => {
    expect(endpointError({ variants: two, traffic: Traffic.canary('a', 'b', 60) }))
      .toBe('test/endpoint: traffic.canaryPercent (60) is above 50%: a canary takes the minority of traffic; promote it with Traffic.single(canary) or use Traffic.abTest');
  });

  test('duplicate variants', () => {
    expect(endpointError({ variants: [variant('a', '3'), variant('a', '4')], traffic: Traffic.single('a') }))
      .toBe('test/endpoint: variants[1] ("a") repeats an earlier variant name; give each variant name a unique value');
    expect(endpointError({ variants: two, traffic: Traffic.abTest([{ variant: 'a', weight: 50 }, { variant: 'a', weight: 50 }]) }))
      .toMatch(/traffic \("a"\) names this variant twice; name each variant once/);
  });

  test('a variant the strategy names but nobody declared, and one declared but sent nothing', () => {
    const message = endpointError({ variants: two, traffic: Traffic.canary('a', 'c', 10) });
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/endpoint: traffic ("c") is not a declared variant (declared: a, b); declare it in variants or fix the name');
    expect(message).toContain('test/endpoint: variants ("b") is declared but the traffic strategy sends it nothing; name it in traffic (canary) or remove it');
  });

  test('a GPU on a cluster without GPU pools, and an accelerator the cluster has no pool of', () => {
    expect(endpointError({ variants: [variant('a', '3', { accelerator: Accelerator.NVIDIA_L4 })], traffic: Traffic.single('a') }, cpuTarget))
      .toBe('test/endpoint: variants[0].accelerator ("nvidia-l4") is requested but cluster cpu has no accelerator pools; ' +
        'add a pool of nvidia-l4 to the cluster (or to KubernetesTarget acceleratorNodes), or serve this variant on CPU');
    expect(endpointError({ variants: [variant('a', '3', { accelerator: Accelerator.NVIDIA_A100_80GB })], traffic: Traffic.single('a') }))
      .toBe('test/endpoint: variants[0].accelerator ("nvidia-a100-80gb") has no pool on cluster dc1 (pools: l4 (nvidia-l4), h100 (nvidia-h100)); add a pool of it or request one the cluster has');
    expect(endpointError({ variants: [variant('a', '3', { accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 2 })], traffic: Traffic.single('a') }))
      .toBe('test/endpoint: variants[0].acceleratorCount (2) is more than any nvidia-l4 pool has per node (1); lower it or add a pool with more per node');
  });

  test('a model version the registry does not have', () => {
    expect(endpointError({ variants: [variant('a', '9')], traffic: Traffic.single('a') }))
      .toBe('test/endpoint: variants[0].model.version ("churn@9") is not a version registry churn-registry has; register it first or pick a registered version');
  });

  test('replica-proportional with too few replicas says how many are needed', () => {
    expect(endpointError({ variants: two, traffic: Traffic.canary('a', 'b', 5), routing: TrafficRouting.replicaProportional({ minReplicas: 10, maxReplicas: 40 }) }))
      .toBe('test/endpoint: routing.minReplicas (10) cannot express the split a: 95, b: 5 with equal replicas; use a multiple of 20 (at least 20), or use TrafficRouting.gatewayApi for exact weights');
  });

  test('shadow traffic on replica-proportional routing points at Gateway API', () => {
    expect(endpointError({ variants: two, traffic: Traffic.championChallenger('a', 'b'), routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) }))
      .toMatch(/^test\/endpoint: traffic \(champion-challenger\(a: 100; shadow b\)\) needs request mirroring, which replica-proportional routing cannot do .*use routing: TrafficRouting.gatewayApi\(\{ gateway \}\)/);
  });

  test('an image not pinned by digest shows the digest form of the same repository', () => {
    expect(endpointError({ variants: [{ ...variant('a', '3'), image: 'nvcr.io/nvidia/tritonserver:24.08-py3' }], traffic: Traffic.single('a') }))
      .toBe('test/endpoint: variants[0].image ("nvcr.io/nvidia/tritonserver:24.08-py3") is not pinned by digest; use nvcr.io/nvidia/tritonserver@sha256:<64 hex digest> ' +
        '(resolve it with `crane digest` or `docker buildx imagetools inspect`) so what was reviewed is what runs');
  });

  test('every problem is reported at once', () => {
    const message = endpointError({
      name: 'Churn',
      variants: [{ ...variant('a', '9'), image: 'triton:latest' }, variant('b', '4')],
      traffic: Traffic.abTest([{ variant: 'a', weight: 70 }, { variant: 'b', weight: 20 }]),
    });
    expect(message).toMatch(/^4 problems:/);
    for (const prop of ['name', 'traffic.weights', 'variants[0].model.version', 'variants[0].image']) expect(message).toContain(`test/endpoint: ${prop} (`);
  });
});

// ---- Defect 5: an endpoint serving models:/ from MLflow gets what MLflow needs, and MLflow grants it ----
describe('KubernetesInferenceEndpoint: models:/ from an MLflow registry', () => {
  const modelEnv = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.value_from]));
  /** MLflow on-prem in namespace ml, and the endpoint in namespace serving of the same cluster. */
  function served(props: Partial<Props> | ((registry: MlflowModelRegistry) => Partial<Props>) = {}) {
    let registry!: MlflowModelRegistry;
    const out = synth((stack) => {
      const mlops = onPremTarget(stack);
      registry = mlflowOnPrem(stack, mlops, { releasedVersions: { churn: ['3', '4'] } });
      new KubernetesInferenceEndpoint(stack, 'endpoint', {
        ...base, target: mlops.inNamespace('serving'), routing: TrafficRouting.replicaProportional({ minReplicas: 2 }),
        variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(registry, 'churn', '3'), image: image() }],
        ...(typeof props === 'function' ? props(registry) : props),
      });
    });
    const server = out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'mlflow');
    return { out, registry, server, serving: deployment(out, 'v3').spec.template.spec.container[0] };
  }

  test('the model server gets MLFLOW_TRACKING_URI, its user, and the password by secret reference only', () => {
    const { out, serving } = served();
    expect(modelEnv(serving)).toMatchObject({
      MODEL_URI: 'models:/churn/3',
      MLFLOW_TRACKING_URI: 'http://mlflow.ml.svc:5000',
      MLFLOW_TRACKING_USERNAME: 'serving.churn-serving',
      MLFLOW_TRACKING_PASSWORD: { secret_key_ref: { name: 'churn-mlflow', key: 'password' } },
    });
    expect(serving.env.filter((e: any) => /PASSWORD/.test(e.name) && e.value !== undefined)).toEqual([]);
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('MLflow grants that user READ on the model (applied by the server at start) and admits the endpoint\'s namespace', () => {
    const { out, registry, server } = served();
    expect(registry.modelGrants).toEqual([{ username: 'serving.churn-serving', model: 'churn', versions: ['3'], permission: 'READ' }]);
    const c = server.spec.template.spec.container[0];
    expect(JSON.parse(modelEnv(c).MLFLOW_MODEL_GRANTS)).toEqual(registry.modelGrants);
    // The user's password comes from the registry's users secret, under the user name.
    expect(modelEnv(c).MLFLOW_USERS_DIR).toBe('/etc/mlflow/users');
    expect(server.spec.template.spec.volume).toContainEqual({ name: 'users', secret: { secret_name: 'mlflow-users', optional: true, default_mode: '0440' } });
    expect(c.volume_mount).toContainEqual({ name: 'users', mount_path: '/etc/mlflow/users', read_only: true });
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'mlflow-from-serving');
    expect(policy.spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'serving' } } }]);
    expect(policy.spec.pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow' });
  });

  test('a named registry user is used as given; the variant\'s own env wins on a name clash', () => {
    const named = served({ registryUser: { username: 'churn-reader', passwordSecret: { name: 'mlflow-readers', key: 'churn' } } });
    expect(modelEnv(named.serving)).toMatchObject({
      MLFLOW_TRACKING_USERNAME: 'churn-reader', MLFLOW_TRACKING_PASSWORD: { secret_key_ref: { name: 'mlflow-readers', key: 'churn' } },
    });
    expect(named.registry.modelGrants.map((g) => g.username)).toEqual(['churn-reader']);
    const proxied = served((registry) => ({
      variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(registry, 'churn', '3'), image: image(), env: { MLFLOW_TRACKING_URI: 'http://mlflow-cache.serving.svc:8080' } }],
    }));
    expect(proxied.serving.env.filter((e: any) => e.name === 'MLFLOW_TRACKING_URI')).toEqual([{ name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow-cache.serving.svc:8080' }]);
  });

  test('a variant that does not read from MLflow gets nothing MLflow-specific, and MLflow grants nothing', () => {
    const { registry, serving } = served({ variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(new FakeRegistry('x', { churn: ['3'] }), 'churn', '3'), image: image() }] });
    expect(serving.env.map((e: any) => e.name)).not.toContain('MLFLOW_TRACKING_URI');
    expect(registry.modelGrants).toEqual([]);
  });

  test('a registry user name that cannot be a secret key is refused with the fix', () => {
    expect(() => served({ registryUser: { username: 'churn reader', passwordSecret: { name: 'mlflow-readers', key: 'churn' } } }))
      .toThrow('test/endpoint: variants[0].model.registryUser.username ("churn reader") must be letters, digits, "-", "_" and "." ' +
        '(it is a key of secret mlflow-users), e.g. "serving.churn"');
  });
});
