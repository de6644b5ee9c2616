import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { main } from '../../lib/cli/main';
import { Contracts } from '../../lib/contracts/contracts';
import { DataClassification } from '../../lib/core/labels';
import { Governance } from '../../lib/governance/governance';
import { MlPlatform } from '../../lib/platform/ml-platform';
import { reviewPlan, reviewSynthesizedFolder, reviewTerraformJson } from '../../lib/governance/review';
import { trainingPlan, trainingStack } from './fixtures/training-stack';

/**
 * The review applies what synth applied: the packs, parameters and severity overrides given to Governance at synth
 * are recorded in each stack's `//.ml_platform.governance` and used by `ml-platform review` unless flags override them.
 */
function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-recorded-'));
}

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const ids = (findings: ReadonlyArray<{ ruleId: string }>): string[] => [...new Set(findings.map((f) => f.ruleId))].sort();

/** A stack whose bucket sits in us-east-1 while synth allows only eu-west-1, with S3 access logging switched off. */
function residencyApp(outdir: string, name = 'data', configure = true): { app: App; stack: TerraformStack } {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new S3Bucket(stack, 'raw', { bucket: `${name}-raw`, tags: { owner: 'ml', 'cost-center': 'cc', environment: 'dev', 'data-classification': 'internal' } });
  if (configure) {
    Governance.of(stack).addPack('ml-guardrails').configure({
      parameters: { allowedRegions: ['eu-west-1'] },
      severityOverrides: { 'aws-s3-access-logging': 'off', 'aws-s3-versioning-enabled': 'error' },
    });
  }
  return { app, stack };
}

/** Synthesize without validations: the stacks hold deliberate error findings, and the written folder is what CI reviews. */
function synthWithoutValidation(app: App): void {
  (app as unknown as { skipValidation: boolean }).skipValidation = true;
  app.synth();
}

describe('the governance configuration is recorded at synth', () => {
  test('under //.ml_platform.governance of the stack, next to the recorded contracts', () => {
    const outdir = tmp();
    const { app, stack } = residencyApp(outdir);
    Contracts.capacitySupply(stack, () => [{ cluster: 'c', pool: 'p', resource: 'nvidia.com/gpu', perNode: 1, minNodes: 0, maxNodes: 1 }]);
    synthWithoutValidation(app);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'data', 'cdk.tf.json'), 'utf8'));
    expect(json['//'].ml_platform.governance).toEqual({
      packs: ['ml-guardrails'],
      parameters: { allowedRegions: ['eu-west-1'] },
      severityOverrides: { 'aws-s3-access-logging': 'off', 'aws-s3-versioning-enabled': 'error' },
      disabledRules: [],
      customRules: [],
      customPacks: [],
    });
    expect(Object.keys(json['//'].ml_platform.contracts)).toHaveLength(1);
    expect(json['//'].metadata.stackName).toBe('data');
  });

  test('a stack without Governance records nothing', () => {
    const outdir = tmp();
    const { app } = residencyApp(outdir, 'plain', false);
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'plain', 'cdk.tf.json'), 'utf8'));
    expect(json['//'].ml_platform).toBeUndefined();
  });
});

describe('ml-platform review cdktf.out applies the recorded configuration', () => {
  const outdir = tmp();
  synthWithoutValidation(residencyApp(outdir).app);

  test('the API review of the folder reports what synth reported, with no options', () => {
    const result = reviewSynthesizedFolder(outdir);
    expect(ids(result.findings)).toContain('ml-data-residency');
    expect(ids(result.findings)).not.toContain('aws-s3-access-logging');
    expect(result.findings.find((f) => f.ruleId === 'aws-s3-versioning-enabled')?.severity).toBe('error');
    expect(result.summary.packs).toEqual(['baseline', 'ml-guardrails']);
    expect(result.summary.configurations).toEqual([expect.objectContaining({ source: 'recorded', appliesTo: ['data'], packs: ['ml-guardrails'] })]);
  });

  test('the CLI gate built from the README fails on the residency violation and says which configuration it used', () => {
    const r = run('review', outdir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ml-data-residency aws_s3_bucket.raw/);
    expect(r.stdout).toMatch(/Configuration: recorded at synth \(packs: baseline, ml-guardrails; parameters: allowedRegions; severity: aws-s3-access-logging=off, aws-s3-versioning-enabled=error\)/);
    const json = JSON.parse(run('review', outdir, '--format', 'json').stdout);
    expect(json.summary.configurations[0]).toMatchObject({ source: 'recorded', parameters: { allowedRegions: ['eu-west-1'] } });
  });

  test('a single cdk.tf.json carries its configuration too', () => {
    const file = path.join(outdir, 'stacks', 'data', 'cdk.tf.json');
    expect(ids(reviewTerraformJson(JSON.parse(fs.readFileSync(file, 'utf8'))).findings)).toContain('ml-data-residency');
  });

  test('flags override the recorded configuration key by key', () => {
    const r = JSON.parse(run('review', outdir, '--format', 'json', '--param', 'allowedRegions=us-east-1', '--severity', 'aws-s3-access-logging=warning').stdout);
    expect(ids(r.findings)).not.toContain('ml-data-residency');
    expect(r.findings.find((f: { ruleId: string }) => f.ruleId === 'aws-s3-access-logging')?.severity).toBe('warning');
    // What the flags did not name stays as recorded.
    expect(r.findings.find((f: { ruleId: string }) => f.ruleId === 'aws-s3-versioning-enabled')?.severity).toBe('error');
    expect(r.summary.configurations[0].source).toBe('recorded+options');
  });

  test('--ignore-recorded-config reviews with the flags only', () => {
    const r = JSON.parse(run('review', outdir, '--format', 'json', '--ignore-recorded-config').stdout);
    expect(ids(r.findings)).not.toContain('ml-data-residency');
    expect(r.summary.packs).toEqual(['baseline']);
    expect(r.summary.configurations[0].source).toBe('options');
  });
});

test('stacks synthesized with different configurations are each reviewed with their own, and the report lists both', () => {
  const outdir = tmp();
  const app = new App({ outdir, stackTraces: false });
  const governed = new TerraformStack(app, 'governed');
  new AwsProvider(governed, 'aws', { region: 'us-east-1' });
  new S3Bucket(governed, 'raw', { bucket: 'governed-raw' });
  Governance.of(governed).addPack('ml-guardrails').configure({ parameters: { allowedRegions: ['eu-west-1'] } });
  const lenient = new TerraformStack(app, 'lenient');
  new AwsProvider(lenient, 'aws', { region: 'us-east-1' });
  new S3Bucket(lenient, 'raw', { bucket: 'lenient-raw' });
  Governance.of(lenient);
  synthWithoutValidation(app);

  const result = reviewSynthesizedFolder(outdir);
  const residency = result.findings.filter((f) => f.ruleId === 'ml-data-residency').map((f) => f.file);
  expect(residency).toEqual([path.join(outdir, 'stacks', 'governed', 'cdk.tf.json')]);
  expect(result.summary.configurations?.map((c) => c.appliesTo)).toEqual([['governed'], ['lenient']]);
  const table = run('review', outdir).stdout;
  expect(table).toMatch(/Configurations differ by stack:\n {2}governed: recorded at synth \(packs: baseline, ml-guardrails; parameters: allowedRegions\)\n {2}lenient: recorded at synth \(packs: baseline\)/);
});

test('a plan reviewed with --suppressions-from takes the recorded configuration from the synthesized folder', () => {
  const outdir = tmp();
  const { app, stack } = trainingStack(outdir);
  Governance.of(stack).addPack('ml-guardrails').configure({ parameters: { maxAcceleratorsPerPool: 16 } });
  synthWithoutValidation(app);
  const plan = trainingPlan();
  expect(ids(reviewPlan(plan).findings)).not.toContain('ml-accelerator-budget-per-pool');
  const withFolder = reviewPlan(plan, { suppressionsFrom: outdir });
  expect(ids(withFolder.findings)).toContain('ml-accelerator-budget-per-pool');
  expect(withFolder.summary.configurations).toEqual([expect.objectContaining({ source: 'recorded', appliesTo: ['training'] })]);
  const planFile = path.join(outdir, 'plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  expect(run('review', planFile, '--suppressions-from', outdir).stdout).toMatch(/ml-accelerator-budget-per-pool aws_eks_node_group.gpu/);
});

test('a malformed record is an input error, not a silently weaker review', () => {
  const dir = tmp();
  const file = path.join(dir, 'cdk.tf.json');
  fs.writeFileSync(file, JSON.stringify({ '//': { ml_platform: { governance: { packs: ['ml-guardrails'], parameters: { allowedRegion: ['eu-west-1'] } } } }, resource: {} }));
  const r = run('review', file);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/parameter 'allowedRegion' is unknown to this version/);
});

test('MlPlatform records its governance packs, parameters and severity overrides in every environment', () => {
  const outdir = tmp();
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const platform = new MlPlatform(app, 'acme', {
    name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'prod', dataClassification: DataClassification.INTERNAL },
    governanceParameters: { allowedRegions: ['eu-west-1'] },
    governanceSeverityOverrides: { 'aws-s3-access-logging': 'off' },
  });
  const aws = platform.aws('aws', { region: 'us-east-1' });
  new S3Bucket(aws, 'raw', { bucket: 'acme-raw' });
  app.synth();
  const result = reviewSynthesizedFolder(outdir);
  expect(result.summary.configurations).toEqual([expect.objectContaining({
    source: 'recorded', appliesTo: ['acme-aws'], packs: ['ml-guardrails'], parameters: { allowedRegions: ['eu-west-1'] }, severityOverrides: { 'aws-s3-access-logging': 'off' },
  })]);
  expect(ids(result.findings)).toContain('ml-data-residency');
  expect(ids(result.findings)).not.toContain('aws-s3-access-logging');
});
