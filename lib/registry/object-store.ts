import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { ContainerEnv } from '../core/model-source';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/provider-sources';
import { Duration } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { requireProvider } from '../core/private/optional-provider';
import type { AwsKmsKey } from '../storage/aws-kms-key';
import type { GcpKmsKey } from '../storage/gcp-kms-key';
import type { SecureGcsBucket } from '../storage/gcs-bucket';
import type { SecureS3Bucket } from '../storage/s3-bucket';

/** Where an object store lives. */
export enum ObjectStoreKind {
  /** A new SecureS3Bucket (AWS). */
  S3 = 's3',
  /** A new SecureGcsBucket (Google Cloud). */
  GCS = 'gcs',
  /** An existing bucket on an S3-compatible endpoint (MinIO, Ceph RGW, NetApp StorageGRID, …), on-prem. */
  S3_COMPATIBLE = 's3-compatible',
}

/**
 * A Kubernetes secret that already exists in the workload's namespace and holds S3 credentials. Only its name
 * and keys enter Terraform; the keys themselves never do.
 */
export interface S3CredentialsSecretRef {
  /** Secret name (DNS-1123). */
  readonly secretName: string;
  /** @default 'AWS_ACCESS_KEY_ID' */
  readonly accessKeyIdKey?: string;
  /** @default 'AWS_SECRET_ACCESS_KEY' */
  readonly secretAccessKeyKey?: string;
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
  readonly project: string;
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
  /** Credentials, from an existing Kubernetes secret in each consuming namespace. */
  readonly credentials: S3CredentialsSecretRef;
  /** Region name the endpoint expects in signatures. @default 'us-east-1' (MinIO's default) */
  readonly region?: string;
}

/** Where an {@link ObjectStore} keeps its objects: `ObjectStoreLocation.s3({...})`, `.gcs({...})`, `.s3Compatible({...})`. */
export class ObjectStoreLocation {
  /** A new SecureS3Bucket: versioned, SSE-KMS, public access blocked, TLS only, access logs, prevent_destroy. */
  public static s3(props: S3ObjectStoreProps): ObjectStoreLocation {
    return new ObjectStoreLocation(ObjectStoreKind.S3, props);
  }

  /** A new SecureGcsBucket: UBLA, public access prevention, versioning, soft delete, CMEK, audit logs. */
  public static gcs(props: GcsObjectStoreProps): ObjectStoreLocation {
    return new ObjectStoreLocation(ObjectStoreKind.GCS, props);
  }

  /** An existing bucket on an S3-compatible endpoint; credentials come from an existing Kubernetes secret. */
  public static s3Compatible(props: S3CompatibleObjectStoreProps): ObjectStoreLocation {
    return new ObjectStoreLocation(ObjectStoreKind.S3_COMPATIBLE, props);
  }

  private constructor(
    public readonly kind: ObjectStoreKind,
    public readonly props: S3ObjectStoreProps | GcsObjectStoreProps | S3CompatibleObjectStoreProps,
  ) {}
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
 * identity (grants bind one workload to this one bucket); the on-prem endpoint with credentials from an
 * existing Kubernetes secret ({@link connectionEnv}).
 */
export class ObjectStore extends Construct {
  public readonly kind: ObjectStoreKind;
  public readonly bucketName: string;
  /** AWS: the bucket (escape hatch). */
  public readonly s3Bucket?: SecureS3Bucket;
  /** Google Cloud: the bucket (escape hatch). */
  public readonly gcsBucket?: SecureGcsBucket;
  /** S3-compatible: the endpoint URL. */
  public readonly endpointUrl?: string;
  /** S3-compatible: where credentials come from. */
  public readonly credentials?: S3CredentialsSecretRef;
  private readonly region?: string;

  constructor(scope: Construct, id: string, props: ObjectStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    if (!v.check(props?.location instanceof ObjectStoreLocation, 'location', props?.location,
      'must be ObjectStoreLocation.s3({...}), .gcs({...}) or .s3Compatible({...})')) v.throwIfAny();
    const { kind } = props.location;
    this.kind = kind;
    if (kind === ObjectStoreKind.S3_COMPATIBLE) {
      const p = props.location.props as S3CompatibleObjectStoreProps;
      checkS3Compatible(v, p);
      v.throwIfAny();
      this.bucketName = p.bucketName;
      this.endpointUrl = p.endpointUrl;
      this.credentials = p.credentials;
      this.region = p.region ?? 'us-east-1';
    } else if (kind === ObjectStoreKind.S3) {
      const p = props.location.props as S3ObjectStoreProps;
      const { SecureS3Bucket } = requireProvider(this, 'an S3 object store', () => require('../storage/s3-bucket') as typeof import('../storage/s3-bucket'));
      this.s3Bucket = new SecureS3Bucket(this, 'bucket', p);
      this.bucketName = p.bucketName;
    } else {
      const p = props.location.props as GcsObjectStoreProps;
      const { SecureGcsBucket } = requireProvider(this, 'a GCS object store', () => require('../storage/gcs-bucket') as typeof import('../storage/gcs-bucket'));
      this.gcsBucket = new SecureGcsBucket(this, 'bucket', p);
      this.bucketName = p.bucketName;
    }
  }

  /** `s3://bucket/prefix` or `gs://bucket/prefix`. */
  public uri(prefix = ''): string {
    if (this.gcsBucket) return this.gcsBucket.uri(prefix);
    if (this.s3Bucket) return this.s3Bucket.uri(prefix);
    return `s3://${this.bucketName}/${prefix}`;
  }

  /** Lets a workload read objects (under `prefix`, on S3). */
  public grantRead(workload: WorkloadIdentity, prefix = ''): void {
    if (this.s3Bucket) this.s3Bucket.grantRead(workload, prefix);
    else if (this.gcsBucket) this.gcsBucket.grantRead(workload);
    else this.refuseGrant(workload);
  }

  /** Lets a workload read and write objects (under `prefix`, on S3); deletes stay recoverable through versioning. */
  public grantReadWrite(workload: WorkloadIdentity, prefix = ''): void {
    if (this.s3Bucket) this.s3Bucket.grantReadWrite(workload, prefix);
    else if (this.gcsBucket) this.gcsBucket.grantReadWrite(workload);
    else this.refuseGrant(workload);
  }

  /**
   * Environment a container needs to reach this store with the standard SDKs (boto3, DVC, MLflow): on the
   * S3-compatible endpoint, its URL and the credentials by reference to the secret; nothing on the clouds,
   * where workload identity supplies credentials.
   */
  public connectionEnv(): ContainerEnv[] {
    if (this.kind !== ObjectStoreKind.S3_COMPATIBLE) return [];
    const c = this.credentials!;
    return [
      { name: 'AWS_ENDPOINT_URL_S3', value: this.endpointUrl! },
      { name: 'MLFLOW_S3_ENDPOINT_URL', value: this.endpointUrl! },
      { name: 'AWS_DEFAULT_REGION', value: this.region! },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: c.secretName, key: c.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: c.secretName, key: c.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY' } } },
    ];
  }

  private refuseGrant(workload: WorkloadIdentity): never {
    throw new Error(`${this.node.path}: access to the S3-compatible endpoint ${this.endpointUrl} is decided by the credentials in ` +
      `secret "${this.credentials!.secretName}", not by Terraform; give workload ${workload.node.path} those credentials ` +
      '(connectionEnv()) with a secret scoped to this bucket on the endpoint');
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
    'is required: name an existing Kubernetes secret holding the access key (never a literal key)')) {
    checkResourceName(v, 'location.credentials.secretName', p.credentials.secretName, 253);
    v.check(typeof p.credentials.secretName === 'string', 'location.credentials.secretName', p.credentials.secretName,
      'is required: the name of an existing Kubernetes secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
}
