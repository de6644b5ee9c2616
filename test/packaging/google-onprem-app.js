/**
 * A user's Google Cloud + on-prem app in plain JS: GKE with MLflow (Cloud SQL), Feast (BigQuery, Memorystore), a
 * dataset store and a GPU endpoint; an on-prem cluster with MLflow (in-cluster PostgreSQL, MinIO), Feast and the
 * monitoring stack. It needs only cdktf, constructs, @cdktf/provider-google and @cdktf/provider-kubernetes:
 * test/packaging/optional-providers.test.ts runs it with @cdktf/provider-aws unresolvable, and scripts/pack-smoke.sh
 * installs the packed library without it and runs this file there.
 *
 *   node google-onprem-app.js <outdir>     (ML_PLATFORM_ENTRY=<path> to load the library from a build folder)
 *
 * Prints one JSON line: the stacks written and the provider packages that were loaded.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { App } = require('cdktf');
const {
  Accelerator, AlertReceiver, Cpu, DataSource, DatasetStore, Duration, Entity, FeastFeatureStore, FeastOfflineStore,
  FeastOnlineStore, FeastRegistry, FeatureView, GkeTrainingCluster, KubernetesInferenceEndpoint, KubernetesTrainingCluster,
  MlflowBackend, MlflowModelRegistry, MlPlatform, ModelArtifact, MonitoringStack, ObjectStore, ObjectStoreLocation,
  SecureGcsBucket, Size, Traffic, TrafficRouting, ValueType,
} = require(process.env.ML_PLATFORM_ENTRY || 'cdktf-ml-platform');

const outdir = path.resolve(process.argv[2] || 'cdktf.out');
const project = 'acme-ml-prod';
const digest = (repo) => `europe-west4-docker.pkg.dev/${project}/platform/${repo}@sha256:${'5'.repeat(64)}`;
const customer = new Entity({ name: 'customer', joinKey: 'customer_id', valueType: ValueType.INT64 });
const definitions = {
  project: 'churn',
  entities: [customer],
  featureViews: [new FeatureView({
    name: 'customer_activity', entities: [customer], ttl: Duration.days(2), materializeEvery: Duration.hours(1),
    features: [{ name: 'sessions_7d', valueType: ValueType.INT64 }, { name: 'spend_30d', valueType: ValueType.FLOAT64 }],
    source: DataSource.bigQuery(`${project}.features.customer_activity`, { timestampField: 'feature_timestamp' }),
  })],
};

const app = new App({ outdir, stackTraces: false });
const platform = new MlPlatform(app, 'platform', {
  name: 'acme', labels: { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod' },
});

// ---- Google Cloud: GKE, and the stores and an endpoint on it ----
const gcp = platform.googleCloud('gcp', { project, region: 'europe-west4' });
const gke = new GkeTrainingCluster(gcp, 'training', {
  clusterName: 'acme-gpu', project, location: 'europe-west4', network: 'ml-vpc', subnetwork: 'ml-europe-west4',
  acceleratorZones: ['europe-west4-a'],
  pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 }],
  teams: [{ team: 'mlops' }, { team: 'serving', maxGpus: 4 }],
});
const w = gcp.workloads;
const mlops = gke.teamTarget('mlops');
new DatasetStore(w, 'datasets', { location: ObjectStoreLocation.gcs({ project, bucketName: 'acme-ml-datasets-eu', location: 'EU' }) });
const registry = new MlflowModelRegistry(w, 'mlflow', {
  target: mlops, image: digest('mlflow'),
  backend: MlflowBackend.cloudSql({
    project, region: 'europe-west4', instanceName: 'acme-mlflow', privateNetwork: `projects/${project}/global/networks/ml-vpc`,
    passwordSecretId: 'mlflow-db-password',
  }),
  artifactStore: new ObjectStore(w, 'mlflow-artifacts', { location: ObjectStoreLocation.gcs({ project, bucketName: 'acme-mlflow-eu', location: 'EU' }) }),
  admin: { username: { name: 'mlflow-admin', key: 'username' }, password: { name: 'mlflow-admin', key: 'password' }, flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' } },
});
const feast = new FeastFeatureStore(w, 'feast', {
  target: mlops, definitions,
  registry: FeastRegistry.gcs(new SecureGcsBucket(w, 'feast-registry', { project, bucketName: 'acme-feast-registry-eu', location: 'EU' })),
  offlineStore: FeastOfflineStore.bigQuery({ project, dataset: 'feast_staging', location: 'EU' }),
  onlineStore: FeastOnlineStore.memorystore({ project, region: 'europe-west4', instanceId: 'feast-online', network: `projects/${project}/global/networks/ml-vpc` }),
});
new KubernetesInferenceEndpoint(w, 'churn', {
  name: 'churn', target: gke.teamTarget('serving'),
  variants: [{
    name: 'stable', model: ModelArtifact.fromUri('gs://acme-models-eu/churn/11/'), image: digest('churn-server'),
    cpu: Cpu.cores(2), memory: Size.gibibytes(8), accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 1,
  }],
  traffic: Traffic.single('stable'),
  routing: TrafficRouting.replicaProportional({ minReplicas: 1, maxReplicas: 2 }),
  featureStore: feast,
});

// ---- on-prem: an existing GPU cluster, MLflow on MinIO, monitoring ----
const onprem = platform.onPrem('onprem', { clusterName: 'dc1', context: 'dc1-admin' });
const cluster = new KubernetesTrainingCluster(onprem.stack, 'training', {
  clusterName: 'dc1', target: onprem.target,
  pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 2, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }],
  teams: [{ team: 'mlops' }, { team: 'research', maxGpus: 16 }],
});
const minio = (bucketName) => ObjectStoreLocation.s3Compatible({ endpointUrl: 'https://minio.dc1.example.com', bucketName, credentials: {
  accessKeyId: { name: `minio-${bucketName}`, key: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { name: `minio-${bucketName}`, key: 'AWS_SECRET_ACCESS_KEY' },
} });
new MlflowModelRegistry(onprem.workloads, 'mlflow', {
  target: cluster.teamTarget('mlops'), image: digest('mlflow'),
  backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' } }),
  artifactStore: new ObjectStore(onprem.workloads, 'mlflow-artifacts', { location: minio('mlflow') }),
  admin: { username: { name: 'mlflow-admin', key: 'username' }, password: { name: 'mlflow-admin', key: 'password' }, flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' } },
});
new MonitoringStack(onprem.workloads, 'monitoring', {
  target: cluster.kubernetes.inNamespace('monitoring'),
  watch: MonitoringStack.discover(onprem.stack),
  alerting: { critical: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')] },
  grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
});

app.synth();
fs.writeFileSync(path.join(outdir, 'platform.mmd'), platform.diagram());
const providers = [...new Set(Object.keys(require.cache)
  .map((file) => /node_modules[\\/](@cdktf[\\/]provider-[a-z0-9-]+)[\\/]/.exec(file)?.[1].replace('\\', '/'))
  .filter(Boolean))].sort();
const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
console.log(JSON.stringify({ stacks, providers, registry: registry.node.path }));
