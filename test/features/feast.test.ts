import { TerraformStack, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Peer } from '../../lib/core/connections';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { RequiredPodLabels } from '../../lib/core/labels';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { FeastFeatureStore } from '../../lib/features/feast';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry } from '../../lib/features/feast-stores';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { errorOf, literalSecrets, synth } from '../util';
import { bigQueryDefinitions, eksTarget, gkeTarget, s3Definitions } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): any } = require('js-yaml');

const redis = FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } });

/** Feast on EKS: registry and Parquet files in one S3 bucket, Redis in the cluster, a serving workload granted read. */
function feastOnEks(stack: TerraformStack): FeastFeatureStore {
  const target = eksTarget(stack);
  const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
  const store = new FeastFeatureStore(stack, 'features', {
    target, definitions: s3Definitions(), registry: FeastRegistry.s3(bucket), offlineStore: FeastOfflineStore.s3Files(bucket), onlineStore: redis,
  });
  const ranker = new WorkloadIdentity(stack, 'ranker', { target: target.inNamespace('serving'), serviceAccountName: 'ranker', cloudName: 'ranker' });
  store.grantRead(ranker);
  return store;
}

describe('FeastFeatureStore on EKS', () => {
  const out = synth(feastOnEks);
  const configMap = out.resources('kubernetes_config_map_v1')[0];
  const deployment = out.resources('kubernetes_deployment_v1')[0];
  const container = deployment.spec.template.spec.container[0];

  test('feature_store.yaml names the S3 registry, the in-cluster Redis (password from the environment) and the file offline store', () => {
    const config = yaml.load(configMap.data['feature_store.yaml']);
    expect(config).toEqual({
      project: 'ride_sharing',
      provider: 'local',
      registry: { registry_type: 'file', path: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.offline_bucket_\w+\.bucket\}\/feast\/registry\.db$/), cache_ttl_seconds: 60 },
      online_store: { type: 'redis', redis_type: 'redis', connection_string: 'feast-redis.features.svc.cluster.local:6379,password=$FEAST_REDIS_PASSWORD' },
      offline_store: { type: 'file' },
      entity_key_serialization_version: 3,
    });
    expect(configMap.data['features.py']).toContain('ttl=timedelta(seconds=86400)');
    expect(configMap.data['features.py']).toContain('path="s3://ml-features-offline/driver_stats/"');
  });

  test('the feature server: pinned image, health probes, requests and limits, restricted security context, read-only root', () => {
    expect(container.image).toBe('quay.io/feastdev/feature-server:0.53.0');
    expect(container.command).toEqual(['feast', '-c', '/feature_repo', 'serve', '-h', '0.0.0.0', '-p', '6566']);
    expect(container.readiness_probe.http_get).toEqual({ path: '/health', port: '6566' });
    expect(container.liveness_probe.http_get).toEqual({ path: '/health', port: '6566' });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.security_context).toMatchObject({
      run_as_non_root: true, allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] }, seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(deployment.spec.template.spec.volume).toContainEqual({ name: 'tmp', empty_dir: { size_limit: '1Gi' } });
    expect(container.env).toContainEqual({ name: 'FEAST_REDIS_PASSWORD', value_from: { secret_key_ref: { name: 'feast-redis', key: 'password' } } });
    expect(deployment.spec.template.metadata.annotations['ml-platform.io/config-sha256']).toMatch(/^\$\{sha256\(jsonencode\(kubernetes_config_map_v1\.\w+\.data\)\)\}$/);
  });

  test('ClusterIP service, autoscaler, disruption budget and an ingress policy for labelled clients only', () => {
    expect(out.resources('kubernetes_service_v1').map((s) => s.spec.type)).toEqual(['ClusterIP', 'ClusterIP']);
    expect(out.resources('kubernetes_horizontal_pod_autoscaler_v2')[0].spec).toMatchObject({ min_replicas: 2, max_replicas: 6 });
    expect(out.resources('kubernetes_pod_disruption_budget_v1')[0].spec.max_unavailable).toBe('1');
    const policies = out.resources('kubernetes_network_policy_v1');
    const own = policies.find((p) => p.metadata.name === 'feast-server-ingress');
    expect(own.spec.ingress[0].from).toEqual([{ pod_selector: { match_labels: { 'feast.ml-platform.io/feast-client': 'true' } } }]);
    // The grant admits the reader's namespace through the store's connections, and only pods with the client label.
    const granted = policies.filter((p) => p.metadata.name.startsWith('feast-from-serving'));
    expect(granted).toHaveLength(1);
    expect(granted[0].metadata.name).toMatch(/^feast-from-serving-[0-9a-f]{8}$/);
    expect(granted[0].spec.pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': 'feast', 'app.kubernetes.io/component': 'feature-server' });
    expect(granted[0].spec.ingress[0]).toEqual({
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'serving' } }, pod_selector: { match_labels: { 'feast.ml-platform.io/feast-client': 'true' } } }],
      ports: [{ port: '6566', protocol: 'TCP' }],
    });
    const redisPolicy = policies.find((p) => p.metadata.name === 'feast-redis-ingress');
    expect(redisPolicy.spec.ingress[0]).toEqual({
      from: [{ pod_selector: { match_labels: { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': 'feast' } } }],
      ports: [{ port: '6379', protocol: 'TCP' }],
    });
  });

  test('Redis keeps its data: persistent volume retained, AOF on, password from the existing secret, non-root', () => {
    const sts = out.resources('kubernetes_stateful_set_v1')[0];
    const redisContainer = sts.spec.template.spec.container[0];
    expect(redisContainer.args).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--requirepass', '$(REDIS_PASSWORD)']));
    expect(sts.spec.volume_claim_template[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: 'Retain', when_scaled: 'Retain' }]);
    expect(redisContainer.security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true });
  });

  test('feast apply runs as a Job replaced whenever the repository changes; the server waits for it', () => {
    const job = out.resources('kubernetes_job_v1')[0];
    expect(job.spec.template.spec.container[0].command).toEqual(['feast', '-c', '/feature_repo', 'apply']);
    expect(job.lifecycle.replace_triggered_by[0]).toMatch(/^\$\{kubernetes_config_map_v1\./);
    expect(deployment.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_job_v1\./)]));
  });

  test('one materialization CronJob per refresh interval, concurrency Forbid, in UTC, same hardening', () => {
    const jobs = out.resources('kubernetes_cron_job_v1');
    expect(jobs.map((j) => [j.metadata.name, j.spec.schedule, j.spec.concurrency_policy, j.spec.timezone]).sort()).toEqual([
      ['feast-materialize-1d', '0 0 * * *', 'Forbid', 'Etc/UTC'],
      ['feast-materialize-1h', '0 * * * *', 'Forbid', 'Etc/UTC'],
    ]);
    // Built like every scheduled job of the library: a failed run's pod is kept for its logs, finished Jobs go after a day.
    const hourly = jobs.find((j) => j.metadata.name === 'feast-materialize-1h').spec.job_template.spec;
    expect(hourly).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 3600 });
    // Finished runs are bounded by the history limits, not deleted after a day (a failed run stays to be read).
    expect(hourly.ttl_seconds_after_finished).toBeUndefined();
    expect(hourly.template.spec.restart_policy).toBe('Never');
    expect(hourly.template.spec.service_account_name).toBe('feast-jobs');
    const c = jobs.find((j) => j.metadata.name === 'feast-materialize-1h').spec.job_template.spec.template.spec.container[0];
    expect(c.command[2]).toBe('exec feast -c /feature_repo materialize-incremental "$$(date -u +%Y-%m-%dT%H:%M:%S)" -v driver_hourly_stats');
    expect(c.resources.limits).toEqual({ cpu: '2', memory: '1Gi' });
    expect(c.security_context.read_only_root_filesystem).toBe(true);
  });

  test('cloud access through EKS Pod Identity: server reads the registry prefix, jobs write it, the granted workload reads; no static keys', () => {
    const policies = out.resources('aws_iam_role_policy').map((p) => ({ role: p.role, statements: JSON.parse(p.policy).Statement }));
    const roles = out.resources('aws_iam_role').map((r) => r.name).sort();
    expect(roles).toEqual(['ml-feast-jobs', 'ml-feast-server', 'ml-ranker']);
    const server = policies.filter((p) => p.role.includes('server-identity'));
    expect(server).toHaveLength(1);
    expect(server[0].statements[1]).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/\/feast\/\*$/) });
    expect(literalSecrets(out.json)).toEqual([]);
    expect(out.text).not.toMatch(/AWS_SECRET_ACCESS_KEY/);
  });
});

describe('FeastFeatureStore: clients are admitted by the labels their grant returns', () => {
  test('grantRead returns the client labels and records them for the workload\'s pod template', () => {
    let returned: Record<string, string> | undefined;
    let ranker!: WorkloadIdentity;
    synth((stack) => {
      const store = feastOnEks(stack);
      ranker = new WorkloadIdentity(stack, 'ranker-2', { target: store.target.inNamespace('ranking'), serviceAccountName: 'ranker', cloudName: 'ranker2' });
      returned = store.grantRead(ranker);
    });
    expect(returned).toEqual({ 'feast.ml-platform.io/feast-client': 'true' });
    expect(RequiredPodLabels.of(ranker)).toEqual({ 'feast.ml-platform.io/feast-client': 'true' });
  });

  test('a reader on another cluster is not admitted through this cluster\'s namespace of the same name, and the store says why', () => {
    let store!: FeastFeatureStore;
    let reader!: WorkloadIdentity;
    const out = synth((stack) => {
      store = feastOnEks(stack);
      const other = KubernetesTarget.fromProvider(store.target.provider, { clusterName: 'edge-1', namespace: 'scoring' });
      reader = new WorkloadIdentity(stack, 'scorer', { target: other, serviceAccountName: 'scorer', cloudName: 'scorer' });
      store.grantRead(reader);
    });
    expect(out.resources('kubernetes_network_policy_v1').map((p) => p.metadata.name).filter((n) => n.includes('scoring'))).toEqual([]);
    expect(store.connections.allowed.map((a) => a.peer.namespace)).toEqual(['serving']);
    expect(RequiredPodLabels.of(reader)).toEqual({});
    expect(store.node.metadata.map((m) => String(m.data))).toEqual([expect.stringMatching(/runs on cluster edge-1, the feature server on ml: it was granted offline \(historical\) access only/)]);
  });

  test('a reader whose registry shares the offline bucket gets one read policy covering both, not two of the same name', () => {
    const out = synth(feastOnEks);
    const ranker = out.resources('aws_iam_role_policy').filter((p) => p.role.includes('ranker_aws-role'));
    expect(ranker.map((p) => p.name)).toEqual([...new Set(ranker.map((p) => p.name))]);
    expect(ranker).toHaveLength(1);
    expect(JSON.parse(ranker[0].policy).Statement[1]).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/offline_bucket_\w+\.arn\}\/\*$/) });
  });
});

describe('FeastFeatureStore: the feature server and the in-cluster Redis are reached through their connections', () => {
  test('every grant goes through connections: one policy per namespace, none for the store\'s own namespace', () => {
    let store!: FeastFeatureStore;
    const out = synth((stack) => {
      store = feastOnEks(stack); // grants a reader in `serving`
      const again = new WorkloadIdentity(stack, 'ranker-2', { target: store.target.inNamespace('serving'), serviceAccountName: 'ranker-2', cloudName: 'ranker-2' });
      const local = new WorkloadIdentity(stack, 'ingest', { target: store.target, serviceAccountName: 'ingest', cloudName: 'ingest' });
      store.grantRead(again);
      expect(store.grantWrite(local)).toEqual({ 'feast.ml-platform.io/feast-client': 'true' });
    });
    expect(store.connections.allowed.map((a) => [a.peer.namespace, a.peer.podLabels, a.port])).toEqual([
      ['serving', { 'feast.ml-platform.io/feast-client': 'true' }, 6566],
    ]);
    const names = out.resources('kubernetes_network_policy_v1').map((p) => p.metadata.name).sort();
    expect(names).toEqual(['feast-from-serving-05cae3d5', 'feast-redis-ingress', 'feast-server-ingress']);
  });

  test('others are admitted with connections.allowFrom, on the server\'s port or Redis\' 6379', () => {
    const out = synth((stack) => {
      const store = feastOnEks(stack);
      store.connections.allowDefaultPortFrom(Peer.namespace('monitoring'));
      store.redis!.connections.allowDefaultPortFrom(Peer.podsInNamespace('ops', { app: 'redis-backup' }));
    });
    const policies = out.resources('kubernetes_network_policy_v1');
    const monitoring = policies.find((p) => p.metadata.name === 'feast-from-monitoring');
    expect(monitoring.spec.ingress[0]).toEqual({
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: '6566', protocol: 'TCP' }],
    });
    const backup = policies.find((p) => p.metadata.name.startsWith('feast-redis-from-ops-'));
    expect(backup.spec.pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'feast-redis', 'app.kubernetes.io/component': 'online-store' });
    expect(backup.spec.ingress[0]).toEqual({
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ops' } }, pod_selector: { match_labels: { app: 'redis-backup' } } }],
      ports: [{ port: '6379', protocol: 'TCP' }],
    });
  });
});

describe('FeastFeatureStore elsewhere', () => {
  test('on GKE with BigQuery: a reader gets dataEditor only on the staging dataset, never on a dataset holding source tables', () => {
    const out = synth((stack) => {
      const target = gkeTarget(stack);
      const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
      const store = new FeastFeatureStore(stack, 'features', {
        target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }), onlineStore: redis,
      });
      const reader = new WorkloadIdentity(stack, 'reader', { target: target.inNamespace('serving'), serviceAccountName: 'reader', cloudName: 'reader' });
      store.grantRead(reader);
      store.grantRead(reader);
    });
    const datasets = out.resources('google_bigquery_dataset_iam_member');
    expect(datasets.every((d) => d.dataset_id === 'feast_staging')).toBe(true);
    // Granting the same reader twice binds each (dataset, role, member) and (project, role, member) once.
    const keys = (rs: any[]) => rs.map((r) => `${r.dataset_id ?? r.project}|${r.role}|${r.member}`);
    expect(new Set(keys(datasets)).size).toBe(datasets.length);
    const jobs = out.resources('google_project_iam_member').filter((m) => m.role === 'roles/bigquery.jobUser');
    expect(new Set(keys(jobs)).size).toBe(jobs.length);
    const message = errorOf((stack) => {
      const target = gkeTarget(stack as TerraformStack);
      const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
      new FeastFeatureStore(stack, 'features', {
        target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'features', location: 'US' }), onlineStore: redis,
      });
    });
    expect(message).toContain('definitions.featureViews[0].source ("ml-prod-123.features.driver_hourly_stats") is in ml-prod-123.features, the dataset Feast writes its temporary tables to (its clients get roles/bigquery.dataEditor there); give FeastOfflineStore.bigQuery a staging dataset of its own');
  });

  test('on GKE with BigQuery: the offline store config, and table-scoped BigQuery grants through Workload Identity', () => {
    const out = synth((stack) => {
      const target = gkeTarget(stack);
      const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
      new FeastFeatureStore(stack, 'features', {
        target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }), onlineStore: redis,
      });
    });
    const config = yaml.load(out.resources('kubernetes_config_map_v1')[0].data['feature_store.yaml']);
    expect(config.offline_store).toEqual({ type: 'bigquery', project_id: 'ml-prod-123', dataset: 'feast_staging', location: 'US' });
    expect(config.registry.path).toMatch(/^gs:\/\//);
    expect(out.resources('google_bigquery_table_iam_member').map((m) => [m.table_id, m.role]).sort()).toEqual([
      ['driver_embeddings', 'roles/bigquery.dataViewer'], ['driver_hourly_stats', 'roles/bigquery.dataViewer'],
    ]);
    expect(out.resources('google_storage_bucket_iam_member').map((m) => m.role).sort()).toEqual(['roles/storage.objectUser', 'roles/storage.objectViewer']);
    expect(out.resources('kubernetes_cron_job_v1').map((j) => j.spec.schedule)).toEqual(['*/30 * * * *']);
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('on-prem with an SQL registry: credentials come only from referenced secrets', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'features' });
      new FeastFeatureStore(stack, 'features', {
        target, definitions: s3Definitions(), registry: FeastRegistry.sql({ name: 'feast-registry', key: 'url' }),
        offlineStore: FeastOfflineStore.s3Files(new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' })),
        onlineStore: redis, credentialsSecret: 'feast-aws-credentials',
      });
    });
    const container = out.resources('kubernetes_deployment_v1')[0].spec.template.spec.container[0];
    expect(container.env_from).toEqual([{ secret_ref: { name: 'feast-aws-credentials' } }]);
    expect(container.env).toContainEqual({ name: 'FEAST_REGISTRY_URL', value_from: { secret_key_ref: { name: 'feast-registry', key: 'url' } } });
    expect(yaml.load(out.resources('kubernetes_config_map_v1')[0].data['feature_store.yaml']).registry).toEqual({ registry_type: 'sql', path: '$FEAST_REGISTRY_URL', cache_ttl_seconds: 60 });
    expect(out.resources('aws_iam_role_policy')).toEqual([]);
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('bad props: all problems at once, each saying what to do', () => {
    const message = errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
      new FeastFeatureStore(stack, 'features', {
        target, name: 'Feast', definitions: bigQueryDefinitions(), registry: FeastRegistry.s3(bucket), offlineStore: FeastOfflineStore.s3Files(bucket),
        onlineStore: redis, image: 'feastdev/feature-server:latest', minReplicas: 4, maxReplicas: 2,
      });
    });
    expect(message).toContain('test/features: name ("Feast") is not a valid name');
    expect(message).toContain('test/features: definitions.featureViews[0].source ("bigquery ml-prod-123.features.driver_hourly_stats") does not match the offline store (it reads s3-parquet sources)');
    expect(message).toContain('test/features: image ("feastdev/feature-server:latest") must name a version');
    expect(message).toContain('test/features: maxReplicas (2) is below minReplicas (4)');
    expect(message).toContain('test/features: credentialsSecret (undefined) is required: the registry is in aws but dc1 has no aws workload identity');
  });

  test('synthesis is deterministic', () => {
    expect(synth(feastOnEks).text).toBe(synth(feastOnEks).text);
  });
});

describe('Feast store variants bind themselves', () => {
  test('each registry and offline store gives its own feature_store.yaml block and what the pods need', () => {
    synth((stack) => {
      const target = eksTarget(stack);
      const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
      const context = { target, definitions: s3Definitions() };
      expect(FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }).bind(stack, context)).toEqual({
        yaml: { registry_type: 'sql', path: '$FEAST_REGISTRY_URL', cache_ttl_seconds: 60 }, secretEnv: { FEAST_REGISTRY_URL: { name: 'feast-registry-db', key: 'url' } },
      });
      const files = FeastOfflineStore.s3Files(bucket, 'data/').bind(stack, context);
      expect(files.yaml).toEqual({ type: 'file' });
      expect(Token.isUnresolved(files.awsRegion)).toBe(true); // the bucket's own region
      expect(files.mountGoogleCredentials).toBeUndefined();
      expect(FeastOfflineStore.s3Files(bucket).sharesStorageWith(FeastRegistry.s3(bucket))).toBe(true);
      expect(FeastOfflineStore.s3Files(bucket).sharesStorageWith(FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }))).toBe(false);
      // BigQuery read from an EKS cluster: Google credentials come from credentialsSecret.
      const bigQuery = FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' });
      expect(bigQuery.sourceKind).toBe('bigquery');
      expect(bigQuery.bind(stack, context)).toEqual({
        yaml: { type: 'bigquery', project_id: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }, mountGoogleCredentials: true,
      });
    });
  });

  test('bad store props are named: the SQL registry URL reference, the credentials secret, the BigQuery dataset', () => {
    const message = errorOf((stack) => {
      new FeastFeatureStore(stack, 'features', {
        target: gkeTarget(stack as TerraformStack), definitions: bigQueryDefinitions(), registry: FeastRegistry.sql({ name: 'feast-registry-db', key: 'a url' }),
        offlineStore: FeastOfflineStore.bigQuery({ dataset: 'feast-staging', location: 'US' }), onlineStore: redis, credentialsSecret: 'Feast Credentials',
      });
    });
    expect(message).toContain('test/features: registry.url.key ("a url") is not a valid secret key');
    expect(message).toContain('test/features: offlineStore.dataset ("feast-staging") must be a dataset id');
    expect(message).toContain('test/features: credentialsSecret ("Feast Credentials") must be the name of an existing Kubernetes secret');
    // The project is the Google provider's (ml-prod-123): no problem about it.
    expect(message).not.toContain('offlineStore.project');
  });
});

describe('FeastFeatureStore: feast apply waits for its cloud access', () => {
  /** Terraform addresses (`type.name`) of every resource whose attributes match `pick`. */
  const addresses = (out: any, type: string, pick: (r: any) => boolean) =>
    Object.entries(out.json.resource[type] ?? {}).filter(([, r]) => pick(r)).map(([name]) => `${type}.${name}`);
  const jobsIdentity = (s: string) => typeof s === 'string' && s.includes('features_job-identity_');

  test('on EKS: the jobs\' service account, Pod Identity association and role policies come before the Job', () => {
    const out = synth(feastOnEks);
    const job = out.resources('kubernetes_job_v1')[0];
    const grants = [
      ...addresses(out, 'aws_iam_role_policy', (p) => jobsIdentity(p.role)),
      ...addresses(out, 'aws_eks_pod_identity_association', (a) => jobsIdentity(a.role_arn)),
      ...addresses(out, 'kubernetes_service_account_v1', (sa) => sa.metadata.name === 'feast-jobs'),
    ];
    expect(grants).toHaveLength(4); // registry write, offline read, the association, the service account
    expect(job.depends_on).toEqual(expect.arrayContaining(grants));
  });

  test('on GKE: the Workload Identity binding, the bucket and BigQuery IAM members come before the Job', () => {
    const out = synth((stack) => {
      const target = gkeTarget(stack);
      const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
      new FeastFeatureStore(stack, 'features', {
        target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }), onlineStore: redis,
      });
    });
    const job = out.resources('kubernetes_job_v1')[0];
    const member = (m: any) => jobsIdentity(m.member) || jobsIdentity(m.service_account_id);
    const grants = [
      ...addresses(out, 'google_service_account_iam_member', member),
      ...addresses(out, 'google_storage_bucket_iam_member', member),
      ...addresses(out, 'google_bigquery_table_iam_member', member),
      ...addresses(out, 'google_bigquery_dataset_iam_member', member),
      ...addresses(out, 'google_project_iam_member', member),
      ...addresses(out, 'kubernetes_service_account_v1', (sa) => sa.metadata.name === 'feast-jobs'),
    ];
    expect(grants.map((g) => g.split('.')[0]).sort()).toEqual([
      'google_bigquery_dataset_iam_member', 'google_bigquery_table_iam_member', 'google_bigquery_table_iam_member',
      'google_project_iam_member', 'google_service_account_iam_member', 'google_storage_bucket_iam_member', 'kubernetes_service_account_v1',
    ]);
    expect(job.depends_on).toEqual(expect.arrayContaining(grants));
  });
});
