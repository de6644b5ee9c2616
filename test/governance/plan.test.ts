import { reviewPlan } from '../../lib/governance/review';
import { modelFromPlan } from '../../lib/governance/normalize/plan';
import { isUnknown } from '../../lib/governance/values';

type Planned = { address: string; type: string; name: string; values: Record<string, unknown>; mode?: string };

/** A plan with the given resources; `changes` maps address → [actions, after_unknown]; `config` is configuration.root_module. */
function plan(resources: Planned[], changes: Record<string, [string[], Record<string, unknown>?]> = {}, config?: Record<string, unknown>, childModules: unknown[] = []): Record<string, unknown> {
  const planned = (address: string): Planned => resources.find((r) => r.address === address)!;
  return {
    format_version: '1.2',
    planned_values: { root_module: { resources: resources.map((r) => ({ mode: 'managed', ...r })), child_modules: childModules } },
    resource_changes: Object.entries(changes).map(([address, [actions, afterUnknown]]) => ({
      address, mode: 'managed', type: planned(address).type, name: planned(address).name,
      change: { actions, before: null, after: actions.every((a) => a === 'delete') ? null : planned(address).values, after_unknown: afterUnknown ?? {} },
    })),
    configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } }, root_module: config ?? { resources: [] } },
  };
}
const keys = (p: unknown): string[] => reviewPlan(p).findings.map((f) => `${f.ruleId}@${f.address}`);

describe('plan review', () => {
  test('a value unknown until apply because it comes from a reference is not a violation', () => {
    const p = plan(
      [{ address: 'aws_sagemaker_notebook_instance.nb', type: 'aws_sagemaker_notebook_instance', name: 'nb', values: { direct_internet_access: 'Disabled', root_access: 'Disabled' } }],
      { 'aws_sagemaker_notebook_instance.nb': [['create'], { kms_key_id: true }] },
      { resources: [{ address: 'aws_sagemaker_notebook_instance.nb', mode: 'managed', type: 'aws_sagemaker_notebook_instance', name: 'nb', expressions: { kms_key_id: { references: ['var.key_arn'] } } }] },
    );
    expect(keys(p)).not.toContain('aws-sagemaker-notebook-encrypted@aws_sagemaker_notebook_instance.nb');
  });

  test('an unknown boolean is never reported either way', () => {
    const p = plan(
      [{ address: 'aws_db_instance.db', type: 'aws_db_instance', name: 'db', values: { engine: 'postgres' } }],
      { 'aws_db_instance.db': [['create'], { storage_encrypted: true, publicly_accessible: true }] },
      { resources: [{ address: 'aws_db_instance.db', mode: 'managed', type: 'aws_db_instance', name: 'db', expressions: { storage_encrypted: { references: ['var.enc'] }, publicly_accessible: { references: ['var.pub'] } } }] },
    );
    expect(keys(p)).not.toContain('aws-rds-storage-encrypted@aws_db_instance.db');
    expect(keys(p)).not.toContain('aws-rds-not-publicly-accessible@aws_db_instance.db');
  });

  test('a computed value the configuration leaves unset falls back to the provider default', () => {
    const p = plan(
      [{ address: 'aws_eks_cluster.c', type: 'aws_eks_cluster', name: 'c', values: { name: 'c', vpc_config: [{ endpoint_public_access: true }] } }],
      { 'aws_eks_cluster.c': [['create'], { vpc_config: [{ public_access_cidrs: true }] }] },
      { resources: [{ address: 'aws_eks_cluster.c', mode: 'managed', type: 'aws_eks_cluster', name: 'c', expressions: { name: { constant_value: 'c' }, vpc_config: [{ subnet_ids: { constant_value: ['s'] } }] } }] },
    );
    expect(keys(p)).toContain('aws-eks-endpoint-not-public@aws_eks_cluster.c');
    expect(isUnknown(modelFromPlan(p).resources[0].values.name)).toBe(false);
  });

  test('resources in modules keep their module address and resolve references inside the module', () => {
    const p = plan([], {}, {
      resources: [],
      module_calls: { data: { module: { resources: [
        { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', expressions: { bucket: { constant_value: 'x' } } },
        { address: 'aws_s3_bucket_versioning.v', mode: 'managed', type: 'aws_s3_bucket_versioning', name: 'v', expressions: { bucket: { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] } } },
      ] } } },
    }, [{
      address: 'module.data',
      resources: [
        { address: 'module.data.aws_s3_bucket.b["raw"]', mode: 'managed', type: 'aws_s3_bucket', name: 'b', index: 'raw', values: { bucket: 'x' } },
        { address: 'module.data.aws_s3_bucket_versioning.v', mode: 'managed', type: 'aws_s3_bucket_versioning', name: 'v', values: { versioning_configuration: [{ status: 'Enabled' }] } },
      ],
    }]);
    const result = reviewPlan(p);
    const addresses = result.findings.map((f) => f.address);
    expect(addresses).toContain('module.data.aws_s3_bucket.b["raw"]');
    expect(result.findings.map((f) => f.ruleId)).not.toContain('aws-s3-versioning-enabled');
    expect(modelFromPlan(p).resources[0].module).toBe('module.data');
  });

  test('resources that are only being deleted are skipped; replacements and no-ops are reviewed', () => {
    const db = (name: string): Planned => ({ address: `aws_db_instance.${name}`, type: 'aws_db_instance', name, values: { engine: 'postgres', publicly_accessible: true } });
    const p = plan([db('gone'), db('replaced'), db('kept')], {
      'aws_db_instance.gone': [['delete']],
      'aws_db_instance.replaced': [['delete', 'create']],
      'aws_db_instance.kept': [['no-op']],
    });
    const found = keys(p).filter((k) => k.startsWith('aws-rds-not-publicly-accessible@'));
    expect(found.sort()).toEqual(['aws-rds-not-publicly-accessible@aws_db_instance.kept', 'aws-rds-not-publicly-accessible@aws_db_instance.replaced']);
  });

  test('data sources are not reviewed and provider default_tags merge into tags', () => {
    const p = plan([
      { address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', name: 'b', values: { bucket: 'b', tags: { environment: 'prod', 'cost-center': 'c', 'data-classification': 'internal' } } },
      { address: 'data.aws_iam_policy_document.d', type: 'aws_iam_policy_document', name: 'd', mode: 'data', values: {} },
    ]);
    (p.configuration as any).provider_config.aws.expressions.default_tags = [{ tags: { constant_value: { owner: 'ml' } } }];
    const result = reviewPlan(p, { packs: ['ml-guardrails'] });
    expect(result.findings.map((f) => f.ruleId)).not.toContain('ml-required-tags');
    expect(result.summary.resourcesReviewed).toBe(1);
  });

  test('unknown resource types are skipped and counted', () => {
    const result = reviewPlan(plan([
      { address: 'null_resource.a', type: 'null_resource', name: 'a', values: {} },
      { address: 'null_resource.b', type: 'null_resource', name: 'b', values: {} },
    ]));
    expect(result.skippedResourceTypes).toEqual({ null_resource: 2 });
    expect(result.summary.resourcesSkipped).toBe(2);
  });

  test('input that is not a plan is rejected', () => {
    expect(() => reviewPlan({ resource: {} })).toThrow(/not Terraform plan JSON/);
  });
});
