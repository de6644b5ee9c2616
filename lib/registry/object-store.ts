import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { ContainerEnv } from '../core/model-source';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { SecretKeyRef } from '../core/secrets';
import { Duration } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { WorkloadIdentityKind } from '../core/workload-identity-mode';
import { googleSetting } from '../core/private/environment';
import { requireProvider } from '../core/private/optional-provider';
import { checkSecretKeyRef, secretEnv } from '../core/private/secrets';
import type { AwsKmsKey } from '../storage/aws-kms-key';
import type { GcpKmsKey } from '../storage/gcp-kms-key';
import type { SecureGcsBucket } from '../storage/gcs-bucket';
import type { SecureS3Bucket } from '../storage/s3-bucket';

/**
 * Where an object store lives: a descriptor for code that needs the URI scheme or the provider behind a store
 * (`ObjectStore.kind`). What differs between the kinds is done by the {@link ObjectStoreLocation} that made the store.
 */
export enum ObjectStoreKind {
  /** A new SecureS3Bucket (AWS). */
  S3 = 's3',
  /** A new SecureGcsBucket (Google Cloud). */
  GCS = 'gcs',
  /** An existing bucket on an S3-compatible endpoint (MinIO, Ceph RGW, NetApp StorageGRID, …), on-prem. */
  S3_COMPATIBLE = 's3-compatible',
}

/**
 * The S3 credentials of an S3-compatible store, by reference: keys of existing Kubernetes secrets in each consuming
 * namespace (usually one secret holding both). Only names and keys enter Terraform, never the credentials.
 */
export interface S3Credentials {
  /** The access key id, e.g. `{ name: 'minio-mlflow', key: 'AWS_ACCESS_KEY_ID' }`. */
  readonly accessKeyId: SecretKeyRef;
  /** The secret access key, e.g. `{ name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' }`. */
  readonly secretAccessKey: SecretKeyRef;
}

/** Props for a new S3 bucket. */
export interface S3ObjectStoreProps {
  /** Globally unique bucket name (3-51 characters, leaving room for the access-log bucket). */
  readonly bucketName: string;
  /** @default - a new customer-managed key for the bucket */
  readonly kmsKey?: AwsKmsKey;
  /** Delete noncurrent versions after this long. @default - keep every version */
  readonly noncurrentVersionExpiration?: Duration;
}

/** Props for a new Cloud Storage bucket. */
export interface GcsObjectStoreProps {
  /** The bucket's project. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Region or multi-region, e.g. `europe-west4`, `EU`. */
  readonly location: string;
  /** @default - a new key in the bucket's location */
  readonly kmsKey?: GcpKmsKey;
}

/** Props for an existing bucket on an S3-compatible endpoint. */
export interface S3CompatibleObjectStoreProps {
  /** The endpoint, `https://…` (plain HTTP is refused: credentials and data would cross the network in clear). */
  readonly endpointUrl: string;
  /** The existing bucket. Enable versioning on it (`mc version enable`) so DVC and MLflow data stays recoverable. */
  readonly bucketName: string;
  /** The access key, from existing Kubernetes secrets in each consuming namespace. */
  readonly credentials: S3Credentials;
  /** Region name the endpoint expects in signatures. @default 'us-east-1' (MinIO's default) */
  readonly region?: string;
}

/** How a workload is given access to a store ({@link ObjectStore.bindWorkload}). */
export interface ObjectStoreAccess {
  /** The key prefix it may use (S3 scopes grants to it; Cloud Storage grants the bucket). @default '' (the whole bucket) */
  readonly prefix?: string;
  /** Whether it writes (and deletes: versioning keeps deleted objects recoverable). @default false */
  readonly write?: boolean;
}

/**
 * The bucket behind an {@link ObjectStore}, as its {@link ObjectStoreLocation} created or described it: how it is
 * named and how workloads reach it. Each kind of location implements it; the ObjectStore only delegates.
 */
export interface IObjectStoreBucket {
  /** Which kind of store (a descriptor; the behaviour is in the methods). */
  readonly kind: ObjectStoreKind;
  /** The bucket name as given (a literal, usable in text that leaves Terraform). */
  readonly bucketName: string;
  /** AWS: the bucket. @default - not an S3 bucket of this app */
  readonly s3Bucket?: SecureS3Bucket;
  /** Google Cloud: the bucket. @default - not a Cloud Storage bucket of this app */
  readonly gcsBucket?: SecureGcsBucket;
  /** S3-compatible: the endpoint URL. @default - the cloud's own endpoint */
  readonly endpointUrl?: string;
  /** S3-compatible: the credentials, by reference. @default - workload identity supplies credentials */
  readonly credentials?: S3Credentials;
  /** Whether S3 clients (the AWS CLI, boto3, DVC's s3 remote) reach it. */
  readonly supportsS3Api: boolean;
  /** `s3://bucket/prefix` or `gs://bucket/prefix`, referencing the bucket resource where this app creates it. */
  uri(prefix: string): string;
  /** The same URI with the literal bucket name, for text that leaves Terraform. */
  literalUri(prefix: string): string;
  /** Grants `workload` read access (under `prefix`, where the store scopes grants by prefix). */
  grantRead(workload: WorkloadIdentity, prefix: string): void;
  /** Grants `workload` read and write access (under `prefix`, where the store scopes grants by prefix). */
  grantReadWrite(workload: WorkloadIdentity, prefix: string): void;
  /** Gives `workload` access the way this store admits one, and returns the environment its containers need. */
  bindWorkload(workload: WorkloadIdentity, access: ObjectStoreAccess): ContainerEnv[];
  /** Environment a container needs to reach the store with the standard SDKs; none where workload identity suffices. */
  connectionEnv(): ContainerEnv[];
  /** Why workloads on `target` cannot reach the store, or undefined when they can. */
  accessProblem(target: IKubernetesTarget): string | undefined;
}

/**
 * Where an {@link ObjectStore} keeps its objects: `ObjectStoreLocation.s3({...})`, `.gcs({...})`,
 * `.s3Compatible({...})`. Each creates or describes its bucket when bound to the store.
 */
export abstract class ObjectStoreLocation {
  /** A new SecureS3Bucket: versioned, SSE-KMS, public access blocked, TLS only, access logs, prevent_destroy. */
  public static s3(props: S3ObjectStoreProps): ObjectStoreLocation {
    return new S3Location(props);
  }

  /**
   * A new SecureGcsBucket: UBLA, public access prevention, versioning, soft delete, CMEK, audit logs; in the stack's
   * Google project unless `project` is given.
   */
  public static gcs(props: GcsObjectStoreProps): ObjectStoreLocation {
    return new GcsLocation(props);
  }

  /** An existing bucket on an S3-compatible endpoint; credentials come from existing Kubernetes secrets. */
  public static s3Compatible(props: S3CompatibleObjectStoreProps): ObjectStoreLocation {
    return new S3CompatibleLocation(props);
  }

  /**
   * Creates (S3, Cloud Storage) or describes (S3-compatible) the bucket of `store`, its children under id `bucket`.
   * Bad props throw one error naming the store's path and `location.…`.
   */
  public abstract bind(store: Construct): IObjectStoreBucket;
}

class S3Location extends ObjectStoreLocation {
  constructor(private readonly props: S3ObjectStoreProps) {
    super();
  }

  public bind(store: Construct): IObjectStoreBucket {
    const p = this.props;
    const { SecureS3Bucket } = requireProvider(store, 'an S3 object store', () => require('../storage/s3-bucket') as typeof import('../storage/s3-bucket'));
    const bucket = new SecureS3Bucket(store, 'bucket', p);
    return {
      kind: ObjectStoreKind.S3,
      bucketName: p.bucketName,
      s3Bucket: bucket,
      supportsS3Api: true,
      uri: (prefix) => bucket.uri(prefix),
      literalUri: (prefix) => `s3://${p.bucketName}/${prefix}`,
      grantRead: (workload, prefix) => bucket.grantRead(workload, prefix),
      grantReadWrite: (workload, prefix) => bucket.grantReadWrite(workload, prefix),
      bindWorkload: (workload, access) => {
        if (access.write) bucket.grantReadWrite(workload, access.prefix ?? '');
        else bucket.grantRead(workload, access.prefix ?? '');
        return [];
      },
      connectionEnv: () => [],
      accessProblem: (target) => identityProblem(target, WorkloadIdentityKind.EKS_POD_IDENTITY,
        'is an S3 bucket, reached with EKS Pod Identity, but %s is not EKS; use ObjectStoreLocation.s3Compatible({...}) with credentials from a secret'),
    };
  }
}

class GcsLocation extends ObjectStoreLocation {
  constructor(private readonly props: GcsObjectStoreProps) {
    super();
  }

  public bind(store: Construct): IObjectStoreBucket {
    const v = new Validator(store);
    const project = googleSetting(store, v, 'location.project', 'project', this.props?.project);
    v.throwIfAny();
    const p = { ...this.props, project };
    const { SecureGcsBucket } = requireProvider(store, 'a GCS object store', () => require('../storage/gcs-bucket') as typeof import('../storage/gcs-bucket'));
    const bucket = new SecureGcsBucket(store, 'bucket', p);
    return {
      kind: ObjectStoreKind.GCS,
      bucketName: p.bucketName,
      gcsBucket: bucket,
      supportsS3Api: false,
      uri: (prefix) => bucket.uri(prefix),
      literalUri: (prefix) => `gs://${p.bucketName}/${prefix}`,
      // Cloud Storage grants are per bucket: the prefix is not enforced.
      grantRead: (workload) => bucket.grantRead(workload),
      grantReadWrite: (workload) => bucket.grantReadWrite(workload),
      bindWorkload: (workload, access) => {
        if (access.write) bucket.grantReadWrite(workload);
        else bucket.grantRead(workload);
        return [];
      },
      connectionEnv: () => [],
      accessProblem: (target) => identityProblem(target, WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY,
        'is a Cloud Storage bucket, reached with GKE Workload Identity, but %s is not GKE; use an S3 or S3-compatible store'),
    };
  }
}

class S3CompatibleLocation extends ObjectStoreLocation {
  constructor(private readonly props: S3CompatibleObjectStoreProps) {
    super();
  }

  public bind(store: Construct): IObjectStoreBucket {
    const p = this.props;
    const v = new Validator(store);
    checkS3Compatible(v, p);
    v.throwIfAny();
    const region = p.region ?? 'us-east-1';
    const env = (): ContainerEnv[] => [
      { name: 'AWS_ENDPOINT_URL_S3', value: p.endpointUrl },
      { name: 'MLFLOW_S3_ENDPOINT_URL', value: p.endpointUrl },
      { name: 'AWS_DEFAULT_REGION', value: region },
      secretEnv('AWS_ACCESS_KEY_ID', p.credentials.accessKeyId),
      secretEnv('AWS_SECRET_ACCESS_KEY', p.credentials.secretAccessKey),
    ];
    // Access to the endpoint is decided by the credentials, not by Terraform: an IAM-style grant would promise what it cannot do.
    const refuse = (workload: WorkloadIdentity): never => {
      throw new Error(`${store.node.path}: access to the S3-compatible endpoint ${p.endpointUrl} is decided by the credentials in ` +
        `secret "${p.credentials.accessKeyId.name}", not by Terraform; give workload ${workload.node.path} those credentials ` +
        '(connectionEnv()) with a secret scoped to this bucket on the endpoint');
    };
    return {
      kind: ObjectStoreKind.S3_COMPATIBLE,
      bucketName: p.bucketName,
      endpointUrl: p.endpointUrl,
      credentials: p.credentials,
      supportsS3Api: true,
      uri: (prefix) => `s3://${p.bucketName}/${prefix}`,
      literalUri: (prefix) => `s3://${p.bucketName}/${prefix}`,
      grantRead: refuse,
      grantReadWrite: refuse,
      bindWorkload: () => env(),
      connectionEnv: env,
      accessProblem: () => undefined,
    };
  }
}

/** A cloud bucket is reached with one kind of workload identity; a target with another cannot (targets without one pass). */
function identityProblem(target: IKubernetesTarget, needs: WorkloadIdentityKind, message: string): string | undefined {
  const kind = target?.identity?.kind;
  return kind === undefined || kind === needs ? undefined : message.replace('%s', target.clusterName ?? 'the target');
}

/** Re-exported from lib/core/model-source.ts, where the type now lives (one concept, one place). */
export { ContainerEnv };

/** Props for {@link ObjectStore}. */
export interface ObjectStoreProps {
  readonly location: ObjectStoreLocation;
}

/**
 * A secure bucket that tools (DVC, MLflow, Feast) use: a SecureS3Bucket on AWS, a SecureGcsBucket on Google
 * Cloud, or an existing bucket on an on-prem S3-compatible endpoint. Cloud buckets are reached with workload
 * identity (grants bind one workload to this one bucket); the on-prem endpoint with credentials from existing
 * Kubernetes secrets ({@link connectionEnv}). {@link bindWorkload} gives a workload access either way.
 */
export class ObjectStore extends Construct {
  /** Which kind of store, for code that needs the URI scheme; what differs between kinds is done by the store itself. */
  public readonly kind: ObjectStoreKind;
  public readonly bucketName: string;
  /** AWS: the bucket (escape hatch). */
  public readonly s3Bucket?: SecureS3Bucket;
  /** Google Cloud: the bucket (escape hatch). */
  public readonly gcsBucket?: SecureGcsBucket;
  /** S3-compatible: the endpoint URL. */
  public readonly endpointUrl?: string;
  /** S3-compatible: where credentials come from. */
  public readonly credentials?: S3Credentials;
  private readonly bucket: IObjectStoreBucket;

  constructor(scope: Construct, id: string, props: ObjectStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    if (!v.check(props?.location instanceof ObjectStoreLocation, 'location', props?.location,
      'must be ObjectStoreLocation.s3({...}), .gcs({...}) or .s3Compatible({...})')) v.throwIfAny();
    this.bucket = props.location.bind(this);
    this.kind = this.bucket.kind;
    this.bucketName = this.bucket.bucketName;
    this.s3Bucket = this.bucket.s3Bucket;
    this.gcsBucket = this.bucket.gcsBucket;
    this.endpointUrl = this.bucket.endpointUrl;
    this.credentials = this.bucket.credentials;
  }

  /** Whether S3 clients (the AWS CLI, boto3, DVC's s3 remote) reach the store: S3 and S3-compatible stores. */
  public get supportsS3Api(): boolean {
    return this.bucket.supportsS3Api;
  }

  /** `s3://bucket/prefix` or `gs://bucket/prefix`. */
  public uri(prefix = ''): string {
    return this.bucket.uri(prefix);
  }

  /**
   * The same URI with the literal bucket name, for text that leaves Terraform (a `.dvc/config`, a manifest planned
   * before the bucket exists).
   */
  public literalUri(prefix = ''): string {
    return this.bucket.literalUri(prefix);
  }

  /** Lets a workload read objects (under `prefix`, on S3). Refused on an S3-compatible store: see {@link bindWorkload}. */
  public grantRead(workload: WorkloadIdentity, prefix = ''): void {
    this.bucket.grantRead(workload, prefix);
  }

  /**
   * Lets a workload read and write objects (under `prefix`, on S3); deletes stay recoverable through versioning.
   * Refused on an S3-compatible store: see {@link bindWorkload}.
   */
  public grantReadWrite(workload: WorkloadIdentity, prefix = ''): void {
    this.bucket.grantReadWrite(workload, prefix);
  }

  /**
   * Gives a workload access the way this store admits one: an IAM grant on the clouds (the pod needs nothing more),
   * the endpoint and the credentials by reference on an S3-compatible store (whose access the secret decides).
   * @returns environment for the workload's containers
   */
  public bindWorkload(workload: WorkloadIdentity, access: ObjectStoreAccess = {}): ContainerEnv[] {
    return this.bucket.bindWorkload(workload, access);
  }

  /**
   * Environment a container needs to reach this store with the standard SDKs (boto3, DVC, MLflow): on the
   * S3-compatible endpoint, its URL and the credentials by reference to the secret; nothing on the clouds,
   * where workload identity supplies credentials.
   */
  public connectionEnv(): ContainerEnv[] {
    return this.bucket.connectionEnv();
  }

  /**
   * Checks that workloads on `target` can reach this store with their identity (an S3 bucket needs EKS, a Cloud
   * Storage bucket GKE); a problem lands in `v` under `prop`. @returns whether they can
   */
  public checkReachableFrom(v: Validator, prop: string, target: IKubernetesTarget): boolean {
    const problem = this.bucket.accessProblem(target);
    return v.check(problem === undefined, prop, this.node.path, problem ?? '');
  }
}

function checkS3Compatible(v: Validator, p: S3CompatibleObjectStoreProps): void {
  if (!v.check(!!p && typeof p === 'object', 'location', p, 'must be { endpointUrl, bucketName, credentials }')) return;
  if (p.endpointUrl === undefined || !Token.isUnresolved(p.endpointUrl)) {
    v.check(typeof p.endpointUrl === 'string' && /^https:\/\/[^\s/]+(:\d+)?(\/.*)?$/.test(p.endpointUrl), 'location.endpointUrl', p.endpointUrl,
      'must be an https:// URL; plain HTTP would send credentials and data unencrypted');
  }
  v.matches('location.bucketName', p.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'is not a valid S3 bucket name; use 3-63 lowercase letters, digits, "-" and "."');
  v.check(typeof p.bucketName === 'string', 'location.bucketName', p.bucketName, 'is required');
  if (v.check(!!p.credentials && typeof p.credentials === 'object', 'location.credentials', p.credentials,
    'is required: { accessKeyId, secretAccessKey }, each { name, key } of an existing Kubernetes secret (never a literal key)')) {
    checkSecretKeyRef(v, 'location.credentials.accessKeyId', p.credentials.accessKeyId, '{ name: "minio-mlflow", key: "AWS_ACCESS_KEY_ID" }');
    checkSecretKeyRef(v, 'location.credentials.secretAccessKey', p.credentials.secretAccessKey, '{ name: "minio-mlflow", key: "AWS_SECRET_ACCESS_KEY" }');
  }
}
