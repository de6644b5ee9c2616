import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { reviewTerraformJson } from '../lib/governance/review';
import { literalSecrets, parse, Synth } from './util';

// The starter imports the package by name, as a user's app does; here that name is this work tree's lib/
// (tsc maps it the same way through tsconfig.json "paths"). scripts/pack-smoke.sh installs and synthesizes the
// starter against the packed tarball.
jest.mock('cdktf-ml-platform', () => jest.requireActual('../lib'), { virtual: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPlatform } = require('../examples/starter/stacks') as typeof import('../examples/starter/stacks');

describe('examples/starter: the template for your own app', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-starter-'));
  const stacks: Record<string, Synth> = {};
  let diagram = '';
  try {
    const app = new App({ outdir, stackTraces: false });
    diagram = buildPlatform(app).diagram();
    app.synth();
    for (const name of readdirSync(join(outdir, 'stacks'))) stacks[name] = parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }

  test('synthesizes the on-prem cluster setup and its workloads layer', () => {
    expect(Object.keys(stacks).sort()).toEqual(['my-ml-onprem', 'my-ml-onprem-workloads']);
    const onprem = stacks['my-ml-onprem'];
    expect(onprem.resources('kubernetes_namespace_v1').map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['research', 'serving']));
    expect(onprem.resources('kubernetes_resource_quota_v1').map((q) => q.spec.hard['requests.nvidia.com/gpu']).sort()).toEqual(['1', '3']);
    expect(stacks['my-ml-onprem-workloads'].resources('kubernetes_stateful_set_v1').map((s) => s.metadata.name)).toContain('prometheus');
    expect(diagram).toContain('MonitoringStack');
  });

  test('every stack passes baseline and ml-guardrails with no error or warning, and holds no secret', () => {
    for (const [name, s] of Object.entries(stacks)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'] });
      expect([name, result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)]).toEqual([name, []]);
      expect([name, literalSecrets(s.json)]).toEqual([name, []]);
    }
  });

  test('depends on this package and on each of its peers at the range this package declares', () => {
    const root = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    const starter = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'starter', 'package.json'), 'utf8'));
    expect(starter.dependencies).toEqual({ ...root.peerDependencies, [root.name]: `^${root.version}` });
    expect(Object.keys(starter.devDependencies)).toEqual(expect.arrayContaining(['cdktf-cli', 'ts-node', 'typescript']));
    expect(starter.scripts.synth).toMatch(/^CHECKPOINT_DISABLE=1 cdktf synth$/);
  });
});
