import type { SecretKeyRef } from '../core/secrets';
import { Size } from '../core/units';
import { SecureGcsBucket } from '../storage/gcs-bucket';
import { SecureS3Bucket } from '../storage/s3-bucket';
import { DataSourceKind } from './definitions';
import type { ElastiCacheOnlineStoreProps, MemorystoreOnlineStoreProps } from './feast-managed-redis';
import { YamlMap } from './feast-render';


/** Which cloud a Feast store component needs credentials for. */
export enum FeastCloud {
  AWS = 'aws',
  GOOGLE = 'google',
  NONE = 'none',
}

/** Where Feast keeps its registry (the catalogue of entities and views that `feast apply` writes). */
export class FeastRegistry {
  /** A file registry in an S3 bucket (versioned by SecureS3Bucket, so every apply is recoverable). */
  public static s3(bucket: SecureS3Bucket, path = 'feast/registry.db'): FeastRegistry {
    return new FeastRegistry(FeastCloud.AWS, { registry_type: 'file', path: bucket.uri(path), cache_ttl_seconds: 60 }, bucket, undefined, path);
  }

  /** A file registry in a Cloud Storage bucket. */
  public static gcs(bucket: SecureGcsBucket, path = 'feast/registry.db'): FeastRegistry {
    return new FeastRegistry(FeastCloud.GOOGLE, { registry_type: 'file', path: bucket.uri(path), cache_ttl_seconds: 60 }, undefined, bucket, path);
  }

  /**
   * A SQL registry (PostgreSQL or MySQL) whose SQLAlchemy URL is read from an existing secret into
   * `FEAST_REGISTRY_URL`; it never appears in the configuration.
   */
  public static sql(url: SecretKeyRef): FeastRegistry {
    return new FeastRegistry(FeastCloud.NONE, { registry_type: 'sql', path: '$FEAST_REGISTRY_URL', cache_ttl_seconds: 60 }, undefined, undefined, undefined, url);
  }

  private constructor(
    public readonly cloud: FeastCloud,
    /** The `registry:` block of feature_store.yaml. */
    public readonly config: YamlMap,
    public readonly s3Bucket?: SecureS3Bucket,
    public readonly gcsBucket?: SecureGcsBucket,
    /** The registry file's key in the bucket. */
    public readonly path?: string,
    /** The secret holding the SQL URL. */
    public readonly urlSecret?: SecretKeyRef,
  ) {}
}

/** Where Feast reads historical values (training data, materialization input). */
export class FeastOfflineStore {
  /** Parquet files in an S3 bucket (Feast's file offline store); every view's source must be `DataSource.s3Parquet` in it. */
  public static s3Files(bucket: SecureS3Bucket, prefix = ''): FeastOfflineStore {
    return new FeastOfflineStore(FeastCloud.AWS, DataSourceKind.S3_PARQUET, { type: 'file' }, bucket, undefined, prefix);
  }

  /** Parquet files in a Cloud Storage bucket; every view's source must be `DataSource.gcsParquet` in it. */
  public static gcsFiles(bucket: SecureGcsBucket): FeastOfflineStore {
    return new FeastOfflineStore(FeastCloud.GOOGLE, DataSourceKind.GCS_PARQUET, { type: 'file' }, undefined, bucket);
  }

  /**
   * BigQuery: every view's source must be `DataSource.bigQuery`. Feast writes its temporary tables into
   * `dataset` (which must exist, in `location`).
   */
  public static bigQuery(props: { readonly project: string; readonly dataset: string; readonly location: string }): FeastOfflineStore {
    return new FeastOfflineStore(FeastCloud.GOOGLE, DataSourceKind.BIGQUERY,
      { type: 'bigquery', project_id: props.project, dataset: props.dataset, location: props.location },
      undefined, undefined, '', props);
  }

  private constructor(
    public readonly cloud: FeastCloud,
    /** The one source kind this offline store reads. */
    public readonly sourceKind: DataSourceKind,
    /** The `offline_store:` block of feature_store.yaml. */
    public readonly config: YamlMap,
    public readonly s3Bucket?: SecureS3Bucket,
    public readonly gcsBucket?: SecureGcsBucket,
    public readonly prefix = '',
    public readonly bigQuery?: { readonly project: string; readonly dataset: string; readonly location: string },
  ) {}
}

/** Props for an in-cluster Redis online store. */
export interface InClusterRedisProps {
  /** The existing secret key holding the Redis password (`requirepass`); read by Redis and by Feast. */
  readonly passwordSecret: SecretKeyRef;
  /** Persistent volume size (append-only file and snapshots). @default Size.gibibytes(10) */
  readonly storage?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Memory request and limit of the Redis container; size it to hold every online value. @default Size.gibibytes(2) */
  readonly memory?: Size;
  /** @default 'redis:7.2.4' (the last BSD-licensed Redis line), through the app's RegistryMirrors */
  readonly image?: string;
}

/** Which kind of online store Feast serves from. */
export enum FeastOnlineStoreKind {
  /** A Redis StatefulSet in the target namespace (any cluster). */
  IN_CLUSTER_REDIS = 'in-cluster-redis',
  /** Amazon ElastiCache (Valkey or Redis OSS), for EKS targets. */
  ELASTICACHE = 'elasticache',
  /** Memorystore for Redis, for GKE targets. */
  MEMORYSTORE = 'memorystore',
}

/** Where Feast serves the latest values from. */
export class FeastOnlineStore {
  /**
   * A single-replica Redis StatefulSet in the target namespace: persistent volume (kept when the
   * StatefulSet is deleted), append-only file on (`appendfsync everysec`), a password from an existing
   * secret, non-root with a read-only root filesystem, reachable only from this store's Feast pods.
   */
  public static inClusterRedis(props: InClusterRedisProps): FeastOnlineStore {
    return new FeastOnlineStore(FeastOnlineStoreKind.IN_CLUSTER_REDIS, props);
  }

  /**
   * Amazon ElastiCache (EKS targets): Multi-AZ replication group with automatic failover, KMS encryption at
   * rest, TLS required, AUTH token from an existing Secrets Manager secret, snapshots kept 7+ days.
   */
  public static elastiCache(props: ElastiCacheOnlineStoreProps): FeastOnlineStore {
    return new FeastOnlineStore(FeastOnlineStoreKind.ELASTICACHE, undefined, props);
  }

  /**
   * Memorystore for Redis (GKE targets): Standard tier (HA), private services access, TLS with server
   * authentication (Feast verifies the instance's CA), AUTH, CMEK, RDB persistence, maintenance window.
   */
  public static memorystore(props: MemorystoreOnlineStoreProps): FeastOnlineStore {
    return new FeastOnlineStore(FeastOnlineStoreKind.MEMORYSTORE, undefined, undefined, props);
  }

  private constructor(
    public readonly kind: FeastOnlineStoreKind,
    /** In-cluster Redis props. */
    public readonly redis?: InClusterRedisProps,
    /** ElastiCache props. */
    public readonly elastiCacheProps?: ElastiCacheOnlineStoreProps,
    /** Memorystore props. */
    public readonly memorystoreProps?: MemorystoreOnlineStoreProps,
  ) {}
}
