import { TerraformStack } from 'cdktf';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { FeastFeatureStore } from '../../lib/features/feast';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry } from '../../lib/features/feast-stores';
import { SageMakerFeatureStore } from '../../lib/features/sagemaker';
import { VertexFeatureStore } from '../../lib/features/vertex';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { bigQueryDefinitions, eksTarget, feastWithElastiCache, feastWithMemorystore, gkeTarget, s3Definitions } from './fixtures';
import { reviewAsSynthesized } from '../util';

function review(build: (stack: TerraformStack) => void, recordPasses = false) {
  return reviewAsSynthesized(build, { recordPasses });
}

const redis = FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } });

const cases: Array<[string, (stack: TerraformStack) => void]> = [
  ['Feast on EKS (S3 registry and files, in-cluster Redis) with a granted reader', (stack) => {
    const target = eksTarget(stack);
    const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
    const store = new FeastFeatureStore(stack, 'feast', { target, definitions: s3Definitions(), registry: FeastRegistry.s3(bucket), offlineStore: FeastOfflineStore.s3Files(bucket), onlineStore: redis });
    store.grantRead(new WorkloadIdentity(stack, 'ranker', { target: target.inNamespace('serving'), serviceAccountName: 'ranker', cloudName: 'ranker' }));
  }],
  ['Feast on GKE (GCS registry, BigQuery offline store)', (stack) => {
    const target = gkeTarget(stack);
    const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
    new FeastFeatureStore(stack, 'feast', {
      target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
      offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }), onlineStore: redis,
    });
  }],
  ['Feast on EKS with an ElastiCache online store', (stack) => { feastWithElastiCache(stack); }],
  ['Feast on GKE with a Memorystore online store', (stack) => { feastWithMemorystore(stack); }],
  ['SageMakerFeatureStore with read and write grants', (stack) => {
    const target = eksTarget(stack);
    const store = new SageMakerFeatureStore(stack, 'sm', { definitions: s3Definitions(), offlineBucketName: 'ml-features-offline' });
    store.grantRead(new WorkloadIdentity(stack, 'ranker', { target, serviceAccountName: 'ranker', cloudName: 'ranker' }));
    store.grantWrite(new WorkloadIdentity(stack, 'ingest', { target, serviceAccountName: 'ingest', cloudName: 'ingest' }));
  }],
  ['VertexFeatureStore with read and write grants', (stack) => {
    const target = gkeTarget(stack);
    const store = new VertexFeatureStore(stack, 'vertex', { definitions: bigQueryDefinitions(), project: 'ml-prod-123', region: 'us-central1' });
    store.grantRead(new WorkloadIdentity(stack, 'ranker', { target, serviceAccountName: 'ranker', cloudName: 'ranker' }));
    store.grantWrite(new WorkloadIdentity(stack, 'ingest', { target, serviceAccountName: 'ingest', cloudName: 'ingest' }));
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

test('Feast needs no suppression: the feature server and Redis are not model-serving workloads', () => {
  const result = review(cases[0][1]);
  expect(result.suppressed.filter((f) => /kubernetes_/.test(f.address))).toEqual([]);
});

test('the managed online stores are judged by the ElastiCache and Memorystore rules and pass them', () => {
  const passed = (build: (stack: TerraformStack) => void) => review(build, true).passed!.map((p) => `${p.ruleId} ${p.address.split('.')[0]}`);
  expect(passed((stack) => { feastWithElastiCache(stack); })).toEqual(expect.arrayContaining([
    'aws-elasticache-at-rest-encryption aws_elasticache_replication_group', 'aws-elasticache-in-transit-encryption aws_elasticache_replication_group',
    'aws-elasticache-auth-enabled aws_elasticache_replication_group', 'ml-required-tags aws_elasticache_replication_group',
  ]));
  expect(passed((stack) => { feastWithMemorystore(stack); })).toEqual(expect.arrayContaining([
    'gcp-redis-auth-enabled google_redis_instance', 'gcp-redis-transit-encryption google_redis_instance', 'ml-required-tags google_redis_instance',
  ]));
});
