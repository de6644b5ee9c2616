import { Construct } from 'constructs';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Validator } from '../core/errors';
import { uniqueIamMember } from '../core/private/bindings';
import { googleSetting } from '../core/private/environment';
import { Duration } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { DataAccessAuditLogs } from './gcp-audit-logs';
import { GcpKmsKey } from './gcp-kms-key';

/** Props for {@link SecureGcsBucket}. */
export interface SecureGcsBucketProps {
  /** The bucket's project. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Bucket location: a region (`us-central1`), dual-region or multi-region (`US`, `EU`). */
  readonly location: string;
  /** CMEK key; must be in a location compatible with the bucket's. @default - a new key in `location` */
  readonly kmsKey?: GcpKmsKey;
  /** How long deleted objects stay recoverable (soft delete). @default Duration.days(30) */
  readonly softDeleteRetention?: Duration;
  /** Protect the bucket from `terraform destroy`. @default true */
  readonly protectFromDeletion?: boolean;
  /**
   * Turn on Cloud Audit Logs data-access logs for Cloud Storage in the project (project-wide, created once
   * per stack). @default true
   */
  readonly auditDataAccess?: boolean;
}

/**
 * A Cloud Storage bucket that never loses or leaks data by default: uniform bucket-level access, public
 * access prevention enforced, object versioning, soft delete, CMEK encryption (the project's Cloud Storage
 * service agent is allowed to use the key), no `force_destroy`, and `prevent_destroy`. Access to objects is
 * audited by Cloud Audit Logs data-access logs (see `DataAccessAuditLogs`). Grants bind one workload to
 * this bucket only.
 */
export class SecureGcsBucket extends Construct {
  public readonly bucket: StorageBucket;
  public readonly kmsKey: GcpKmsKey;
  public readonly bucketName: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: SecureGcsBucketProps) {
    super(scope, id);
    const v = new Validator(this);
    v.matches('bucketName', props.bucketName, /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/,
      'is not a valid Cloud Storage bucket name; use 3-63 lowercase letters, digits, "-" and "_"');
    v.matches('location', props.location, /^([a-z]+-[a-z]+\d+|[A-Za-z0-9]+)$/, 'must be a region (us-central1) or multi-region (US, EU)');
    const project = googleSetting(this, v, 'project', 'project', props.project);
    v.throwIfAny();
    this.bucketName = props.bucketName;
    const location = props.location.toLowerCase();
    this.kmsKey = props.kmsKey ?? new GcpKmsKey(this, 'kms', {
      project, location, keyRingName: `${props.bucketName}-ring`.slice(0, 63), keyName: 'objects',
    });
    const agent = new DataGoogleStorageProjectServiceAccount(this, 'gcs-agent', { project });
    const keyAccess = this.kmsKey.allowServiceAgent(agent.member);
    const protect = props.protectFromDeletion ?? true;
    this.bucket = new StorageBucket(this, 'bucket', {
      project,
      name: props.bucketName,
      location: props.location,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: (props.softDeleteRetention ?? Duration.days(30)).toSeconds() },
      encryption: { defaultKmsKeyName: this.kmsKey.key.id },
      forceDestroy: false,
      lifecycle: { preventDestroy: protect },
      dependsOn: [keyAccess],
    });
    if (props.auditDataAccess ?? true) DataAccessAuditLogs.ensure(this, project, 'storage.googleapis.com');
  }

  /** `gs://bucket/prefix` for tools. */
  public uri(prefix = ''): string {
    return `gs://${this.bucket.name}/${prefix}`;
  }

  /** Lets a workload read objects. */
  public grantRead(workload: WorkloadIdentity): void {
    this.bind(workload, 'roles/storage.objectViewer');
  }

  /** Lets a workload read, create and delete objects (deleted objects stay recoverable through versioning). */
  public grantReadWrite(workload: WorkloadIdentity): void {
    this.bind(workload, 'roles/storage.objectUser');
  }

  /**
   * Binds `role` on this bucket only to the workload's Google service account. A binding the stack already
   * makes (same bucket, role and member) is returned instead of a second copy, whose destroy would revoke both.
   */
  public bind(workload: WorkloadIdentity, role: string): StorageBucketIamMember {
    const member = workload.gcpMember;
    if (!member) {
      throw new Error(`${this.node.path}: workload ${workload.node.path} has no Google identity (its cluster is not GKE); ` +
        'run it on a GKE cluster with Workload Identity, or give it credentials through an existing Kubernetes secret');
    }
    // The counter advances on every call, so the ids (Terraform addresses) of later grants never shift.
    const id = `grant-${this.grants++}`;
    return uniqueIamMember(this, 'google_storage_bucket_iam_member', { bucket: this.bucket.name, role, member },
      () => new StorageBucketIamMember(this, id, { bucket: this.bucket.name, role, member }));
  }
}
