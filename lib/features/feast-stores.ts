import { Construct, IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { checkPinnedImage } from '../core/images';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { googleSetting } from '../core/private/environment';
import { requireProvider } from '../core/private/optional-provider';
import { checkSecretKeyRef } from '../core/private/secrets';
import type { SecretKeyRef } from '../core/secrets';
import type { WorkloadIdentity } from '../core/workload-identity';
import type { SecureGcsBucket } from '../storage/gcs-bucket';
import type { SecureS3Bucket } from '../storage/s3-bucket';
import { DataSourceKind, FeatureDefinitions } from './definitions';
import {
  ElastiCacheOnlineStoreProps, FeastElastiCache, FeastMemorystore, ManagedOnlineStoreConnection, ManagedOnlineStoreContext,
  MemorystoreOnlineStoreProps,
} from './feast-managed-redis';
import { FeastRedis, InClusterRedisProps } from './feast-redis';
import { commonPrefix, FeastCloud, identityCloud } from './private/clouds';
import { checkElastiCacheProps, checkMemorystoreProps } from './private/managed-redis-checks';

/** A YAML mapping as plain data: strings, numbers, booleans and nested mappings (a block of `feature_store.yaml`). */
export interface YamlMap {
  readonly [key: string]: string | number | boolean | YamlMap;
}

/** The feature store a Feast registry or offline store serves: what it is checked against, configured and granted for. */
export interface FeastStoreContext {
  /** Where Feast runs. */
  readonly target: IKubernetesTarget;
  /** The definitions Feast serves. */
  readonly definitions: FeatureDefinitions;
  /**
   * The existing secret with cloud credentials, for a store in a cloud the target has no workload identity for.
   * @default - none
   */
  readonly credentialsSecret?: string;
}

/** What a Feast registry or offline store puts into `feature_store.yaml` and the Feast pods. */
export interface FeastStoreConfig {
  /** Its block of `feature_store.yaml` (`registry:` or `offline_store:`). */
  readonly yaml: YamlMap;
  /** Environment variables the pods read from secret keys, by variable name. @default - none */
  readonly secretEnv?: Record<string, SecretKeyRef>;
  /** `AWS_REGION` of the pods: the region of the store's bucket. @default - the store is not on AWS */
  readonly awsRegion?: string;
  /**
   * The pods read the store with Google credentials from `credentialsSecret` (its `credentials.json` key, mounted as
   * `GOOGLE_APPLICATION_CREDENTIALS`): the store is in Google Cloud and the target has no Google identity.
   * @default false
   */
  readonly mountGoogleCredentials?: boolean;
}

/** A store in `cloud` needs credentialsSecret on a target without that cloud's workload identity. */
function checkCredentials(v: Validator, prop: string, cloud: FeastCloud, context: FeastStoreContext): void {
  if (identityCloud(context.target) === cloud) return;
  v.check(context.credentialsSecret !== undefined, 'credentialsSecret', context.credentialsSecret,
    `is required: the ${prop} is in ${cloud} but ${context.target.clusterName} has no ${cloud} workload identity; name an existing secret with credentials`);
}

/** Whether `workload` runs with `cloud`'s workload identity (elsewhere it reads with credentialsSecret, granted nothing). */
function hasIdentityIn(workload: WorkloadIdentity, cloud: FeastCloud): boolean {
  return identityCloud(workload.target) === cloud;
}

/**
 * Where Feast keeps its registry (the catalogue of entities and views that `feast apply` writes):
 * `FeastRegistry.s3(bucket)`, `FeastRegistry.gcs(bucket)` or `FeastRegistry.sql(url)`.
 */
export abstract class FeastRegistry {
  /** A file registry in an S3 bucket (versioned by SecureS3Bucket, so every apply is recoverable). */
  public static s3(bucket: SecureS3Bucket, path = 'feast/registry.db'): FeastRegistry {
    return new S3Registry(bucket, path);
  }

  /** A file registry in a Cloud Storage bucket. */
  public static gcs(bucket: SecureGcsBucket, path = 'feast/registry.db'): FeastRegistry {
    return new GcsRegistry(bucket, path);
  }

  /**
   * A SQL registry (PostgreSQL or MySQL) whose SQLAlchemy URL is read from an existing secret into
   * `FEAST_REGISTRY_URL`; it never appears in the configuration.
   */
  public static sql(url: SecretKeyRef): FeastRegistry {
    return new SqlRegistry(url);
  }

  protected constructor() {}

  /** Adds every problem with the registry, for a feature store in `context`, to `v` (props under `registry`). */
  public abstract validate(scope: IConstruct, v: Validator, context: FeastStoreContext): void;

  /** The `registry:` block and what the Feast pods need to reach it. */
  public abstract bind(scope: Construct, context: FeastStoreContext): FeastStoreConfig;

  /** Lets `workload` read the registry, through its workload identity where it has one in the registry's cloud. */
  public abstract grantRead(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext): void;

  /** Lets `workload` read and write the registry (`feast apply`), as {@link grantRead}. */
  public abstract grantReadWrite(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext): void;
}

const FILE_REGISTRY = (path: string): YamlMap => ({ registry_type: 'file', path, cache_ttl_seconds: 60 });

class S3Registry extends FeastRegistry {
  constructor(public readonly bucket: SecureS3Bucket, public readonly path: string) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator, context: FeastStoreContext): void {
    checkCredentials(v, 'registry', FeastCloud.AWS, context);
  }

  public bind(): FeastStoreConfig {
    return { yaml: FILE_REGISTRY(this.bucket.uri(this.path)), awsRegion: this.bucket.bucket.region };
  }

  public grantRead(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.AWS)) this.bucket.grantRead(workload, this.prefix);
  }

  public grantReadWrite(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.AWS)) this.bucket.grantReadWrite(workload, this.prefix);
  }

  /** The registry file's folder: grants cover it, not the bucket. */
  private get prefix(): string {
    return this.path.slice(0, this.path.lastIndexOf('/') + 1);
  }
}

class GcsRegistry extends FeastRegistry {
  constructor(public readonly bucket: SecureGcsBucket, private readonly path: string) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator, context: FeastStoreContext): void {
    checkCredentials(v, 'registry', FeastCloud.GOOGLE, context);
  }

  public bind(_scope: Construct, context: FeastStoreContext): FeastStoreConfig {
    return { yaml: FILE_REGISTRY(this.bucket.uri(this.path)), mountGoogleCredentials: identityCloud(context.target) !== FeastCloud.GOOGLE };
  }

  public grantRead(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.GOOGLE)) this.bucket.grantRead(workload);
  }

  public grantReadWrite(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.GOOGLE)) this.bucket.grantReadWrite(workload);
  }
}

class SqlRegistry extends FeastRegistry {
  constructor(private readonly url: SecretKeyRef) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator): void {
    checkSecretKeyRef(v, 'registry.url', this.url, '{ name: "feast-registry-db", key: "url" }');
  }

  public bind(): FeastStoreConfig {
    return { yaml: { registry_type: 'sql', path: '$FEAST_REGISTRY_URL', cache_ttl_seconds: 60 }, secretEnv: { FEAST_REGISTRY_URL: this.url } };
  }

  /** The database authenticates with the URL's credentials: nothing to grant in a cloud. */
  public grantRead(): void {}

  public grantReadWrite(): void {}
}

/** Props for {@link FeastOfflineStore.bigQuery}. */
export interface BigQueryOfflineStoreProps {
  /** The project Feast runs its query jobs in and that holds `dataset`. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** The staging dataset Feast writes its temporary tables into (it must exist and hold no source table). */
  readonly dataset: string;
  /** The dataset's location, e.g. `US` or `europe-west4`. */
  readonly location: string;
}

/**
 * Where Feast reads historical values (training data, materialization input): `FeastOfflineStore.s3Files(bucket)`,
 * `FeastOfflineStore.gcsFiles(bucket)` or `FeastOfflineStore.bigQuery({ dataset, location })`.
 */
export abstract class FeastOfflineStore {
  /** Parquet files in an S3 bucket (Feast's file offline store); every view's source must be `DataSource.s3Parquet` in it. */
  public static s3Files(bucket: SecureS3Bucket, prefix = ''): FeastOfflineStore {
    return new S3FilesOfflineStore(bucket, prefix);
  }

  /** Parquet files in a Cloud Storage bucket; every view's source must be `DataSource.gcsParquet` in it. */
  public static gcsFiles(bucket: SecureGcsBucket): FeastOfflineStore {
    return new GcsFilesOfflineStore(bucket);
  }

  /**
   * BigQuery: every view's source must be `DataSource.bigQuery`. Feast writes its temporary tables into
   * `dataset` (which must exist, in `location`).
   */
  public static bigQuery(props: BigQueryOfflineStoreProps): FeastOfflineStore {
    return new BigQueryOfflineStore(props);
  }

  protected constructor(
    /** The one source kind this offline store reads. */
    public readonly sourceKind: DataSourceKind,
  ) {}

  /** Adds every problem with the store, for a feature store in `context`, to `v` (props under `offlineStore`). */
  public abstract validate(scope: IConstruct, v: Validator, context: FeastStoreContext): void;

  /** The `offline_store:` block and what the Feast pods need to read it. */
  public abstract bind(scope: Construct, context: FeastStoreContext): FeastStoreConfig;

  /** Whether `registry` lives in this store's bucket, so one grant of this store can cover both. */
  public sharesStorageWith(_registry: FeastRegistry): boolean {
    return false;
  }

  /**
   * Lets `workload` read historical values, through its workload identity where it has one in the store's cloud.
   * @param registry a registry the workload reads too: where it {@link sharesStorageWith} this store, the one grant covers it
   */
  public abstract grantRead(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext, registry?: FeastRegistry): void;

  /** Lets `workload` write the values materialization reads, as {@link grantRead}. */
  public abstract grantReadWrite(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext): void;

  /** Every feature view's source must be of this store's kind. */
  protected checkSources(v: Validator, context: FeastStoreContext): void {
    (context.definitions?.featureViews ?? []).forEach((view, i) => {
      if (view?.source?.kind === undefined) return;
      v.check(view.source.kind === this.sourceKind, `definitions.featureViews[${i}].source`, String(view.source),
        `does not match the offline store (it reads ${this.sourceKind} sources); move the data or choose a matching offline store`);
    });
  }
}

class S3FilesOfflineStore extends FeastOfflineStore {
  constructor(private readonly bucket: SecureS3Bucket, private readonly prefix: string) {
    super(DataSourceKind.S3_PARQUET);
  }

  public validate(_scope: IConstruct, v: Validator, context: FeastStoreContext): void {
    this.checkSources(v, context);
    checkCredentials(v, 'offlineStore', FeastCloud.AWS, context);
  }

  public bind(): FeastStoreConfig {
    return { yaml: { type: 'file' }, awsRegion: this.bucket.bucket.region };
  }

  public sharesStorageWith(registry: FeastRegistry): boolean {
    return registry instanceof S3Registry && registry.bucket === this.bucket;
  }

  public grantRead(_scope: Construct, workload: WorkloadIdentity, _context: FeastStoreContext, registry?: FeastRegistry): void {
    if (!hasIdentityIn(workload, FeastCloud.AWS)) return;
    // One policy for both: two would be inline policies of the same name on one role (the bucket names them), and
    // one would silently replace the other.
    const prefix = registry && this.sharesStorageWith(registry) ? commonPrefix(this.prefix, (registry as S3Registry).path) : this.prefix;
    this.bucket.grantRead(workload, prefix);
  }

  public grantReadWrite(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.AWS)) this.bucket.grantReadWrite(workload, this.prefix);
  }
}

class GcsFilesOfflineStore extends FeastOfflineStore {
  constructor(private readonly bucket: SecureGcsBucket) {
    super(DataSourceKind.GCS_PARQUET);
  }

  public validate(_scope: IConstruct, v: Validator, context: FeastStoreContext): void {
    this.checkSources(v, context);
    checkCredentials(v, 'offlineStore', FeastCloud.GOOGLE, context);
  }

  public bind(_scope: Construct, context: FeastStoreContext): FeastStoreConfig {
    return { yaml: { type: 'file' }, mountGoogleCredentials: identityCloud(context.target) !== FeastCloud.GOOGLE };
  }

  public sharesStorageWith(registry: FeastRegistry): boolean {
    return registry instanceof GcsRegistry && registry.bucket === this.bucket;
  }

  public grantRead(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.GOOGLE)) this.bucket.grantRead(workload);
  }

  public grantReadWrite(_scope: Construct, workload: WorkloadIdentity): void {
    if (hasIdentityIn(workload, FeastCloud.GOOGLE)) this.bucket.grantReadWrite(workload);
  }
}

/** BigQuery grants made below each feature store so far: their ids are numbered per store (`bq-<n>-…`). */
const bigQueryGrants = new WeakMap<IConstruct, number>();

class BigQueryOfflineStore extends FeastOfflineStore {
  constructor(private readonly props: BigQueryOfflineStoreProps) {
    super(DataSourceKind.BIGQUERY);
  }

  public validate(scope: IConstruct, v: Validator, context: FeastStoreContext): void {
    this.checkSources(v, context);
    checkCredentials(v, 'offlineStore', FeastCloud.GOOGLE, context);
    const p = this.props ?? ({} as BigQueryOfflineStoreProps);
    const project = googleSetting(scope, v, 'offlineStore.project', 'project', p.project);
    v.matches('offlineStore.project', p.project, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a project id, e.g. "ml-prod-123"');
    if (v.check(typeof p.dataset === 'string', 'offlineStore.dataset', p.dataset, 'is required: a staging dataset Feast may write temporary tables to')) {
      v.matches('offlineStore.dataset', p.dataset, /^[A-Za-z0-9_]{1,1024}$/, 'must be a dataset id (letters, digits and "_")');
    }
    v.check(typeof p.location === 'string' && p.location.length > 0, 'offlineStore.location', p.location, 'is required: the dataset\'s location, e.g. "US"');
    // Feast writes temporary tables into the offline store's dataset, so every client gets dataEditor there:
    // a source table in that dataset would be writable by every reader.
    (context.definitions?.featureViews ?? []).forEach((view, i) => {
      if (view?.source?.kind !== DataSourceKind.BIGQUERY) return;
      const [sourceProject, dataset] = String(view.source.location ?? '').split('.');
      v.check(sourceProject !== project || dataset !== p.dataset, `definitions.featureViews[${i}].source`, view.source.location,
        `is in ${project}.${p.dataset}, the dataset Feast writes its temporary tables to (its clients get roles/bigquery.dataEditor there); ` +
        'give FeastOfflineStore.bigQuery a staging dataset of its own');
    });
  }

  public bind(scope: Construct, context: FeastStoreContext): FeastStoreConfig {
    return {
      yaml: { type: 'bigquery', project_id: this.project(scope), dataset: this.props.dataset, location: this.props.location },
      mountGoogleCredentials: identityCloud(context.target) !== FeastCloud.GOOGLE,
    };
  }

  public grantRead(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext): void {
    this.grant(scope, workload, context, false);
  }

  public grantReadWrite(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext): void {
    this.grant(scope, workload, context, true);
  }

  /**
   * The source tables (viewer or editor), the staging dataset (Feast stages entity dataframes and query results as
   * temporary tables there; it holds no source table, checked in validate) and query jobs in the project.
   */
  private grant(scope: Construct, workload: WorkloadIdentity, context: FeastStoreContext, write: boolean): void {
    const member = workload.gcpMember;
    if (!hasIdentityIn(workload, FeastCloud.GOOGLE) || !member) return;
    const { grantBigQueryDataset, grantBigQueryTables, grantProjectRole } = requireProvider(scope, 'a BigQuery offline store grant', () =>
      require('./private/gcp-grants') as typeof import('./private/gcp-grants'));
    const n = bigQueryGrants.get(scope) ?? 0;
    bigQueryGrants.set(scope, n + 1);
    const id = `bq-${n}`;
    const project = this.project(scope);
    grantBigQueryTables(scope, `${id}-table`, member, context.definitions.featureViews.map((fv) => fv.source),
      write ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer');
    grantBigQueryDataset(scope, `${id}-dataset`, project, this.props.dataset, 'roles/bigquery.dataEditor', member);
    grantProjectRole(scope, `${id}-jobs`, project, 'roles/bigquery.jobUser', member);
  }

  private project(scope: IConstruct): string {
    const v = new Validator(scope);
    const project = googleSetting(scope, v, 'offlineStore.project', 'project', this.props.project);
    v.throwIfAny();
    return project;
  }
}

/** What a Feast online store is checked against and created for. */
export interface FeastOnlineStoreContext extends ManagedOnlineStoreContext {
  /** Labels of the feature store's Feast pods: the only pods an in-cluster store admits on its own. */
  readonly clientSelector: Record<string, string>;
}

/** The online store a Feast feature store created, and how its pods reach it. */
export interface FeastOnlineStoreBinding {
  /** What the Feast pods need: the connection string, the password's secret key, a CA file to mount. */
  readonly connection: ManagedOnlineStoreConnection;
  /** The in-cluster Redis. @default - the store is not one */
  readonly redis?: FeastRedis;
  /** The ElastiCache replication group. @default - the store is not one */
  readonly elastiCache?: FeastElastiCache;
  /** The Memorystore instance. @default - the store is not one */
  readonly memorystore?: FeastMemorystore;
}

/**
 * Where Feast serves the latest values from: `FeastOnlineStore.inClusterRedis({...})` (any cluster),
 * `FeastOnlineStore.elastiCache({...})` (EKS) or `FeastOnlineStore.memorystore({...})` (GKE).
 */
export abstract class FeastOnlineStore {
  /**
   * A single-replica Redis StatefulSet in the target namespace: persistent volume (kept when the
   * StatefulSet is deleted), append-only file on (`appendfsync everysec`), a password from an existing
   * secret, non-root with a read-only root filesystem, reachable only from this store's Feast pods.
   */
  public static inClusterRedis(props: InClusterRedisProps): FeastOnlineStore {
    return new InClusterRedisOnlineStore(props);
  }

  /**
   * Amazon ElastiCache (EKS targets): Multi-AZ replication group with automatic failover, KMS encryption at
   * rest, TLS required, AUTH token from an existing Secrets Manager secret, snapshots kept 7+ days.
   */
  public static elastiCache(props: ElastiCacheOnlineStoreProps): FeastOnlineStore {
    return new ElastiCacheOnlineStore(props);
  }

  /**
   * Memorystore for Redis (GKE targets): Standard tier (HA), private services access, TLS with server
   * authentication (Feast verifies the instance's CA), AUTH, CMEK, RDB persistence, maintenance window.
   */
  public static memorystore(props: MemorystoreOnlineStoreProps): FeastOnlineStore {
    return new MemorystoreOnlineStore(props);
  }

  protected constructor() {}

  /** Adds every problem with the store's props, and with running it where the target is, to `v` (under `onlineStore`). */
  public abstract validate(scope: IConstruct, v: Validator, context: FeastOnlineStoreContext): void;

  /** Creates the online store below `scope` (id `redis`, `elasticache` or `memorystore`). */
  public abstract bind(scope: Construct, context: FeastOnlineStoreContext): FeastOnlineStoreBinding;
}

class InClusterRedisOnlineStore extends FeastOnlineStore {
  constructor(private readonly props: InClusterRedisProps) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator): void {
    if (checkSecretKeyRef(v, 'onlineStore.passwordSecret', this.props?.passwordSecret, '{ name: "feast-redis", key: "password" }')) {
      checkPinnedImage(v, 'onlineStore.image', this.props.image);
    }
  }

  public bind(scope: Construct, context: FeastOnlineStoreContext): FeastOnlineStoreBinding {
    const { target, name, clientSelector } = context;
    const redis = new FeastRedis(scope, 'redis', { ...this.props, target, name: `${name}-redis`, clientSelector });
    return {
      redis,
      connection: {
        connectionString: `${redis.address},password=$FEAST_REDIS_PASSWORD`,
        passwordSecret: this.props.passwordSecret,
        dependables: [redis.service],
      },
    };
  }
}

class ElastiCacheOnlineStore extends FeastOnlineStore {
  constructor(private readonly props: ElastiCacheOnlineStoreProps) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator, context: FeastOnlineStoreContext): void {
    checkElastiCacheProps(v, this.props);
    v.check(identityCloud(context.target) === FeastCloud.AWS, 'onlineStore', 'elasticache',
      `needs an EKS target (ElastiCache is reached inside the cluster's VPC, admitted by its node security groups), but ${context.target?.clusterName ?? 'the target'} is not EKS; ` +
      'use FeastOnlineStore.memorystore({...}) on GKE or FeastOnlineStore.inClusterRedis({...}) elsewhere');
  }

  public bind(scope: Construct, context: FeastOnlineStoreContext): FeastOnlineStoreBinding {
    const elastiCache = new FeastElastiCache(scope, 'elasticache', this.props, { target: context.target, name: context.name });
    return { connection: elastiCache.connection, elastiCache };
  }
}

class MemorystoreOnlineStore extends FeastOnlineStore {
  constructor(private readonly props: MemorystoreOnlineStoreProps) {
    super();
  }

  public validate(scope: IConstruct, v: Validator, context: FeastOnlineStoreContext): void {
    checkMemorystoreProps(scope, v, this.props);
    v.check(identityCloud(context.target) === FeastCloud.GOOGLE, 'onlineStore', 'memorystore',
      `needs a GKE target (Memorystore is reached over private services access in the cluster's VPC), but ${context.target?.clusterName ?? 'the target'} is not GKE; ` +
      'use FeastOnlineStore.elastiCache({...}) on EKS or FeastOnlineStore.inClusterRedis({...}) elsewhere');
  }

  public bind(scope: Construct, context: FeastOnlineStoreContext): FeastOnlineStoreBinding {
    const memorystore = new FeastMemorystore(scope, 'memorystore', this.props, { target: context.target, name: context.name });
    return { connection: memorystore.connection, memorystore };
  }
}
