import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { Peer } from '../../lib/core/connections';
import { IModelSource, StaticModelSource } from '../../lib/core/model-source';
import { Cpu, Size } from '../../lib/core/units';
import { EdgeFleet, EdgeFleetProps, MODEL_FETCHER_IMAGES } from '../../lib/edge/fleet';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { rendezvousShard } from '../../lib/edge/private/sharding';
import { Architecture, EdgeSiteProps, EdgeWorkloadKind } from '../../lib/edge/site';
import { errorOf, literalSecrets, Synth, synthApp } from '../util';
import { mlflowOnPrem, onPremTarget } from '../registry/fixtures';
import { FetchSandbox, tarball } from './fetch-harness';

const digest = (n: string) => `registry.example.com/${n}@sha256:${'a'.repeat(64)}`;
const source = new StaticModelSource('central-registry', 's3://ml-models', { 'defect-detector': ['11', '12', '13'] });

function sites(n: number, ringOf: (i: number) => string = () => 'broad'): EdgeSiteProps[] {
  return Array.from({ length: n }, (_, i) => ({ name: `store-${String(i).padStart(4, '0')}`, ring: ringOf(i), architecture: i % 3 === 0 ? Architecture.AMD64 : Architecture.ARM64 }));
}

function fleetProps(overrides: Partial<EdgeFleetProps> = {}): EdgeFleetProps {
  return {
    fleetName: 'defects',
    model: { source, name: 'defect-detector' },
    rings: [{ name: 'canary', modelVersion: '13' }, { name: 'early', modelVersion: '12' }, { name: 'broad', modelVersion: '12' }],
    sites: sites(6, (i) => (i === 0 ? 'canary' : i < 3 ? 'early' : 'broad')),
    image: digest('defect-detector'),
    modelFetcher: { image: digest('aws-cli'), credentialsSecret: 'model-reader', endpointUrl: 'https://minio.site.local' },
    metrics: { remoteWriteUrl: 'https://prometheus.central.example.com/api/v1/write', password: { name: 'remote-write', key: 'password' } },
    ...overrides,
  };
}

/** Every resource of a type across all stacks. */
const all = (out: Record<string, Synth>, type: string) => Object.values(out).flatMap((s) => s.resources(type));

describe('EdgeFleet', () => {
  const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps()));
  const deployments = all(out, 'kubernetes_deployment_v1').filter((d) => d.metadata.name === 'defects');
  const bySite = (site: string) => deployments.find((d) => d.metadata.labels['ml-platform.io/site'] === site);

  test('each site runs the version of its ring, labelled with site, ring and version', () => {
    expect(bySite('store-0000').metadata.labels).toMatchObject({ 'ml-platform.io/ring': 'canary', 'ml-platform.io/model-version': '13' });
    expect(bySite('store-0001').metadata.labels).toMatchObject({ 'ml-platform.io/ring': 'early', 'ml-platform.io/model-version': '12' });
    const init = bySite('store-0004').spec.template.spec.init_container[0];
    expect(init.env).toEqual(expect.arrayContaining([{ name: 'MODEL_URI', value: 's3://ml-models/defect-detector/12' }]));
    expect(init.env_from).toEqual([{ secret_ref: { name: 'model-reader' } }]);
  });

  test('each site is reached through its own kubeconfig context', () => {
    const providers = Object.values(out).flatMap((s) => s.json.provider.kubernetes);
    expect(providers.map((p: any) => p.config_context).sort()).toEqual(sites(6).map((s) => s.name));
  });

  test('the workload is pinned to the site architecture, capped for small devices, hardened and cached offline', () => {
    const spec = bySite('store-0000').spec.template.spec;
    expect(spec.node_selector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(bySite('store-0001').spec.template.spec.node_selector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.container[0].resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(spec.container[0]).toMatchObject({ image_pull_policy: 'IfNotPresent', security_context: { run_as_non_root: true, allow_privilege_escalation: false, read_only_root_filesystem: true } });
    // Offline-first: the fetch script returns at once when the cache holds a complete copy of this version.
    expect(spec.init_container[0].command[2]).toMatch(/^set -eu\nmarker="\$MODEL_DIR\/\.ml-platform-complete"\n.*\nif complete; then .*exit 0; fi/);
    expect(spec.init_container[0].command[2]).not.toContain('${');
    // A site that cannot pull the new version keeps serving the old one.
    expect(bySite('store-0000').spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '1', max_unavailable: '0' } });
    const pvcs = all(out, 'kubernetes_persistent_volume_claim_v1');
    expect(pvcs).toHaveLength(6);
    expect(pvcs[0]).toMatchObject({ spec: { access_modes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } });
    // A cache, not data of record: unprotected so a site can leave the fleet in one change, and declared disposable.
    expect(pvcs[0].lifecycle).toBeUndefined();
    const raw = Object.values(out).flatMap((s) => Object.values<any>(s.json.resource.kubernetes_persistent_volume_claim_v1 ?? {}));
    expect(raw[0]['//'].ml_platform.suppressions).toEqual([expect.objectContaining({ ruleId: 'ml-stateful-resource-protected', reason: expect.stringMatching(/download/) })]);
  });

  test('metrics are remote-written to the central stack with site and ring labels; the agent config passes promtool', () => {
    const configs = all(out, 'kubernetes_config_map_v1').map((c) => c.data['prometheus.yml']);
    expect(configs).toHaveLength(6);
    const config = JSON.parse(configs[0]);
    expect(Object.keys(config.global.external_labels).sort()).toEqual(['fleet', 'ring', 'site', 'workload']);
    expect(config.remote_write[0]).toEqual({
      url: 'https://prometheus.central.example.com/api/v1/write',
      basic_auth: { username: 'defects', password_file: '/etc/remote-write/password' },
    });
    // Only the password's key is mounted, under the file name the config reads.
    const agent = all(out, 'kubernetes_deployment_v1').find((d) => d.metadata.name === 'defects-metrics-agent');
    expect(agent.spec.template.spec.volume.find((v: any) => v.name === 'remote-write').secret).toEqual({
      secret_name: 'remote-write', items: [{ key: 'password', path: 'password' }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'edge-promtool-'));
    try {
      // Debian's promtool is built without Kubernetes service discovery: check the file with the
      // kubernetes_sd_configs swapped for static targets; the relabeling and remote write are checked as written.
      const checkable = { ...config, scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs: _sd, ...rest }: any) => ({ ...rest, static_configs: [{ targets: ['localhost:8080'] }] })) };
      writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(checkable));
      let promtool: string | undefined;
      try { promtool = execFileSync('which', ['promtool'], { encoding: 'utf8' }).trim(); } catch { promtool = undefined; }
      if (!promtool && !process.env.CI) return; // promtool comes from Debian's prometheus package; .ci/run installs it
      execFileSync('promtool', ['check', 'config', '--agent', '--syntax-only', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no secret appears in any stack', () => {
    for (const s of Object.values(out)) expect(literalSecrets(s.json)).toEqual([]);
  });

  test('ring members are listed for review', () => {
    let fleet: EdgeFleet | undefined;
    synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps()); });
    expect(fleet!.ringMembers).toEqual({ canary: ['store-0000'], early: ['store-0001', 'store-0002'], broad: ['store-0003', 'store-0004', 'store-0005'] });
  });
});

describe('EdgeFleet: ring promotion and sharding', () => {
  test('promoting a ring changes exactly the sites of that ring', () => {
    const before = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps()));
    const promoted = fleetProps();
    const after = synthApp((app) => new EdgeFleet(app, 'edge', { ...promoted, rings: promoted.rings.map((r) => (r.name === 'early' ? { ...r, modelVersion: '13' } : r)) }));
    const versions = (o: Record<string, Synth>) => Object.fromEntries(all(o, 'kubernetes_deployment_v1').filter((d) => d.metadata.name === 'defects')
      .map((d) => [d.metadata.labels['ml-platform.io/site'], d.metadata.labels['ml-platform.io/model-version']]));
    const changed = Object.keys(versions(after)).filter((site) => versions(after)[site] !== versions(before)[site]).sort();
    expect(changed).toEqual(['store-0001', 'store-0002']);
  });

  test('a ring shards into stacks of about sitesPerStack sites, every site in exactly one stack', () => {
    let fleet: EdgeFleet | undefined;
    const out = synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps({ sites: sites(75), sitesPerStack: 30, metrics: undefined })); });
    expect(Object.keys(out).sort()).toEqual(['edge-broad-0', 'edge-broad-1', 'edge-broad-2']);
    const perStack = Object.values(out).map((s) => s.resources('kubernetes_deployment_v1').filter((d) => d.metadata.name === 'defects').length);
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(75);
    for (const n of perStack) expect(n).toBeGreaterThan(10);
    expect(Object.keys(fleet!.shardOf)).toHaveLength(75);
  });

  test('with a fixed stack count, adding sites never moves existing ones', () => {
    const shardsOf = (n: number) => Object.fromEntries(sites(n).map((s) => [s.name, rendezvousShard('defects', s.name, 8)]));
    const before = shardsOf(400);
    const after = shardsOf(500);
    for (const [site, shard] of Object.entries(before)) expect(after[site]).toBe(shard);
  });

  test('growing the shard count moves only the sites the new shard wins', () => {
    const names = sites(1000).map((s) => s.name);
    const moved = names.filter((n) => rendezvousShard('defects', n, 10) !== rendezvousShard('defects', n, 11));
    expect(moved.every((n) => rendezvousShard('defects', n, 11) === 10)).toBe(true);
    expect(moved.length).toBeGreaterThan(40);
    expect(moved.length).toBeLessThan(150);
  });

  test('a site can be pinned to one of its ring\'s stacks', () => {
    let fleet: EdgeFleet | undefined;
    const rings = [{ name: 'canary', modelVersion: '13', stacks: 4 }];
    const out = synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps({ rings, sites: [{ name: 'hq', ring: 'canary', shard: 3 }] })); });
    expect(fleet!.shardOf.hq).toBe(3);
    expect(fleet!.stackOf('hq').node.id).toBe('edge-canary-3');
    expect(out['edge-canary-3'].resources('kubernetes_deployment_v1').map((d) => d.metadata.labels['ml-platform.io/site'])).toContain('hq');
  });

  test('DaemonSet mode caches models on each node and records why the namespace is privileged', () => {
    const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ kind: EdgeWorkloadKind.DAEMON_SET, cpu: Cpu.millis(500), memory: Size.mebibytes(512) })));
    const ds = all(out, 'kubernetes_daemon_set_v1')[0];
    expect(ds.spec.template.spec.volume[0]).toEqual({ name: 'model-cache', host_path: { path: '/var/lib/ml-platform/defects/models', type: 'DirectoryOrCreate' } });
    expect(ds.spec.template.spec.container[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    const ns = Object.values(out[Object.keys(out)[0]].json.resource.kubernetes_namespace_v1)[0] as any;
    expect(ns['//'].ml_platform.suppressions[0]).toMatchObject({ ruleId: 'k8s-namespace-pod-security-enforced' });
    // Rolled out one node at a time like every DaemonSet of the library, but an application, not a critical node
    // agent: no system-node-critical priority (it would outrank CoreDNS and be refused where critical pods are limited).
    expect(ds.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_unavailable: '1' } });
    expect(ds.spec.template.spec.priority_class_name).toBeUndefined();
    expect(all(out, 'kubernetes_resource_quota_v1').filter((q) => /critical/.test(q.metadata.name))).toEqual([]);
    expect(ds.spec.selector).toEqual({ match_labels: { 'app.kubernetes.io/name': 'defects', 'app.kubernetes.io/component': 'inference' } });
    expect(ds.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.[^}]+\.metadata\[0\]\.name\}$/);
  });
});

describe('EdgeFleet: bad input fails with one clear error', () => {
  test.each<[string, Partial<EdgeFleetProps>, RegExp]>([
    ['duplicate site names', { sites: [{ name: 'a', ring: 'broad' }, { name: 'a', ring: 'broad' }] }, /sites\[1\] \("a"\) repeats an earlier site name/],
    ['a ring pointing at a version the registry does not have', { rings: [{ name: 'broad', modelVersion: '99' }], sites: [{ name: 'a', ring: 'broad' }] },
      /rings\[0\]\.modelVersion \("99"\) is not a version of model "defect-detector" in central-registry; register it first/],
    ['an empty fleet', { sites: [] }, /sites \(\[\]\) is empty; a fleet needs at least one site/],
    ['a site in an undeclared ring', { sites: [{ name: 'a', ring: 'beta' }] }, /sites\[0\]\.ring \("beta"\) is not a declared ring; use one of canary, early, broad/],
    ['an image not pinned by digest', { image: 'registry.example.com/defect-detector:latest' }, /image .* must be pinned by digest/],
    ['metrics over plain HTTP', { metrics: { remoteWriteUrl: 'http://central/write', password: { name: 'rw', key: 'password' } } }, /metrics\.remoteWriteUrl .* must be an https:\/\/ URL/],
    ['a remote-write password that is not a secret key', { metrics: { remoteWriteUrl: 'https://central/write', password: { name: 'rw', key: 'pass word' } } },
      /metrics\.password\.key \("pass word"\) is not a valid secret key/],
    ['the replaced metrics.credentialsSecret', { metrics: { remoteWriteUrl: 'https://central/write', credentialsSecret: 'rw' } as any },
      /metrics\.password \(undefined\) is required as \{ name, key \}.*\n.*metrics\.credentialsSecret \("rw"\) was replaced by metrics\.password: \{ name, key \}/],
    ['a pinned shard out of range', { rings: [{ name: 'broad', modelVersion: '12', stacks: 2 }], sites: [{ name: 'a', ring: 'broad', shard: 5 }] },
      /sites\[0\]\.shard \(5\) must be a stack of ring broad from 0 to 1; raise rings\[\]\.stacks to pin it higher/],
  ])('%s', (_what, overrides, message) => {
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps(overrides)))).toMatch(message);
  });
});

test('edge fleet stacks pass governance baseline and ml-guardrails with no error or warning', () => {
  const { reviewTerraformJson } = require('../../lib/governance/review');
  const labels = { owner: 'edge', costCenter: 'cc-9', environment: 'prod' };
  const out = synthApp((app: App) => new EdgeFleet(app, 'edge', fleetProps({ kind: EdgeWorkloadKind.DAEMON_SET, labels })));
  const out2 = synthApp((app: App) => new EdgeFleet(app, 'edge', fleetProps({ labels })));
  for (const s of [...Object.values(out), ...Object.values(out2)]) {
    const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'] });
    expect(result.findings.filter((f: any) => f.severity !== 'info').map((f: any) => `${f.ruleId} ${f.address}`)).toEqual([]);
  }
});

// ---- Defect 3: sites get the model their source's URI scheme needs, verified before it is marked complete ----

/** A source whose versions are single objects, as SageMaker's `…/model.tar.gz`. */
const objectSource: IModelSource = {
  registryName: 'object-registry',
  modelVersionUri: (m, v) => `s3://ml-models/${m}/${v}/model.tar.gz`,
  hasModelVersion: () => true,
};

/** The fetch init container of one site's workload. */
function fetchContainer(out: Record<string, Synth>, site = 'store-0004'): any {
  const d = all(out, 'kubernetes_deployment_v1').find((x) => x.metadata.name === 'defects' && x.metadata.labels['ml-platform.io/site'] === site);
  return d.spec.template.spec.init_container.find((c: any) => c.name === 'fetch-model');
}

const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.value_from]));

describe('EdgeFleet: the fetch script, run against a local store with stubbed tools', () => {
  let sandbox: FetchSandbox;
  beforeEach(() => { sandbox = new FetchSandbox(); });
  afterEach(() => sandbox.dispose());

  test('the script is valid POSIX sh and has nothing Terraform would interpolate', () => {
    const script = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps()))).command[2];
    expect(execFileSync('sh', ['-n', '-c', script], { encoding: 'utf8' })).toBe('');
    expect(script).not.toMatch(/\$\{|%\{/);
    expect(script).not.toContain('/models'); // paths come from the env, so the same script runs in any volume layout
  });

  test('an object URI (model.tar.gz) is downloaded, extracted and marked complete; a restart does not fetch again', () => {
    const init = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ model: { source: objectSource, name: 'defect-detector' } }))));
    sandbox.put('s3://ml-models/defect-detector/12/model.tar.gz', tarball({ 'model.onnx': 'weights-12', 'config/labels.txt': 'ok' }));
    const first = sandbox.run(init);
    expect(first).toMatchObject({ status: 0 });
    const dir = join(sandbox.cache, 'defect-detector', '12');
    expect(readFileSync(join(dir, 'model.onnx'), 'utf8')).toBe('weights-12');
    expect(readFileSync(join(dir, 'config', 'labels.txt'), 'utf8')).toBe('ok');
    expect(readFileSync(join(dir, '.ml-platform-complete'), 'utf8')).toBe('s3://ml-models/defect-detector/12/model.tar.gz');
    expect(existsSync(join(dir, 'model.tar.gz'))).toBe(false);
    expect(sandbox.calls()).toEqual([expect.stringMatching(/^aws s3 cp --only-show-errors s3:\/\/ml-models\/defect-detector\/12\/model\.tar\.gz \S+\/\.staging\/\S+\/download\/$/)]);
    // Offline-first: the uplink is down (no store), the cached copy is served.
    rmSync(sandbox.store, { recursive: true, force: true });
    expect(sandbox.run(init).status).toBe(0);
    expect(sandbox.calls()).toHaveLength(1);
  });

  test('a prefix URI (StaticModelSource) is not an object: the fetcher falls back to syncing the prefix', () => {
    const init = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps())));
    sandbox.put('s3://ml-models/defect-detector/12/model.onnx', 'weights');
    sandbox.put('s3://ml-models/defect-detector/12/meta/signature.json', '{}');
    expect(sandbox.run(init).status).toBe(0);
    const dir = join(sandbox.cache, 'defect-detector', '12');
    expect(readdirSync(dir).sort()).toEqual(['.ml-platform-complete', 'meta', 'model.onnx']);
    expect(sandbox.calls().map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['aws s3 cp', 'aws s3 sync']);
  });

  test('nothing at the URI: the fetch fails non-zero and writes no marker, so the next start retries', () => {
    const init = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ model: { source: objectSource, name: 'defect-detector' } }))));
    const r = sandbox.run(init);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('nothing was fetched from s3://ml-models/defect-detector/12/model.tar.gz');
    expect(existsSync(join(sandbox.cache, 'defect-detector', '12'))).toBe(false);
    sandbox.put('s3://ml-models/defect-detector/12/model.tar.gz', tarball({ 'model.onnx': 'late' }));
    expect(sandbox.run(init).status).toBe(0);
    expect(readFileSync(join(sandbox.cache, 'defect-detector', '12', 'model.onnx'), 'utf8')).toBe('late');
  });

  test('an empty directory marked complete by the old fetcher is not trusted: the model is fetched', () => {
    const init = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps())));
    const dir = join(sandbox.cache, 'defect-detector', '12');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.complete'), '');
    sandbox.put('s3://ml-models/defect-detector/12/model.onnx', 'weights');
    expect(sandbox.run(init).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.ml-platform-complete', 'model.onnx']);
  });

  test('a zip is extracted; an archive entry that escapes the model directory is refused', () => {
    const zipped = { model: { source: { ...objectSource, modelVersionUri: (m: string, v: string) => `s3://ml-models/${m}/${v}/model.zip` }, name: 'defect-detector' } };
    const init = fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps(zipped))));
    sandbox.put('s3://ml-models/defect-detector/12/model.zip', tarball({ 'model.onnx': 'zipped' }, { zip: true }));
    expect(sandbox.run(init).status).toBe(0);
    expect(readFileSync(join(sandbox.cache, 'defect-detector', '12', 'model.onnx'), 'utf8')).toBe('zipped');

    const other = new FetchSandbox();
    try {
      const evil = execFileSync('python3', ['-c', [
        'import io, sys, tarfile',
        'buf = io.BytesIO()',
        't = tarfile.open(fileobj=buf, mode="w:gz")',
        'info = tarfile.TarInfo("../../escaped.txt"); data = b"x"; info.size = len(data)',
        't.addfile(info, io.BytesIO(data)); t.close()',
        'sys.stdout.buffer.write(buf.getvalue())',
      ].join('\n')]);
      other.put('s3://ml-models/defect-detector/12/model.tar.gz', evil);
      const r = other.run(fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ model: { source: objectSource, name: 'defect-detector' } })))));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('refusing to extract ../../escaped.txt');
      expect(existsSync(join(other.cache, 'escaped.txt'))).toBe(false);
      expect(existsSync(join(other.cache, 'defect-detector', '12'))).toBe(false);
    } finally {
      other.dispose();
    }
  });

  test('gs:// (object or prefix) is fetched with gcloud, authenticated by the mounted credentials file', () => {
    const gcs = new StaticModelSource('gcs-models', 'gs://ml-models-eu', { 'defect-detector': ['11', '12', '13'] });
    const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ model: { source: gcs, name: 'defect-detector' }, modelFetcher: { credentialsSecret: 'model-reader' } })));
    const init = fetchContainer(out);
    expect(init.image).toBe(MODEL_FETCHER_IMAGES.gs);
    expect(envOf(init)).toMatchObject({
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: '/var/run/secrets/ml-platform/gcp/credentials.json',
      GOOGLE_APPLICATION_CREDENTIALS: '/var/run/secrets/ml-platform/gcp/credentials.json',
      CLOUDSDK_CONFIG: '/tmp/gcloud',
    });
    expect(init.volume_mount).toContainEqual({ name: 'gcp-credentials', mount_path: '/var/run/secrets/ml-platform/gcp', read_only: true });
    const d = all(out, 'kubernetes_deployment_v1').find((x) => x.metadata.name === 'defects');
    expect(d.spec.template.spec.volume).toContainEqual({ name: 'gcp-credentials', secret: { secret_name: 'model-reader', default_mode: '0440' } });

    sandbox.put('gs://ml-models-eu/defect-detector/12/model.onnx', 'from-gcs');
    expect(sandbox.run(init).status).toBe(0);
    expect(readFileSync(join(sandbox.cache, 'defect-detector', '12', 'model.onnx'), 'utf8')).toBe('from-gcs');
    expect(sandbox.calls().map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['gcloud storage cp', 'gcloud storage rsync']);
  });

  test('each scheme gets a fetcher image that carries its tool, unless one is given', () => {
    expect(fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ modelFetcher: { credentialsSecret: 'model-reader' } })))).image)
      .toBe('public.ecr.aws/aws-cli/aws-cli:2.27.0');
    expect(MODEL_FETCHER_IMAGES).toEqual({
      s3: 'public.ecr.aws/aws-cli/aws-cli:2.27.0',
      gs: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:525.0.0-alpine',
      models: 'ghcr.io/mlflow/mlflow:v2.22.0',
    });
    expect(fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps()))).image).toBe(digest('aws-cli'));
  });

  test('an S3-compatible endpoint reaches the fetcher as AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_S3; the source\'s own endpoint otherwise', () => {
    expect(envOf(fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps())))))
      .toMatchObject({ AWS_ENDPOINT_URL: 'https://minio.site.local', AWS_ENDPOINT_URL_S3: 'https://minio.site.local' });
    const minio = new StaticModelSource('minio', 's3://ml-models', { 'defect-detector': ['11', '12', '13'] }, { s3EndpointUrl: 'https://minio.dc1.example.com' });
    const e = envOf(fetchContainer(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ model: { source: minio, name: 'defect-detector' }, modelFetcher: { credentialsSecret: 'model-reader' } })))));
    expect(e.AWS_ENDPOINT_URL_S3).toBe('https://minio.dc1.example.com');
    expect(e.AWS_ENDPOINT_URL).toBeUndefined();
  });
});

describe('EdgeFleet: models:/ from an MLflow registry', () => {
  const external = { url: 'https://mlflow.dc1.example.com', from: [Peer.namespace('ingress-nginx')] };
  function build(app: App, registryOverrides: Record<string, unknown> = { externalAccess: external }, fleet: Partial<EdgeFleetProps> = {}) {
    const central = new TerraformStack(app, 'central');
    const registry = mlflowOnPrem(central, onPremTarget(central), { releasedVersions: { 'defect-detector': ['11', '12', '13'] }, ...registryOverrides });
    new EdgeFleet(app, 'edge', fleetProps({ model: { source: registry, name: 'defect-detector' }, modelFetcher: { credentialsSecret: 'model-reader' }, ...fleet }));
    return registry;
  }

  test('the fetcher gets the external tracking URL, its user and the password by secret reference; the registry grants the user READ', () => {
    let registry!: MlflowModelRegistry;
    const out = synthApp((app) => { registry = build(app); });
    const init = fetchContainer(out);
    expect(init.image).toBe(MODEL_FETCHER_IMAGES.models);
    expect(init.env).toEqual(expect.arrayContaining([
      { name: 'MODEL_URI', value: 'models:/defect-detector/12' },
      { name: 'MLFLOW_TRACKING_URI', value: 'https://mlflow.dc1.example.com' },
      { name: 'MLFLOW_TRACKING_USERNAME', value: 'edge.defects' },
      { name: 'MLFLOW_TRACKING_PASSWORD', value_from: { secret_key_ref: { name: 'model-reader', key: 'MLFLOW_TRACKING_PASSWORD' } } },
    ]));
    expect(registry.modelGrants).toEqual([{ username: 'edge.defects', model: 'defect-detector', versions: ['12', '13'], permission: 'READ' }]);
    const server = out.central.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'mlflow').spec.template.spec.container[0];
    expect(JSON.parse(envOf(server).MLFLOW_MODEL_GRANTS)).toEqual(registry.modelGrants);
    // Sites come through the ingress controller, which the server's NetworkPolicy admits.
    const policy = out.central.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'mlflow-from-ingress-nginx');
    expect(policy.spec.ingress[0]).toEqual({ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: '5000', protocol: 'TCP' }] });
    for (const s of Object.values(out)) expect(literalSecrets(s.json)).toEqual([]);
  });

  test('the fetch script downloads the version through the MLflow CLI with those credentials', () => {
    const sandbox = new FetchSandbox();
    try {
      const init = fetchContainer(synthApp((app) => { build(app); }));
      sandbox.put('models:/defect-detector/12/MLmodel', 'flavors: {}');
      sandbox.put('models:/defect-detector/12/model.onnx', 'mlflow-weights');
      expect(sandbox.run(init)).toMatchObject({ status: 0 });
      expect(readFileSync(join(sandbox.cache, 'defect-detector', '12', 'model.onnx'), 'utf8')).toBe('mlflow-weights');
      expect(sandbox.calls()).toContain('https://mlflow.dc1.example.com edge.defects secret:model-reader/MLFLOW_TRACKING_PASSWORD');
    } finally {
      sandbox.dispose();
    }
  });

  test('a registry without external access is refused at synth, saying what to set', () => {
    expect(errorOf((scope) => build((scope as TerraformStack).node.root as App, {})))
      .toBe('edge: model.source ("MLflow mlflow on dc1") is read over the network by edge, which runs outside cluster dc1, but the registry has no ' +
        'externalAccess; set externalAccess: { url: "https://mlflow.example.com", from: [Peer.namespace("ingress-nginx")] } on the registry and publish it through that Ingress');
  });

  test('a source naming no tracking server for models:/ is refused at synth', () => {
    const bare = new StaticModelSource('bare', 'models:', { 'defect-detector': ['11', '12', '13'] });
    const one = { rings: [{ name: 'broad', modelVersion: '12' }], sites: [{ name: 'a', ring: 'broad' }] };
    expect(errorOf((scope) => new EdgeFleet(scope.node.root as App, 'edge', fleetProps({ model: { source: bare, name: 'defect-detector' }, ...one }))))
      .toBe('edge: model.source ("models:/defect-detector/12") comes from bare, which names no MLflow tracking server for it; ' +
        'use an MlflowModelRegistry (with externalAccess) as the source');
  });
});

test('a URI scheme the edge fetcher cannot read is refused at synth with the fix', () => {
  const hub = new StaticModelSource('hub', 'hf://acme', { 'defect-detector': ['11', '12', '13'] });
  expect(errorOf((scope) => new EdgeFleet(scope.node.root as App, 'edge', fleetProps({ model: { source: hub, name: 'defect-detector' }, rings: [{ name: 'broad', modelVersion: '12' }], sites: [{ name: 'a', ring: 'broad' }] }))))
    .toBe('edge: model.source ("hf://acme/defect-detector/12") is a model URI the edge fetcher cannot read (ring broad, from hub); sites fetch ' +
      's3://bucket/…, gs://bucket/… and models:/<name>/<version> (MlflowModelRegistry); publish the model to S3 or Cloud Storage, or use a registry that does');
});
