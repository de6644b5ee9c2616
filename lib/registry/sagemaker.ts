import { Construct } from 'constructs';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { checkReleasedVersions, isReleased, ReleasedModelVersions } from './model-versions';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { SagemakerModelPackageGroupPolicy } from '@cdktf/provider-aws/lib/sagemaker-model-package-group-policy';
import { IAwsGrantee, IAwsModelArtifactSource, ModelVersionRef } from '../core/aws-grantee';
import { Validator } from '../core/errors';
import { policyDocument, PolicyStatement } from '../core/iam';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration } from '../core/units';
import { AwsKmsKey } from '../storage/aws-kms-key';
import { SecureS3Bucket } from '../storage/s3-bucket';
import { ModelLineage } from './lineage';
import { IModelRegistry, ModelRegistryKind } from './model-registry';

/** Props for {@link SageMakerModelRegistry}. */
export interface SageMakerModelRegistryProps {
  /**
   * The model package group: one per model (e.g. `churn-classifier`). Lowercase letters, digits and hyphens,
   * at most 63 characters (SageMaker writes names into ARNs in lowercase, so mixed case would break IAM scoping).
   */
  readonly groupName: string;
  /** @default - none */
  readonly description?: string;
  /** The artifact bucket (model.tar.gz files), a new SecureS3Bucket. 3-51 characters. */
  readonly artifactBucketName: string;
  /** @default - a new customer-managed key for the bucket */
  readonly kmsKey?: AwsKmsKey;
  /**
   * AWS accounts (12 digits) that may read and deploy model versions of this group: the group's resource
   * policy, the bucket policy and the key policy all admit them read-only.
   * @default - no cross-account access
   */
  readonly crossAccountReadAccountIds?: string[];
  /** Delete noncurrent artifact versions after this long. @default - keep every version */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Terraform `prevent_destroy` on the model package group (its registered versions and their approval history), the
   * artifact bucket and the key this construct creates. @default true
   */
  readonly protectFromDeletion?: boolean;
  /**
   * Model package versions released for deployment (`{ 'churn-classifier': ['3', '4'] }`); endpoints and edge
   * rings may only use these. @default - none released
   */
  readonly releasedVersions?: ReleasedModelVersions;
}

/** Key prefix of model artifacts in the bucket. */
export const SAGEMAKER_MODEL_PREFIX = 'models/';

/**
 * The Amazon SageMaker Model Registry for one model: a model package group, its encrypted artifact bucket
 * (SecureS3Bucket with a customer-managed key) and, for cross-account deployment, a resource policy admitting
 * the listed accounts read-only. Publishers register versions with `CreateModelPackage`, passing the lineage
 * as `CustomerMetadataProperties` (`lineageMetadata()`).
 */
export class SageMakerModelRegistry extends Construct implements IModelRegistry, IAwsModelArtifactSource {
  /** Versions released for deployment. */
  public readonly releasedVersions?: ReleasedModelVersions;
  public readonly kind = ModelRegistryKind.SAGEMAKER;
  public readonly group: SagemakerModelPackageGroup;
  public readonly groupPolicy?: SagemakerModelPackageGroupPolicy;
  public readonly artifactBucket: SecureS3Bucket;
  public readonly kmsKey: AwsKmsKey;
  public readonly groupName: string;
  private readonly packagesArn: string;

  constructor(scope: Construct, id: string, props: SageMakerModelRegistryProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkResourceName(v, 'groupName', props.groupName, 63);
    v.check(typeof props.groupName === 'string', 'groupName', props.groupName, 'is required, e.g. "churn-classifier"');
    v.check(props.description === undefined || props.description.length <= 1024, 'description', props.description, 'must be at most 1024 characters');
    const accounts = props.crossAccountReadAccountIds ?? [];
    accounts.forEach((a, i) => v.matches(`crossAccountReadAccountIds[${i}]`, a, /^\d{12}$/, 'must be a 12-digit AWS account id'));
    v.unique('crossAccountReadAccountIds', accounts, (a) => a, 'account id');
    checkReleasedVersions(v, 'releasedVersions', props.releasedVersions);
    v.throwIfAny();
    this.groupName = props.groupName;
    this.releasedVersions = props.releasedVersions;

    const partition = new DataAwsPartition(this, 'partition').partition;
    const region = new DataAwsRegion(this, 'region').region;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;
    const principals = accounts.map((a) => `arn:${partition}:iam::${a}:root`);

    this.kmsKey = props.kmsKey ?? new AwsKmsKey(this, 'kms', {
      description: `SageMaker model registry ${props.groupName}: model artifacts`,
      alias: `sagemaker/${props.groupName}`,
      protectFromDeletion: props.protectFromDeletion,
    });
    // Also on a key passed in: without it the listed accounts could fetch objects but never decrypt them.
    if (principals.length) {
      this.kmsKey.addToResourcePolicy({
        Sid: 'CrossAccountDecryptModelArtifacts',
        Effect: 'Allow',
        Principal: { AWS: principals },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
      });
    }
    this.artifactBucket = new SecureS3Bucket(this, 'artifacts', {
      bucketName: props.artifactBucketName,
      kmsKey: this.kmsKey,
      noncurrentVersionExpiration: props.noncurrentVersionExpiration,
      protectFromDeletion: props.protectFromDeletion,
    });
    this.group = new SagemakerModelPackageGroup(this, 'group', {
      modelPackageGroupName: props.groupName,
      modelPackageGroupDescription: props.description,
      lifecycle: { preventDestroy: props.protectFromDeletion ?? true },
    });
    this.packagesArn = `arn:${partition}:sagemaker:${region}:${account}:model-package/${props.groupName}/*`;

    if (principals.length) {
      this.groupPolicy = new SagemakerModelPackageGroupPolicy(this, 'group-policy', {
        modelPackageGroupName: this.group.modelPackageGroupName,
        resourcePolicy: policyDocument([
          { Sid: 'CrossAccountReadGroup', Effect: 'Allow', Principal: { AWS: principals }, Action: ['sagemaker:DescribeModelPackageGroup'], Resource: this.group.arn },
          { Sid: 'CrossAccountReadVersions', Effect: 'Allow', Principal: { AWS: principals }, Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel'], Resource: this.packagesArn },
        ]),
      });
      // SecureS3Bucket's policy holds only its TLS-only deny; the accounts also need to read artifacts.
      this.artifactBucket.addToResourcePolicy({
        Sid: 'CrossAccountReadModelArtifacts', Effect: 'Allow', Principal: { AWS: principals }, Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: `${this.artifactBucket.bucket.arn}/${SAGEMAKER_MODEL_PREFIX}*`,
      });
    }
  }

  /** The model package group ARN (what `CreateModelPackage` takes as `ModelPackageGroupName`). */
  /** Registry name for messages. */
  public get registryName(): string {
    return `SageMaker model package group ${this.node.path}`;
  }

  /**
   * The artifact of a released version, by the layout training jobs publish to:
   * `s3://<bucket>/models/<model>/<version>/model.tar.gz`.
   */
  public modelVersionUri(model: string, version: string): string {
    return this.artifactBucket.uri(`${SAGEMAKER_MODEL_PREFIX}${model}/${version}/model.tar.gz`);
  }

  /** Whether the version is declared in `releasedVersions`. */
  public hasModelVersion(model: string, version: string): boolean {
    return isReleased(this.releasedVersions, model, version);
  }

  public get trackingUri(): string {
    return this.group.arn;
  }

  /** The KMS key that encrypts the artifacts (readers need kms:Decrypt on it). */
  public get artifactKmsKeyArn(): string {
    return this.kmsKey.key.arn;
  }

  public get artifactUri(): string {
    return this.artifactBucket.uri(SAGEMAKER_MODEL_PREFIX);
  }

  /** Lets a workload register model versions in this group (approval stays a separate, human step) and upload artifacts. */
  public grantPublish(workload: IAwsGrantee): void {
    workload.addAwsPolicy(`publish-${this.node.id}`, [
      ...this.readStatements(),
      { Effect: 'Allow', Action: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags'], Resource: this.packagesArn },
      ...this.artifactBucket.accessStatements(true, SAGEMAKER_MODEL_PREFIX),
    ]);
  }

  /** Lets a workload read this group's model versions and download their artifacts. */
  public grantRead(workload: IAwsGrantee): void {
    workload.addAwsPolicy(`read-${this.node.id}`, [
      ...this.readStatements(),
      ...this.artifactBucket.accessStatements(false, SAGEMAKER_MODEL_PREFIX),
    ]);
  }

  /**
   * Lets an AWS role (a SageMaker execution role, an IoT device role, a workload identity) download the
   * artifacts of `versions` and decrypt them: `s3:ListBucket` limited to their prefixes, `s3:GetObject` and
   * `s3:GetObjectVersion` on `models/<model>/<version>/*`, and `kms:Decrypt` on the registry key. Every
   * artifact of the group when `versions` is omitted. No SageMaker API access: serving needs only the objects.
   *
   * The policy is created in the grantee's scope, so a consumer in another stack reads the bucket and key ARNs
   * through remote state. Within the account the key policy delegates to IAM and the bucket policy denies only
   * plain HTTP, so this policy is all the role needs; other accounts are admitted by `crossAccountReadAccountIds`.
   */
  public grantReadToRole(grantee: IAwsGrantee, versions?: ModelVersionRef[]): IamRolePolicy {
    const prefixes = versions === undefined
      ? [SAGEMAKER_MODEL_PREFIX]
      : [...new Set(versions.map((v) => `${SAGEMAKER_MODEL_PREFIX}${v.model}/${v.version}/`))].sort();
    const bucket = this.artifactBucket.bucket;
    return grantee.addAwsPolicy(`read-artifacts-${this.node.id}`, [
      { Sid: 'ListModelArtifacts', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket.arn, Condition: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } },
      { Sid: 'ReadModelArtifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: prefixes.map((p) => `${bucket.arn}/${p}*`) },
      { Sid: 'DecryptModelArtifacts', Effect: 'Allow', Action: 'kms:Decrypt', Resource: this.kmsKey.key.arn },
    ]);
  }

  /** `CustomerMetadataProperties` for `CreateModelPackage`. */
  public lineageMetadata(lineage: ModelLineage): Record<string, string> {
    return lineage.toSageMakerMetadata();
  }

  private readStatements(): PolicyStatement[] {
    return [
      // ListModelPackages is listed on both the group and its versions, as in the SageMaker cross-account example.
      { Effect: 'Allow', Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages'], Resource: this.group.arn },
      { Effect: 'Allow', Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'], Resource: this.packagesArn },
    ];
  }
}
