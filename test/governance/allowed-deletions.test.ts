/**
 * A construct removed from the code leaves no resource to carry a suppression: Governance.allowDeletion records the
 * accepted deletion in the stack, and a plan review with --suppressions-from honours it for that stack only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { main } from '../../lib/cli/main';
import { Governance } from '../../lib/governance/governance';
import { reviewPlan } from '../../lib/governance/review';
import { changePlan } from './rules/plan-cases';

const RULE = 'plan-stateful-resource-destroyed';
const REMOVED = 'aws_s3_bucket.raw_bucket_1A2B3C4D';

/** Synthesize a stack that keeps one bucket and, with `allow`, accepts the deletion of a removed one. */
function synthesized(allow: boolean): { outdir: string; json: any } {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-deletions-'));
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const stack = new TerraformStack(app, 'data');
  const kept = new S3Bucket(stack, 'kept', { bucket: 'ml-kept', lifecycle: { preventDestroy: true } });
  kept.overrideLogicalId('kept');
  const governance = Governance.of(stack);
  if (allow) governance.allowDeletion(REMOVED, { reason: 'raw data moved to ml-lake in change 1234; bucket emptied and archived', expires: '2027-03-31' });
  app.synth();
  return { outdir, json: JSON.parse(readFileSync(join(outdir, 'stacks', 'data', 'cdk.tf.json'), 'utf8')) };
}

const plan = changePlan([
  { address: 'aws_s3_bucket.kept', type: 'aws_s3_bucket', actions: ['no-op'], values: { bucket: 'ml-kept' } },
  { address: REMOVED, type: 'aws_s3_bucket', actions: ['delete'], values: { bucket: 'ml-raw' } },
]);

describe('Governance.allowDeletion', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('without it, the plan deleting a bucket whose construct was removed is an error', () => {
    const { outdir, json } = synthesized(false);
    dirs.push(outdir);
    expect(json['//'].ml_platform.allowedDeletions).toBeUndefined();
    const result = reviewPlan(plan, { suppressionsFrom: outdir });
    expect(result.findings.filter((f) => f.ruleId === RULE).map((f) => f.address)).toEqual([REMOVED]);
  });

  test('with it, the deletion is suppressed with the recorded reason, in the API and the CLI', () => {
    const { outdir, json } = synthesized(true);
    dirs.push(outdir);
    expect(json['//'].ml_platform.allowedDeletions).toEqual([
      { address: REMOVED, reason: 'raw data moved to ml-lake in change 1234; bucket emptied and archived', expires: '2027-03-31' },
    ]);
    const result = reviewPlan(plan, { suppressionsFrom: outdir });
    expect(result.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    expect(result.suppressed).toEqual([expect.objectContaining({ ruleId: RULE, address: REMOVED, suppressed: expect.objectContaining({ reason: expect.stringMatching(/ml-lake/) }) })]);

    const planFile = join(outdir, 'plan.json');
    require('fs').writeFileSync(planFile, JSON.stringify(plan));
    const out: string[] = [];
    const code = main(['review', planFile, '--suppressions-from', outdir, '--format', 'json'], { stdout: (s: string) => out.push(s), stderr: () => undefined } as any);
    // The kept bucket's own baseline findings fail the review; the deletion is not among them.
    expect(code).toBe(1);
    const report = JSON.parse(out.join(''));
    // The JSON report lists suppressed findings with their suppression.
    const deletion = report.findings.filter((f: { ruleId: string }) => f.ruleId === RULE);
    expect(deletion).toEqual([expect.objectContaining({ address: REMOVED, suppressed: { reason: expect.stringMatching(/ml-lake/), expires: '2027-03-31' } })]);
    expect(report.findings.filter((f: { suppressed?: unknown; severity: string }) => !f.suppressed && f.severity === 'error').map((f: { ruleId: string }) => f.ruleId)).not.toContain(RULE);
  });

  test('a plan reviewed without the folder still fails: the acceptance lives in the synthesized stack', () => {
    expect(reviewPlan(plan).findings.filter((f) => f.ruleId === RULE)).toHaveLength(1);
  });

  test('bad input is refused with the stack path, the value and the fix', () => {
    const stack = new TerraformStack(new App({ outdir: mkdtempSync(join(tmpdir(), 'mlp-deletions-')) }), 'data');
    const g = Governance.of(stack);
    expect(() => g.allowDeletion('s3 bucket raw', { reason: 'raw data moved to ml-lake' }))
      .toThrow('data: allowDeletion: address "s3 bucket raw" is not a resource address; pass it as the plan names it, e.g. aws_s3_bucket.raw_bucket_1A2B3C4D');
    expect(() => g.allowDeletion(REMOVED, { reason: 'ok' })).toThrow(/data: allowDeletion\('aws_s3_bucket\.raw_bucket_1A2B3C4D'\): suppression of plan-stateful-resource-destroyed needs a reason of at least 10 visible characters/);
    expect(() => g.allowDeletion(REMOVED, { reason: 'raw data moved to ml-lake', expires: '31/03/2027' })).toThrow(/use a date as YYYY-MM-DD/);
    g.allowDeletion(REMOVED, { reason: 'raw data moved to ml-lake' });
    expect(() => g.allowDeletion(REMOVED, { reason: 'raw data moved to ml-lake' })).toThrow(/is allowed already/);
  });
});
