import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { buildPackage, nodePath } from '../packaging/build-package';

/**
 * An app that only targets AWS, in a fresh process as a user's app runs: it requires the package entry (the lazy
 * one `npm run build` writes), synthesizes an EKS cluster, then reads a Google export. Reports what was loaded when.
 */
const probe = (entry: string) => `
  const dir = ${JSON.stringify(dirname(entry))};
  const loaded = (part) => Object.keys(require.cache).filter((k) => k.includes(part));
  const lib = require(${JSON.stringify(entry)});
  const atImport = Object.keys(require.cache).filter((k) => k.startsWith(dir)).map((k) => k.slice(dir.length + 1)).sort();
  const fastPathOn = require('cdktf/lib/tokens/private/stack-trace').captureStackTrace.name === 'fastCapture';
  const { App, TerraformStack } = require('cdktf');
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
  const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'aws-only-')) });
  const stack = new TerraformStack(app, 'aws-only');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new lib.EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], pools: [{ name: 'l4', accelerator: lib.Accelerator.NVIDIA_L4 }] });
  app.synth();
  const written = require('fs').readdirSync(require('path').join(app.outdir, 'stacks'));
  require('fs').rmSync(app.outdir, { recursive: true, force: true });
  const awsOnly = { google: loaded('provider-google'), eks: loaded(require('path').join('training', 'eks.js')).length, written };
  void lib.GkeTrainingCluster;
  console.log(JSON.stringify({ atImport, fastPathOn, awsOnly, googleAfterGkeRead: loaded('provider-google').length }));`;

describe('the package entry as built: an AWS-only app never loads the Google bindings', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-dist-'));
  let lazyIndexMessage = '';
  let report: { atImport: string[]; fastPathOn: boolean; awsOnly: { google: string[]; eks: number; written: string[] }; googleAfterGkeRead: number };
  beforeAll(() => {
    lazyIndexMessage = buildPackage(outdir);
    const out = execFileSync(process.execPath, ['-e', probe(join(outdir, 'index.js'))], {
      cwd: outdir, encoding: 'utf8', env: nodePath,
    });
    report = JSON.parse(out.trim().split('\n').pop()!);
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('requiring the entry loads only the entry and the fast synthesis path, which it turns on', () => {
    expect(lazyIndexMessage).toMatch(/lazy-index: .*: 0 export-star and [1-9]\d* named re-export modules/); // the entry exports by name only
    expect(report.atImport).toEqual(['core/fast-synthesis.js', 'index.js']);
    expect(report.fastPathOn).toBe(true);
  });

  test('synthesizing an EKS cluster through the entry loads the EKS module and no Google provider module', () => {
    expect(report.awsOnly.written).toEqual(['aws-only']);
    expect(report.awsOnly.eks).toBe(1);
    expect(report.awsOnly.google).toEqual([]);
  });

  test('reading a Google export does load the Google bindings (the check can fail)', () => {
    expect(report.googleAfterGkeRead).toBeGreaterThan(0);
  });
});
