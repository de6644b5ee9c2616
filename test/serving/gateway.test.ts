import { App, TerraformStack, Testing } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { recordedCustomResources } from '../../lib/core/private/custom-resources';
import { checkStacksDeployOrder } from '../../lib/platform/deploy-order';
import { HelmProvider } from '../../lib/core/private/helm';
import { GATEWAY_API_VERSION, GatewayApi, GatewayApiProps } from '../../lib/serving/gateway';
import { ENVOY_GATEWAY_VERSION, GatewayController, GkeGatewayClass } from '../../lib/serving/gateway-controller';
import { KubernetesInferenceEndpoint } from '../../lib/serving/kubernetes';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { ModelArtifact } from '../../lib/serving/model-source';
import { PlatformGateway, PlatformGatewayProps } from '../../lib/serving/platform-gateway';
import { Traffic } from '../../lib/serving/traffic';
import { GkeTrainingCluster } from '../../lib/training/gke';
import { admitting, podsOf, reaches } from '../network';
import { parse, Synth } from '../util';
import { FakeRegistry, image } from './fixtures';

/** An environment's cluster add-ons and workloads stacks, the workloads applied after the add-ons. */
interface Layers {
  readonly app: App;
  readonly addons: TerraformStack;
  readonly workloads: TerraformStack;
  readonly target: KubernetesTarget;
  readonly helm: HelmProvider;
}

function layers(platform = KubernetesPlatform.EXISTING): Layers {
  const app = Testing.app();
  const addons = new TerraformStack(app, 'addons');
  const workloads = new TerraformStack(app, 'workloads');
  const target = KubernetesTarget.fromKubeconfig(addons, 'dc1', { clusterName: 'dc1', platform });
  const helm = new HelmProvider(addons, 'helm', {
    kubernetes: { host: 'https://dc1.example.com', clusterCaCertificate: 'pem', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: [] } },
  });
  return { app, addons, workloads, target, helm };
}

/** Synthesizes with validations on (as `cdktf synth`), keeping the `//` metadata the deploy-order check reads. */
function synthesize(stack: TerraformStack): Synth & { metadata: any } {
  const out = parse(Testing.synth(stack, true));
  return { ...out, metadata: JSON.parse(JSON.stringify(stack.toTerraform()))['//'] };
}

const gatewayApi = (l: Layers, props: Partial<GatewayApiProps> = {}) =>
  new GatewayApi(l.addons, 'gateway-api', { target: l.target, helmProvider: l.helm, ...props });
const listeners = [{ tlsSecret: 'gateway-tls', hostname: '*.ml.example.com' }];
const errorOf = (build: () => void): string => {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
};
const manifests = (out: Synth, kind: string) => out.resources('kubernetes_manifest').filter((m) => m.manifest?.kind === kind);

describe('GatewayApi with Envoy Gateway (the default)', () => {
  const l = layers();
  gatewayApi(l);
  const out = synthesize(l.addons);
  const crds = out.resources('kubernetes_manifest').filter((m) => typeof m.manifest === 'string' && m.manifest.includes('crd-source'));
  const sources = out.data('http');

  test('given defaults, then every standard-channel CRD of the pinned bundle is applied from its release commit', () => {
    const gatewayApiUrls = sources.map((s) => s.url).filter((u: string) => u.includes('kubernetes-sigs/gateway-api'));
    expect(GATEWAY_API_VERSION).toBe('v1.6.1');
    expect(gatewayApiUrls.filter((u: string) => u.includes('config/crd/standard/gateway.networking.k8s.io_') && !u.includes('vap_'))).toHaveLength(10);
    for (const url of gatewayApiUrls) {
      expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/kubernetes-sigs\/gateway-api\/8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3\/config\/crd\/standard\//);
    }
    const httproutes = sources.find((s) => s.url.endsWith('gateway.networking.k8s.io_httproutes.yaml'));
    expect(httproutes.lifecycle.postcondition).toEqual([
      { condition: '${self.status_code == 200}', error_message: expect.stringContaining('did not answer 200') },
      { condition: '${sha256(self.response_body) == "a424a0d6c953b162e71d1d97bb7e75012d8f1ac264e7274f2763d1b96ab39852"}', error_message: expect.stringContaining('not the pinned document') },
    ]);
  });

  test('then each CRD is applied server-side from its verified document and protected from destroy', () => {
    // 10 Gateway API CRDs and Envoy Gateway's 8.
    expect(crds).toHaveLength(18);
    for (const crd of crds) {
      expect(crd.manifest).toMatch(/^\$\{yamldecode\(data\.http\.gateway-api_crd-source-[a-z0-9-]+_[0-9A-F]{8}\.response_body\)\}$/);
      expect(crd.lifecycle).toEqual({ prevent_destroy: true });
      expect(crd.wait).toEqual({ condition: [{ type: 'Established', status: 'True' }] });
      expect(crd.provider).toBe('kubernetes.dc1');
    }
  });

  test('then the standard install\'s safe-upgrades policy and binding are applied from their one file', () => {
    const policy = out.resources('kubernetes_manifest').filter((m) => typeof m.manifest === 'string' && m.manifest.includes('safe-upgrades-source'));
    expect(policy.map((p) => p.manifest).sort()).toEqual([
      expect.stringMatching(/^\$\{yamldecode\(element\(split\("\\n---\\n", data\.http\.gateway-api_safe-upgrades-source_\w+\.response_body\), 0\)\)\}$/),
      expect.stringMatching(/, 1\)\)\}$/),
    ]);
  });

  test('then Envoy Gateway\'s own CRDs come from the chart release they belong to', () => {
    const envoy = sources.filter((s) => s.url.includes('envoyproxy/gateway'));
    expect(envoy.map((s) => s.url.replace(/.*gateway\.envoyproxy\.io_/, ''))).toEqual([
      'backends.yaml', 'backendtrafficpolicies.yaml', 'clienttrafficpolicies.yaml', 'envoyextensionpolicies.yaml',
      'envoypatchpolicies.yaml', 'envoyproxies.yaml', 'httproutefilters.yaml', 'securitypolicies.yaml',
    ]);
    expect(envoy[0].url).toContain('/envoyproxy/gateway/39763b1c07ec30a5526fe70434a2cfe4181de642/charts/gateway-helm/charts/crds/crds/generated/');
  });

  test('then the controller is the pinned chart, without its experimental-channel CRDs, HA, in Gateway Namespace Mode', () => {
    const [release] = out.resources('helm_release');
    expect(ENVOY_GATEWAY_VERSION).toBe('v1.9.0');
    expect(release).toMatchObject({
      name: 'eg', repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0', namespace: 'envoy-gateway-system',
      skip_crds: true, atomic: true, provider: 'helm',
    });
    expect(JSON.parse(release.values[0])).toEqual({
      crds: { enabled: false },
      deployment: { replicas: 2 },
      podDisruptionBudget: { minAvailable: 1 },
      config: { envoyGateway: { provider: { type: 'Kubernetes', kubernetes: { deploy: { type: 'GatewayNamespace' } } } } },
    });
    // Installed after its namespace and every CRD.
    expect(release.depends_on).toHaveLength(1 + 18);
    expect(release.depends_on[0]).toMatch(/^kubernetes_namespace_v1\./);
  });

  test('then the controller namespace enforces Pod Security restricted', () => {
    expect(out.resources('kubernetes_namespace_v1')[0].metadata).toEqual({
      name: 'envoy-gateway-system',
      labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }),
    });
  });

  test('then the helm and http providers are pinned in required_providers', () => {
    expect(out.json.terraform.required_providers).toMatchObject({
      helm: { source: 'hashicorp/helm', version: '3.1.2' },
      http: { source: 'hashicorp/http', version: '3.6.0' },
    });
    expect(out.json.provider.http).toEqual([{}]);
  });

  test('then the stack records every kind it makes available under //.ml_platform.crds, by the installing construct', () => {
    const recorded = recordedCustomResources({ '//': out.metadata });
    expect(Object.keys(recorded)).toHaveLength(18);
    expect(recorded).toMatchObject({
      'gateway.networking.k8s.io/HTTPRoute': 'addons/gateway-api',
      'gateway.networking.k8s.io/Gateway': 'addons/gateway-api',
      'gateway.networking.k8s.io/GatewayClass': 'addons/gateway-api',
      'gateway.envoyproxy.io/EnvoyProxy': 'addons/gateway-api',
    });
  });
});

describe('GatewayApi with a controller you run', () => {
  test('given existing(), then the standard CRDs are installed and nothing else', () => {
    const l = layers();
    const api = gatewayApi(l, { controller: GatewayController.existing({ gatewayClassName: 'istio' }), helmProvider: undefined });
    const out = synthesize(l.addons);
    expect(api.gatewayClassName).toBe('istio');
    expect(out.data('http')).toHaveLength(11);
    expect(out.resources('helm_release')).toHaveLength(0);
    expect(Object.keys(recordedCustomResources({ '//': out.metadata }))).toHaveLength(10);
  });

  test('given installCrds off, then nothing is applied and the core kinds are recorded', () => {
    const l = layers();
    gatewayApi(l, { controller: GatewayController.existing({ gatewayClassName: 'cilium', installCrds: false }), safeUpgradePolicy: true });
    const out = synthesize(l.addons);
    expect(out.json.resource?.kubernetes_manifest).toBeUndefined();
    expect(out.json.data).toBeUndefined();
    expect(Object.keys(recordedCustomResources({ '//': out.metadata }))).toEqual([
      'gateway.networking.k8s.io/GRPCRoute', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass',
      'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/ReferenceGrant',
    ]);
  });

  test('given safeUpgradePolicy off (Kubernetes before 1.30), then only the CRDs are applied', () => {
    const l = layers();
    gatewayApi(l, { controller: GatewayController.existing({ gatewayClassName: 'istio' }), safeUpgradePolicy: false });
    expect(synthesize(l.addons).data('http')).toHaveLength(10);
  });
});

describe('GatewayApi with GKE\'s controller', () => {
  const gkeCluster = { clusterName: 'dc1', gatewayApi: true };

  test('given a GKE cluster with the Gateway API on, then nothing is installed in the cluster and the core kinds are recorded', () => {
    const l = layers(KubernetesPlatform.GKE);
    const api = gatewayApi(l, { controller: GatewayController.gke({ cluster: gkeCluster }), helmProvider: undefined });
    const out = synthesize(l.addons);
    expect(api.gatewayClassName).toBe('gke-l7-rilb');
    expect(out.json.resource).toBeUndefined();
    expect(recordedCustomResources({ '//': out.metadata })['gateway.networking.k8s.io/HTTPRoute']).toBe('addons/gateway-api');
  });

  test('given a GkeTrainingCluster, then it is accepted as the cluster (its Gateway API is on by default)', () => {
    const app = Testing.app();
    const infra = new TerraformStack(app, 'infra');
    new GoogleProvider(infra, 'google', { project: 'ml-prod-123' });
    const cluster = new GkeTrainingCluster(infra, 'training', { clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'vpc', subnetwork: 'nodes' });
    const addons = new TerraformStack(app, 'addons');
    const api = new GatewayApi(addons, 'gateway-api', {
      target: cluster.kubernetes,
      controller: GatewayController.gke({ cluster, gatewayClass: GkeGatewayClass.REGIONAL_EXTERNAL_MANAGED }),
    });
    expect(api.gatewayClassName).toBe('gke-l7-regional-external-managed');
  });

  test.each<[string, () => GatewayApiProps['controller'], KubernetesPlatform, RegExp]>([
    ['a cluster without the Gateway API', () => GatewayController.gke({ cluster: { clusterName: 'dc1', gatewayApi: false } }), KubernetesPlatform.GKE,
      /controller\.cluster \("dc1"\) does not have the Gateway API enabled; keep GkeTrainingCluster gatewayApi on/],
    ['a target that is not GKE', () => GatewayController.gke({ cluster: gkeCluster }), KubernetesPlatform.EKS,
      /target \("dc1 \(eks\)"\) is not a GKE cluster; .*use GatewayController\.envoyGateway\(\) elsewhere/],
    ['another cluster than the target\'s', () => GatewayController.gke({ cluster: { clusterName: 'other', gatewayApi: true } }), KubernetesPlatform.GKE,
      /controller\.cluster \("other"\) is not the target's cluster \(dc1\)/],
  ])('given %s, then it is refused', (_what, controller, platform, message) => {
    const l = layers(platform);
    expect(errorOf(() => gatewayApi(l, { controller: controller(), helmProvider: undefined }))).toMatch(message);
  });
});

describe('GatewayApi refuses what cannot work', () => {
  test.each<[string, (l: Layers) => Partial<GatewayApiProps>, RegExp]>([
    ['Envoy Gateway without a helm provider', () => ({ helmProvider: undefined }),
      /^addons\/gateway-api: helmProvider \(undefined\) is required to install Envoy Gateway; pass a helm provider of this stack/],
    ['a helm provider of another stack', (l) => ({ helmProvider: new HelmProvider(l.workloads, 'helm', { kubernetes: { host: 'h', clusterCaCertificate: 'c', exec: { apiVersion: 'a', command: 'c', args: [] } } }) }),
      /helmProvider \("workloads\/helm"\) is in stack workloads, but addons\/gateway-api is in addons/],
    ['a kubernetes provider given as the helm provider', (l) => ({ helmProvider: l.target.provider }), /helmProvider \("kubernetes provider addons\/dc1"\) must be a helm provider/],
    ['a GatewayClass name Kubernetes refuses', () => ({ controller: GatewayController.envoyGateway({ gatewayClassName: 'Envoy_Gateway' }) }), /controller\.gatewayClassName \("Envoy_Gateway"\) is not a valid name/],
    ['zero replicas', () => ({ controller: GatewayController.envoyGateway({ replicas: 0 }) }), /controller\.replicas \(0\)/],
    ['an existing controller without a class', () => ({ controller: GatewayController.existing({} as never) }), /controller\.gatewayClassName \(undefined\) is required/],
  ])('%s', (_what, props, message) => {
    const l = layers();
    expect(errorOf(() => gatewayApi(l, props(l)))).toMatch(message);
  });

  test('every problem is reported at once', () => {
    const l = layers();
    const message = errorOf(() => gatewayApi(l, { helmProvider: undefined, controller: GatewayController.envoyGateway({ replicas: 0, namespace: 'Bad' }) }));
    expect(message).toMatch(/controller\.namespace/);
    expect(message).toMatch(/controller\.replicas/);
    expect(message).toMatch(/helmProvider/);
  });
});

describe('PlatformGateway: a shared, hardened Gateway in the workloads stack', () => {
  const l = layers(KubernetesPlatform.EKS);
  const api = gatewayApi(l);
  const gw = new PlatformGateway(l.workloads, 'gateway', { gatewayApi: api, listeners });
  const out = synthesize(l.workloads);
  const [gateway] = manifests(out, 'Gateway');

  test('then the workloads stack depends on the add-ons stack', () => {
    expect(l.workloads.dependencies).toContain(l.addons);
  });

  test('then the Gateway names the controller\'s class and has one HTTPS listener terminating TLS with the Secret', () => {
    expect(gateway.manifest.metadata).toMatchObject({ name: 'platform', namespace: 'gateway' });
    expect(gateway.manifest.spec.gatewayClassName).toBe('envoy-gateway');
    expect(gateway.manifest.spec.listeners).toEqual([{
      name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.ml.example.com',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'gateway-tls' }] },
      allowedRoutes: {
        namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'ml-platform.io/team', operator: 'Exists' }] } },
        kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
      },
    }]);
  });

  test('then on EKS the proxies\' load balancer is internal', () => {
    expect(gateway.manifest.spec.infrastructure).toEqual({
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true', 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
    });
  });

  test('then Envoy Gateway\'s GatewayClass is made here, once, and the Gateway waits for it and its namespace', () => {
    const [cls] = manifests(out, 'GatewayClass');
    expect(cls.manifest).toMatchObject({ metadata: { name: 'envoy-gateway' }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } });
    expect(gateway.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\.gateway_namespace_/), 'kubernetes_manifest.gateway-class-dc1-envoy-gateway']);
  });

  test('then the namespace enforces restricted, denies ingress by default and admits everyone to the proxies only', () => {
    expect(out.resources('kubernetes_namespace_v1')[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const [deny, proxies] = out.resources('kubernetes_network_policy_v1');
    expect(deny.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress'] });
    expect(proxies.spec).toEqual({
      pod_selector: { match_labels: { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'platform', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway' } },
      policy_types: ['Ingress'],
      ingress: [{}],
    });
  });

  test('then its reference carries the proxies\' labels, and a listener can be picked', () => {
    expect(gw.reference).toEqual({ name: 'platform', namespace: 'gateway', podLabels: expect.objectContaining({ 'gateway.envoyproxy.io/owning-gateway-name': 'platform' }) });
    expect(gw.listenerReference('https').sectionName).toBe('https');
    expect(() => gw.listenerReference('http')).toThrow(/listener "http" does not exist; listeners: https/);
  });
});

describe('PlatformGateway with other controllers', () => {
  test('given GKE\'s controller, then the class is GKE\'s, nothing runs in the namespace and it denies all ingress', () => {
    const l = layers(KubernetesPlatform.GKE);
    const api = gatewayApi(l, { controller: GatewayController.gke({ cluster: { clusterName: 'dc1', gatewayApi: true } }), helmProvider: undefined });
    const gw = new PlatformGateway(l.workloads, 'gateway', { gatewayApi: api, listeners, routeNamespaceLabels: { 'ml-platform.io/serving': 'true' } });
    const out = synthesize(l.workloads);
    const [gateway] = manifests(out, 'Gateway');
    expect(gateway.manifest.spec.gatewayClassName).toBe('gke-l7-rilb');
    expect(gateway.manifest.spec.infrastructure).toBeUndefined();
    expect(gateway.manifest.spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'ml-platform.io/serving': 'true' } } });
    expect(manifests(out, 'GatewayClass')).toHaveLength(0);
    expect(out.resources('kubernetes_network_policy_v1').map((p) => p.spec)).toEqual([{ pod_selector: {}, policy_types: ['Ingress'] }]);
    expect(gw.reference).toEqual({ name: 'platform', namespace: 'gateway' });
  });

  test('given an existing controller whose proxies are unknown, then no NetworkPolicy could cut them off', () => {
    const l = layers();
    const api = gatewayApi(l, { controller: GatewayController.existing({ gatewayClassName: 'istio' }), helmProvider: undefined });
    new PlatformGateway(l.workloads, 'gateway', { gatewayApi: api, listeners, name: 'inference', namespace: 'istio-gateways' });
    const out = synthesize(l.workloads);
    expect(manifests(out, 'Gateway')[0].manifest.spec.gatewayClassName).toBe('istio');
    expect(out.json.resource.kubernetes_network_policy_v1).toBeUndefined();
  });

  test('given two Gateways in one stack, then the GatewayClass is made once; from another stack, it is refused', () => {
    const l = layers();
    const api = gatewayApi(l);
    new PlatformGateway(l.workloads, 'public', { gatewayApi: api, listeners });
    new PlatformGateway(l.workloads, 'internal', { gatewayApi: api, listeners, name: 'internal', createNamespace: false });
    expect(manifests(synthesize(l.workloads), 'GatewayClass')).toHaveLength(1);
    const other = new TerraformStack(l.app, 'other');
    expect(errorOf(() => new PlatformGateway(other, 'gw', { gatewayApi: api, listeners })))
      .toMatch(/GatewayClass envoy-gateway is created in stack workloads .*; put every PlatformGateway of addons\/gateway-api in that stack/);
  });
});

describe('PlatformGateway refuses what cannot work', () => {
  const l = layers();
  const api = gatewayApi(l);
  test.each<[string, Partial<PlatformGatewayProps>, RegExp]>([
    ['no listener', { listeners: [] }, /listeners \(\[\]\) must hold at least one listener/],
    ['two listeners with one name', { listeners: [{ tlsSecret: 'a', hostname: 'a.example.com' }, { tlsSecret: 'b', hostname: 'b.example.com' }] },
      /listeners\[1\]\.name \("https"\) repeats an earlier listener's name/],
    ['two listeners on one port and host name', { listeners: [{ tlsSecret: 'a' }, { name: 'other', tlsSecret: 'b' }] },
      /listeners\[1\]\.hostname \("\(any\)"\) repeats an earlier listener's port 443 and host name/],
    ['an IP address as host name', { listeners: [{ tlsSecret: 'a', hostname: '10.0.0.1:443' }] }, /listeners\[0\]\.hostname \("10\.0\.0\.1:443"\) must be a DNS name/],
    ['a listener without a certificate', { listeners: [{} as never] }, /listeners\[0\]\.tlsSecret \(undefined\) is required/],
    ['route namespaces without a label', { routeNamespaceLabels: {} }, /routeNamespaceLabels \(\{\}\) is empty, which would admit routes from every namespace/],
  ])('%s', (what, props, message) => {
    expect(errorOf(() => new PlatformGateway(l.workloads, `gw-${what.replace(/\W+/g, '-')}`, { gatewayApi: api, listeners, ...props }))).toMatch(message);
  });

  test('a Gateway in the stack that installs its CRDs', () => {
    expect(errorOf(() => new PlatformGateway(l.addons, 'gw', { gatewayApi: api, listeners })))
      .toMatch(/^addons\/gw: gatewayApi \("addons\/gateway-api"\) is in this stack \(addons\); .*put PlatformGateway in a stack applied after the GatewayApi's \(MlPlatform: env\.workloads\)/);
  });
});

describe('From add-ons to a routed endpoint: every custom resource is planned after its CRD', () => {
  const l = layers(KubernetesPlatform.EKS);
  const api = gatewayApi(l);
  const gw = new PlatformGateway(l.workloads, 'gateway', { gatewayApi: api, listeners });
  const registry = new FakeRegistry('churn-registry', { churn: ['3'] });
  const endpoint = new KubernetesInferenceEndpoint(l.workloads, 'churn', {
    target: l.target.inNamespace('vision'),
    name: 'churn',
    variants: [{ name: 'v3', model: ModelArtifact.fromRegistry(registry, 'churn', '3'), image: image() }],
    traffic: Traffic.single('v3'),
    routing: TrafficRouting.gatewayApi({ gateway: gw.reference }),
  });
  const addons = synthesize(l.addons);
  const workloads = synthesize(l.workloads);

  test('the endpoint\'s HTTPRoute attaches to the PlatformGateway', () => {
    const [route] = manifests(workloads, 'HTTPRoute');
    expect(route.manifest.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway' }]);
  });

  test('the endpoint admits only the Gateway\'s proxies to its serving port, through its connections', () => {
    const policies = workloads.resources('kubernetes_network_policy_v1');
    const server = podsOf(workloads.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'churn-v3'));
    const proxies = { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'platform', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway' };
    expect(reaches(policies, { namespace: 'gateway', labels: proxies }, server, 8080)).toBe(true);
    expect(reaches(policies, { namespace: 'gateway', labels: { app: 'other' } }, server, 8080)).toBe(false);
    const [admits] = admitting(policies, { namespace: 'gateway', labels: proxies }, server, 8080).ingress;
    expect(admits.spec.ingress[0].from).toEqual([{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gateway' } }, pod_selector: { match_labels: proxies } }]);
    expect(admits.metadata.name).toMatch(/^churn-from-gateway-[0-9a-f]{8}$/);
    expect(endpoint.connections.allowed.map((c) => [c.peer.namespace, c.peer.podLabels, c.port])).toContainEqual(['gateway', proxies, 8080]);
  });

  test('every kubernetes_manifest kind of the workloads stack is recorded by a stack it depends on', () => {
    const byStack = new Map([[l.addons, addons], [l.workloads, workloads]]);
    const available = new Set(l.workloads.dependencies.flatMap((s) => Object.keys(recordedCustomResources({ '//': byStack.get(s as TerraformStack)!.metadata }))));
    const used = workloads.resources('kubernetes_manifest').map((m) => `${m.manifest.apiVersion.split('/')[0]}/${m.manifest.kind}`);
    expect(used.sort()).toEqual(['gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass', 'gateway.networking.k8s.io/HTTPRoute']);
    expect(used.filter((k) => !available.has(k))).toEqual([]);
    // The add-ons stack applies only built-in kinds (the CRDs and the admission policy).
    expect(Object.keys(recordedCustomResources({ '//': workloads.metadata }))).toEqual([]);
  });

  test('the platform\'s deploy-order check finds nothing to object to', () => {
    const stacks = [l.addons, l.workloads].map((s) => ({ name: s.node.id, file: `${s.node.id}/cdk.tf.json`, json: JSON.parse(JSON.stringify(s.toTerraform())) }));
    const dependencies = new Map([[l.addons, l.workloads]].flat().map((s) => [s.node.id, s.dependencies.map((d) => d.node.id)] as [string, string[]]));
    expect(checkStacksDeployOrder(stacks, dependencies)).toEqual([]);
  });
});
