import { Construct, IConstruct } from 'constructs';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Validator } from '../core/errors';
import { checkResourceName } from '../core/names';
import { Duration, Size } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { GcpKmsKey } from '../storage/gcp-kms-key';
import { BackendContext, DatabaseConnection, IMlflowDatabase, PostgresSslMode } from './mlflow-database';
import { googleSetting } from '../core/private/environment';

/** Props for a Cloud SQL for PostgreSQL backend. */
export interface CloudSqlPostgresProps {
  /**
   * The project the instance, its key and the password secret live in.
   * @default - the project of the stack's Google provider
   */
  readonly project?: string;
  /**
   * The instance's region, e.g. `europe-west4`; the CMEK key is created there too.
   * @default - the region of the stack's Google provider
   */
  readonly region?: string;
  /** The instance name: lowercase letters, digits and hyphens, at most 80 characters (not reusable for a week after deletion). */
  readonly instanceName: string;
  /**
   * The VPC the GKE cluster runs in, as `projects/<project>/global/networks/<vpc>` (or its self link). The
   * instance gets a private IP only, so the VPC must already have private services access
   * (`google_service_networking_connection` to `servicenetworking.googleapis.com`).
   */
  readonly privateNetwork: string;
  /**
   * Id of an EXISTING Secret Manager secret in `project` holding the `mlflow` user's password (create it with
   * `gcloud secrets create <id>` and add a version; Terraform only reads it). Terraform reads its latest version
   * into the user (so the value lands in Terraform state, never in the configuration), and the MLflow server
   * reads the same secret at start with its own Workload Identity.
   */
  readonly passwordSecretId: string;
  /** Name of the private services access range to allocate the IP from. @default - any range of the connection */
  readonly allocatedIpRange?: string;
  /**
   * Machine tier. `db-perf-optimized-N-*` tiers run on the Enterprise Plus edition, every other tier on Enterprise.
   * @default 'db-custom-2-7680'
   */
  readonly tier?: string;
  /** Initial disk size (SSD); grows automatically. @default Size.gibibytes(20) */
  readonly diskSize?: Size;
  /** Ceiling for automatic disk growth. @default Size.gibibytes(100) */
  readonly maxDiskSize?: Size;
  /** A standby in a second zone with automatic failover (`availability_type = REGIONAL`). @default true */
  readonly highAvailability?: boolean;
  /** How many daily automated backups are kept, 7 to 365 days. @default Duration.days(14) */
  readonly backupRetention?: Duration;
  /**
   * Point-in-time recovery window (transaction log retention): 1 to 7 days (Enterprise Plus: 35), shorter
   * than `backupRetention`. @default Duration.days(7)
   */
  readonly pointInTimeRecoveryWindow?: Duration;
  /** Key for the instance's disks and backups; must be in `region`. @default - a new key in `region` */
  readonly kmsKey?: GcpKmsKey;
  /**
   * Terraform `deletion_protection`, the Cloud SQL API's `deletion_protection_enabled` and `prevent_destroy`.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

const DB_NAME = 'mlflow';
const USERNAME = 'mlflow';
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const NETWORK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const PERF_OPTIMIZED = /^db-perf-optimized-N-\d+$/;

function days(d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  try { return d.toDays(); } catch { return NaN; }
}

function gib(s: Size | undefined, fallback: number): number {
  try { return s === undefined ? fallback : s.toGibibytes(); } catch { return NaN; }
}

/** The instance's project and region: the props', else the stack's Google provider's; problems land in `v` under `prefix`. */
function placement(scope: IConstruct, v: Validator, p: CloudSqlPostgresProps, prefix: string): { project: string; region: string } {
  return {
    project: googleSetting(scope, v, `${prefix}project`, 'project', p.project),
    region: googleSetting(scope, v, `${prefix}region`, 'region', p.region),
  };
}

/** Validates Cloud SQL props (project and region inherited from `scope`'s stack); problems land in `v` under `backend.…`. */
export function checkCloudSqlProps(scope: IConstruct, v: Validator, p: CloudSqlPostgresProps): void {
  if (!v.check(!!p && typeof p === 'object', 'backend', p,
    'must be MlflowBackend.cloudSql({ instanceName, privateNetwork, passwordSecretId })')) return;
  const { project, region } = placement(scope, v, p, 'backend.');
  if (project) v.matches('backend.project', project, PROJECT_ID, 'must be a project id: 6-30 lowercase letters, digits and hyphens, e.g. "ml-prod-123"');
  if (region) v.matches('backend.region', region, REGION, 'must be a region such as europe-west4 (not a zone or multi-region)');
  v.check(typeof p.instanceName === 'string', 'backend.instanceName', p.instanceName, 'is required, e.g. "mlflow"');
  checkResourceName(v, 'backend.instanceName', p.instanceName, 80);
  v.check(typeof p.privateNetwork === 'string', 'backend.privateNetwork', p.privateNetwork,
    'is required: the VPC of the GKE cluster, e.g. projects/ml-prod-123/global/networks/ml (with private services access)');
  v.matches('backend.privateNetwork', p.privateNetwork, NETWORK,
    'must be a VPC as projects/<project>/global/networks/<vpc> or its self link; the instance gets a private IP in it');
  if (v.check(typeof p.passwordSecretId === 'string', 'backend.passwordSecretId', p.passwordSecretId,
    'is required: the id of an existing Secret Manager secret holding the database password (never a literal password)')) {
    v.matches('backend.passwordSecretId', p.passwordSecretId, SECRET_ID,
      'must be a Secret Manager secret id (letters, digits, "_" and "-", at most 255), not a resource name or a password');
  }
  v.matches('backend.allocatedIpRange', p.allocatedIpRange, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be the name of a private services access range');
  v.matches('backend.tier', p.tier, /^db-[a-z0-9]+(-[A-Za-z0-9]+)*$/, 'must be a Cloud SQL tier such as db-custom-2-7680 or db-perf-optimized-N-2');
  const plus = typeof p.tier === 'string' && PERF_OPTIMIZED.test(p.tier);

  const retained = days(p.backupRetention, 14);
  const backupsOk = v.check(Number.isInteger(retained) && retained >= 7 && retained <= 365, 'backend.backupRetention', p.backupRetention,
    'must be whole days from 7 to 365; a model registry needs at least a week of daily backups');
  const pitrMax = plus ? 35 : 7;
  const pitr = days(p.pointInTimeRecoveryWindow, 7);
  if (v.check(Number.isInteger(pitr) && pitr >= 1 && pitr <= pitrMax, 'backend.pointInTimeRecoveryWindow', p.pointInTimeRecoveryWindow,
    `must be whole days from 1 to ${pitrMax}${plus ? '' : ' (35 only on Enterprise Plus tiers, db-perf-optimized-N-*)'}`) && backupsOk) {
    v.check(pitr < retained, 'backend.pointInTimeRecoveryWindow', p.pointInTimeRecoveryWindow,
      `must be shorter than backupRetention (${retained}d); Cloud SQL keeps transaction logs for fewer days than backups`);
  }
  const disk = gib(p.diskSize, 20);
  if (v.check(Number.isInteger(disk) && disk >= 10 && disk <= 65536, 'backend.diskSize', p.diskSize, 'must be whole GiB from 10 to 65536')) {
    v.check(Number.isInteger(gib(p.maxDiskSize, 100)) && gib(p.maxDiskSize, 100) >= disk, 'backend.maxDiskSize', p.maxDiskSize,
      `must be whole GiB and at least diskSize (${disk} GiB)`);
  }
  v.check(p.kmsKey === undefined || p.kmsKey instanceof GcpKmsKey, 'backend.kmsKey', p.kmsKey, `must be a GcpKmsKey in ${region || 'the instance region'}`);
}

/**
 * MLflow's PostgreSQL on Cloud SQL (PostgreSQL 16). Private IP only in the cluster's VPC, TLS required
 * (`ssl_mode = ENCRYPTED_ONLY`), regional high availability, daily backups with point-in-time recovery kept in
 * the instance's region, disks and backups encrypted with a customer-managed key in that region (the Cloud SQL
 * service agent may use it), deletion protection in Terraform and in the API, `prevent_destroy`, and backups
 * retained when the instance is deleted. Databases `mlflow` and `mlflow_auth`; a built-in user `mlflow`.
 *
 * Nothing secret enters the configuration: the password is read from an existing Secret Manager secret with
 * `data.google_secret_manager_secret_version` (it is in Terraform state; keep state encrypted and access-
 * controlled). The server's Google service account may access exactly that secret, and the launcher reads it
 * at start through the GKE metadata server, so the password is never in a Kubernetes Secret or the pod spec.
 *
 * Prerequisites: private services access on the VPC, and the Cloud SQL service agent
 * `service-<project number>@gcp-sa-cloud-sql.iam.gserviceaccount.com`, which exists only once created:
 * `gcloud beta services identity create --service=sqladmin.googleapis.com --project=<project>`.
 */
export class CloudSqlPostgres extends Construct implements IMlflowDatabase {
  public readonly instance: SqlDatabaseInstance;
  public readonly kmsKey: GcpKmsKey;
  public readonly trackingDatabase: SqlDatabase;
  public readonly authDatabase: SqlDatabase;
  public readonly user: SqlUser;
  /** The password secret's latest version, read at plan time (escape hatch). */
  public readonly passwordVersion: DataGoogleSecretManagerSecretVersion;
  public readonly connection: DatabaseConnection;
  private readonly props: CloudSqlPostgresProps;
  private grants = 0;

  constructor(scope: Construct, id: string, props: CloudSqlPostgresProps, ctx: BackendContext) {
    super(scope, id);
    const v = new Validator(this);
    const { project, region } = placement(this, v, props, '');
    v.throwIfAny();
    this.props = { ...props, project, region };
    const name = props.instanceName;
    const protect = props.deletionProtection ?? true;
    const tier = props.tier ?? 'db-custom-2-7680';

    this.kmsKey = props.kmsKey ?? new GcpKmsKey(this, 'kms', { project, location: region, keyRingName: `${name}-sql`, keyName: 'database' });
    const projectNumber = new DataGoogleProject(this, 'project', { projectId: project }).number;
    const keyAccess = this.kmsKey.allowServiceAgent(`serviceAccount:service-${projectNumber}@gcp-sa-cloud-sql.iam.gserviceaccount.com`);

    this.instance = new SqlDatabaseInstance(this, 'instance', {
      project,
      region,
      name,
      databaseVersion: 'POSTGRES_16',
      encryptionKeyName: this.kmsKey.key.id,
      deletionProtection: protect,
      settings: {
        tier,
        edition: PERF_OPTIMIZED.test(tier) ? 'ENTERPRISE_PLUS' : 'ENTERPRISE',
        availabilityType: (props.highAvailability ?? true) ? 'REGIONAL' : 'ZONAL',
        diskType: 'PD_SSD',
        diskSize: gib(props.diskSize, 20),
        diskAutoresize: true,
        diskAutoresizeLimit: gib(props.maxDiskSize, 100),
        deletionProtectionEnabled: protect,
        retainBackupsOnDelete: true,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.privateNetwork,
          allocatedIpRange: props.allocatedIpRange,
          sslMode: 'ENCRYPTED_ONLY',
        },
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: days(props.pointInTimeRecoveryWindow, 7),
          backupRetentionSettings: { retainedBackups: days(props.backupRetention, 14), retentionUnit: 'COUNT' },
          // Backups default to the nearest multi-region; keep them where the data is.
          location: region,
          startTime: '02:00',
        },
        maintenanceWindow: { day: 7, hour: 3, updateTrack: 'stable' },
        insightsConfig: { queryInsightsEnabled: true },
        databaseFlags: [{ name: 'log_connections', value: 'on' }, { name: 'log_disconnections', value: 'on' }],
      },
      lifecycle: { preventDestroy: protect },
      dependsOn: [keyAccess],
    });

    // ABANDON: removing these from Terraform must never drop MLflow's data (and Postgres refuses to drop
    // users that own objects).
    this.trackingDatabase = new SqlDatabase(this, 'tracking-db', { project, instance: this.instance.name, name: DB_NAME, deletionPolicy: 'ABANDON' });
    this.authDatabase = new SqlDatabase(this, 'auth-db', { project, instance: this.instance.name, name: `${DB_NAME}_auth`, deletionPolicy: 'ABANDON' });
    this.passwordVersion = new DataGoogleSecretManagerSecretVersion(this, 'password', { project, secret: props.passwordSecretId });
    this.user = new SqlUser(this, 'user', {
      project,
      instance: this.instance.name,
      name: USERNAME,
      type: 'BUILT_IN',
      password: this.passwordVersion.secretData,
      deletionPolicy: 'ABANDON',
    });

    this.connection = {
      host: this.instance.privateIpAddress,
      port: 5432,
      database: DB_NAME,
      username: USERNAME,
      // The server certificate is signed by the instance's own CA; TLS is enforced by ssl_mode on the server.
      sslMode: PostgresSslMode.REQUIRE,
      env: [{ name: 'MLFLOW_DB_GCP_SECRET', value: `projects/${project}/secrets/${props.passwordSecretId}` }],
      // The platform team may add a secret version; Terraform then changes the user's password and a failed
      // liveness check restarts the server, which reads the latest version.
      rotatingCredentials: true,
    };
    this.grantCredentials(ctx.identity);
  }

  /** Lets the server's Google service account read the password secret (that one secret only). */
  public grantCredentials(identity: WorkloadIdentity): void {
    const member = identity.gcpMember;
    if (!member) {
      throw new Error(`${this.node.path}: ${identity.node.path} has no Google identity; Cloud SQL's password is read with GKE Workload Identity, ` +
        'so run MLflow on a GKE cluster');
    }
    new SecretManagerSecretIamMember(this, `secret-access-${this.grants++}`, {
      project: this.props.project,
      secretId: this.props.passwordSecretId,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
  }
}

