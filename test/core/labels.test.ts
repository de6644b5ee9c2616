import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { DataClassification, PlatformLabels } from '../../lib/core/labels';
import { MlPlatformValidationError } from '../../lib/core/errors';
import { synth } from '../util';

const labels = { owner: 'ml-platform', costCenter: 'cc-42', environment: 'prod', dataClassification: DataClassification.RESTRICTED };
const expected = { 'owner': 'ml-platform', 'cost-center': 'cc-42', 'environment': 'prod', 'data-classification': 'restricted' };

describe('PlatformLabels', () => {
  test('given labels on a stack, every AWS, Google and Kubernetes resource carries them', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new GoogleProvider(stack, 'google', { project: 'p-123456' });
      new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config' });
      PlatformLabels.apply(stack, labels);
      new S3Bucket(stack, 'bucket', { bucket: 'b' });
      new StorageBucket(stack, 'gcs', { name: 'g', location: 'EU' });
      new NamespaceV1(stack, 'ns', { metadata: { name: 'team', labels: { team: 'vision' } } });
    });
    expect(out.resources('aws_s3_bucket')[0].tags).toEqual(expected);
    expect(out.resources('google_storage_bucket')[0].labels).toEqual(expected);
    expect(out.resources('kubernetes_namespace_v1')[0].metadata.labels).toEqual({ ...expected, team: 'vision' });
  });

  test('a value set explicitly on a resource wins over the standard one', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      PlatformLabels.apply(stack, labels);
      new S3Bucket(stack, 'bucket', { bucket: 'b', tags: { owner: 'data-team' } });
    });
    expect(out.resources('aws_s3_bucket')[0].tags.owner).toBe('data-team');
    expect(out.resources('aws_s3_bucket')[0].tags['cost-center']).toBe('cc-42');
  });

  test('the aspect is idempotent: two synths give identical bytes', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    PlatformLabels.apply(stack, labels);
    new S3Bucket(stack, 'bucket', { bucket: 'b' });
    expect(Testing.synth(stack, true)).toBe(Testing.synth(stack, true));
  });

  test('values no target accepts fail with every problem at once', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    let error: unknown;
    try {
      PlatformLabels.apply(stack, { owner: 'Alice@example.com', costCenter: '', environment: 'prod' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlPlatformValidationError);
    const problems = (error as MlPlatformValidationError).problems.map((p) => p.prop);
    expect(problems).toEqual(['labels.owner', 'labels.costCenter']);
    expect((error as Error).message).toMatch(/test: labels.owner \("Alice@example.com"\) must be 1-63 lowercase letters/);
  });
});
