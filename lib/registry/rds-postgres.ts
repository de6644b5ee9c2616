import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Validator } from '../core/errors';
import { checkResourceName } from '../core/names';
import { Duration, Size } from '../core/units';
import { AwsKmsKey } from '../storage/aws-kms-key';
import { BackendContext, DatabaseConnection, IMlflowDatabase, PostgresSslMode } from './mlflow-database';

/** Props for an RDS PostgreSQL backend. */
export interface RdsPostgresProps {
  /** The DB instance identifier: lowercase letters, digits and hyphens, at most 63 characters. */
  readonly identifier: string;
  /** The VPC of the cluster. */
  readonly vpcId: string;
  /** Private subnets in at least two Availability Zones for the DB subnet group. */
  readonly subnetIds: string[];
  /**
   * Security groups whose members may connect on 5432: the nodes the server runs on (on EKS managed node
   * groups, the cluster security group `eks.cluster.vpcConfig.clusterSecurityGroupId`). Nothing else is admitted.
   */
  readonly clientSecurityGroupIds: string[];
  /** @default 'db.t4g.medium' */
  readonly instanceClass?: string;
  /** PostgreSQL major version; minor versions are upgraded automatically. @default '16' */
  readonly engineMajorVersion?: string;
  /** @default Size.gibibytes(20) */
  readonly allocatedStorage?: Size;
  /** Storage autoscaling ceiling. @default Size.gibibytes(100) */
  readonly maxAllocatedStorage?: Size;
  /** Automated backup retention (point-in-time recovery window), 7 to 35 days. @default Duration.days(7) */
  readonly backupRetention?: Duration;
  /** A standby in a second AZ. @default true */
  readonly multiAz?: boolean;
  /** Key for storage, the managed password secret and Performance Insights. @default - a new customer-managed key */
  readonly kmsKey?: AwsKmsKey;
  /** RDS deletion protection and Terraform `prevent_destroy`. @default true */
  readonly deletionProtection?: boolean;
}

const DB_NAME = 'mlflow';
const MASTER_USERNAME = 'mlflow';

/** Validates RDS props; problems land in `v` under `backend.…`. */
export function checkRdsProps(v: Validator, p: RdsPostgresProps): void {
  if (!v.check(!!p && typeof p === 'object', 'backend', p, 'must be MlflowBackend.rds({ identifier, vpcId, subnetIds, clientSecurityGroupIds })')) return;
  checkResourceName(v, 'backend.identifier', p.identifier, 63);
  v.check(typeof p.identifier === 'string', 'backend.identifier', p.identifier, 'is required, e.g. "mlflow"');
  v.matches('backend.vpcId', p.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id, e.g. vpc-0123456789abcdef0');
  if (v.nonEmpty('backend.subnetIds', p.subnetIds, 'must list private subnets in at least two Availability Zones')) {
    v.check(Token.isUnresolved(p.subnetIds) || p.subnetIds.length >= 2, 'backend.subnetIds', p.subnetIds,
      'must list subnets in at least two Availability Zones (a DB subnet group requirement)');
    p.subnetIds.forEach((s, i) => v.matches(`backend.subnetIds[${i}]`, s, /^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id, e.g. subnet-0123456789abcdef0'));
  }
  if (v.nonEmpty('backend.clientSecurityGroupIds', p.clientSecurityGroupIds,
    'must name the security group(s) of the nodes MLflow runs on (e.g. the EKS cluster security group); the database admits nothing else')) {
    p.clientSecurityGroupIds.forEach((s, i) => v.matches(`backend.clientSecurityGroupIds[${i}]`, s, /^sg-[0-9a-f]{8,17}$/, 'must be a security group id, e.g. sg-0123456789abcdef0'));
  }
  v.matches('backend.instanceClass', p.instanceClass, /^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class such as db.t4g.medium');
  v.matches('backend.engineMajorVersion', p.engineMajorVersion, /^1[3-9]$/, 'must be a PostgreSQL major version from 13 to 19, e.g. "16"');
  if (p.backupRetention !== undefined) {
    let days: number | undefined;
    try { days = p.backupRetention.toDays(); } catch { days = undefined; }
    v.check(days !== undefined && days >= 7 && days <= 35, 'backend.backupRetention', p.backupRetention,
      'must be whole days from 7 to 35; a model registry needs at least a week of point-in-time recovery');
  }
  const gib = (s: Size | undefined, fallback: number) => {
    try { return s === undefined ? fallback : s.toGibibytes(); } catch { return NaN; }
  };
  const allocated = gib(p.allocatedStorage, 20);
  const max = gib(p.maxAllocatedStorage, 100);
  if (v.check(Number.isInteger(allocated) && allocated >= 20 && allocated <= 65536, 'backend.allocatedStorage', p.allocatedStorage,
    'must be whole GiB from 20 to 65536 (gp3)')) {
    v.check(Number.isInteger(max) && max >= allocated, 'backend.maxAllocatedStorage', p.maxAllocatedStorage,
      `must be whole GiB and at least allocatedStorage (${allocated} GiB)`);
  }
}

/**
 * MLflow's PostgreSQL on Amazon RDS. Nothing secret enters Terraform: RDS generates the master password into
 * a Secrets Manager secret it rotates (`manage_master_user_password`), encrypted with the CMK; IAM database
 * authentication is on. Storage, the secret and Performance Insights use a customer-managed key; Multi-AZ;
 * automated backups for `backupRetention` days, copied tags, a final snapshot; deletion protection and
 * `prevent_destroy`; a private DB subnet group and a security group admitting only the client security groups
 * on 5432; `rds.force_ssl = 1`.
 *
 * How MLflow gets the password: the server's own EKS Pod Identity role may read exactly this secret (and
 * decrypt with exactly this key), and the server's launcher reads it with boto3 at start. Chosen over the
 * Secrets Store CSI driver because it needs no cluster add-on and keeps the password out of Kubernetes
 * Secrets (and so out of etcd). Because RDS rotates the password every 7 days, the server's liveness probe
 * opens a fresh connection; after a rotation it fails, the container restarts and reads the new password.
 */
export class RdsPostgres extends Construct implements IMlflowDatabase {
  public readonly instance: DbInstance;
  public readonly kmsKey: AwsKmsKey;
  public readonly securityGroup: SecurityGroup;
  public readonly subnetGroup: DbSubnetGroup;
  public readonly parameterGroup: DbParameterGroup;
  public readonly connection: DatabaseConnection;

  constructor(scope: Construct, id: string, props: RdsPostgresProps, ctx: BackendContext) {
    super(scope, id);
    const major = props.engineMajorVersion ?? '16';
    const name = props.identifier;
    const protect = props.deletionProtection ?? true;
    this.kmsKey = props.kmsKey ?? new AwsKmsKey(this, 'kms', { description: `RDS ${name}: MLflow database, its password secret and Performance Insights`, alias: `rds/${name}`, protectFromDeletion: protect });
    this.subnetGroup = new DbSubnetGroup(this, 'subnets', { name: `${name}-db`, description: `Private subnets of RDS ${name}`, subnetIds: props.subnetIds });
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${name}-postgres`,
      description: `RDS ${name}: PostgreSQL from the MLflow nodes only`,
      vpcId: props.vpcId,
    });
    props.clientSecurityGroupIds.forEach((sg, i) => new VpcSecurityGroupIngressRule(this, `from-clients-${i}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sg,
      ipProtocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      description: 'PostgreSQL from the cluster nodes',
    }));
    this.parameterGroup = new DbParameterGroup(this, 'parameters', {
      name: `${name}-postgres${major}`,
      family: `postgres${major}`,
      description: `RDS ${name}: TLS required`,
      parameter: [{ name: 'rds.force_ssl', value: '1' }],
    });
    this.instance = new DbInstance(this, 'instance', {
      identifier: name,
      engine: 'postgres',
      engineVersion: major,
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass ?? 'db.t4g.medium',
      storageType: 'gp3',
      allocatedStorage: (props.allocatedStorage ?? Size.gibibytes(20)).toGibibytes(),
      maxAllocatedStorage: (props.maxAllocatedStorage ?? Size.gibibytes(100)).toGibibytes(),
      storageEncrypted: true,
      kmsKeyId: this.kmsKey.key.arn,
      dbName: DB_NAME,
      username: MASTER_USERNAME,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.kmsKey.key.arn,
      iamDatabaseAuthenticationEnabled: true,
      multiAz: props.multiAz ?? true,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: this.parameterGroup.name,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      backupRetentionPeriod: (props.backupRetention ?? Duration.days(7)).toDays(),
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${name}-final`,
      deleteAutomatedBackups: false,
      deletionProtection: protect,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.kmsKey.key.arn,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      lifecycle: { preventDestroy: protect },
    });
    const secretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.connection = {
      host: this.instance.address,
      port: 5432,
      database: DB_NAME,
      username: MASTER_USERNAME,
      sslMode: PostgresSslMode.REQUIRE,
      env: [
        { name: 'MLFLOW_DB_SECRET_ARN', value: secretArn },
        { name: 'AWS_REGION', value: new DataAwsRegion(this, 'region').region },
      ],
      rotatingCredentials: true,
    };
    // The server's own Pod Identity role reads exactly this secret, with exactly this key.
    ctx.identity.addAwsPolicy('database-credentials', [
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretArn },
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: this.kmsKey.key.arn },
    ]);
  }
}
