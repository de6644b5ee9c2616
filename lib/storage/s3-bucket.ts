import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Validator } from '../core/errors';
import { suppress } from '../governance/suppressions';
import { policyDocument, PolicyStatement } from '../core/iam';
import { Duration } from '../core/units';
import { IAwsGrantee } from '../core/aws-grantee';
import { AwsKmsKey } from './aws-kms-key';

/** Where a bucket's S3 server access logs go. */
export interface S3AccessLogsDestination {
  /** The existing log bucket's name. */
  readonly bucketName: string;
  /** Key prefix of the log objects. @default '' */
  readonly prefix?: string;
}

/** Props for {@link SecureS3Bucket}. */
export interface SecureS3BucketProps {
  /** Globally unique bucket name: 3-63 lowercase letters, digits, `-` and `.`. */
  readonly bucketName: string;
  /** The key for SSE-KMS. @default - a new customer-managed key for this bucket */
  readonly kmsKey?: AwsKmsKey;
  /**
   * Where S3 server access logs go (a bucket name and prefix). @default - a dedicated `<bucketName>-access-logs`
   * bucket (SSE-S3, since S3 log delivery cannot write SSE-KMS), versioned, logs expire after 365 days
   */
  readonly accessLogs?: S3AccessLogsDestination;
  /**
   * Protect the bucket from `terraform destroy` (`prevent_destroy`, no `force_destroy`). Turning this off is
   * visible in review and flagged by governance.
   * @default true
   */
  readonly protectFromDeletion?: boolean;
  /** Delete noncurrent object versions after this long. @default - keep every version */
  readonly noncurrentVersionExpiration?: Duration;
}

/**
 * An S3 bucket that never loses or leaks data by default: versioning on, SSE-KMS with a customer-managed
 * key (bucket keys on), all four public-access blocks, ACLs disabled (BucketOwnerEnforced), a bucket policy
 * that denies plain HTTP, server access logging, and `prevent_destroy`. Grants give a workload exactly
 * read or read/write on this bucket (optionally one prefix) and use of its key.
 */
export class SecureS3Bucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly kmsKey: AwsKmsKey;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly policy: S3BucketPolicy;
  public readonly logging: S3BucketLoggingA;
  /** The access-log bucket, when this construct created it. */
  public readonly accessLogBucket?: S3Bucket;
  public readonly bucketName: string;
  private readonly policyStatements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: SecureS3BucketProps) {
    super(scope, id);
    const v = new Validator(this);
    v.matches('bucketName', props.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'is not a valid S3 bucket name; use 3-63 lowercase letters, digits, "-" and "."');
    if (props.accessLogs === undefined && typeof props.bucketName === 'string') {
      v.check(props.bucketName.length <= 51, 'bucketName', props.bucketName,
        'leaves no room for the "-access-logs" log bucket (63 characters at most); shorten it or pass accessLogs');
    }
    v.throwIfAny();
    const protect = props.protectFromDeletion ?? true;
    this.bucketName = props.bucketName;
    this.kmsKey = props.kmsKey ?? new AwsKmsKey(this, 'kms', { description: `S3 bucket ${props.bucketName}`, alias: `s3/${props.bucketName}`, protectFromDeletion: protect });

    this.bucket = hardenedBucket(this, 'bucket', props.bucketName, protect);
    this.versioning = new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.kmsKey.key.arn }, bucketKeyEnabled: true }],
    });
    this.publicAccessBlock = blockPublicAccess(this, 'public-access-block', this.bucket);
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    this.policyStatements = [denyInsecureTransport(this.bucket)];
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.policyStatements) }),
      dependsOn: [this.publicAccessBlock],
    });

    let logTarget = props.accessLogs;
    if (!logTarget) {
      const logs = hardenedBucket(this, 'access-logs', `${props.bucketName}-access-logs`, protect);
      this.accessLogBucket = logs;
      suppress(logs, 'aws-s3-encrypted-with-kms', {
        reason: 'S3 server access log delivery supports only SSE-S3 (AES256) on the destination bucket, not SSE-KMS ' +
          '(Amazon S3 User Guide, "Enabling Amazon S3 server access logging").',
      });
      suppress(logs, 'aws-s3-access-logging', { reason: 'This is the access-log bucket; logging it to itself would loop.' });
      new S3BucketVersioningA(this, 'access-logs-versioning', { bucket: logs.id, versioningConfiguration: { status: 'Enabled' } });
      new S3BucketServerSideEncryptionConfigurationA(this, 'access-logs-encryption', {
        bucket: logs.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
      });
      const logsBlock = blockPublicAccess(this, 'access-logs-public-access-block', logs);
      new S3BucketOwnershipControls(this, 'access-logs-ownership', { bucket: logs.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      new S3BucketPolicy(this, 'access-logs-policy', {
        bucket: logs.id,
        policy: policyDocument([
          denyInsecureTransport(logs),
          {
            Sid: 'S3ServerAccessLogDelivery',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${logs.arn}/*`,
            Condition: { ArnLike: { 'aws:SourceArn': this.bucket.arn } },
          },
        ]),
        dependsOn: [logsBlock],
      });
      new S3BucketLifecycleConfiguration(this, 'access-logs-lifecycle', {
        bucket: logs.id,
        rule: [{ id: 'expire-access-logs', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 365 }], noncurrentVersionExpiration: [{ noncurrentDays: 30 }] }],
      });
      logTarget = { bucketName: logs.bucket, prefix: `${props.bucketName}/` };
    }
    this.logging = new S3BucketLoggingA(this, 'logging', { bucket: this.bucket.id, targetBucket: logTarget.bucketName, targetPrefix: logTarget.prefix ?? '' });

    if (props.noncurrentVersionExpiration) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', {
        bucket: this.bucket.id,
        rule: [{
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpiration.toDays() }],
        }],
        dependsOn: [this.versioning],
      });
    }
  }

  /** `s3://bucket/prefix` for tools (MLflow, Feast, DVC). */
  public uri(prefix = ''): string {
    return `s3://${this.bucket.bucket}/${prefix}`;
  }

  /**
   * Adds a statement to the bucket policy (rendered at synth), e.g. another account that may read a prefix.
   * The policy's only Deny is plain HTTP; principals of this account need no statement here (their IAM policy
   * suffices within one account).
   */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.policyStatements.push(statement);
  }

  /** IAM statements for reading (and optionally writing) this bucket, limited to `prefix` when given. */
  public accessStatements(write: boolean, prefix = ''): PolicyStatement[] {
    const objects = `${this.bucket.arn}/${prefix}*`;
    return [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: this.bucket.arn,
        ...(prefix ? { Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
      },
      { Effect: 'Allow', Action: write ? ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject'] : ['s3:GetObject', 's3:GetObjectVersion'], Resource: objects },
      ...this.kmsKey.useStatements(write),
    ];
  }

  /** Lets a workload (or any AWS role, through `AwsRoleGrantee`) read objects and decrypt them. */
  public grantRead(grantee: IAwsGrantee, prefix = ''): void {
    grantee.addAwsPolicy(`read-${this.node.id}`, this.accessStatements(false, prefix));
  }

  /** Lets a workload read and write objects. Deleting writes a delete marker; versions stay recoverable. */
  public grantReadWrite(grantee: IAwsGrantee, prefix = ''): void {
    grantee.addAwsPolicy(`write-${this.node.id}`, this.accessStatements(true, prefix));
  }
}

function hardenedBucket(scope: Construct, id: string, name: string, protect: boolean): S3Bucket {
  return new S3Bucket(scope, id, {
    bucket: name,
    forceDestroy: false,
    lifecycle: { preventDestroy: protect },
  });
}

function blockPublicAccess(scope: Construct, id: string, bucket: S3Bucket): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, id, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

function denyInsecureTransport(bucket: S3Bucket): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucket.arn, `${bucket.arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
