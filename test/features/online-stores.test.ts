import { TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { Duration, Size } from '../../lib/core/units';
import { FeastFeatureStore } from '../../lib/features/feast';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry } from '../../lib/features/feast-stores';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { errorOf, literalSecrets, synth } from '../util';
import {
  bigQueryDefinitions, eksTarget, elastiCacheProps, feastWithElastiCache, feastWithMemorystore, gkeTarget, memorystoreProps, s3Definitions,
} from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): any } = require('js-yaml');

const serverContainer = (out: any) => out.resources('kubernetes_deployment_v1')[0].spec.template.spec.container[0];
const config = (out: any) => yaml.load(out.resources('kubernetes_config_map_v1')[0].data['feature_store.yaml']);

describe('Feast on EKS with an ElastiCache online store', () => {
  const out = synth((stack) => { feastWithElastiCache(stack); });
  const group = out.resources('aws_elasticache_replication_group')[0];

  test('Valkey replication group: Multi-AZ with automatic failover on two nodes, KMS at rest, TLS required', () => {
    expect(group).toMatchObject({
      replication_group_id: 'feast-online', engine: 'valkey', engine_version: '8.0', num_cache_clusters: 2,
      automatic_failover_enabled: true, multi_az_enabled: true,
      at_rest_encryption_enabled: 'true', kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      transit_encryption_enabled: true, transit_encryption_mode: 'required',
    });
    expect(out.resources('redis_deployment')).toEqual([]);
    expect(out.resources('kubernetes_stateful_set_v1')).toEqual([]);
  });

  test('durable: a week of snapshots, a final snapshot, prevent_destroy', () => {
    expect(group).toMatchObject({ snapshot_retention_limit: 7, final_snapshot_identifier: 'feast-online-final', lifecycle: { prevent_destroy: true } });
  });

  test('private: its own subnet group, and only the cluster node security group on 6379', () => {
    expect(out.resources('aws_elasticache_subnet_group')[0].subnet_ids).toEqual(elastiCacheProps.subnetIds);
    expect(out.resources('aws_vpc_security_group_ingress_rule')).toEqual([expect.objectContaining({
      referenced_security_group_id: 'sg-0123456789abcdef0', ip_protocol: 'tcp', from_port: 6379, to_port: 6379,
    })]);
    expect(group.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.[\w-]+\.id\}$/)]);
  });

  test('the AUTH token comes from the existing secret, by reference only, into the cache and a Kubernetes secret the pods read', () => {
    expect(out.data('aws_secretsmanager_secret_version')).toEqual([{ secret_id: 'feast/online-store-auth-token' }]);
    const tokenRef = /^\$\{data\.aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/;
    expect(group.auth_token).toMatch(tokenRef);
    const secret = out.resources('kubernetes_secret_v1')[0];
    expect(secret).toMatchObject({ metadata: { name: 'feast-online-store', namespace: 'features' }, type: 'Opaque', data: { password: expect.stringMatching(tokenRef) } });
    expect(serverContainer(out).env).toContainEqual({ name: 'FEAST_REDIS_PASSWORD', value_from: { secret_key_ref: { name: 'feast-online-store', key: 'password' } } });
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('Feast connects to the primary endpoint over TLS; feast apply waits for the cache and the secret', () => {
    expect(config(out).online_store).toEqual({
      type: 'redis', redis_type: 'redis',
      connection_string: expect.stringMatching(/^\$\{aws_elasticache_replication_group\.[\w-]+\.primary_endpoint_address\}:6379,ssl=true,password=\$FEAST_REDIS_PASSWORD$/),
    });
    expect(out.resources('kubernetes_job_v1')[0].depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_elasticache_replication_group\./), expect.stringMatching(/^kubernetes_secret_v1\./),
    ]));
  });
});

describe('Feast on GKE with a Memorystore online store', () => {
  const out = synth((stack) => { feastWithMemorystore(stack); });
  const instance = out.resources('google_redis_instance')[0];

  test('Standard tier, private services access, TLS with server authentication, AUTH on, CMEK, RDB snapshots, a maintenance window', () => {
    expect(instance).toMatchObject({
      name: 'feast-online', region: 'us-central1', tier: 'STANDARD_HA', memory_size_gb: 5, redis_version: 'REDIS_7_2',
      connect_mode: 'PRIVATE_SERVICE_ACCESS', authorized_network: 'projects/ml-prod-123/global/networks/ml',
      transit_encryption_mode: 'SERVER_AUTHENTICATION', auth_enabled: true,
      customer_managed_key: expect.stringMatching(/^\$\{google_kms_crypto_key\.[\w-]+\.id\}$/),
      persistence_config: { persistence_mode: 'RDB', rdb_snapshot_period: 'ONE_HOUR' },
      maintenance_policy: { weekly_maintenance_window: [{ day: 'SUNDAY', start_time: { hours: 3, minutes: 0, seconds: 0, nanos: 0 } }] },
      lifecycle: { prevent_destroy: true },
    });
    expect(out.resources('google_kms_key_ring')).toContainEqual(expect.objectContaining({ location: 'us-central1' }));
    expect(out.resources('google_kms_crypto_key_iam_member').map((m) => m.member)).toContainEqual(
      expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.[\w-]+\.number\}@cloud-redis\.iam\.gserviceaccount\.com$/));
  });

  test('the AUTH string and the server CA reach the pods through a Kubernetes secret, by reference', () => {
    const secret = out.resources('kubernetes_secret_v1')[0];
    expect(secret.data).toEqual({
      password: expect.stringMatching(/^\$\{google_redis_instance\.[\w-]+\.auth_string\}$/),
      'ca.pem': expect.stringMatching(/^\$\{join\("\\n", google_redis_instance\.[\w-]+\.server_ca_certs\[\*\]\.cert\)\}$/),
    });
    const pod = out.resources('kubernetes_deployment_v1')[0].spec.template.spec;
    expect(pod.volume).toContainEqual({ name: 'online-store-ca', secret: { secret_name: 'feast-online-store', items: [{ key: 'ca.pem', path: 'ca.pem' }] } });
    expect(pod.container[0].volume_mount).toContainEqual({ name: 'online-store-ca', mount_path: '/var/run/secrets/feast-online-store', read_only: true });
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('the CA reaches Feast as one secret key mounted in a directory (SecretKeyRef + mountDir)', () => {
    let store!: FeastFeatureStore;
    synth((stack) => { store = feastWithMemorystore(stack); });
    expect(store.memorystore!.connection.caFile).toEqual({ secret: { name: 'feast-online-store', key: 'ca.pem' }, mountDir: '/var/run/secrets/feast-online-store' });
    expect(store.memorystore!.connection.passwordSecret).toEqual({ name: 'feast-online-store', key: 'password' });
  });

  test("Feast's redis client verifies TLS against the mounted CA", () => {
    expect(config(out).online_store.connection_string).toMatch(new RegExp(
      '^\\$\\{google_redis_instance\\.[\\w-]+\\.host\\}:\\$\\{google_redis_instance\\.[\\w-]+\\.port\\},ssl=true,ssl_cert_reqs=required,' +
      'ssl_ca_certs=/var/run/secrets/feast-online-store/ca\\.pem,ssl_check_hostname=false,password=\\$FEAST_REDIS_PASSWORD$'));
  });
});

describe('Memorystore: project and region come from the stack\'s Google provider unless given', () => {
  /** Feast on GKE with a Memorystore online store given only its instance and network, in a stack whose Google provider sets `provider`. */
  const feastIn = (stack: TerraformStack, provider: { project?: string; region?: string }) => {
    new GoogleProvider(stack, 'google', provider);
    const k8s = new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config', configContext: 'ml' });
    const target = KubernetesTarget.fromProvider(k8s, { clusterName: 'ml', namespace: 'features', identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123') });
    const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
    return new FeastFeatureStore(stack, 'features', {
      target, definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
      offlineStore: FeastOfflineStore.bigQuery({ dataset: 'feast_staging', location: 'US' }),
      onlineStore: FeastOnlineStore.memorystore({ instanceId: 'feast-online', network: 'projects/ml-prod-123/global/networks/ml' }),
    });
  };

  test('inherited: the instance, its key ring and the BigQuery offline store use the provider\'s project and region', () => {
    const out = synth((stack) => { feastIn(stack, { project: 'ml-prod-123', region: 'europe-west4' }); });
    expect(out.resources('google_redis_instance')[0]).toMatchObject({ project: 'ml-prod-123', region: 'europe-west4' });
    expect(out.resources('google_kms_key_ring')).toContainEqual(expect.objectContaining({ project: 'ml-prod-123', location: 'europe-west4' }));
    expect(config(out).offline_store).toEqual({ type: 'bigquery', project_id: 'ml-prod-123', dataset: 'feast_staging', location: 'US' });
  });

  test('without the prop or the provider setting, the error names the prop and both ways to set it', () => {
    const message = errorOf((stack) => { feastIn(stack as TerraformStack, {}); });
    expect(message).toContain('test/features: onlineStore.project (undefined) is required: set onlineStore.project, or place the construct in a stack whose Google provider sets project');
    expect(message).toContain('test/features: onlineStore.region (undefined) is required: set onlineStore.region, or place the construct in a stack whose Google provider sets region');
    expect(message).toContain('test/features: offlineStore.project (undefined) is required: set offlineStore.project');
  });
});

describe('online store validation', () => {
  test('ElastiCache needs an EKS target, Memorystore a GKE target, each naming the alternative', () => {
    const onGke = errorOf((stack) => {
      new FeastFeatureStore(stack, 'features', {
        target: gkeTarget(stack as TerraformStack), definitions: bigQueryDefinitions(),
        registry: FeastRegistry.gcs(new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' })),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }),
        onlineStore: FeastOnlineStore.elastiCache(elastiCacheProps),
      });
    });
    expect(onGke).toMatch(/features: onlineStore \("elasticache"\) needs an EKS target .* but ml is not EKS; use FeastOnlineStore\.memorystore\(\{\.\.\.\}\) on GKE/);
    const onEks = errorOf((stack) => {
      const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
      new FeastFeatureStore(stack, 'features', {
        target: eksTarget(stack as TerraformStack), definitions: s3Definitions(), registry: FeastRegistry.s3(bucket),
        offlineStore: FeastOfflineStore.s3Files(bucket), onlineStore: FeastOnlineStore.memorystore(memorystoreProps),
      });
    });
    expect(onEks).toMatch(/features: onlineStore \("memorystore"\) needs a GKE target .* but ml is not GKE; use FeastOnlineStore\.elastiCache\(\{\.\.\.\}\) on EKS/);
  });

  test('ElastiCache: one node, one subnet, a short snapshot retention and a literal token are each refused', () => {
    const message = errorOf((stack) => feastWithElastiCache(stack as TerraformStack, {
      ...elastiCacheProps, subnetIds: ['subnet-0123456789abcdef0'], nodes: 1, snapshotRetention: Duration.days(1),
      authTokenSecretId: 'this is "my" token', replicationGroupId: 'Feast--online',
    } as any));
    expect(message).toMatch(/^5 problems:/);
    expect(message).toContain('onlineStore.replicationGroupId ("Feast--online") must be 1-40 lowercase letters');
    expect(message).toContain('onlineStore.subnetIds (["subnet-0123456789abcdef0"]) must list subnets in at least two Availability Zones');
    expect(message).toContain('onlineStore.nodes (1) must be a whole number from 2 to 6: automatic failover and Multi-AZ need a replica');
    expect(message).toContain('onlineStore.snapshotRetention (1d) must be whole days from 7 to 35');
    expect(message).toContain('onlineStore.authTokenSecretId ("this is \\"my\\" token") must be a Secrets Manager secret name or ARN');
  });

  test('in-cluster Redis: the password is a { name, key } secret reference', () => {
    const message = errorOf((stack) => {
      const bucket = new SecureS3Bucket(stack, 'offline', { bucketName: 'ml-features-offline' });
      new FeastFeatureStore(stack, 'features', {
        target: eksTarget(stack as TerraformStack), definitions: s3Definitions(), registry: FeastRegistry.s3(bucket), offlineStore: FeastOfflineStore.s3Files(bucket),
        onlineStore: FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'Feast_Redis', key: 'pass word' } }),
      });
    });
    expect(message).toContain('test/features: onlineStore.passwordSecret.name ("Feast_Redis") is not a valid secret name');
    expect(message).toContain('test/features: onlineStore.passwordSecret.key ("pass word") is not a valid secret key');
  });

  test('Memorystore: a zone, a bare network name and an oversized instance are refused', () => {
    const message = errorOf((stack) => {
      const bucket = new SecureGcsBucket(stack, 'registry', { project: 'ml-prod-123', bucketName: 'ml-feast-registry', location: 'US' });
      new FeastFeatureStore(stack, 'features', {
        target: gkeTarget(stack as TerraformStack), definitions: bigQueryDefinitions(), registry: FeastRegistry.gcs(bucket),
        offlineStore: FeastOfflineStore.bigQuery({ project: 'ml-prod-123', dataset: 'feast_staging', location: 'US' }),
        onlineStore: FeastOnlineStore.memorystore({ ...memorystoreProps, region: 'us-central1-a', network: 'ml', memorySize: Size.gibibytes(500) }),
      });
    });
    expect(message).toContain('onlineStore.region ("us-central1-a") must be a region such as europe-west4');
    expect(message).toContain('onlineStore.network ("ml") must be projects/<project>/global/networks/<vpc>');
    expect(message).toContain('onlineStore.memorySize (500Gi) must be whole GiB from 1 to 300');
  });
});
