import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Governance } from '../../../lib/governance/governance';
import { reviewPlan, reviewTerraformJson } from '../../../lib/governance/review';
import { trainingStack } from '../fixtures/training-stack';
import { terraformJson } from '../helpers';
import { reports, reviewWith } from './helpers';

const RULE = 'aws-kms-key-rotation';
const suppressed = (suppression: Record<string, unknown>) => ({ 'aws_kms_key.k': { '//': { ml_platform: { suppressions: [{ ruleId: RULE, ...suppression }] } } } });
const NOW = { now: new Date('2026-01-01T00:00:00Z') };

describe('suppressions are validated when read, as when written', () => {
  test('a valid suppression still applies', () => {
    const result = reviewWith(suppressed({ reason: 'rotated by the HSM team quarterly', expires: '2026-06-30' }), {}, NOW);
    expect(result.suppressed.map((f) => f.ruleId)).toEqual([RULE]);
  });

  test.each(['never', '2099-13-45', '9999', '2026-02-30', '2026-1-1', '  2026-06-30', '2026-06-30T00:00:00Z '])('expires %j is refused: the finding stays', (expires) => {
    const result = reviewWith(suppressed({ reason: 'rotated by the HSM team quarterly', expires }), {}, NOW);
    expect(reports(result, RULE, 'aws_kms_key.k')).toBe(true);
    expect(result.findings.find((f) => f.ruleId === RULE)?.note).toMatch(/suppression refused: expires/);
  });

  test.each([
    ['blank', '          '],
    ['zero-width characters', '\u200b'.repeat(20)],
    ['a byte-order mark and bidi controls', '\ufeff\u202e\u2066\u2069'.repeat(5)],
    ['fewer than ten visible characters', 'ok  fine'],
    ['not a string', 42],
  ])('a reason that is %s is refused', (_name, reason) => {
    const result = reviewWith(suppressed({ reason }), {}, NOW);
    expect(reports(result, RULE, 'aws_kms_key.k')).toBe(true);
    expect(result.findings.find((f) => f.ruleId === RULE)?.note).toMatch(/suppression refused: reason/);
  });

  test('Governance.suppress refuses the same reasons at synth', () => {
    const { cluster } = trainingStack();
    expect(() => Governance.suppress(cluster, 'aws-eks-endpoint-not-public', { reason: '\u200b'.repeat(20) })).toThrow(/reason/);
    expect(() => Governance.suppress(cluster, 'aws-eks-endpoint-not-public', { reason: 'too short' })).toThrow(/at least 10/);
    expect(() => Governance.suppress(cluster, 'aws-eks-endpoint-not-public', { reason: 'VPN-only CIDRs land in PLAT-42', expires: 'never' })).toThrow(/YYYY-MM-DD/);
  });

  test('classification keys that are Object.prototype members are data', () => {
    for (const classification of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const result = reviewWith({ 'aws_s3_bucket.b': { bucket: 'b', tags: { 'data-classification': classification } } }, {},
        { parameters: { allowedRegions: ['us-east-1'], allowedRegionsByClassification: { restricted: ['us-east-1'] } } });
      expect(reports(result, 'ml-data-residency', 'aws_s3_bucket.b')).toBe(true);
    }
  });
});

describe('keys from the input are data, not prototype members', () => {
  test('an attribute named __proto__ cannot make absent attributes look set', () => {
    const json = JSON.parse('{"resource":{"aws_db_instance":{"db":{"engine":"postgres","__proto__":{"storage_encrypted":true,"publicly_accessible":false}}}}}');
    expect(reviewTerraformJson(json).findings.map((f) => f.ruleId)).toContain('aws-rds-storage-encrypted');
  });
});

describe('suppressions are scoped to their stack', () => {
  test('a suppression in one stack does not apply to the same address in another stack\'s plan', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-scope-'));
    const stack = (name: string, resources: Record<string, Record<string, unknown>>) => {
      fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
      fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(terraformJson(resources)));
    };
    stack('dev', { 'aws_kms_key.k': { '//': { ml_platform: { suppressions: [{ ruleId: RULE, reason: 'dev keys are throwaway' }] } } } });
    stack('prod', { 'aws_kms_key.k': {}, 'aws_s3_bucket.prod_only': { bucket: 'p' } });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: { dev: { synthesizedStackPath: 'stacks/dev/cdk.tf.json' }, prod: { synthesizedStackPath: 'stacks/prod/cdk.tf.json' } } }));
    const prodPlan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [
        { address: 'aws_kms_key.k', mode: 'managed', type: 'aws_kms_key', name: 'k', values: { enable_key_rotation: false } },
        { address: 'aws_s3_bucket.prod_only', mode: 'managed', type: 'aws_s3_bucket', name: 'prod_only', values: { bucket: 'p' } },
      ] } },
    };
    const result = reviewPlan(prodPlan, { suppressionsFrom: dir });
    expect(result.findings.map((f) => f.ruleId)).toContain(RULE);
    expect(result.suppressed.map((f) => f.ruleId)).not.toContain(RULE);
    // Pointing at the dev stack applies its suppression, as intended.
    const dev = reviewPlan({ ...prodPlan, planned_values: { root_module: { resources: [prodPlan.planned_values.root_module.resources[0]] } } }, { suppressionsFrom: path.join(dir, 'stacks', 'dev') });
    expect(dev.suppressed.map((f) => f.ruleId)).toContain(RULE);
  });

  test('the JSON review of one stack reads only that stack', () => {
    const result = reviewTerraformJson(terraformJson({ 'aws_kms_key.k': {} }));
    expect(result.findings.map((f) => f.ruleId)).toContain(RULE);
  });
});
