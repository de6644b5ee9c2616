import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { Governance } from '../../lib/governance/governance';
import { reviewPlan, reviewTerraformJson } from '../../lib/governance/review';
import { TRAINING_OPTIONS, trainingPlan, trainingStack } from './fixtures/training-stack';

const RULE = 'aws-eks-endpoint-not-public';

describe('suppressions', () => {
  test('require a non-empty reason', () => {
    const { cluster } = trainingStack();
    expect(() => Governance.suppress(cluster, RULE, { reason: '' })).toThrow(/needs a non-empty reason/);
    expect(() => Governance.suppress(cluster, RULE, { reason: '   ' })).toThrow(/needs a non-empty reason/);
    expect(() => Governance.suppress(cluster, RULE, {} as never)).toThrow(/needs a non-empty reason/);
  });

  test('reject unknown rule ids, bad dates and non-resource constructs', () => {
    const { cluster, stack } = trainingStack();
    expect(() => Governance.suppress(cluster, 'aws-eks-endpoint-not-publik', { reason: 'x' })).toThrow(/unknown rule 'aws-eks-endpoint-not-publik'/);
    expect(() => Governance.suppress(cluster, RULE, { reason: 'VPN-only CIDRs land in PLAT-42', expires: '2026-13-01' })).toThrow(/YYYY-MM-DD/);
    expect(() => Governance.suppress(stack, RULE, { reason: 'VPN-only CIDRs land in PLAT-42' })).toThrow(/one Terraform resource/);
  });

  test('are recorded in cdk.tf.json under //.ml_platform.suppressions and honoured by the JSON review', () => {
    const { stack, cluster } = trainingStack();
    Governance.suppress(cluster, RULE, { reason: 'VPN-only CIDRs come in PLAT-42', expires: '2099-01-01' });
    const json = stack.toTerraform() as any;
    expect(json.resource.aws_eks_cluster.train['//'].ml_platform.suppressions).toEqual([{ ruleId: RULE, reason: 'VPN-only CIDRs come in PLAT-42', expires: '2099-01-01' }]);
    // cdktf keeps its own metadata next to ours.
    expect(json.resource.aws_eks_cluster.train['//'].metadata.path).toBe('training/train');
    const result = reviewTerraformJson(JSON.parse(JSON.stringify(json)), TRAINING_OPTIONS);
    expect(result.findings.map((f) => f.ruleId)).not.toContain(RULE);
    expect(result.suppressed).toEqual([expect.objectContaining({ ruleId: RULE, address: 'aws_eks_cluster.train', suppressed: { reason: 'VPN-only CIDRs come in PLAT-42', expires: '2099-01-01' } })]);
    expect(result.summary.suppressed).toBe(1);
  });

  test('a suppressed error no longer fails synth, and the synthesized file on disk carries it', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-supp-'));
    const { app, stack, cluster, bucket, nodeGroup, database } = trainingStack(outdir);
    Governance.of(stack);
    Governance.suppress(cluster, RULE, { reason: 'private endpoint lands with PLAT-42' });
    Governance.suppress(bucket, 'aws-s3-public-access-blocked', { reason: 'public dataset' });
    Governance.suppress(nodeGroup, 'aws-eks-node-group-imdsv2-required', { reason: 'legacy AMI without IMDSv2 support' });
    Governance.suppress(database, 'aws-rds-storage-encrypted', { reason: 'migration to an encrypted copy in PLAT-7' });
    Governance.suppress(database, 'aws-rds-no-plaintext-password', { reason: 'dev only, rotated daily' });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    app.synth();
    const written = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'training', 'cdk.tf.json'), 'utf8'));
    expect(written.resource.aws_eks_cluster.train['//'].ml_platform.suppressions[0]).toEqual({ ruleId: RULE, reason: 'private endpoint lands with PLAT-42' });
  });

  test('expired suppressions stop suppressing and say so', () => {
    const { stack, cluster } = trainingStack();
    Governance.suppress(cluster, RULE, { reason: 'temporary until PLAT-42', expires: '2025-06-30' });
    // Testing.synth strips "//", so review the stack's resolved Terraform JSON, as written to cdk.tf.json.
    const raw = JSON.parse(JSON.stringify(stack.toTerraform()));
    const before = reviewTerraformJson(raw, { ...TRAINING_OPTIONS, now: new Date('2025-06-30T12:00:00Z') });
    expect(before.suppressed.map((f) => f.ruleId)).toContain(RULE);
    const after = reviewTerraformJson(raw, { ...TRAINING_OPTIONS, now: new Date('2025-07-01T00:00:00Z') });
    const finding = after.findings.find((f) => f.ruleId === RULE);
    expect(finding?.note).toBe('suppression expired on 2025-06-30 (reason was: temporary until PLAT-42)');
    expect(after.suppressed.map((f) => f.ruleId)).not.toContain(RULE);
  });

  test('a plan review takes suppressions (and construct paths) from a synthesized folder, matched by address', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-supp-'));
    const { app, cluster } = trainingStack(outdir);
    Governance.suppress(cluster, RULE, { reason: 'private endpoint lands with PLAT-42' });
    app.synth();
    const without = reviewPlan(trainingPlan(), TRAINING_OPTIONS);
    expect(without.findings.map((f) => f.ruleId)).toContain(RULE);
    const withFolder = reviewPlan(trainingPlan(), { ...TRAINING_OPTIONS, suppressionsFrom: outdir });
    expect(withFolder.findings.map((f) => f.ruleId)).not.toContain(RULE);
    expect(withFolder.suppressed[0]).toMatchObject({ ruleId: RULE, address: 'aws_eks_cluster.train', constructPath: 'training/train' });
  });
});
