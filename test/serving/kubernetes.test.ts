import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { StaticModelSource } from '../../lib/core/model-source';
import { Size, Cpu } from '../../lib/core/units';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { KubernetesInferenceEndpoint, KubernetesInferenceEndpointProps } from '../../lib/serving/kubernetes';
import { Peer } from '../../lib/core/connections';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
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

describe('KubernetesInferenceEndpoint: who reaches the model servers is what its connections admit', () => {
  /** The endpoint (Gateway API routing unless told), then `after` with it, synthesized. */
  function connected(after: (ep: KubernetesInferenceEndpoint) => void = () => undefined, props: Partial<Props> = {}) {
    let ep!: KubernetesInferenceEndpoint;
    const out = synth((stack) => {
      ep = new KubernetesInferenceEndpoint(stack, 'endpoint', { target: gpuTarget(stack), ...base, ...props });
      after(ep);
    });
    return { out, ep, policies: out.resources('kubernetes_network_policy_v1'), server: podsOf(deployment(out, 'v3')) };
  }
  const pods = (namespace: string, labels: Record<string, string> = {}) => ({ namespace, labels });

  test('given Gateway API routing, then the Gateway\'s namespace reaches the serving port, monitoring the metrics port, and nobody else either', () => {
    const { policies, server } = connected();
    expect(reaches(policies, pods('gateways'), server, 8080)).toBe(true);
    expect(reaches(policies, pods('monitoring'), server, 8082)).toBe(true);
    expect(reaches(policies, pods('monitoring'), server, 8080)).toBe(false);
    expect(reaches(policies, pods('gateways'), server, 8082)).toBe(false);
    expect(reaches(policies, pods('web'), server, 8080)).toBe(false);
    // Not even the endpoint's own namespace: every path is one the connections opened.
    expect(reaches(policies, pods('serving', { app: 'batch' }), server, 8080)).toBe(false);
  });

  test('then the endpoint\'s own policy denies by default, and each admitted peer has a policy of its own', () => {
    const { policies, ep } = connected();
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual(['churn-from-gateways', 'churn-from-monitoring-8082', 'churn-ingress']);
    expect(byName['churn-ingress']).toEqual({ pod_selector: { match_labels: { 'ml-platform.io/endpoint': 'churn' } }, policy_types: ['Ingress'] });
    expect(byName['churn-from-gateways']).toEqual({
      pod_selector: { match_labels: { 'ml-platform.io/endpoint': 'churn' } },
      policy_types: ['Ingress'],
      ingress: [{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gateways' } } }], ports: [{ port: '8080', protocol: 'TCP' }] }],
    });
    expect(ep.connections.allowed.map((c) => [c.peer.toString(), c.port])).toEqual([['monitoring', 8082], ['gateways', 8080]]);
  });

  test('when the app admits clients through connections, then exactly those reach the serving port', () => {
    const { policies, server, ep } = connected((e) => {
      e.connections.allowDefaultPortFrom(Peer.namespace('web'));
      e.connections.allowDefaultPortFrom(Peer.pods({ app: 'batch' }));
      e.connections.allowDefaultPortFrom(Peer.namespace('web'));
    });
    expect(reaches(policies, pods('web'), server, 8080)).toBe(true);
    expect(reaches(policies, pods('serving', { app: 'batch' }), server, 8080)).toBe(true);
    expect(reaches(policies, pods('serving', { app: 'other' }), server, 8080)).toBe(false);
    expect(reaches(policies, pods('web'), server, 8082)).toBe(false);
    // Asked twice, admitted once.
    expect(ep.connections.allowed.map((c) => c.peer.toString())).toEqual(['monitoring', 'gateways', 'web', '(same namespace) {"app":"batch"}']);
    expect(policies.filter((p) => p.metadata.name === 'churn-from-web')).toHaveLength(1);
  });

  test('given replica-proportional routing and no client, then no pod reaches the serving port', () => {
    const { policies, server } = connected(undefined, { routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) });
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['churn-from-monitoring-8082', 'churn-ingress']);
    for (const client of [pods('gateways'), pods('serving'), pods('monitoring')]) expect(reaches(policies, client, server, 8080)).toBe(false);
  });

  test('given the Gateway\'s proxy labels, then only the proxies of its namespace are admitted', () => {
    const routing = TrafficRouting.gatewayApi({ gateway: { name: 'inference', namespace: 'gateways', podLabels: { app: 'envoy' } } });
    const { policies, server } = connected(undefined, { routing });
    expect(reaches(policies, pods('gateways', { app: 'envoy' }), server, 8080)).toBe(true);
    expect(reaches(policies, pods('gateways', { app: 'other' }), server, 8080)).toBe(false);
  });

  test('a peer that is not a valid namespace is refused, naming what to fix', () => {
    expect(errorOf((stack) => new KubernetesInferenceEndpoint(stack, 'endpoint', { target: gpuTarget(stack), ...base })
      .connections.allowDefaultPortFrom(Peer.namespace('Web'))))
      .toMatch(/^test\/endpoint: connections\.allowFrom\.namespace \("Web"\) is not a valid name/);
  });

  test('the monitoring namespace is configurable', () => {
    const { policies, server } = connected(undefined, { monitoringNamespace: 'observability' });
    expect(reaches(policies, pods('observability'), server, 8082)).toBe(true);
    expect(reaches(policies, pods('monitoring'), server, 8082)).toBe(false);
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
      // The grant admits the namespace through the store's connections: `<name>-from-<namespace>-<hash of the client labels>`.
      expect(admitting(policies, pods, podsOf(server(out)), 6566).ingress.map((p) => p.metadata.name)).toEqual([expect.stringMatching(/^feast-from-serving-[0-9a-f]{8}$/)]);
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

describe('KubernetesInferenceEndpoint: the routing checks its own options and the variants under it', () => {
  const two = [variant('a', '3'), variant('b', '4')];

  test('a routing that is not a TrafficRouting', () => {
    expect(endpointError({ routing: { kind: 'gateway-api' } as unknown as TrafficRouting }))
      .toBe('test/endpoint: routing ({"kind":"gateway-api"}) must be TrafficRouting.gatewayApi({ gateway }) or TrafficRouting.replicaProportional({ minReplicas })');
  });

  test('Gateway API without a gateway, or with a path that is not one', () => {
    const message = endpointError({ routing: TrafficRouting.gatewayApi({ pathPrefix: 'churn' } as never) });
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/endpoint: routing.gateway (undefined) is required: { name, namespace } of the Gateway to attach to');
    expect(message).toContain('test/endpoint: routing.pathPrefix ("churn") must start with "/"');
  });

  test('Gateway API: a variant whose maxReplicas is below its minReplicas', () => {
    expect(endpointError({ variants: [variant('v3', '3', { minReplicas: 6, maxReplicas: 3 })] }))
      .toBe('test/endpoint: variants[0].maxReplicas (3) is below minReplicas (6); raise it');
  });

  test('replica-proportional: per-variant replicas, and no minReplicas at all', () => {
    expect(endpointError({ variants: [variant('v3', '3', { minReplicas: 2 })], routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) }))
      .toBe('test/endpoint: variants[0].minReplicas (2) is set per variant, but replica-proportional routing derives replicas from ' +
        'routing.minReplicas/maxReplicas and the weights; remove it');
    expect(endpointError({ variants: two, traffic: Traffic.canary('a', 'b', 10), routing: TrafficRouting.replicaProportional({} as never) }))
      .toMatch(/^test\/endpoint: routing\.minReplicas \(undefined\) is required: the replicas of all variants together at rest/);
  });

  test('the routing is named in what monitoring sees', () => {
    let gatewayEp!: KubernetesInferenceEndpoint;
    let replicaEp!: KubernetesInferenceEndpoint;
    synth((stack) => {
      const target = gpuTarget(stack);
      gatewayEp = new KubernetesInferenceEndpoint(stack, 'endpoint', { target, ...base });
      replicaEp = new KubernetesInferenceEndpoint(stack, 'other', { target: target.inNamespace('other'), ...base, routing: TrafficRouting.replicaProportional({ minReplicas: 2 }) });
    });
    expect(gatewayEp.monitoredWorkloads()[0].attributes?.routing).toBe('gateway-api');
    expect(replicaEp.monitoredWorkloads()[0].attributes?.routing).toBe('replica-proportional');
    // The escape hatches: the HTTPRoute and each variant's Service, or the one Service.
    expect([gatewayEp.route?.node.path, gatewayEp.service, gatewayEp.variants.v3.service?.node.path]).toEqual(['test/endpoint/http-route', undefined, 'test/endpoint/v3/service']);
    expect([replicaEp.route, replicaEp.service?.node.path, replicaEp.variants.v3.service]).toEqual([undefined, 'test/other/service', undefined]);
    expect(replicaEp.serviceUrl).toBe('http://churn.other.svc:8080');
  });
});

describe('KubernetesInferenceEndpoint: model artifacts check themselves', () => {
  test('a registry artifact without a registry, and a URI of no known scheme', () => {
    const message = endpointError({
      variants: [{ ...variant('a', '3'), model: ModelArtifact.fromRegistry(undefined as never, 'churn', '3') }, { ...variant('b', '3'), model: ModelArtifact.fromUri('ftp://models/churn') }],
      traffic: Traffic.canary('a', 'b', 10),
    });
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/endpoint: variants[0].model.source (undefined) is required: a model registry');
    expect(message).toContain('test/endpoint: variants[1].model ("ftp://models/churn") is not a model URI; use s3://');
  });

  test('a plain URI is served as given, and its string form is the URI', () => {
    const artifact = ModelArtifact.fromUri('oci://registry.example.com/models/churn:3');
    expect([String(artifact), artifact.uri, artifact.source, artifact.model]).toEqual(['oci://registry.example.com/models/churn:3', 'oci://registry.example.com/models/churn:3', undefined, undefined]);
    const out = endpoint({ variants: [{ ...variant('v3', '3'), model: artifact }] });
    expect(container(out, 'v3').env).toContainEqual({ name: 'MODEL_URI', value: 'oci://registry.example.com/models/churn:3' });
    expect(String(ModelArtifact.fromRegistry(registry, 'churn', '3'))).toBe('churn-registry:churn@3');
  });
});

describe('KubernetesInferenceEndpoint: credentials come from existing secrets, by name only', () => {
  test('given credentialsSecret on a cluster without cloud identity, then its keys are the server\'s environment and a gs:// artifact reads its credentials file', () => {
    const out = endpoint({ credentialsSecret: 'model-reader', variants: [{ ...variant('v3', '3'), model: ModelArtifact.fromUri('gs://ml-models-eu/churn/3/') }] });
    const c = container(out, 'v3');
    expect(c.env_from).toEqual([{ secret_ref: { name: 'model-reader' } }]);
    expect(c.env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/ml-platform/gcp/credentials.json' });
    expect(podSpec(out, 'v3').volume).toContainEqual({ name: 'gcp-credentials', secret: { secret_name: 'model-reader', default_mode: '0440' } });
    expect(container(endpoint(), 'v3').env_from).toBeUndefined();
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('a credentialsSecret that cannot be a secret name, and a registry user\'s password reference without a key', () => {
    const message = endpointError({
      credentialsSecret: 'Model Reader',
      registryUser: { username: 'churn-reader', passwordSecret: { name: 'mlflow-readers' } as never },
    });
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/endpoint: credentialsSecret ("Model Reader") must be the name of an existing Kubernetes secret in the same namespace');
    expect(message).toContain('test/endpoint: registryUser.passwordSecret ({"name":"mlflow-readers"}) is required as { name, key } of an existing Kubernetes secret');
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
