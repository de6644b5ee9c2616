import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { main } from '../../lib/cli/main';
import { Governance } from '../../lib/governance/governance';
import { reviewSynthesizedFolder, reviewTerraformJson } from '../../lib/governance/review';
import { definePack, defineRule } from '../../lib/governance/rule';
import { ALL_RULES } from '../../lib/governance/rules';

/**
 * Users extend governance like cdk-nag's NagPack: custom rules and packs through the API (at synth) and through
 * `ml-platform review --rules <module>`, with the built-in rules' finding format, suppressions and reports.
 */
const ownerTag = defineRule({
  id: 'acme-s3-owner-tag',
  severity: 'error',
  category: 'tagging-labels',
  description: 'S3 buckets carry an owner tag naming an Acme team.',
  remediation: 'Set tags.owner to the owning team (acme-*).',
  appliesTo: ['aws_s3_bucket'],
  evaluate(resource, ctx) {
    const owner = ctx.tags(resource).owner;
    return owner?.startsWith('acme-') ? [] : [`owner tag is ${owner ? `"${owner}"` : 'missing'}; Acme buckets name an acme-* team`];
  },
});
const acme = definePack({ name: 'acme', description: 'Acme data platform conventions', rules: [ownerTag] });

function bucketStack(app = Testing.app()): { app: App; stack: TerraformStack; bucket: S3Bucket } {
  const stack = new TerraformStack(app, 'data');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const bucket = new S3Bucket(stack, 'raw', { bucket: 'acme-raw', tags: { owner: 'someone' } });
  return { app, stack, bucket };
}

/** The error text synth fails with ('' when it passes): the bare bucket also breaks built-in rules. */
function synthErrors(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-custom-'));
/** The same pack as a plain JavaScript module, the way a CI job loads it with --rules (no library import needed). */
const packModule = path.join(tmp, 'acme-rules.js');
fs.writeFileSync(packModule, `
const ownerTag = {
  id: 'acme-s3-owner-tag', severity: 'error', category: 'tagging-labels',
  description: 'S3 buckets carry an owner tag naming an Acme team.', remediation: 'Set tags.owner to the owning team (acme-*).',
  appliesTo: ['aws_s3_bucket'],
  evaluate(resource, ctx) {
    const owner = ctx.tags(resource).owner;
    return owner && owner.startsWith('acme-') ? [] : ['owner tag is ' + (owner ? '"' + owner + '"' : 'missing') + '; Acme buckets name an acme-* team'];
  },
};
module.exports = { acme: { name: 'acme', rules: [ownerTag] } };
`);

describe('custom rules through the API', () => {
  test('a custom pack fails synth with the same finding format as built-in rules', () => {
    const { stack } = bucketStack();
    Governance.of(stack).addPack(acme);
    expect(() => Testing.synth(stack, true)).toThrow(/\[error\] acme-s3-owner-tag aws_s3_bucket\.raw \(data\/raw\): owner tag is "someone"; Acme buckets name an acme-\* team\. Fix: Set tags\.owner/);
  });

  test('addRules registers rules; severity overrides apply to them, whatever the order', () => {
    const { stack } = bucketStack();
    Governance.of(stack).configure({ severityOverrides: { 'acme-s3-owner-tag': 'warning' } }).addRules([ownerTag]);
    const result = Governance.of(stack).review();
    expect(result.findings.find((f) => f.ruleId === 'acme-s3-owner-tag')).toMatchObject({ severity: 'warning', category: 'tagging-labels', address: 'aws_s3_bucket.raw' });
    expect(synthErrors(stack)).toMatch(/aws-s3-public-access-blocked/);
    expect(synthErrors(stack)).not.toMatch(/acme-s3-owner-tag/);
  });

  test('a custom rule may be suppressed before it is registered', () => {
    const { stack, bucket } = bucketStack();
    expect(() => Governance.suppress(bucket, 'acme-s3-owner-tag', { reason: 'legacy bucket, renamed in DATA-7' })).not.toThrow();
    Governance.of(stack).addPack(acme);
    expect(synthErrors(stack)).not.toMatch(/acme-s3-owner-tag|not registered/);
    expect(Governance.of(stack).review().suppressed).toEqual([expect.objectContaining({ ruleId: 'acme-s3-owner-tag', suppressed: { reason: 'legacy bucket, renamed in DATA-7' } })]);
  });

  test('a suppression of a rule that is never registered fails synth with what to do; a typo of a built-in id still throws at once', () => {
    const { stack, bucket } = bucketStack();
    Governance.of(stack);
    Governance.suppress(bucket, 'acme-s3-owner-tgs', { reason: 'typo in the rule id, on purpose' });
    expect(() => Testing.synth(stack, true)).toThrow(/governance names rule 'acme-s3-owner-tgs', which is not registered; register it with Governance\.of\(stack\)\.addRules/);
    expect(() => Governance.suppress(bucket, 'aws-s3-acess-logging', { reason: 'typo in the rule id, on purpose' })).toThrow(/unknown rule 'aws-s3-acess-logging'/);
  });

  test('custom rules are checked when registered, all problems at once', () => {
    const { stack } = bucketStack();
    const bad = { ...ownerTag, id: 'aws-s3-owner', severity: 'fatal', appliesTo: [] } as never;
    expect(() => Governance.of(stack).addRules([bad])).toThrow(/addRules: rule 'aws-s3-owner' starts with a prefix reserved for built-in rules.*; rule 'aws-s3-owner' has severity "fatal".*; rule 'aws-s3-owner' needs appliesTo/);
    expect(() => Governance.of(stack).addRules([{ ...ownerTag, id: ALL_RULES[0].id }])).toThrow(/reuses a built-in rule id/);
    expect(() => Governance.of(stack).addPack(definePack({ name: 'strict', rules: [] }))).toThrow(/reuses a built-in pack name/);
  });

  test('the reviewed options carry the custom rules, so reviewTerraformJson gives the synth answer', () => {
    const { stack } = bucketStack();
    const governance = Governance.of(stack).addPack(acme);
    const json = JSON.parse(JSON.stringify(stack.toTerraform()));
    expect(json['//'].ml_platform.governance).toMatchObject({ customRules: ['acme-s3-owner-tag'], customPacks: ['acme'] });
    const result = reviewTerraformJson(json, governance.options());
    expect(result.findings.map((f) => f.ruleId)).toContain('acme-s3-owner-tag');
    expect(result.summary.packs).toEqual(['baseline', 'acme']);
  });
});

describe('custom rules through the CLI (--rules)', () => {
  const outdir = path.join(tmp, 'cdktf.out');
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const { stack, bucket } = bucketStack(app);
  Governance.of(stack).addPack(acme);
  const other = new S3Bucket(stack, 'archive', { bucket: 'acme-archive', tags: { owner: 'nobody' } });
  Governance.suppress(other, 'acme-s3-owner-tag', { reason: 'archive is owned by the records team until 2027' });
  void bucket;
  app.synth();

  test('a folder synthesized with custom rules is not reviewed without them: exit 2 and how to load them', () => {
    const r = run('review', outdir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ml-platform: data was synthesized with custom governance rule\(s\) acme-s3-owner-tag \(pack acme\) that this review has not loaded; load them with --rules/);
  });

  test('--rules loads the pack; findings, suppressions and reports are those of built-in rules', () => {
    const r = run('review', outdir, '--rules', packModule);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[error\] acme-s3-owner-tag aws_s3_bucket\.raw \(data\/raw\): owner tag is "someone"/);
    expect(r.stdout).toMatch(/Suppressed \(\d+\):[\s\S]*acme-s3-owner-tag aws_s3_bucket\.archive: archive is owned by the records team until 2027/);
    expect(r.stdout).toMatch(/packs: baseline, acme\)/);
    const sarif = JSON.parse(run('review', outdir, '--rules', packModule, '--format', 'sarif').stdout);
    expect(sarif.runs[0].tool.driver.rules.map((d: { id: string }) => d.id)).toContain('acme-s3-owner-tag');
    const api = reviewSynthesizedFolder(outdir, { rules: [...ALL_RULES, ownerTag] });
    expect(api.findings.filter((f) => f.ruleId === 'acme-s3-owner-tag').map((f) => f.address)).toEqual(['aws_s3_bucket.raw']);
  });

  test('--rules works on a plain cdk.tf.json without a recorded configuration', () => {
    const file = path.join(tmp, 'plain.json');
    fs.writeFileSync(file, JSON.stringify({ provider: { aws: [{ region: 'eu-west-1' }] }, resource: { aws_s3_bucket: { b: { bucket: 'b', tags: { owner: 'x' } } } } }));
    expect(run('review', file, '--rules', packModule).stdout).toMatch(/acme-s3-owner-tag aws_s3_bucket\.b/);
    expect(run('review', file).stdout).not.toMatch(/acme-s3-owner-tag/);
  });

  test('a module that exports no rule, or a rule that collides with a built-in id, is bad usage', () => {
    const empty = path.join(tmp, 'empty.js');
    fs.writeFileSync(empty, 'module.exports = { answer: 42 };');
    expect(run('review', outdir, '--rules', empty)).toMatchObject({ code: 2, stderr: expect.stringMatching(/exports no rule or pack/) });
    const clash = path.join(tmp, 'clash.js');
    fs.writeFileSync(clash, `module.exports = [{ id: '${ALL_RULES[0].id}', severity: 'error', category: 'tagging-labels', description: 'd', remediation: 'r', appliesTo: ['aws_s3_bucket'], evaluate: () => [] }];`);
    expect(run('review', outdir, '--rules', clash)).toMatchObject({ code: 2, stderr: expect.stringMatching(/reuses a built-in rule id/) });
  });
});
