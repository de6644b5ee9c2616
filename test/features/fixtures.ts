import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { Duration } from '../../lib/core/units';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { DataSource, Entity, FeatureDefinitions, FeatureView } from '../../lib/features/definitions';
import { ValueType } from '../../lib/features/value-type';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { FeastFeatureStore } from '../../lib/features/feast';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry } from '../../lib/features/feast-stores';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';

/** A driver entity, as in Feast's own quickstart. */
export const driver = new Entity({ name: 'driver', joinKey: 'driver_id', valueType: ValueType.INT64, description: 'A ride-hailing driver' });

/** Definitions whose sources are Parquet files in S3 (Feast on AWS, SageMaker). */
export function s3Definitions(): FeatureDefinitions {
  return {
    project: 'ride_sharing',
    entities: [driver],
    featureViews: [
      new FeatureView({
        name: 'driver_hourly_stats',
        entities: [driver],
        features: [
          { name: 'conv_rate', valueType: ValueType.FLOAT32 },
          { name: 'acc_rate', valueType: ValueType.FLOAT64 },
          { name: 'avg_daily_trips', valueType: ValueType.INT64, description: 'Trips per day, 7-day mean' },
        ],
        ttl: Duration.days(1),
        source: DataSource.s3Parquet('s3://ml-features-offline/driver_stats/', { timestampField: 'event_timestamp', createdTimestampField: 'created' }),
        owner: 'mobility-ml@example.com',
        tags: { team: 'mobility' },
      }),
      new FeatureView({
        name: 'driver_profile',
        entities: [driver],
        features: [{ name: 'rating', valueType: ValueType.FLOAT32 }, { name: 'vehicle_type', valueType: ValueType.STRING }],
        ttl: Duration.days(30),
        materializeEvery: Duration.days(1),
        source: DataSource.s3Parquet('s3://ml-features-offline/driver_profile/', { timestampField: 'event_timestamp' }),
      }),
    ],
  };
}

/** Definitions whose sources are BigQuery tables (Feast on GKE with BigQuery, Vertex AI). */
export function bigQueryDefinitions(): FeatureDefinitions {
  return {
    project: 'ride_sharing',
    entities: [driver],
    featureViews: [
      new FeatureView({
        name: 'driver_hourly_stats',
        entities: [driver],
        features: [{ name: 'conv_rate', valueType: ValueType.FLOAT32 }, { name: 'trips', valueType: ValueType.INT64 }],
        ttl: Duration.hours(6),
        materializeEvery: Duration.minutes(30),
        source: DataSource.bigQuery('ml-prod-123.features.driver_hourly_stats', { timestampField: 'feature_timestamp' }),
        tags: { team: 'mobility' },
      }),
      new FeatureView({
        name: 'driver_embeddings',
        entities: [driver],
        features: [{ name: 'embedding', valueType: ValueType.FLOAT32_LIST }],
        ttl: Duration.days(7),
        online: false,
        source: DataSource.bigQuery('ml-prod-123.features.driver_embeddings', { timestampField: 'feature_timestamp' }),
      }),
    ],
  };
}

/** A stack with the AWS provider and an EKS-like target (Pod Identity) reached through an existing provider. */
export function eksTarget(stack: TerraformStack): KubernetesTarget {
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const provider = new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config', configContext: 'ml' });
  return KubernetesTarget.fromProvider(provider, { clusterName: 'ml', namespace: 'features', identity: WorkloadIdentityMode.eksPodIdentity('ml') });
}

/** A stack with the Google provider and a GKE-like target (Workload Identity). */
export function gkeTarget(stack: TerraformStack): KubernetesTarget {
  new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
  const provider = new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config', configContext: 'ml' });
  return KubernetesTarget.fromProvider(provider, { clusterName: 'ml', namespace: 'features', identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123') });
}

/** ElastiCache props for an EKS cluster's VPC; the AUTH token lives in an existing Secrets Manager secret. */
export const elastiCacheProps = {
  replicationGroupId: 'feast-online', vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], clientSecurityGroupIds: ['sg-0123456789abcdef0'],
  authTokenSecretId: 'feast/online-store-auth-token',
};

/** Memorystore props for a GKE cluster's VPC. */
export const memorystoreProps = {
  project: 'ml-prod-123', region: 'us-central1', instanceId: 'feast-online', network: 'projects/ml-prod-123/global/networks/ml',
};

/** Feast on EKS: S3 registry and files, ElastiCache online store. */
export function feastWithElastiCache(stack: TerraformStack, props = elastiCacheProps): FeastFeatureStore {
  const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
  return new FeastFeatureStore(stack, 'features', {
    target: eksTarget(stack), definitions: s3Definitions(), registry: FeastRegistry.s3(bucket),
    offlineStore: FeastOfflineStore.s3Files(bucket), onlineStore: FeastOnlineStore.elastiCache(props),
  });
}

/** Feast on GKE: GCS registry, BigQuery, Memorystore online store. */
export function feastWithMemorystore(stack: TerraformStack): FeastFeatureStore {
  const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
  return new FeastFeatureStore(stack, 'features', {
    target: gkeTarget(stack), definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
    offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }),
    onlineStore: FeastOnlineStore.memorystore(memorystoreProps),
  });
}
