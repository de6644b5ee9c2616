import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildTrainingExample } from '../../examples/training/stacks';
import { Validator } from '../../lib/core/errors';
import { checkImageDigest, checkPinnedImage, defaultImage, normalizeImage, RegistryMirrorMap, RegistryMirrors } from '../../lib/core/images';
import { HelmProvider } from '../../lib/core/private/helm';
import { KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { reviewTerraformJson } from '../../lib/governance/review';
import { MlPlatform } from '../../lib/platform/ml-platform';
import { ArgoWorkflows } from '../../lib/retraining/argo-workflows';
import { GatewayApi } from '../../lib/serving/gateway';
import { GatewayController } from '../../lib/serving/gateway-controller';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { EksTrainingCluster } from '../../lib/training/eks';
import { NvidiaDevicePlugin } from '../../lib/training/nvidia-device-plugin';
import { errorOf, synth, Synth, synthApp } from '../util';
import { buildStack } from '../monitoring/fakes';
import { world } from '../retraining/fixtures';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;
/** The mirrors of issue 12: a Harbor proxy project for Quay, an ECR pull-through cache for Docker Hub, a catch-all. */
const MIRRORS: RegistryMirrorMap = {
  'quay.io': 'harbor.corp/quay-proxy',
  'docker.io': `${ECR}/docker-hub`,
  '*': 'registry.corp/mirror',
};
/** Registries the library's defaults come from; no image may be pulled from them once mirrors are configured. */
const UPSTREAM = ['docker.io/', 'quay.io/', 'nvcr.io/', 'public.ecr.aws/', 'gcr.io/', 'ghcr.io/', 'registry.k8s.io/', '602401143452.dkr.ecr.'];

/** Every container image of a synthesized stack: each `image` attribute, and the image settings of Helm chart values. */
function imagesOf(stack: Synth): { where: string; image: string }[] {
  const out: { where: string; image: string }[] = [];
  const walk = (value: unknown, where: string, keys: readonly string[]): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`, keys));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string' && keys.includes(k)) out.push({ where: `${where}.${k}`, image: v });
        else walk(v, `${where}.${k}`, keys);
      }
    }
  };
  walk(stack.json.resource ?? {}, 'resource', ['image']);
  for (const release of stack.resources('helm_release')) {
    (release.values ?? []).forEach((v: string, i: number) =>
      walk(JSON.parse(v), `helm_release.${release.name}.values[${i}]`, ['image', 'repository', 'registry', 'imageRegistry']));
  }
  return out;
}

const fromUpstream = (image: string) => UPSTREAM.some((u) => normalizeImage(image).startsWith(u));

describe('normalizeImage: the fully-qualified form the container runtime pulls', () => {
  test.each([
    ['redis:7.2.4', 'docker.io/library/redis:7.2.4'],
    ['redis', 'docker.io/library/redis'],
    ['grafana/grafana:1', 'docker.io/grafana/grafana:1'],
    ['docker.io/redis:7', 'docker.io/library/redis:7'],
    ['index.docker.io/library/redis:7', 'docker.io/library/redis:7'],
    ['quay.io/prometheus/prometheus:v3.5.0', 'quay.io/prometheus/prometheus:v3.5.0'],
    ['nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04', 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04'],
    ['localhost/app:1', 'localhost/app:1'],
    ['registry:5000/team/app:1', 'registry:5000/team/app:1'],
    [`localhost:5000/team/app@${DIGEST}`, `localhost:5000/team/app@${DIGEST}`],
    [`postgres@${DIGEST}`, `docker.io/library/postgres@${DIGEST}`],
    [`python:3.13.7-slim@${DIGEST}`, `docker.io/library/python:3.13.7-slim@${DIGEST}`],
    [`${ECR}/churn-server@${DIGEST}`, `${ECR}/churn-server@${DIGEST}`],
  ])('%s → %s', (ref, normalized) => {
    expect(normalizeImage(ref)).toBe(normalized);
  });

  test.each([
    ['Redis:7', /ref \("Redis:7"\) is not an image reference: its repository component "Redis" is not lowercase/],
    ['https://quay.io/x:1', /has a URL scheme; drop "https:\/\/"/],
    ['redis:', /its tag "" is not letters, digits/],
    ['redis@sha256:xyz', /its digest "sha256:xyz" is not <algorithm>:<hex>/],
    ['${var.image}', /holds "\$\{" or "%\{" interpolation/],
  ])('%s is refused, saying why', (ref, message) => {
    expect(() => normalizeImage(ref)).toThrow(message);
  });
});

describe('the pinning checks every construct applies to the images it is given', () => {
  const problems = (check: (v: Validator) => void) => {
    const v = new Validator('test/x');
    check(v);
    return v.collected.map((p) => p.message);
  };

  test('a version is a tag other than latest, or a digest', () => {
    for (const ok of ['redis:7.2.4', `redis@${DIGEST}`, `quay.io/feastdev/feature-server:0.53.0@${DIGEST}`, undefined]) {
      expect(problems((v) => checkPinnedImage(v, 'image', ok))).toEqual([]);
    }
    expect(problems((v) => checkPinnedImage(v, 'image', 'redis:latest'))).toEqual([expect.stringMatching(/^must name a version/)]);
    expect(problems((v) => checkPinnedImage(v, 'image', 'quay.io/feastdev/feature-server'))).toEqual([expect.stringMatching(/^must name a version/)]);
    expect(problems((v) => checkPinnedImage(v, 'image', 'registry:5000/app'))).toEqual([expect.stringMatching(/^must name a version/)]);
    expect(problems((v) => checkPinnedImage(v, 'image', 'Registry/App:1'))).toEqual([
      expect.stringMatching(/^must name a version.* \(not an image reference: its repository component "Registry" is not lowercase/),
    ]);
  });

  test('a digest check shows the digest form of the same repository; an explicit registry can be required', () => {
    expect(problems((v) => checkImageDigest(v, 'image', 'nvcr.io/nvidia/tritonserver:24.08-py3'))).toEqual([
      'is not pinned by digest; use nvcr.io/nvidia/tritonserver@sha256:<64 hex digest> (resolve it with `crane digest` or ' +
      '`docker buildx imagetools inspect`) so what was reviewed is what runs',
    ]);
    expect(problems((v) => checkImageDigest(v, 'image', `edge@${DIGEST}`, { explicitRegistry: true, fix: 'must name its registry' }))).toEqual(['must name its registry']);
    expect(problems((v) => checkImageDigest(v, 'image', undefined, { required: true }))).toHaveLength(1);
  });
});

describe('RegistryMirrors: one setting for every default image', () => {
  test.each([
    ['quay.io/prometheus/prometheus:v3.5.0', 'harbor.corp/quay-proxy/prometheus/prometheus:v3.5.0'],
    // Docker Hub official images keep library/, as ECR pull-through caches and Harbor proxy projects expect.
    ['redis:7.2.4', `${ECR}/docker-hub/library/redis:7.2.4`],
    ['docker.io/library/python:3.13.7-slim', `${ECR}/docker-hub/library/python:3.13.7-slim`],
    ['docker.io/grafana/grafana:12.3.1', `${ECR}/docker-hub/grafana/grafana:12.3.1`],
    // A registry without an entry of its own goes through '*', under its host name.
    ['nvcr.io/nvidia/k8s-device-plugin:v0.17.1', 'registry.corp/mirror/nvcr.io/nvidia/k8s-device-plugin:v0.17.1'],
    [`public.ecr.aws/aws-cli/aws-cli:2.27.49@${DIGEST}`, `registry.corp/mirror/public.ecr.aws/aws-cli/aws-cli:2.27.49@${DIGEST}`],
    // Already behind a mirror: left alone.
    ['harbor.corp/quay-proxy/prometheus/prometheus:v3.5.0', 'harbor.corp/quay-proxy/prometheus/prometheus:v3.5.0'],
  ])('%s → %s', (image, mirrored) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    RegistryMirrors.configure(stack, MIRRORS);
    expect(defaultImage(stack, image)).toBe(mirrored);
  });

  test('without a mirror for the registry (and no "*"), the default is used exactly as written', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    RegistryMirrors.configure(stack, { 'quay.io': 'harbor.corp/quay-proxy' });
    expect(defaultImage(stack, 'redis:7.2.4')).toBe('redis:7.2.4');
    expect(defaultImage(new TerraformStack(Testing.app(), 'other'), 'quay.io/x/y:1')).toBe('quay.io/x/y:1');
  });

  test('the nearest configured scope wins; the cdktf context (cdktf.json) applies where none is configured', () => {
    const app = Testing.app({ context: { [RegistryMirrors.CONTEXT_KEY]: { '*': 'registry.corp/mirror' } } });
    const a = new TerraformStack(app, 'a');
    const b = new TerraformStack(app, 'b');
    const c = new TerraformStack(app, 'c');
    RegistryMirrors.configure(b, { 'quay.io': 'harbor.corp/quay-proxy' });
    RegistryMirrors.configure(c, {});
    const inner = new Construct(b, 'inner');
    expect(defaultImage(a, 'quay.io/x/y:1')).toBe('registry.corp/mirror/quay.io/x/y:1');
    expect(defaultImage(inner, 'quay.io/x/y:1')).toBe('harbor.corp/quay-proxy/x/y:1');
    expect(defaultImage(inner, 'redis:7')).toBe('redis:7');
    // An empty map on a scope turns the context's mirrors off below it.
    expect(defaultImage(c, 'quay.io/x/y:1')).toBe('quay.io/x/y:1');
  });

  test('MlPlatform registryMirrors configures the app, which holds the platform\'s stacks', () => {
    const app = Testing.app();
    new MlPlatform(app, 'platform', { name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'test' }, registryMirrors: MIRRORS });
    expect(RegistryMirrors.of(new TerraformStack(app, 'acme-onprem'))?.mirrors).toEqual(MIRRORS);
  });
});

describe('given mirrors, every default image of a whole platform is pulled through them', () => {
  const mirrored = (build: (app: App) => void) => synthApp((app) => {
    RegistryMirrors.configure(app, MIRRORS);
    build(app);
  });
  const examples: [string, Record<string, Synth>][] = [
    // The reference platform sets its own mirror (MlPlatform registryMirrors): given these, it uses them. Its governance
    // approves only its ECR registry, which these mirrors are not in: validation is the next test's subject.
    ['examples/hybrid-platform', synthApp((app) => { buildHybridPlatform(app, { registryMirrors: MIRRORS }); }, { skipValidation: true })],
    ['examples/training', mirrored((app) => buildTrainingExample(app))],
    ['examples/serving', synthApp((app) => { buildServingExample(app, { registryMirrors: MIRRORS }); }, { skipValidation: true })],
  ];

  test.each(examples)('%s: no container image and no chart image points at an upstream registry', (_name, stacks) => {
    const all = Object.entries(stacks).flatMap(([name, s]) => imagesOf(s).map((i) => ({ ...i, where: `${name}: ${i.where}` })));
    expect(all.length).toBeGreaterThan(3);
    expect(all.filter((i) => fromUpstream(i.image))).toEqual([]);
    // Each image is a mirror's or one the example passed from its own registry.
    const mine = [...Object.values(MIRRORS), ECR].map((m) => `${m}/`);
    expect(all.filter((i) => !mine.some((m) => i.image.startsWith(m)))).toEqual([]);
  });

  test('the reference platform uses every mirror: Quay, Docker Hub and the catch-all', () => {
    const images = Object.values(examples[0][1]).flatMap((s) => imagesOf(s).map((i) => i.image));
    expect(images).toEqual(expect.arrayContaining([
      'harbor.corp/quay-proxy/prometheus/prometheus:v3.5.0',
      'harbor.corp/quay-proxy/feastdev/feature-server:0.53.0',
      `${ECR}/docker-hub/library/redis:7.2.4`,
      `${ECR}/docker-hub/grafana/grafana:12.3.1`,
      'registry.corp/mirror/nvcr.io/nvidia/k8s-device-plugin:v0.17.1',
      'registry.corp/mirror/public.ecr.aws/karpenter/controller',
    ]));
  });

  test('images the example passes itself are untouched', () => {
    const images = Object.values(examples[0][1]).flatMap((s) => imagesOf(s).map((i) => i.image));
    expect(images).toContain(`${ECR}/churn-server@sha256:${'c'.repeat(64)}`);
    expect(images).toContain(`${ECR}/aws-cli@sha256:${'f'.repeat(64)}`);
  });

  test('ml-image-approved-registry passes when the mirror\'s registry is the only approved one (and fails without the mirror)', () => {
    // ECR pull-through caches, one per upstream, in the registry that also holds the team's own images.
    const ecrCaches: RegistryMirrorMap = { 'docker.io': `${ECR}/docker-hub`, 'quay.io': `${ECR}/quay`, 'public.ecr.aws': `${ECR}/ecr-public`, '*': `${ECR}/mirror` };
    const approvedRegistries = [`${ECR}/`];
    const review = (stacks: Record<string, Synth>) => Object.values(stacks).flatMap((s) =>
      reviewTerraformJson(s.json, { packs: ['baseline', 'strict'], parameters: { approvedRegistries }, useRecordedConfiguration: false }).findings
        .filter((f) => f.ruleId === 'ml-image-approved-registry'));
    expect(review(synthApp((app) => { buildHybridPlatform(app, { registryMirrors: ecrCaches }); }))).toEqual([]);
    // As the reference platform ships: its one catch-all mirror in the approved registry.
    expect(review(synthApp((app) => { buildHybridPlatform(app); }))).toEqual([]);
    const upstream = review(synthApp((app) => { buildHybridPlatform(app, { registryMirrors: {} }); }, { skipValidation: true }));
    expect(upstream.map((f) => f.message).join('\n')).toMatch(/quay\.io\/prometheus\/prometheus:v3\.5\.0 is not from an approved registry/);
  });
});

describe('mirrors reach the images of the charts the library installs', () => {
  const helm = (stack: TerraformStack) => new HelmProvider(stack, 'helm', {
    kubernetes: { host: 'https://dc1.example.com', clusterCaCertificate: 'pem', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: [] } },
  });
  const values = (stack: Synth, name: string) => JSON.parse(stack.resources('helm_release').find((r) => r.name === name).values[0]);

  test('Argo Workflows (controller, executor, server, CRD job) and Argo Events', () => {
    const out = synthApp((app) => {
      RegistryMirrors.configure(app, MIRRORS);
      const addons = new TerraformStack(app, 'addons');
      new ArgoWorkflows(addons, 'argo', { helmProvider: helm(addons), workflowNamespaces: ['mlops'], server: true });
    });
    const workflows = values(out.addons, 'argo-workflows');
    expect(workflows.controller.image).toEqual({ registry: 'harbor.corp/quay-proxy' });
    expect(workflows.executor.image).toEqual({ registry: 'harbor.corp/quay-proxy' });
    expect(workflows.server).toEqual({ enabled: true, image: { registry: 'harbor.corp/quay-proxy' } });
    expect(workflows.crds.upgradeJob.image).toEqual({ repository: 'registry.corp/mirror/registry.k8s.io/kubectl' });
    expect(values(out.addons, 'argo-events').global.image).toEqual({ repository: 'harbor.corp/quay-proxy/argoproj/argo-events' });
  });

  test('Envoy Gateway: one registry for the controller, rate-limit and proxy images, the proxy image named', () => {
    const out = synthApp((app) => {
      RegistryMirrors.configure(app, MIRRORS);
      const addons = new TerraformStack(app, 'addons');
      const target = KubernetesTarget.fromKubeconfig(addons, 'dc1', { clusterName: 'dc1', platform: KubernetesPlatform.EXISTING });
      new GatewayApi(addons, 'gateway-api', { target, helmProvider: helm(addons), controller: GatewayController.envoyGateway() });
    });
    expect(values(out.addons, 'eg').global).toEqual({
      imageRegistry: `${ECR}/docker-hub`, images: { envoyProxy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } },
    });
  });

  test('the EFA device plugin and the Karpenter controller', () => {
    const out = synthApp((app) => {
      RegistryMirrors.configure(app, { '*': 'registry.corp/mirror' });
      const infra = new TerraformStack(app, 'infra');
      new AwsProvider(infra, 'aws', { region: 'eu-west-1' });
      const cluster = new EksTrainingCluster(infra, 'training', {
        clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        pools: [{ name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4 }],
      });
      cluster.installEfaDevicePlugin(new TerraformStack(app, 'addons'));
    });
    expect(values(out.addons, 'aws-efa-k8s-device-plugin').image)
      .toEqual({ repository: 'registry.corp/mirror/602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin' });
  });

  test('without mirrors, the chart values name no image: the charts\' own defaults apply, as before', () => {
    const out = synthApp((app) => {
      const addons = new TerraformStack(app, 'addons');
      const helmProvider = helm(addons);
      new ArgoWorkflows(addons, 'argo', { helmProvider, workflowNamespaces: ['mlops'] });
      const target = KubernetesTarget.fromKubeconfig(addons, 'dc1', { clusterName: 'dc1', platform: KubernetesPlatform.EXISTING });
      new GatewayApi(addons, 'gateway-api', { target, helmProvider, controller: GatewayController.envoyGateway() });
    });
    for (const release of out.addons.resources('helm_release')) expect(release.values[0]).not.toMatch(/"(image|registry|imageRegistry)"/);
  });
});

describe('only defaults are mirrored: an image the user passes is theirs', () => {
  test('explicit images of the monitoring stack and the device plugin are kept; the other defaults are mirrored', () => {
    const images = imagesOf(synth((stack) => {
      RegistryMirrors.configure(stack, MIRRORS);
      buildStack(stack, { images: { prometheus: 'quay.io/prometheus/prometheus:v3.5.0' } });
      const target = KubernetesTarget.fromKubeconfig(stack, 'gpu', { clusterName: 'gpu' });
      new NvidiaDevicePlugin(stack, 'plugin', target, { nodeSelectors: [{ gpu: 'yes' }], image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' });
    })).map((i) => i.image);
    expect(images).toEqual(expect.arrayContaining([
      'quay.io/prometheus/prometheus:v3.5.0',
      'nvcr.io/nvidia/k8s-device-plugin:v0.17.1',
      'harbor.corp/quay-proxy/prometheus/alertmanager:v0.28.1',
      `${ECR}/docker-hub/grafana/grafana:12.3.1`,
      `${ECR}/docker-hub/prom/pushgateway:v1.11.2`,
      'registry.corp/mirror/nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04',
      'registry.example.com/ml/drift:1.2.0',
    ]));
  });

  test('the retraining gate image, with mirrors from the cdktf.json context (CDKTF_CONTEXT_JSON, as the cdktf CLI passes them)', () => {
    const saved = process.env.CDKTF_CONTEXT_JSON;
    process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ [RegistryMirrors.CONTEXT_KEY]: { 'docker.io': `${ECR}/docker-hub` } });
    try {
      const w = world();
      w.pipeline();
      const text = Testing.synth(w.workloads);
      expect(text).toContain(`"image": "${ECR}/docker-hub/library/python:3.13.7-slim"`);
      expect(text).toContain(`"image": "${ECR}/docker-hub/library/postgres:16.9"`);
    } finally {
      if (saved === undefined) delete process.env.CDKTF_CONTEXT_JSON;
      else process.env.CDKTF_CONTEXT_JSON = saved;
    }
  });
});

describe('bad mirror settings fail with one error naming the path, the key, the value and the fix', () => {
  const configured = (mirrors: unknown) => errorOf((stack) => { RegistryMirrors.configure(stack, mirrors as RegistryMirrorMap); });

  test.each<[string, unknown, RegExp]>([
    ['a scheme', { 'quay.io': 'https://harbor.corp/quay-proxy' }, /^test: mirrors\["quay\.io"\] \("https:\/\/harbor\.corp\/quay-proxy"\) must not have a scheme: write harbor\.corp\/quay-proxy$/],
    ['a tag', { 'quay.io': 'harbor.corp/quay-proxy:1' }, /mirrors\["quay\.io"\] \("harbor\.corp\/quay-proxy:1"\) must not have a tag or digest/],
    ['a trailing slash', { 'docker.io': 'harbor.corp/hub/' }, /must not end with "\/": write harbor\.corp\/hub/],
    ['no registry host', { 'docker.io': 'mirror/hub' }, /must start with a registry host .*"mirror" would be read as a Docker Hub repository/],
    ['a key with a path', { 'docker.io/library': 'harbor.corp/hub' }, /mirrors\["docker\.io\/library"\] \("docker\.io\/library"\) must be a registry host only/],
    ['a Docker Hub alias', { 'index.docker.io': 'harbor.corp/hub' }, /names Docker Hub by an alias; use the key "docker\.io"/],
    ['a key that is no host', { quay: 'harbor.corp/quay' }, /mirrors\["quay"\] \("quay"\) is not a registry host/],
    ['not a map', ['harbor.corp'], /mirrors \(\["harbor\.corp"\]\) must map registry hosts to mirrors/],
  ])('%s', (_what, mirrors, message) => {
    expect(configured(mirrors)).toMatch(message);
  });

  test('every problem at once', () => {
    expect(configured({ 'quay.io': 'https://q', 'docker.io': 'x/' })).toMatch(/^2 problems:/);
  });

  test('the MlPlatform prop names the platform and the prop', () => {
    expect(errorOf((stack) => new MlPlatform(stack.node.root as App, 'platform', {
      name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'test' }, registryMirrors: { '*': 'https://registry.corp' },
    }))).toMatch(/^platform: registryMirrors\["\*"\] \("https:\/\/registry\.corp"\) must not have a scheme/);
  });

  test('the context names the key and where it was read', () => {
    const app = Testing.app({ context: { [RegistryMirrors.CONTEXT_KEY]: { 'quay.io': 'quay-proxy' } } });
    expect(() => defaultImage(new TerraformStack(app, 'test'), 'quay.io/x/y:1'))
      .toThrow(/^test: context\["ml-platform:registryMirrors"\]\["quay\.io"\] \("quay-proxy"\) must start with a registry host/);
  });

  test('mirrors configured after constructs below chose their defaults are refused, not silently ignored', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    defaultImage(new Construct(stack, 'redis'), 'redis:7.2.4');
    expect(() => RegistryMirrors.configure(stack, MIRRORS)).toThrow(/come too late: test\/redis already chose its default images; configure registry mirrors on test before/);
  });

  test('configuring different mirrors twice on one scope is refused', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    RegistryMirrors.configure(stack, MIRRORS);
    expect(RegistryMirrors.configure(stack, { ...MIRRORS })).toBe(RegistryMirrors.of(stack));
    expect(() => RegistryMirrors.configure(stack, { '*': 'registry.corp/other' })).toThrow(/are already configured on test as .*configure registry mirrors once per scope/);
  });
});
