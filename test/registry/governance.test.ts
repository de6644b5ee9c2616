import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { DataClassification, PlatformLabels } from '../../lib/core/labels';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { ObjectStoreLocation } from '../../lib/registry/object-store';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { eksTarget, gkeTarget, mlflowOnEks, mlflowOnGke, mlflowOnPrem, onPremArtifacts, onPremTarget } from './fixtures';
import { reviewAsSynthesized } from '../util';

function review(build: (stack: TerraformStack) => void) {
  return reviewAsSynthesized(build, { labels: { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.CONFIDENTIAL } });
}

const cases: Array<[string, (stack: TerraformStack) => void]> = [
  ['MLflow on EKS with RDS and S3, a publisher granted', (stack) => {
    const target = eksTarget(stack);
    const registry = mlflowOnEks(stack, target);
    registry.grantPublish(new WorkloadIdentity(stack, 'trainer', { target: target.inNamespace('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' }));
  }],
  ['MLflow on GKE with Cloud SQL and GCS, a publisher granted', (stack) => {
    const target = gkeTarget(stack);
    const registry = mlflowOnGke(stack, target);
    registry.grantPublish(new WorkloadIdentity(stack, 'trainer', { target: target.inNamespace('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' }));
  }],
  ['MLflow on-prem with in-cluster PostgreSQL and MinIO', (stack) => { mlflowOnPrem(stack, onPremTarget(stack)); }],
  ['SageMaker model registry with cross-account read and grants', (stack) => {
    const target = eksTarget(stack);
    const registry = new SageMakerModelRegistry(stack, 'churn', { groupName: 'churn', artifactBucketName: 'ml-churn-models', crossAccountReadAccountIds: ['210987654321'] });
    registry.grantPublish(new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' }));
  }],
  ['DatasetStore on S3, GCS and on-prem', (stack) => {
    const target = eksTarget(stack);
    new DatasetStore(stack, 'aws-datasets', { location: ObjectStoreLocation.s3({ bucketName: 'ml-datasets' }) })
      .grantRead(new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' }));
    gkeTarget(stack);
    new DatasetStore(stack, 'gcp-datasets', { location: ObjectStoreLocation.gcs({ project: 'ml-prod-123', bucketName: 'ml-datasets-eu', location: 'EU' }) });
    new DatasetStore(stack, 'onprem-datasets', { location: onPremArtifacts });
  }],
];

describe.each(cases)('%s', (_name, build) => {
  const result = review(build);

  test('has no baseline or ml-guardrails error or warning', () => {
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test('every suppression carries a reason', () => {
    for (const f of result.suppressed) expect(f.suppressed?.reason.length).toBeGreaterThan(20);
  });
});

test('the registry needs no suppression: its workloads are labelled as what they are, not as serving', () => {
  const result = review((stack) => { mlflowOnPrem(stack, onPremTarget(stack)); });
  expect(result.suppressed).toEqual([]);
  expect(result.summary.resourcesReviewed).toBeGreaterThan(4);
});

test('Cloud SQL carries the platform labels in settings.user_labels', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-registry-labels-'));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'registry');
    PlatformLabels.apply(stack, { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.CONFIDENTIAL });
    mlflowOnGke(stack, gkeTarget(stack));
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'registry', 'cdk.tf.json'), 'utf8'));
    const [instance] = Object.values(json.resource.google_sql_database_instance) as any[];
    expect(instance.settings.user_labels).toEqual({ owner: 'ml', 'cost-center': 'cc-1', environment: 'test', 'data-classification': 'confidential' });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
