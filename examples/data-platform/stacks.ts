/**
 * Features, datasets and models on three targets: the stateful heart of the platform, declared once.
 *  - `data-aws`:    EKS; MLflow on RDS with S3 artifacts, a SageMaker model registry, Feast (S3 + in-cluster
 *                   Redis) and SageMaker Feature Store from the same definitions, an S3 dataset store (DVC remote)
 *  - `data-gcp`:    GKE; MLflow on Cloud SQL with GCS artifacts, Feast (BigQuery + GCS registry) and Vertex AI Feature Store
 *                   from the same definitions, a GCS dataset store
 *  - `data-onprem`: an existing cluster; MLflow on in-cluster PostgreSQL with MinIO artifacts, Feast with a SQL
 *                   registry and an S3 data lake, a MinIO dataset store
 * Every stack runs governance inside `cdktf synth`.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import {
  DataClassification, DatasetStore, EksTrainingCluster, FeastFeatureStore, FeastOfflineStore, FeastOnlineStore, FeastRegistry,
  GkeTrainingCluster, Governance, KubernetesTarget, KubernetesTrainingCluster, MlflowBackend, MlflowModelRegistry, ObjectStore,
  ObjectStoreLocation, PlatformLabels, SageMakerFeatureStore, SageMakerModelRegistry, SecureGcsBucket, SecureS3Bucket, VertexFeatureStore,
  WorkloadIdentity,
} from '../../lib';
import { bigQuerySources, churnFeatures, s3Sources } from './features';
import { laterLayer } from '../shared/layers';

const labels = { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL };
/** Your MLflow image (FROM ghcr.io/mlflow/mlflow + psycopg2 and the cloud SDKs), pinned by digest. */
const mlflowImage = (registry: string) => `${registry}/mlflow@sha256:${'5'.repeat(64)}`;
const redis = FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } });

function governed(stack: TerraformStack): void {
  PlatformLabels.apply(stack, labels);
  Governance.of(stack).addPack('ml-guardrails');
}

/**
 * A later layer of `base` (`<id>-<name>`), applied after `after`, with the same provider, labels and governance: what runs on
 * a cluster goes in a later stack than the cluster, whose outputs configure its kubernetes provider.
 * (MlPlatform makes these by itself: `env.addons`, `env.workloads`.)
 */
function layer(base: TerraformStack, after: TerraformStack, name: string, provider: (stack: TerraformStack) => void): TerraformStack {
  return laterLayer(base, after, name, (stack) => { provider(stack); governed(stack); });
}

export class AwsDataStack extends TerraformStack {
  /** The cluster's add-ons (team namespaces, quotas, Karpenter's controller). */
  public readonly addons: TerraformStack;
  /** What runs on the cluster and the stores it uses: MLflow, Feast, SageMaker stores, datasets. */
  public readonly workloads: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const aws = (stack: TerraformStack) => new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    aws(this);
    governed(this);
    this.addons = layer(this, this, 'addons', aws);
    this.workloads = layer(this, this.addons, 'workloads', aws);
    const eks = new EksTrainingCluster(this, 'cluster', {
      clusterName: 'ml-data', kubernetesVersion: '1.33',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      teams: [{ team: 'mlops' }, { team: 'churn' }],
      layers: { addons: this.addons, customResources: this.workloads },
    });
    const mlops = eks.teamTarget('mlops');
    const w = this.workloads;

    const datasets = new DatasetStore(w, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-ml-datasets' }) });
    const registry = new MlflowModelRegistry(w, 'mlflow', {
      target: mlops,
      image: mlflowImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com'),
      backend: MlflowBackend.rds({
        identifier: 'mlflow', vpcId: eks.cluster.vpcConfig.vpcId,
        subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
        clientSecurityGroupIds: [eks.cluster.vpcConfig.clusterSecurityGroupId],
      }),
      artifactStore: new ObjectStore(w, 'mlflow-artifacts', { location: ObjectStoreLocation.s3({ bucketName: 'acme-mlflow-artifacts' }) }),
      admin: {
        username: { name: 'mlflow-admin', key: 'username' },
        password: { name: 'mlflow-admin', key: 'password' },
        flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
      },
    });
    const sagemakerModels = new SageMakerModelRegistry(w, 'sagemaker-models', { groupName: 'churn-classifier', artifactBucketName: 'acme-churn-models' });

    const lake = new SecureS3Bucket(w, 'feature-lake', { bucketName: 'acme-feature-lake' });
    const definitions = churnFeatures(s3Sources('acme-feature-lake'));
    const feast = new FeastFeatureStore(w, 'feast', {
      target: mlops, definitions, registry: FeastRegistry.s3(lake), offlineStore: FeastOfflineStore.s3Files(lake), onlineStore: redis,
    });
    const sagemakerFeatures = new SageMakerFeatureStore(w, 'sagemaker-features', { definitions, offlineBucketName: 'acme-feature-store-offline' });

    // A training job of the churn team: reads datasets and features, publishes models.
    const trainer = new WorkloadIdentity(w, 'trainer', { target: eks.teamTarget('churn'), serviceAccountName: 'churn-trainer', cloudName: 'churn-trainer' });
    datasets.grantRead(trainer);
    registry.grantPublish(trainer);
    sagemakerModels.grantPublish(trainer);
    feast.grantRead(trainer);
    sagemakerFeatures.grantRead(trainer);
  }
}

export class GcpDataStack extends TerraformStack {
  /** The cluster's add-ons (team namespaces and quotas). */
  public readonly addons: TerraformStack;
  /** What runs on the cluster and the stores it uses: MLflow, Feast, Vertex AI, datasets. */
  public readonly workloads: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const project = 'acme-ml-prod';
    const google = (stack: TerraformStack) => new GoogleProvider(stack, 'google', { project, region: 'europe-west4' });
    google(this);
    governed(this);
    this.addons = layer(this, this, 'addons', google);
    this.workloads = layer(this, this.addons, 'workloads', google);
    const gke = new GkeTrainingCluster(this, 'cluster', {
      clusterName: 'ml-data', project, location: 'europe-west4', network: 'ml-vpc', subnetwork: 'ml-europe-west4',
      teams: [{ team: 'mlops' }, { team: 'churn' }],
      layers: { addons: this.addons, customResources: this.workloads },
    });
    const mlops = gke.teamTarget('mlops');
    const w = this.workloads;

    const datasets = new DatasetStore(w, 'datasets', { location: ObjectStoreLocation.gcs({ bucketName: 'acme-ml-datasets-eu', location: 'EU' }) });
    const registry = new MlflowModelRegistry(w, 'mlflow', {
      target: mlops,
      image: mlflowImage('europe-west4-docker.pkg.dev/acme-ml-prod/platform'),
      // The password lives in Secret Manager (created by the platform team); Terraform only references it.
      // Project and region come from the stack's Google provider.
      backend: MlflowBackend.cloudSql({
        instanceName: 'acme-mlflow', privateNetwork: `projects/${project}/global/networks/ml-vpc`, passwordSecretId: 'mlflow-db-password',
      }),
      artifactStore: new ObjectStore(w, 'mlflow-artifacts', { location: ObjectStoreLocation.gcs({ bucketName: 'acme-mlflow-artifacts-eu', location: 'EU' }) }),
      admin: {
        username: { name: 'mlflow-admin', key: 'username' },
        password: { name: 'mlflow-admin', key: 'password' },
        flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
      },
    });

    const definitions = churnFeatures(bigQuerySources(`${project}.features`));
    const registryBucket = new SecureGcsBucket(w, 'feast-registry', { bucketName: 'acme-feast-registry-eu', location: 'EU' });
    const feast = new FeastFeatureStore(w, 'feast', {
      target: mlops, definitions, registry: FeastRegistry.gcs(registryBucket),
      offlineStore: FeastOfflineStore.bigQuery({ project, dataset: 'feast_staging', location: 'EU' }), onlineStore: redis, // Feast's temporary tables: a dataset of its own
    });
    const vertex = new VertexFeatureStore(w, 'vertex-features', { definitions, project, region: 'europe-west4' });

    const trainer = new WorkloadIdentity(w, 'trainer', { target: gke.teamTarget('churn'), serviceAccountName: 'churn-trainer', cloudName: 'churn-trainer' });
    datasets.grantRead(trainer);
    registry.grantPublish(trainer);
    feast.grantRead(trainer);
    vertex.grantRead(trainer);
  }
}

export class OnPremDataStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const target = KubernetesTarget.fromKubeconfig(this, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' });
    governed(this);
    const cluster = new KubernetesTrainingCluster(this, 'cluster', { clusterName: 'dc1', target, teams: [{ team: 'mlops' }] });
    const mlops = cluster.teamTarget('mlops');
    const minio = (bucketName: string) => ObjectStoreLocation.s3Compatible({
      endpointUrl: 'https://minio.dc1.example.com', bucketName, credentials: {
        accessKeyId: { name: `minio-${bucketName}`, key: 'AWS_ACCESS_KEY_ID' },
        secretAccessKey: { name: `minio-${bucketName}`, key: 'AWS_SECRET_ACCESS_KEY' },
      },
    });

    new DatasetStore(this, 'datasets', { location: minio('datasets') });
    new MlflowModelRegistry(this, 'mlflow', {
      target: mlops,
      image: mlflowImage('registry.dc1.example.com/platform'),
      backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' } }),
      artifactStore: new ObjectStore(this, 'mlflow-artifacts', { location: minio('mlflow') }),
      admin: {
        username: { name: 'mlflow-admin', key: 'username' },
        password: { name: 'mlflow-admin', key: 'password' },
        flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
      },
    });
    // The on-prem feature store reads the company data lake in S3 with credentials from a secret.
    const lake = new SecureS3Bucket(this, 'feature-lake', { bucketName: 'acme-dc1-feature-lake' });
    new FeastFeatureStore(this, 'feast', {
      target: mlops, definitions: churnFeatures(s3Sources('acme-dc1-feature-lake')),
      registry: FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }), offlineStore: FeastOfflineStore.s3Files(lake), onlineStore: redis,
      credentialsSecret: 'feast-aws-credentials',
    });
  }
}

/** Adds the example's stacks to `app`: each target's stack, and the AWS layers after it. */
export function buildDataPlatformExample(app: App): TerraformStack[] {
  const aws = new AwsDataStack(app, 'data-aws');
  const gcp = new GcpDataStack(app, 'data-gcp');
  return [aws, aws.addons, aws.workloads, gcp, gcp.addons, gcp.workloads, new OnPremDataStack(app, 'data-onprem')];
}
