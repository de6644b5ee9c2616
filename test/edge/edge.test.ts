import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { StaticModelSource } from '../../lib/core/model-source';
import { Cpu, Size } from '../../lib/core/units';
import { EdgeFleet, EdgeFleetProps } from '../../lib/edge/fleet';
import { rendezvousShard } from '../../lib/edge/sharding';
import { Architecture, EdgeSiteProps, EdgeWorkloadKind } from '../../lib/edge/site';
import { errorOf, literalSecrets, Synth, synthApp } from '../util';

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
    metrics: { remoteWriteUrl: 'https://prometheus.central.example.com/api/v1/write', credentialsSecret: 'remote-write' },
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
    expect(spec.init_container[0].command[2]).toMatch(/^test -f "\$MODEL_DIR\/\.complete" \|\|/);
    expect(spec.init_container[0].command[2]).not.toContain('${');
    // A site that cannot pull the new version keeps serving the old one.
    expect(bySite('store-0000').spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '1', max_unavailable: '0' } });
    const pvcs = all(out, 'kubernetes_persistent_volume_claim_v1');
    expect(pvcs).toHaveLength(6);
    expect(pvcs[0]).toMatchObject({ spec: { access_modes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } }, lifecycle: { prevent_destroy: true } });
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

  test('a fleet shards into stacks of about sitesPerStack sites, every site in exactly one stack', () => {
    let fleet: EdgeFleet | undefined;
    const out = synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps({ sites: sites(75), sitesPerStack: 30, metrics: undefined })); });
    expect(Object.keys(out).sort()).toEqual(['edge-shard-0', 'edge-shard-1', 'edge-shard-2']);
    const perStack = Object.values(out).map((s) => s.resources('kubernetes_deployment_v1').filter((d) => d.metadata.name === 'defects').length);
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(75);
    for (const n of perStack) expect(n).toBeGreaterThan(10);
    expect(Object.keys(fleet!.shardOf)).toHaveLength(75);
  });

  test('with a fixed shard count, adding sites never moves existing ones', () => {
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

  test('a site can be pinned to a shard', () => {
    let fleet: EdgeFleet | undefined;
    synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps({ shards: 4, sites: [{ name: 'hq', ring: 'canary', shard: 3 }] })); });
    expect(fleet!.shardOf.hq).toBe(3);
  });

  test('DaemonSet mode caches models on each node and records why the namespace is privileged', () => {
    const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ kind: EdgeWorkloadKind.DAEMON_SET, cpu: Cpu.millis(500), memory: Size.mebibytes(512) })));
    const ds = all(out, 'kubernetes_daemon_set_v1')[0];
    expect(ds.spec.template.spec.volume[0]).toEqual({ name: 'model-cache', host_path: { path: '/var/lib/ml-platform/defects/models', type: 'DirectoryOrCreate' } });
    expect(ds.spec.template.spec.container[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    const ns = Object.values(out[Object.keys(out)[0]].json.resource.kubernetes_namespace_v1)[0] as any;
    expect(ns['//'].ml_platform.suppressions[0]).toMatchObject({ ruleId: 'k8s-namespace-pod-security-enforced' });
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
    ['metrics over plain HTTP', { metrics: { remoteWriteUrl: 'http://central/write', credentialsSecret: 'rw' } }, /metrics\.remoteWriteUrl .* must be an https:\/\/ URL/],
    ['a pinned shard out of range', { shards: 2, sites: [{ name: 'a', ring: 'broad', shard: 5 }] }, /sites\[0\]\.shard \(5\) must be a shard from 0 to 1/],
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
