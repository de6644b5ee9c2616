import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/main';
import { terraformJson } from '../governance/helpers';
import { trainingPlan } from '../governance/fixtures/training-stack';

const ROOT = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-cli-'));
const write = (name: string, content: unknown): string => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** Run the CLI in-process; returns exit code and captured output. */
function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const violating = write('violating/cdk.tf.json', terraformJson({
  'aws_eks_cluster.main': { name: 'c', role_arn: 'r', vpc_config: { subnet_ids: ['s'] }, '//': { metadata: { path: 'stack/main' } } },
  'aws_s3_bucket.data': { bucket: 'd', '//': { ml_platform: { suppressions: [{ ruleId: 'aws-s3-access-logging', reason: 'CloudTrail data events' }] } } },
  'null_resource.x': {},
}));
const warningsOnly = write('warnings/cdk.tf.json', terraformJson({ 'aws_sagemaker_model.m': { execution_role_arn: 'arn' } }));
const clean = write('clean/cdk.tf.json', terraformJson({ 'aws_kms_key.k': { enable_key_rotation: true, lifecycle: { prevent_destroy: true } } }));
const planFile = write('plan.json', trainingPlan());

describe('ml-platform review: exit codes', () => {
  test('1 when an error finding exists (default --fail-on error)', () => {
    expect(run('review', violating).code).toBe(1);
  });
  test('0 when only warnings exist, 1 with --fail-on warning, 0 with --fail-on none', () => {
    expect(run('review', warningsOnly).code).toBe(0);
    expect(run('review', warningsOnly, '--fail-on', 'warning').code).toBe(1);
    expect(run('review', violating, '--fail-on=none').code).toBe(0);
  });
  test('0 for a clean configuration', () => {
    const r = run('review', clean);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No findings/);
  });
  test('--severity and --disable change the outcome', () => {
    expect(run('review', warningsOnly, '--severity', 'aws-sagemaker-model-network-isolation=error').code).toBe(1);
    expect(run('review', violating, '--disable', 'aws-eks-endpoint-not-public', '--disable', 'aws-eks-secrets-encrypted', '--disable', 'aws-s3-public-access-blocked').code).toBe(0);
  });
});

describe('ml-platform review: bad input exits 2 with one line on stderr', () => {
  const badJson = write('bad.json', '{ "resource": ');
  const notTerraform = write('not-terraform.json', { hello: 'world' });
  const emptyDir = path.join(tmp, 'empty');
  fs.mkdirSync(emptyDir, { recursive: true });

  test.each([
    ['missing file', ['review', path.join(tmp, 'nope.json')], /does not exist/],
    ['malformed JSON', ['review', badJson], /is not valid JSON/],
    ['JSON that is not Terraform', ['review', notTerraform], /neither Terraform JSON .* nor plan JSON/],
    ['empty folder', ['review', emptyDir], /holds no synthesized stack/],
    ['unknown flag', ['review', clean, '--frmat', 'json'], /unknown option '--frmat'/],
    ['bad format', ['review', clean, '--format', 'xml'], /--format must be one of/],
    ['unknown pack', ['review', clean, '--pack', 'lenient'], /unknown pack 'lenient'/],
    ['unknown param', ['review', clean, '--param', 'maxGpus=3'], /unknown parameter 'maxGpus'/],
    ['missing path', ['review'], /needs a PATH/],
    ['unknown command', ['audit', clean], /unknown command 'audit'/],
  ])('%s', (_name, argv, message) => {
    const r = run(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('ml-platform review: formats', () => {
  test('json is exactly one object with findings and summary', () => {
    const r = run('review', violating, '--format', 'json');
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(['findings', 'summary']);
    expect(report.findings).toContainEqual(expect.objectContaining({
      ruleId: 'aws-eks-endpoint-not-public', severity: 'error', category: 'public-exposure', address: 'aws_eks_cluster.main', constructPath: 'stack/main',
    }));
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'aws-s3-access-logging', suppressed: { reason: 'CloudTrail data events' } }));
    expect(report.summary).toMatchObject({ suppressed: 1, resourcesSkipped: 1, skippedResourceTypes: { null_resource: 1 } });
    expect(report.summary.error).toBeGreaterThan(0);
  });

  test('sarif is SARIF 2.1.0 with rules, levels and locations', () => {
    const sarif = JSON.parse(run('review', violating, '--format', 'sarif').stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    const ruleIds = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === 'aws-eks-endpoint-not-public');
    expect(ruleIds).toContain('aws-eks-endpoint-not-public');
    expect(run0.tool.driver.rules[0]).toEqual(expect.objectContaining({ shortDescription: expect.any(Object), help: expect.any(Object) }));
    expect(result.level).toBe('error');
    expect(result.locations[0].logicalLocations[0].name).toBe('aws_eks_cluster.main');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toMatch(/violating\/cdk\.tf\.json$/);
    expect(run0.results.find((r: { ruleId: string }) => r.ruleId === 'aws-s3-access-logging').suppressions[0].justification).toBe('CloudTrail data events');
  });

  test('junit is well-formed XML with a failure per finding', () => {
    const xml = run('review', violating, '--format', 'junit').stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expectWellFormed(xml);
    expect(xml).toMatch(/<testcase classname="aws-eks-endpoint-not-public" name="aws_eks_cluster.main"><failure type="error"/);
    expect(xml).toMatch(/<testcase classname="aws-kms-key-rotation"|<testcase classname="aws-eks-secrets-encrypted"/);
    const failures = (xml.match(/<failure /g) ?? []).length;
    const declared = Number(/<testsuites[^>]* failures="(\d+)"/.exec(xml)![1]);
    expect(failures).toBe(declared);
    // Passing rule × resource pairs are test cases too.
    expect(xml).toMatch(/<testcase classname="aws-eks-control-plane-logging" name="aws_eks_cluster.main"><failure|<testcase classname="aws-rds[^"]*"/);
  });

  test('markdown has a findings table and folds suppressed findings', () => {
    const md = run('review', violating, '--format', 'markdown').stdout;
    expect(md).toMatch(/\| Severity \| Rule \| Resource \| Finding \| Fix \|/);
    expect(md).toMatch(/`aws-eks-endpoint-not-public` \| `aws_eks_cluster.main`/);
    expect(md).toMatch(/<details><summary>1 suppressed finding/);
  });

  test('table prints one line per finding, the same text synth-time validation uses', () => {
    const out = run('review', violating).stdout;
    expect(out).toMatch(/^\[error\] aws-eks-endpoint-not-public aws_eks_cluster.main \(stack\/main\): .+ Fix: /m);
    expect(out).toMatch(/Skipped 1 resource\(s\) of types no rule covers: null_resource \(1\)/);
  });

  test('--output writes the report to a file', () => {
    const out = path.join(tmp, 'report.json');
    const r = run('review', violating, '--format', 'json', '--output', out);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).findings.length).toBeGreaterThan(0);
  });
});

describe('ml-platform review: inputs', () => {
  test('a plan is detected by content and keeps Terraform addresses', () => {
    const report = JSON.parse(run('review', planFile, '--format', 'json', '--fail-on', 'none').stdout);
    expect(report.findings.map((f: { address: string }) => f.address)).toContain('aws_eks_node_group.gpu');
  });

  test('a cdktf.out folder reviews every stack listed in manifest.json', () => {
    const out = path.join(tmp, 'cdktf.out');
    write('cdktf.out/manifest.json', { version: '0.21.0', stacks: {
      a: { name: 'a', synthesizedStackPath: 'stacks/a/cdk.tf.json' }, b: { name: 'b', synthesizedStackPath: 'stacks/b/cdk.tf.json' },
    } });
    write('cdktf.out/stacks/a/cdk.tf.json', terraformJson({ 'aws_kms_key.a': {} }));
    write('cdktf.out/stacks/b/cdk.tf.json', terraformJson({ 'aws_kms_key.b': {} }));
    const report = JSON.parse(run('review', out, '--format', 'json').stdout);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'aws-kms-key-rotation').map((f: { address: string }) => f.address).sort()).toEqual(['aws_kms_key.a', 'aws_kms_key.b']);
    expect(report.summary.resourcesReviewed).toBe(2);
  });

  test('--param feeds rule parameters', () => {
    const file = write('gpu/cdk.tf.json', terraformJson({
      'aws_eks_node_group.g': { cluster_name: 'c', instance_types: ['p4d.24xlarge'], scaling_config: { min_size: 0, max_size: 4 }, taint: { key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' } },
    }));
    expect(run('review', file, '--pack', 'ml-guardrails').code).toBe(0);
    const r = run('review', file, '--pack', 'ml-guardrails', '--param', 'maxAcceleratorsPerPool=16');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ml-accelerator-budget-per-pool aws_eks_node_group.g: pool can scale to 32 accelerators/);
  });
});

describe('the ml-platform bin', () => {
  test('runs as a process with exit codes and a fast start (no provider packages loaded)', () => {
    const bin = path.join(ROOT, 'lib/cli/ml-platform.ts');
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', bin, 'review', violating, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).findings.length).toBeGreaterThan(0);
    const bad = spawnSync(process.execPath, ['-r', 'ts-node/register', bin, 'review', path.join(tmp, 'missing.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^ml-platform: .*missing\.json does not exist$/);
  });

  test('the CLI module graph never imports provider packages or cdktf', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/from '([^']+)'/g)) {
        const spec = m[1];
        expect(spec).not.toMatch(/^@cdktf\/provider-|^cdktf$/);
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        visit(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
      }
    };
    visit(path.join(ROOT, 'lib/cli/ml-platform.ts'));
    expect(seen.size).toBeGreaterThan(50);
  });
});

/** Minimal well-formedness check: balanced tags, quoted attributes, escaped text. */
function expectWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(body))) {
    expect(m.index).toBe(consumed);
    consumed = m.index + m[0].length;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}
