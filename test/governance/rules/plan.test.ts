import { main } from '../../../lib/cli/main';
import { modelFromPlan } from '../../../lib/governance/normalize/plan';
import { reviewPlan } from '../../../lib/governance/review';
import { reviewTerraformJson } from '../../../lib/governance/review';
import { terraformJson } from '../helpers';
import { changePlan } from './plan-cases';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RULE = 'plan-stateful-resource-destroyed';
const keys = (p: unknown): string[] => reviewPlan(p).findings.filter((f) => f.ruleId === RULE).map((f) => f.address);
const pvc = { manifest: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'features', namespace: 'ml' }, spec: { accessModes: ['ReadWriteOnce'] } } };

describe('plan-stateful-resource-destroyed', () => {
  test('given an update in place, a create, and the delete of a stateless resource, nothing is reported', () => {
    const p = changePlan([
      { address: 'aws_s3_bucket.data', type: 'aws_s3_bucket', actions: ['update'], values: { bucket: 'ml-data' } },
      { address: 'google_sql_database_instance.db', type: 'google_sql_database_instance', actions: ['create'], values: { name: 'db' } },
      { address: 'aws_iam_role.old', type: 'aws_iam_role', actions: ['delete'], values: { name: 'old' } },
      { address: 'aws_s3_bucket.kept', type: 'aws_s3_bucket', actions: ['no-op'], values: { bucket: 'kept' } },
    ]);
    expect(keys(p)).toEqual([]);
  });

  test('given the delete of a bucket, it is an error naming what is lost, read from the prior values', () => {
    const p = changePlan([{ address: 'module.data.aws_s3_bucket.raw', type: 'aws_s3_bucket', actions: ['delete'], values: { bucket: 'ml-raw' } }]);
    const [finding] = reviewPlan(p).findings.filter((f) => f.ruleId === RULE);
    expect(finding).toMatchObject({ severity: 'error', category: 'data-protection', address: 'module.data.aws_s3_bucket.raw' });
    expect(finding.message).toMatch(/deletes this resource: the objects in the bucket would be lost/);
    expect(modelFromPlan(p).deletions?.[0]).toMatchObject({ values: { bucket: 'ml-raw' }, plannedActions: ['delete'] });
  });

  test('given the replace of a Cloud SQL instance (either order), it is reported with the attribute that forces it', () => {
    const p = changePlan([
      { address: 'google_sql_database_instance.db', type: 'google_sql_database_instance', actions: ['delete', 'create'], values: { name: 'db2' }, replacePaths: [['name']] },
      { address: 'google_sql_database_instance.cbd', type: 'google_sql_database_instance', actions: ['create', 'delete'], values: { name: 'db3' } },
    ]);
    const findings = reviewPlan(p).findings.filter((f) => f.ruleId === RULE);
    expect(findings.map((f) => f.address).sort()).toEqual(['google_sql_database_instance.cbd', 'google_sql_database_instance.db']);
    expect(findings.find((f) => f.address.endsWith('.db'))!.message).toMatch(/replaces this resource \(delete then create\) because name changed/);
  });

  test('given the delete of a PersistentVolumeClaim declared with kubernetes_manifest, it is reported; a ConfigMap is not', () => {
    const p = changePlan([
      { address: 'kubernetes_manifest.features', type: 'kubernetes_manifest', actions: ['delete'], values: pvc },
      { address: 'kubernetes_manifest.config', type: 'kubernetes_manifest', actions: ['delete'], values: { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } } },
    ]);
    expect(keys(p)).toEqual(['kubernetes_manifest.features']);
    expect(reviewPlan(p).findings[0].message).toMatch(/PersistentVolumeClaim features/);
  });

  test('a StatefulSet or PersistentVolume loses data only when configured to (claims retained, reclaim policy Retain by default)', () => {
    const sts = (policy?: string): Record<string, unknown> => ({ spec: [{ volume_claim_template: [{ metadata: [{ name: 'data' }] }], ...(policy ? { persistent_volume_claim_retention_policy: [{ when_deleted: policy }] } : {}) }] });
    const p = changePlan([
      { address: 'kubernetes_stateful_set_v1.retained', type: 'kubernetes_stateful_set_v1', actions: ['delete'], values: sts() },
      { address: 'kubernetes_stateful_set_v1.deleted', type: 'kubernetes_stateful_set_v1', actions: ['delete'], values: sts('Delete') },
      { address: 'kubernetes_persistent_volume_v1.static', type: 'kubernetes_persistent_volume_v1', actions: ['delete'], values: { spec: [{}] } },
      { address: 'kubernetes_namespace_v1.ml', type: 'kubernetes_namespace_v1', actions: ['delete', 'create'], values: { metadata: [{ name: 'ml' }] } },
    ]);
    expect(keys(p).sort()).toEqual(['kubernetes_namespace_v1.ml', 'kubernetes_stateful_set_v1.deleted']);
  });

  test('a deletion suppressed with a reason is reported as suppressed, not as a finding', () => {
    const p = changePlan([{ address: 'aws_kms_key.old', type: 'aws_kms_key', actions: ['delete', 'create'], values: { description: 'k' } }]);
    const result = reviewPlan(p, { suppressionsFrom: new Map([['aws_kms_key.old', { suppressions: [{ ruleId: RULE, reason: 'no data was ever encrypted with this key' }] }]]) });
    expect(result.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    expect(result.suppressed.map((f) => [f.ruleId, f.suppressed?.reason])).toEqual([[RULE, 'no data was ever encrypted with this key']]);
  });

  test('other rules still do not review what a plan only deletes, and a configuration has no actions', () => {
    const p = changePlan([{ address: 'aws_db_instance.gone', type: 'aws_db_instance', actions: ['delete'], values: { engine: 'postgres', publicly_accessible: true } }]);
    expect(reviewPlan(p).findings.map((f) => f.ruleId)).toEqual([RULE]);
    expect(modelFromPlan(p).resources).toEqual([]);
    const config = reviewTerraformJson(terraformJson({ 'aws_s3_bucket.data': { bucket: 'ml-data' } }));
    expect(config.findings.map((f) => f.ruleId)).not.toContain(RULE);
  });

  test('the CLI exits 1 on a plan JSON file that deletes a bucket', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-plan-')), 'plan.json');
    fs.writeFileSync(file, JSON.stringify(changePlan([{ address: 'aws_s3_bucket.data', type: 'aws_s3_bucket', actions: ['delete'], values: { bucket: 'ml-data' } }])));
    let stdout = '';
    const code = main(['review', file], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(1);
    expect(stdout).toContain(RULE);
  });
});
