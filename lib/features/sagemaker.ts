import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerFeatureGroup } from '@cdktf/provider-aws/lib/sagemaker-feature-group';
import { Validator } from '../core/errors';
import { policyDocument, PolicyStatement } from '../core/iam';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { AwsKmsKey } from '../storage/aws-kms-key';
import { SecureS3Bucket } from '../storage/s3-bucket';
import { checkFeatureDefinitions, FeatureDefinitions, FeatureStoreBackend, FeatureView } from './definitions';
import { IFeatureStore } from './feature-store';
import { sagemakerType, ValueType } from './value-type';

/** Props for {@link SageMakerFeatureStore}. */
export interface SageMakerFeatureStoreProps {
  /** The entities, sources and feature views; one feature group per view. */
  readonly definitions: FeatureDefinitions;
  /**
   * The offline store bucket (Parquet/Iceberg files written by SageMaker). Its KMS key encrypts the offline
   * store. @default - a new SecureS3Bucket named `offlineBucketName`
   */
  readonly offlineBucket?: SecureS3Bucket;
  /** Name of the bucket to create when `offlineBucket` is not given. @default - required without offlineBucket */
  readonly offlineBucketName?: string;
  /** Key for the online store. @default - the offline bucket's key */
  readonly onlineKmsKey?: AwsKmsKey;
  /** Prefix inside the bucket. @default 'feature-store/' */
  readonly offlinePrefix?: string;
  /** Offline table format. @default SageMakerTableFormat.ICEBERG */
  readonly tableFormat?: SageMakerTableFormat;
  /**
   * Terraform `prevent_destroy` on each feature group (deleting one deletes its online records and unregisters its
   * offline table) and on the offline bucket this construct creates. @default true
   */
  readonly protectFromDeletion?: boolean;
}

/** The offline store's table format. */
export enum SageMakerTableFormat {
  /** Apache Iceberg: compaction and time travel in Athena. */
  ICEBERG = 'Iceberg',
  /** Plain Glue (Hive-style Parquet) tables. */
  GLUE = 'Glue',
}

/** SageMaker's TTL units, largest first. */
const TTL_UNITS: Array<[string, number]> = [['Weeks', 604800], ['Days', 86400], ['Hours', 3600], ['Minutes', 60], ['Seconds', 1]];

/** The SageMaker `ttl_duration` for a TTL: the largest unit that expresses it exactly. */
export function sagemakerTtl(ttl: Duration): { unit: string; value: number } {
  const s = ttl.toSeconds();
  const [unit, size] = TTL_UNITS.find(([, n]) => s % n === 0)!;
  return { unit, value: s / size };
}

/**
 * SageMaker Feature Store from typed definitions: one `aws_sagemaker_feature_group` per view, with the
 * entity's join key as record identifier, the source's timestamp column as event time (Fractional epoch
 * seconds), typed feature definitions, an online store encrypted with a customer-managed key whose TTL is the
 * view's ttl, and an offline store in a SecureS3Bucket (SSE-KMS). SageMaker assumes a role trusted only by
 * `sagemaker.amazonaws.com` (for this account) that may write only under the store's prefix, use only that
 * key and create only this store's Glue tables.
 */
export class SageMakerFeatureStore extends Construct implements IFeatureStore {
  public readonly backend = FeatureStoreBackend.SAGEMAKER;
  public readonly definitions: FeatureDefinitions;
  public readonly offlineBucket: SecureS3Bucket;
  public readonly onlineKmsKey: AwsKmsKey;
  /** The role SageMaker assumes to write the offline store. */
  public readonly role: IamRole;
  /** Feature groups by view name. */
  public readonly featureGroups: Record<string, SagemakerFeatureGroup> = {};
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: SageMakerFeatureStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkFeatureDefinitions(v, props.definitions, FeatureStoreBackend.SAGEMAKER);
    v.check(props.offlineBucket !== undefined || typeof props.offlineBucketName === 'string', 'offlineBucketName', props.offlineBucketName,
      'is required when offlineBucket is not given; name the bucket to create or pass an existing SecureS3Bucket');
    const prefix = props.offlinePrefix ?? 'feature-store/';
    v.matches('offlinePrefix', prefix, /^([A-Za-z0-9!_.*'()-]+\/)+$/, 'must be a key prefix ending in "/", e.g. feature-store/');
    for (const view of props.definitions?.featureViews ?? []) {
      const groupName = featureGroupName(props.definitions.project, view);
      v.check(groupName.length <= 64, `definitions.featureViews[${view.name}].name`, groupName, 'makes a feature group name longer than 64 characters; shorten the project or view name');
    }
    v.throwIfAny();
    this.definitions = props.definitions;
    this.prefix = prefix;

    this.offlineBucket = props.offlineBucket ?? new SecureS3Bucket(this, 'offline', { bucketName: props.offlineBucketName!, protectFromDeletion: props.protectFromDeletion });
    this.onlineKmsKey = props.onlineKmsKey ?? this.offlineBucket.kmsKey;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;
    const region = new DataAwsRegion(this, 'region').region;

    this.role = new IamRole(this, 'role', {
      name: `${props.definitions.project.replace(/_/g, '-')}-sagemaker-features`.slice(0, 64),
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      }]),
    });
    const glue = (what: string) => `arn:${partition}:glue:${region}:${account}:${what}`;
    const offlinePolicy = new IamRolePolicy(this, 'offline-store-policy', {
      role: this.role.name,
      name: 'offline-store',
      policy: policyDocument([
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: `${this.offlineBucket.bucket.arn}/${prefix}*` },
        { Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: this.offlineBucket.bucket.arn },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: this.offlineBucket.kmsKey.key.arn },
        {
          Effect: 'Allow',
          Action: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable', 'glue:GetDatabase', 'glue:CreateDatabase'],
          Resource: [glue('catalog'), glue('database/sagemaker_featurestore'), glue('table/sagemaker_featurestore/*')],
        },
      ]),
    });

    for (const view of props.definitions.featureViews) {
      const entity = view.entities[0];
      const eventTime = view.source.timestampField;
      const names = new Set([entity.joinKey, eventTime]);
      this.featureGroups[view.name] = new SagemakerFeatureGroup(this, `group-${view.name}`, {
        featureGroupName: featureGroupName(props.definitions.project, view),
        description: view.description,
        recordIdentifierFeatureName: entity.joinKey,
        eventTimeFeatureName: eventTime,
        roleArn: this.role.arn,
        featureDefinition: [
          { featureName: entity.joinKey, featureType: sagemakerType(entity.valueType)! },
          { featureName: eventTime, featureType: sagemakerType(ValueType.UNIX_TIMESTAMP)! },
          ...view.features.filter((f) => !names.has(f.name)).map((f) => ({ featureName: f.name, featureType: sagemakerType(f.valueType)! })),
        ],
        onlineStoreConfig: {
          enableOnlineStore: view.online,
          securityConfig: { kmsKeyId: this.onlineKmsKey.key.arn },
          ...(view.online ? { ttlDuration: sagemakerTtl(view.ttl) } : {}),
        },
        offlineStoreConfig: {
          tableFormat: props.tableFormat ?? SageMakerTableFormat.ICEBERG,
          disableGlueTableCreation: false,
          s3StorageConfig: { s3Uri: this.offlineBucket.uri(prefix), kmsKeyId: this.offlineBucket.kmsKey.key.arn },
        },
        tags: { ...view.tags, ...(view.owner ? { 'feature-owner': view.owner.replace(/[^\w.:/=+@ -]/g, '_') } : {}) },
        // SageMaker validates the role's access when the group is created.
        dependsOn: [offlinePolicy],
        lifecycle: { preventDestroy: props.protectFromDeletion ?? true },
      });
    }
  }

  /**
   * Lets a workload read online records of this store's feature groups (GetRecord, BatchGetRecord) and its
   * offline store files (for training through Athena or Spark), and decrypt with the keys.
   */
  public grantRead(workload: WorkloadIdentity): void {
    workload.addAwsPolicy(`features-read-${this.node.id}`, [
      { Effect: 'Allow', Action: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup'], Resource: this.groupArns() },
      ...this.onlineKmsKey.useStatements(false),
      ...this.offlineBucket.accessStatements(false, this.prefix),
    ]);
  }

  /** Lets a workload ingest records (PutRecord, DeleteRecord) into this store's feature groups and read them back. */
  public grantWrite(workload: WorkloadIdentity): void {
    const statements: PolicyStatement[] = [
      {
        Effect: 'Allow',
        Action: ['sagemaker:PutRecord', 'sagemaker:DeleteRecord', 'sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup'],
        Resource: this.groupArns(),
      },
      ...this.onlineKmsKey.useStatements(true),
    ];
    workload.addAwsPolicy(`features-write-${this.node.id}`, statements);
  }

  private groupArns(): string[] {
    return Object.values(this.featureGroups).map((g) => g.arn);
  }
}

/** `<project>-<view>` with `_` as `-`: SageMaker group names allow letters, digits and hyphens only. */
function featureGroupName(project: string, view: FeatureView): string {
  return `${project}-${view.name}`.replace(/_/g, '-');
}
