import { runRules, selectRules } from '../../lib/governance/engine';
import { modelFromTerraformJson } from '../../lib/governance/normalize/terraform-json';
import { block, blocks, isUnknown } from '../../lib/governance/values';
import { terraformJson } from './helpers';

const ids = (packs: string[]): string[] => selectRules({ packs }).map((r) => r.id);

describe('packs', () => {
  test('baseline is on by default; ml-guardrails and strict are opt-in', () => {
    expect(ids([])).toContain('aws-eks-endpoint-not-public');
    expect(ids([])).not.toContain('ml-accelerator-budget-per-pool');
    expect(ids([])).not.toContain('gcp-storage-cmek');
    expect(ids(['ml-guardrails'])).toContain('ml-accelerator-budget-per-pool');
    expect(ids(['strict'])).toEqual(expect.arrayContaining(['gcp-storage-cmek', 'aws-eks-endpoint-not-public']));
  });

  test('severity overrides and disabled rules apply', () => {
    const rules = selectRules({ severityOverrides: { 'aws-kms-key-rotation': 'info', 'aws-rds-storage-encrypted': 'off' }, disabledRules: ['aws-rds-deletion-protection'] });
    expect(rules.find((r) => r.id === 'aws-kms-key-rotation')?.severity).toBe('info');
    expect(rules.map((r) => r.id)).not.toContain('aws-rds-storage-encrypted');
    expect(rules.map((r) => r.id)).not.toContain('aws-rds-deletion-protection');
  });

  test('an overridden severity is what findings and counts report', () => {
    const model = modelFromTerraformJson(terraformJson({ 'aws_kms_key.k': { lifecycle: { prevent_destroy: true } } }));
    const result = runRules(model, { severityOverrides: { 'aws-kms-key-rotation': 'warning' } });
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: 'aws-kms-key-rotation', severity: 'warning' })]);
    expect(result.summary).toMatchObject({ error: 0, warning: 1 });
  });
});

describe('reading values', () => {
  test('nested blocks read the same as an object or a list', () => {
    expect(block({ vpc_config: { a: 1 } }, 'vpc_config')).toEqual({ a: 1 });
    expect(block({ vpc_config: [{ a: 1 }] }, 'vpc_config')).toEqual({ a: 1 });
    expect(blocks({ rule: [{ a: 1 }, { a: 2 }] }, 'rule')).toHaveLength(2);
    expect(blocks({}, 'rule')).toEqual([]);
  });

  test('cdk.tf.json expressions are unknown, escaped $${ is literal text', () => {
    const model = modelFromTerraformJson(terraformJson({ 'aws_iot_policy.p': { name: '${var.name}', policy: 'client/$${iot:ClientId}' } }));
    expect(isUnknown(model.resources[0].values.name)).toBe(true);
    expect(model.resources[0].values.policy).toBe('client/${iot:ClientId}');
  });

  test('references are indexed once, both directions', () => {
    const model = modelFromTerraformJson(terraformJson({
      'aws_s3_bucket.b': { bucket: 'b' },
      'aws_s3_bucket_versioning.v': { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Enabled' } },
    }));
    expect(model.referencedBy.get('aws_s3_bucket.b')?.map((r) => `${r.from.address}:${r.attribute}`)).toEqual(['aws_s3_bucket_versioning.v:bucket']);
    expect(model.references.get('aws_s3_bucket_versioning.v')?.map((r) => r.to.address)).toEqual(['aws_s3_bucket.b']);
  });
});
