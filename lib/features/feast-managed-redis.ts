import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import type { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { RedisInstance } from '@cdktf/provider-google/lib/redis-instance';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { Duration, Size } from '../core/units';
import { googleSetting } from '../core/private/environment';
import { requireProvider } from '../core/private/optional-provider';
import type { AwsKmsKey } from '../storage/aws-kms-key';
import type { GcpKmsKey } from '../storage/gcp-kms-key';
import type { SecretKeyRef } from '../core/secrets';

/** The engine of an ElastiCache online store. */
export enum ElastiCacheEngine {
  /** Valkey (BSD-licensed fork of Redis 7.2), the default. */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis',
}

/** Props for an Amazon ElastiCache online store (EKS targets). */
export interface ElastiCacheOnlineStoreProps {
  /** Replication group id: 1-40 lowercase letters, digits and hyphens, starting with a letter. */
  readonly replicationGroupId: string;
  /** The VPC of the cluster. */
  readonly vpcId: string;
  /** Private subnets in at least two Availability Zones. */
  readonly subnetIds: string[];
  /** Security groups of the nodes the Feast pods run on (e.g. the EKS cluster security group); nothing else reaches 6379. */
  readonly clientSecurityGroupIds: string[];
  /**
   * Name or ARN of an EXISTING Secrets Manager secret whose SecretString is the AUTH token (16-128 printable
   * characters; ElastiCache allows only `!&#$^<>-` as special characters). Terraform reads it into the
   * replication group and into a Kubernetes secret for the Feast pods (the value is in Terraform state and
   * etcd, never in the configuration).
   */
  readonly authTokenSecretId: string;
  /** @default ElastiCacheEngine.VALKEY */
  readonly engine?: ElastiCacheEngine;
  /** @default '8.0' for Valkey, '7.1' for Redis OSS */
  readonly engineVersion?: string;
  /** @default 'cache.r7g.large' */
  readonly nodeType?: string;
  /** Nodes (a primary and replicas in different AZs), 2 to 6. @default 2 */
  readonly nodes?: number;
  /** How long daily snapshots are kept, 7 to 35 days. @default Duration.days(7) */
  readonly snapshotRetention?: Duration;
  /** @default - a new customer-managed key */
  readonly kmsKey?: AwsKmsKey;
  /** Terraform `prevent_destroy` (a final snapshot is taken on deletion either way). @default true */
  readonly deletionProtection?: boolean;
}

/** How often Memorystore writes an RDB snapshot. */
export enum MemorystoreSnapshotPeriod {
  ONE_HOUR = 'ONE_HOUR',
  SIX_HOURS = 'SIX_HOURS',
  TWELVE_HOURS = 'TWELVE_HOURS',
  TWENTY_FOUR_HOURS = 'TWENTY_FOUR_HOURS',
}

/** Props for a Memorystore for Redis online store (GKE targets). */
export interface MemorystoreOnlineStoreProps {
  /** The instance's project. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** Region of the instance and its CMEK key, e.g. `europe-west4`. @default - the region of the stack's Google provider */
  readonly region?: string;
  /** Instance id: 1-40 lowercase letters, digits and hyphens, starting with a letter. */
  readonly instanceId: string;
  /**
   * The cluster's VPC, `projects/<project>/global/networks/<vpc>`, with private services access configured
   * (the instance is reached over it, connect mode PRIVATE_SERVICE_ACCESS).
   */
  readonly network: string;
  /** Name of the private services access range to allocate from. @default - any range of the connection */
  readonly reservedIpRange?: string;
  /** Capacity; size it to hold every online value. @default Size.gibibytes(5) */
  readonly memorySize?: Size;
  /** @default 'REDIS_7_2' */
  readonly redisVersion?: string;
  /** @default MemorystoreSnapshotPeriod.ONE_HOUR */
  readonly snapshotPeriod?: MemorystoreSnapshotPeriod;
  /** @default - a new key in `region` */
  readonly kmsKey?: GcpKmsKey;
  /** Terraform `prevent_destroy`. @default true */
  readonly deletionProtection?: boolean;
}

/** One key of an existing Kubernetes secret, mounted as the file `<mountDir>/<secret.key>`. */
export interface SecretFileMount {
  /** The secret key. */
  readonly secret: SecretKeyRef;
  /** The directory the file appears in (read-only). */
  readonly mountDir: string;
}

/** What the Feast pods need from a managed online store. */
export interface ManagedOnlineStoreConnection {
  /** Feast's `connection_string` (password from `$FEAST_REDIS_PASSWORD`). */
  readonly connectionString: string;
  /** The Kubernetes secret key holding the password. */
  readonly passwordSecret: SecretKeyRef;
  /** The server CA, a secret key mounted as a file for TLS verification. @default - none (a publicly trusted certificate) */
  readonly caFile?: SecretFileMount;
  /** What `feast apply` must wait for. */
  readonly dependables: ITerraformDependable[];
}

/** Where the online store's Kubernetes secret lives and what it is called. */
export interface ManagedOnlineStoreContext {
  readonly target: IKubernetesTarget;
  /** The feature store's name; the secret is `<name>-online-store`. */
  readonly name: string;
}

/**
 * Feast's online store on Amazon ElastiCache: a replication group (Valkey by default, cluster mode off, a
 * primary and replicas across AZs with automatic failover and Multi-AZ), encrypted at rest with a
 * customer-managed key and in transit (`transit_encryption_mode = required`), AUTH token from an existing
 * Secrets Manager secret, daily snapshots kept `snapshotRetention` days and a final snapshot, a private subnet
 * group and a security group admitting only the cluster's nodes on 6379. The token reaches the Feast pods
 * through a Kubernetes secret written by reference. Feast connects with `ssl=true`; ElastiCache's server
 * certificate chains to Amazon's public roots, which the image's CA bundle trusts.
 */
export class FeastElastiCache extends Construct {
  public readonly replicationGroup: ElasticacheReplicationGroup;
  public readonly subnetGroup: ElasticacheSubnetGroup;
  public readonly securityGroup: SecurityGroup;
  public readonly kmsKey: AwsKmsKey;
  /** The Kubernetes secret with the AUTH token, in the feature store's namespace. */
  public readonly secret: SecretV1;
  public readonly connection: ManagedOnlineStoreConnection;

  constructor(scope: Construct, id: string, props: ElastiCacheOnlineStoreProps, ctx: ManagedOnlineStoreContext) {
    super(scope, id);
    const groupId = props.replicationGroupId;
    const engine = props.engine ?? ElastiCacheEngine.VALKEY;
    const protect = props.deletionProtection ?? true;
    // The AWS bindings load here, not at the top: a Google-only or on-prem app has no provider-aws.
    const { AwsKmsKey, DataAwsSecretsmanagerSecretVersion, ElasticacheReplicationGroup, ElasticacheSubnetGroup, SecurityGroup, VpcSecurityGroupIngressRule } =
      requireProvider(this, 'an ElastiCache online store', () => ({
        ...(require('../storage/aws-kms-key') as typeof import('../storage/aws-kms-key')),
        ...(require('@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version') as typeof import('@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version')),
        ...(require('@cdktf/provider-aws/lib/elasticache-replication-group') as typeof import('@cdktf/provider-aws/lib/elasticache-replication-group')),
        ...(require('@cdktf/provider-aws/lib/elasticache-subnet-group') as typeof import('@cdktf/provider-aws/lib/elasticache-subnet-group')),
        ...(require('@cdktf/provider-aws/lib/security-group') as typeof import('@cdktf/provider-aws/lib/security-group')),
        ...(require('@cdktf/provider-aws/lib/vpc-security-group-ingress-rule') as typeof import('@cdktf/provider-aws/lib/vpc-security-group-ingress-rule')),
      }));
    this.kmsKey = props.kmsKey ?? new AwsKmsKey(this, 'kms', { description: `ElastiCache ${groupId}: Feast online store`, alias: `elasticache/${groupId}`, protectFromDeletion: protect });
    this.subnetGroup = new ElasticacheSubnetGroup(this, 'subnets', { name: `${groupId}-cache`, description: `Private subnets of ${groupId}`, subnetIds: props.subnetIds });
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${groupId}-cache`,
      description: `ElastiCache ${groupId}: Feast online store, from the cluster nodes only`,
      vpcId: props.vpcId,
    });
    props.clientSecurityGroupIds.forEach((sg, i) => new VpcSecurityGroupIngressRule(this, `from-clients-${i}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sg,
      ipProtocol: 'tcp',
      fromPort: 6379,
      toPort: 6379,
      description: 'Redis protocol from the cluster nodes',
    }));
    const token = new DataAwsSecretsmanagerSecretVersion(this, 'auth-token', { secretId: props.authTokenSecretId }).secretString;
    this.replicationGroup = new ElasticacheReplicationGroup(this, 'replication-group', {
      replicationGroupId: groupId,
      description: `Feast online store of ${ctx.name} (${ctx.target.clusterName}/${ctx.target.namespace})`,
      engine,
      engineVersion: props.engineVersion ?? (engine === ElastiCacheEngine.VALKEY ? '8.0' : '7.1'),
      nodeType: props.nodeType ?? 'cache.r7g.large',
      port: 6379,
      numCacheClusters: props.nodes ?? 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      subnetGroupName: this.subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      atRestEncryptionEnabled: 'true',
      kmsKeyId: this.kmsKey.key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: token,
      authTokenUpdateStrategy: 'ROTATE',
      autoMinorVersionUpgrade: 'true',
      snapshotRetentionLimit: (props.snapshotRetention ?? Duration.days(7)).toDays(),
      snapshotWindow: '03:00-05:00',
      maintenanceWindow: 'sun:05:30-sun:07:30',
      finalSnapshotIdentifier: `${groupId}-final`,
      lifecycle: { preventDestroy: protect },
    });
    this.secret = new SecretV1(this, 'secret', {
      provider: ctx.target.providerFor(this),
      dependsOn: ctx.target.dependablesFor(this),
      metadata: { name: `${ctx.name}-online-store`, namespace: ctx.target.namespace, labels: { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': ctx.name } },
      type: 'Opaque',
      data: { password: token },
    });
    this.connection = {
      connectionString: `${this.replicationGroup.primaryEndpointAddress}:6379,ssl=true,password=$FEAST_REDIS_PASSWORD`,
      passwordSecret: { name: `${ctx.name}-online-store`, key: 'password' },
      dependables: [this.replicationGroup, this.secret],
    };
  }
}

/**
 * Feast's online store on Memorystore for Redis: Standard tier (a replica in another zone with automatic
 * failover), private services access on the cluster's VPC, TLS with server authentication, AUTH on, RDB
 * snapshots, a weekly maintenance window, CMEK with a key in the instance's region that the Memorystore
 * service agent (`service-<project number>@cloud-redis.iam.gserviceaccount.com`) may use, and
 * `prevent_destroy`. The generated AUTH string and the instance's server CA reach the Feast pods through a
 * Kubernetes secret written by reference; Feast's redis client verifies the server against that CA
 * (`ssl_ca_certs`).
 */
export class FeastMemorystore extends Construct {
  public readonly instance: RedisInstance;
  public readonly kmsKey: GcpKmsKey;
  /** The Kubernetes secret with the AUTH string (`password`) and the server CA (`ca.pem`). */
  public readonly secret: SecretV1;
  public readonly connection: ManagedOnlineStoreConnection;

  constructor(scope: Construct, id: string, props: MemorystoreOnlineStoreProps, ctx: ManagedOnlineStoreContext) {
    super(scope, id);
    const v = new Validator(this);
    const project = googleSetting(this, v, 'project', 'project', props.project);
    const region = googleSetting(this, v, 'region', 'region', props.region);
    v.throwIfAny();
    const protect = props.deletionProtection ?? true;
    // The Google bindings load here, not at the top: an AWS-only or on-prem app has no provider-google.
    const { GcpKmsKey, DataGoogleProject, RedisInstance } = requireProvider(this, 'a Memorystore online store', () => ({
      ...(require('../storage/gcp-kms-key') as typeof import('../storage/gcp-kms-key')),
      ...(require('@cdktf/provider-google/lib/data-google-project') as typeof import('@cdktf/provider-google/lib/data-google-project')),
      ...(require('@cdktf/provider-google/lib/redis-instance') as typeof import('@cdktf/provider-google/lib/redis-instance')),
    }));
    this.kmsKey = props.kmsKey ?? new GcpKmsKey(this, 'kms', { project, location: region, keyRingName: `${props.instanceId}-redis`, keyName: 'online-store' });
    const projectNumber = new DataGoogleProject(this, 'project', { projectId: project }).number;
    const keyAccess = this.kmsKey.allowServiceAgent(`serviceAccount:service-${projectNumber}@cloud-redis.iam.gserviceaccount.com`);
    this.instance = new RedisInstance(this, 'instance', {
      project,
      region,
      name: props.instanceId,
      displayName: `Feast online store of ${ctx.name} (${ctx.target.clusterName}/${ctx.target.namespace})`,
      tier: 'STANDARD_HA',
      memorySizeGb: (props.memorySize ?? Size.gibibytes(5)).toGibibytes(),
      redisVersion: props.redisVersion ?? 'REDIS_7_2',
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authorizedNetwork: props.network,
      reservedIpRange: props.reservedIpRange,
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
      customerManagedKey: this.kmsKey.key.id,
      persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: props.snapshotPeriod ?? MemorystoreSnapshotPeriod.ONE_HOUR },
      maintenancePolicy: {
        description: 'Sunday early morning',
        weeklyMaintenanceWindow: [{ day: 'SUNDAY', startTime: { hours: 3, minutes: 0, seconds: 0, nanos: 0 } }],
      },
      lifecycle: { preventDestroy: protect },
      dependsOn: [keyAccess],
    });
    const secretName = `${ctx.name}-online-store`;
    this.secret = new SecretV1(this, 'secret', {
      provider: ctx.target.providerFor(this),
      dependsOn: ctx.target.dependablesFor(this),
      metadata: { name: secretName, namespace: ctx.target.namespace, labels: { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': ctx.name } },
      type: 'Opaque',
      data: {
        password: this.instance.authString,
        // Every CA Memorystore currently serves (two during a CA rotation).
        'ca.pem': Fn.join('\n', this.instance.getListAttribute('server_ca_certs[*].cert')),
      },
    });
    const mountDir = '/var/run/secrets/feast-online-store';
    this.connection = {
      // Clients reach the instance by IP; the chain is verified against this instance's own CA, which
      // authenticates it. Hostname checking stays off so redis-py versions that default it on accept the IP.
      connectionString: `${this.instance.host}:${this.instance.port},ssl=true,ssl_cert_reqs=required,ssl_ca_certs=${mountDir}/ca.pem,` +
        'ssl_check_hostname=false,password=$FEAST_REDIS_PASSWORD',
      passwordSecret: { name: secretName, key: 'password' },
      caFile: { secret: { name: secretName, key: 'ca.pem' }, mountDir },
      dependables: [this.instance, this.secret],
    };
  }
}
