import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { LINEAGE_KEYS, ModelLineage } from '../../lib/registry/lineage';
import { ObjectStoreLocation } from '../../lib/registry/object-store';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { errorOf, literalSecrets, synth } from '../util';
import { eksTarget, gkeTarget, onPremArtifacts, onPremTarget } from './fixtures';

describe('SageMakerModelRegistry', () => {
  let registry!: SageMakerModelRegistry;
  const out = synth((stack) => {
    const target = eksTarget(stack);
    registry = new SageMakerModelRegistry(stack, 'churn', { groupName: 'churn-classifier', artifactBucketName: 'ml-churn-models', crossAccountReadAccountIds: ['210987654321'] });
    registry.grantPublish(new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' }));
    registry.grantRead(new WorkloadIdentity(stack, 'server', { target, serviceAccountName: 'server', cloudName: 'server' }));
  });
  const policy = (prefix: string) => JSON.parse(out.resources('aws_iam_role_policy').find((p) => p.name.startsWith(prefix)).policy).Statement;

  test('a model package group with a KMS-encrypted, protected artifact bucket', () => {
    expect(out.resources('aws_sagemaker_model_package_group')).toEqual([expect.objectContaining({ model_package_group_name: 'churn-classifier' })]);
    expect(out.resources('aws_s3_bucket').find((b) => b.bucket === 'ml-churn-models')).toMatchObject({ lifecycle: { prevent_destroy: true } });
    expect(out.resources('aws_kms_key')[0].enable_key_rotation).toBe(true);
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('publishing is scoped to this group and the models/ prefix, with no approval rights', () => {
    const statements = policy('publish-');
    expect(statements.find((s: any) => s.Action.includes('sagemaker:CreateModelPackage')).Resource).toMatch(/:model-package\/churn-classifier\/\*$/);
    expect(statements.flatMap((s: any) => s.Action)).not.toContain('sagemaker:UpdateModelPackage');
    expect(statements.find((s: any) => s.Action.includes('s3:PutObject')).Resource).toMatch(/\/models\/\*$/);
    expect(statements.every((s: any) => s.Resource !== '*')).toBe(true);
  });

  test('reading has no write action', () => {
    const actions = policy('read-').flatMap((s: any) => [].concat(s.Action));
    expect(actions).not.toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(actions).not.toContain('sagemaker:CreateModelPackage');
  });

  test('the listed account may read and deploy versions, and read artifacts, nothing more', () => {
    const doc = JSON.parse(out.resources('aws_sagemaker_model_package_group_policy')[0].resource_policy);
    expect(doc.Statement.map((s: any) => s.Principal.AWS)).toEqual([[expect.stringMatching(/:iam::210987654321:root$/)], [expect.stringMatching(/:iam::210987654321:root$/)]]);
    expect(doc.Statement.flatMap((s: any) => s.Action)).toEqual(['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel']);
    const bucketPolicy = out.resources('aws_s3_bucket_policy').map((p) => JSON.parse(p.policy)).find((p) => p.Statement.length === 2 && p.Statement[1].Sid === 'CrossAccountReadModelArtifacts');
    expect(bucketPolicy.Statement[0]).toMatchObject({ Sid: 'DenyInsecureTransport', Effect: 'Deny' });
    expect(bucketPolicy.Statement[1]).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/\/models\/\*$/) });
  });

  test('lineage renders as customer metadata properties', () => {
    const lineage = ModelLineage.of({ datasetUri: 's3://ml-datasets/churn/', datasetVersion: 'v12', trainingRun: 'churn-2025-06-01', codeVersion: 'abc123' });
    expect(registry.lineageMetadata(lineage)).toEqual({
      [LINEAGE_KEYS.datasetUri]: 's3://ml-datasets/churn/', [LINEAGE_KEYS.datasetVersion]: 'v12',
      [LINEAGE_KEYS.trainingRun]: 'churn-2025-06-01', [LINEAGE_KEYS.codeVersion]: 'abc123',
    });
  });

  test('bad names and account ids are refused together', () => {
    const message = errorOf((s) => new SageMakerModelRegistry(s, 'r', { groupName: 'Churn_Model', artifactBucketName: 'ml-models', crossAccountReadAccountIds: ['1234'] }));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toMatch(/test\/r: groupName \("Churn_Model"\) is not a valid name/);
    expect(message).toMatch(/test\/r: crossAccountReadAccountIds\[0\] \("1234"\) must be a 12-digit AWS account id/);
  });
});

describe('DatasetStore', () => {
  test('on AWS: a SecureS3Bucket, a DVC remote without keys, least-privilege grants', () => {
    let remote: any;
    const out = synth((stack) => {
      const target = eksTarget(stack);
      const store = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'ml-datasets' }) });
      store.grantRead(new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' }), 'dvc/');
      remote = store.dvcRemote('datasets');
    });
    expect(remote.config).toBe("['remote \"datasets\"']\n    url = s3://ml-datasets/dvc\n");
    expect(remote.commands).toEqual(['dvc remote add -d datasets s3://ml-datasets/dvc']);
    expect(out.resources('aws_s3_bucket').find((b) => b.bucket === 'ml-datasets')).toMatchObject({ lifecycle: { prevent_destroy: true } });
    const statements = JSON.parse(out.resources('aws_iam_role_policy')[0].policy).Statement;
    expect(statements.map((s: any) => s.Action)).toEqual(['s3:ListBucket', ['s3:GetObject', 's3:GetObjectVersion'], ['kms:Decrypt']]);
  });

  test('on Google Cloud: a SecureGcsBucket bound to one workload', () => {
    let remote: any;
    const out = synth((stack) => {
      const target = gkeTarget(stack);
      const store = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.gcs({ project: 'ml-prod-123', bucketName: 'ml-datasets', location: 'EU' }) });
      store.grantReadWrite(new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' }));
      remote = store.dvcRemote('datasets', false);
    });
    expect(remote.commands).toEqual(['dvc remote add datasets gs://ml-datasets/dvc']);
    expect(out.resources('google_storage_bucket')[0]).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: 'enforced', versioning: { enabled: true } });
    expect(out.resources('google_storage_bucket_iam_member')).toEqual([expect.objectContaining({ role: 'roles/storage.objectUser' })]);
  });

  test('on-prem: the endpoint in the remote, credentials only by secret reference', () => {
    let store!: DatasetStore;
    const out = synth((stack) => {
      onPremTarget(stack);
      store = new DatasetStore(stack, 'datasets', { location: onPremArtifacts, dvcPrefix: 'vision/dvc/' });
    });
    expect(store.dvcRemote('dc1').commands).toEqual([
      'dvc remote add -d dc1 s3://mlflow-artifacts/vision/dvc',
      'dvc remote modify dc1 endpointurl https://minio.dc1.example.com',
    ]);
    expect(store.connectionEnv().find((e) => e.name === 'AWS_SECRET_ACCESS_KEY')).toEqual({
      name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' } },
    });
    expect(out.json.resource).toBeUndefined();
  });

  test('a bad prefix or remote name says what is expected', () => {
    expect(errorOf((s) => new DatasetStore(s, 'd', { location: onPremArtifacts, dvcPrefix: 'dvc' })))
      .toMatch(/test\/d: dvcPrefix \("dvc"\) must be a key prefix ending in "\/"/);
  });
});

describe('ModelLineage', () => {
  test('feature views are de-duplicated and sorted, so the same inputs give the same tags', () => {
    const l = ModelLineage.of({ datasetUri: 'gs://d/x', datasetVersion: '3', trainingRun: 'r', featureViews: ['b', 'a', 'b'] });
    expect(l.toRecord()[LINEAGE_KEYS.featureViews]).toBe('a b');
    expect(l.toMlflowTags()[0]).toEqual({ key: 'ml-platform.io/dataset-uri', value: 'gs://d/x' });
  });

  test('missing fields and characters SageMaker refuses are reported together', () => {
    expect(() => ModelLineage.of({ datasetUri: 's3://d/x', datasetVersion: 'v1,v2', trainingRun: undefined as any }))
      .toThrow(/ModelLineage: datasetVersion \("v1,v2"\) contains characters SageMaker model package metadata refuses[\s\S]*trainingRun \(undefined\) is required/);
  });
});

describe('lineage values are literal text in Terraform', () => {
  test('"${" and "%{" are refused with what Terraform would do with them', () => {
    expect(() => ModelLineage.of({ datasetUri: 's3://ml-datasets/${var.env}/', datasetVersion: 'v1', trainingRun: '%{if x}run%{endif}' }))
      .toThrow(/datasetUri \("s3:\/\/ml-datasets\/\$\{var\.env\}\/"\) contains "\$\{" or "%\{", which Terraform reads as an interpolation[\s\S]*trainingRun .* contains "\$\{" or "%\{"/);
  });
});
