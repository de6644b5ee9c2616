import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { Duration } from '../../lib/core/units';
import { WorkloadIdentity, WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { GcpKmsKey } from '../../lib/storage/gcp-kms-key';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { errorOf, synth } from '../util';

describe('SecureS3Bucket', () => {
  const out = synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new SecureS3Bucket(stack, 'data', { bucketName: 'ml-datasets', noncurrentVersionExpiration: Duration.days(365) });
  });
  const bucket = out.resources('aws_s3_bucket').find((b) => b.bucket === 'ml-datasets');

  test('is protected from destroy and never force-destroyed', () => {
    expect(bucket).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  test('versioning, SSE-KMS with a rotating key, all public access blocked, ACLs off', () => {
    expect(out.resources('aws_s3_bucket_versioning').every((v) => v.versioning_configuration.status === 'Enabled')).toBe(true);
    const sse = out.resources('aws_s3_bucket_server_side_encryption_configuration').find((e) => e.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'aws:kms');
    expect(sse.rule[0]).toMatchObject({ bucket_key_enabled: true, apply_server_side_encryption_by_default: { kms_master_key_id: expect.stringContaining('aws_kms_key.') } });
    expect(out.resources('aws_kms_key')[0].enable_key_rotation).toBe(true);
    for (const pab of out.resources('aws_s3_bucket_public_access_block')) {
      expect(pab).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    expect(out.resources('aws_s3_bucket_ownership_controls').map((o) => o.rule.object_ownership)).toEqual(['BucketOwnerEnforced', 'BucketOwnerEnforced']);
  });

  test('denies plain HTTP and logs access to a dedicated bucket', () => {
    const policy = JSON.parse(out.resources('aws_s3_bucket_policy')[0].policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(out.resources('aws_s3_bucket_logging')[0]).toMatchObject({ target_prefix: 'ml-datasets/' });
    expect(out.resources('aws_s3_bucket').map((b) => b.bucket).sort()).toEqual(['ml-datasets', 'ml-datasets-access-logs']);
  });

  test('old versions expire only when asked', () => {
    const rules = out.resources('aws_s3_bucket_lifecycle_configuration').flatMap((l) => l.rule);
    expect(rules.find((r) => r.id === 'expire-noncurrent-versions').noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
  });

  test('a bad name is refused', () => {
    expect(errorOf((s) => new SecureS3Bucket(s, 'b', { bucketName: 'Bad_Bucket' }))).toMatch(/bucketName \("Bad_Bucket"\) is not a valid S3 bucket name/);
  });
});

describe('SecureGcsBucket', () => {
  const out = synth((stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
    new SecureGcsBucket(stack, 'data', { project: 'ml-prod-123', bucketName: 'ml-datasets', location: 'EU' });
    new SecureGcsBucket(stack, 'more', { project: 'ml-prod-123', bucketName: 'ml-models', location: 'EU' });
  });
  const bucket = out.resources('google_storage_bucket').find((b) => b.name === 'ml-datasets');

  test('uniform access, public access prevention, versioning, soft delete and CMEK', () => {
    expect(bucket).toMatchObject({
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      soft_delete_policy: { retention_duration_seconds: 2592000 },
      encryption: { default_kms_key_name: expect.stringContaining('google_kms_crypto_key.') },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(out.resources('google_kms_crypto_key_iam_member')[0].member).toMatch(/data\.google_storage_project_service_account\..+\.member/);
  });

  test('data-access audit logs are turned on once per project however many buckets ask', () => {
    expect(out.resources('google_project_iam_audit_config')).toEqual([{
      project: 'ml-prod-123', service: 'storage.googleapis.com', audit_log_config: [{ log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    }]);
  });
});

describe('Grants bind each (role, member, bucket) once', () => {
  test('the same GCS role granted twice to one workload is one IAM member (destroying a copy would revoke both)', () => {
    const out = synth((stack) => {
      const provider = new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config' });
      const target = KubernetesTarget.fromProvider(provider, { clusterName: 'ml', platform: KubernetesPlatform.GKE, identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123') });
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      const wi = new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' });
      const other = new WorkloadIdentity(stack, 'server', { target, serviceAccountName: 'server', cloudName: 'server' });
      const bucket = new SecureGcsBucket(stack, 'data', { project: 'ml-prod-123', bucketName: 'ml-datasets', location: 'EU' });
      bucket.grantRead(wi);
      bucket.grantRead(wi);
      bucket.grantReadWrite(wi);
      bucket.grantRead(other);
    });
    const members = out.resources('google_storage_bucket_iam_member').map((m) => [m.role, m.member.replace(/_gcp-sa_\w+/, '')]);
    expect(members).toEqual([
      ['roles/storage.objectViewer', '${google_service_account.trainer.member}'],
      ['roles/storage.objectUser', '${google_service_account.trainer.member}'],
      ['roles/storage.objectViewer', '${google_service_account.server.member}'],
    ]);
  });
});

describe('the Google project comes from the stack\'s provider unless given', () => {
  test('a bucket and a key without a project are created in the provider\'s project', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-stack-123' });
      new SecureGcsBucket(stack, 'data', { bucketName: 'ml-datasets', location: 'EU' });
      new GcpKmsKey(stack, 'key', { location: 'europe-west4', keyRingName: 'ml', keyName: 'models' });
    });
    expect(out.resources('google_storage_bucket')[0].project).toBe('ml-stack-123');
    expect(out.resources('google_kms_key_ring').map((r) => r.project)).toEqual(['ml-stack-123', 'ml-stack-123']);
    expect(out.data('google_storage_project_service_account')[0].project).toBe('ml-stack-123');
    expect(out.resources('google_project_iam_audit_config')[0].project).toBe('ml-stack-123');
  });

  test('a project given wins over the provider\'s', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-stack-123' });
      new GcpKmsKey(stack, 'key', { project: 'ml-keys-123', location: 'europe-west4', keyRingName: 'ml', keyName: 'models' });
    });
    expect(out.resources('google_kms_key_ring')[0].project).toBe('ml-keys-123');
  });

  test('without either, the error names the prop and both ways to set it', () => {
    expect(errorOf((s) => new SecureGcsBucket(s, 'data', { bucketName: 'ml-datasets', location: 'EU' })))
      .toBe('test/data: project (undefined) is required: set project, or place the construct in a stack whose Google provider sets project ' +
        '(MlPlatform.googleCloud(name, { project, region }) does)');
    expect(errorOf((s) => new GcpKmsKey(s, 'key', { location: 'europe-west4', keyRingName: 'ml', keyName: 'models' })))
      .toMatch(/^test\/key: project \(undefined\) is required: set project, or place the construct in a stack whose Google provider sets project/);
  });
});

test('SecureS3Bucket logs to an existing bucket when told where', () => {
  const out = synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new SecureS3Bucket(stack, 'data', { bucketName: 'ml-datasets', accessLogs: { bucketName: 'org-access-logs', prefix: 'ml/' } });
  });
  expect(out.resources('aws_s3_bucket').map((b) => b.bucket)).toEqual(['ml-datasets']);
  expect(out.resources('aws_s3_bucket_logging')[0]).toMatchObject({ target_bucket: 'org-access-logs', target_prefix: 'ml/' });
});
