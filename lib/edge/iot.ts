import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IotPolicy } from '@cdktf/provider-aws/lib/iot-policy';
import { IotRoleAlias } from '@cdktf/provider-aws/lib/iot-role-alias';
import { IotThingGroup } from '@cdktf/provider-aws/lib/iot-thing-group';
import { AwsRoleGrantee, canGrantReadToRole, IAwsModelArtifactSource } from '../core/aws-grantee';
import { Validator } from '../core/errors';
import { declareArtifactRead, declareModelArtifactRead } from '../contracts/private/needs';
import { policyDocument, PolicyStatement } from '../core/iam';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { EdgeRing } from './fleet';

/** The model an {@link IotDeviceFleet}'s devices download. */
export interface IotDeviceFleetModel {
  /** A registry that grants read itself (a `SageMakerModelRegistry`). */
  readonly source: IAwsModelArtifactSource;
  /** The model's name in the registry. */
  readonly name: string;
}

/** Props for {@link IotDeviceFleet}. */
export interface IotDeviceFleetProps {
  /** Fleet name (DNS-1123, at most 30 characters). */
  readonly fleetName: string;
  /** The rollout rings; each becomes a thing group carrying its model version as an attribute. */
  readonly rings: EdgeRing[];
  /**
   * The model devices download, from a registry that grants read itself (a `SageMakerModelRegistry`): the
   * device role gets exactly the artifacts of the rings' versions and `kms:Decrypt` on the registry's key, and
   * every ring's version must be released in the registry.
   * @default - none; `modelArtifactArns` names the artifacts instead
   */
  readonly model?: IotDeviceFleetModel;
  /**
   * S3 object ARNs (or ARN patterns) of model artifacts devices may download with their temporary credentials,
   * e.g. `arn:aws:s3:::ml-models/churn/*`, for artifacts no registry grants.
   * @default - none; required when `model` is not given
   */
  readonly modelArtifactArns?: string[];
  /**
   * ARNs of the KMS keys that encrypt the objects of `modelArtifactArns` (SSE-KMS): `s3:GetObject` on such an
   * object fails without `kms:Decrypt`, which the device role gets on exactly these keys.
   * @default - none: the objects must be SSE-S3 encrypted
   */
  readonly modelArtifactKmsKeyArns?: string[];
  /** AWS partition of the ARNs in the IoT policy. @default 'aws' */
  readonly partition?: string;
  /** Lifetime of the temporary credentials devices get through the role alias. @default 3600 seconds */
  readonly credentialDurationSeconds?: number;
}

/**
 * Devices grouped as AWS IoT thing groups, one per rollout ring, with a least-privilege IoT policy and a role
 * alias for temporary AWS credentials (the IoT credentials provider). The policy lets a device connect only
 * as its own thing name, publish and subscribe only under `ml/<fleet>/<thing>/…`, and assume only this role
 * alias; the role can only read the model artifacts. Greengrass v2 has no Terraform resources and SageMaker
 * Edge Manager is discontinued, so neither is used.
 */
export class IotDeviceFleet extends Construct {
  public readonly thingGroups: Record<string, IotThingGroup> = {};
  public readonly policy: IotPolicy;
  public readonly role: IamRole;
  public readonly roleAlias: IotRoleAlias;
  /** The device role as a grantee, when `model` names a registry: the registry's grant lands here. */
  public readonly roleGrants?: AwsRoleGrantee;

  constructor(scope: Construct, id: string, props: IotDeviceFleetProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkResourceName(v, 'fleetName', props.fleetName, 30);
    v.nonEmpty('rings', props.rings, 'must list at least one ring');
    v.unique('rings', props.rings ?? [], (r) => r.name, 'ring name');
    (props.rings ?? []).forEach((r, i) => checkResourceName(v, `rings[${i}].name`, r.name, 63));
    if (props.model === undefined || props.modelArtifactArns !== undefined) {
      v.nonEmpty('modelArtifactArns', props.modelArtifactArns,
        'must list the model artifact ARNs devices may read, or pass model: { source: registry, name } so the registry grants them');
    }
    (props.modelArtifactArns ?? []).forEach((arn, i) => v.matches(`modelArtifactArns[${i}]`, arn, /^arn:aws[a-z-]*:s3:::[^*]+\/.*$/,
      'must be an S3 object ARN or prefix pattern inside one bucket, e.g. arn:aws:s3:::ml-models/churn/*'));
    (props.modelArtifactKmsKeyArns ?? []).forEach((arn, i) => v.matches(`modelArtifactKmsKeyArns[${i}]`, arn, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      'must be a KMS key ARN, e.g. arn:aws:kms:eu-west-1:123456789012:key/<key id>'));
    const model = props.model;
    if (model !== undefined && v.check(canGrantReadToRole(model.source), 'model.source', model.source?.registryName ?? model.source,
      'cannot grant read to an IAM role; use a registry that does (SageMakerModelRegistry), or list modelArtifactArns and modelArtifactKmsKeyArns')) {
      (props.rings ?? []).forEach((r, i) => v.check(model.source.hasModelVersion(model.name, r.modelVersion), `rings[${i}].modelVersion`, r.modelVersion,
        `is not a version ${model.source.registryName} has for ${model.name}; release it in the registry or pick a released version`));
    }
    v.integer('credentialDurationSeconds', props.credentialDurationSeconds, 900, 43200);
    v.throwIfAny();

    const name = props.fleetName;

    for (const ring of props.rings) {
      this.thingGroups[ring.name] = new IotThingGroup(this, `ring-${ring.name}`, {
        name: `${name}-${ring.name}`,
        properties: {
          description: `Devices of ${name} in rollout ring ${ring.name}`,
          attributePayload: { attributes: { fleet: name, ring: ring.name, modelVersion: ring.modelVersion } },
        },
      });
    }

    this.role = new IamRole(this, 'device-role', {
      name: `${name}-iot-device`,
      assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { Service: 'credentials.iot.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    if (props.modelArtifactArns?.length) {
      const statements: PolicyStatement[] = [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: props.modelArtifactArns }];
      if (props.modelArtifactKmsKeyArns?.length) statements.push({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: props.modelArtifactKmsKeyArns });
      new IamRolePolicy(this, 'device-role-policy', {
        role: this.role.name,
        name: 'read-model-artifacts',
        policy: policyDocument(statements),
      });
    }
    // The need, independent of how it is granted: devices read each ring's artifact (and decrypt it).
    for (const ring of model ? props.rings : []) {
      declareModelArtifactRead(this, { awsRole: this.role }, { uri: model!.source.modelVersionUri(model!.name, ring.modelVersion), source: model!.source, model: model!.name, version: ring.modelVersion });
    }
    (props.modelArtifactArns ?? []).forEach((arn, i) => declareArtifactRead(this, { awsRole: this.role }, {
      uri: arn.replace(/^arn:[^:]+:s3:::/, 's3://'), kmsKeyArn: props.modelArtifactKmsKeyArns?.[i], what: `model artifacts ${arn}`, producer: this,
      fix: 'list the KMS key of the artifacts in modelArtifactKmsKeyArns, or pass model: { source: registry, name } so the registry grants them',
    }));
    if (model) {
      this.roleGrants = new AwsRoleGrantee(this, 'device-grants', this.role);
      model.source.grantReadToRole(this.roleGrants, props.rings.map((r) => ({ model: model.name, version: r.modelVersion })));
    }
    this.roleAlias = new IotRoleAlias(this, 'role-alias', {
      alias: `${name}-device`,
      roleArn: this.role.arn,
      credentialDuration: props.credentialDurationSeconds ?? 3600,
    });

    // `$${…}` writes a literal `${…}` into the policy: an IoT policy variable, not a Terraform interpolation.
    const thing = '$${iot:Connection.Thing.ThingName}';
    // Region and account are wildcards: an IoT policy only ever applies in the account and Region it lives in,
    // and a policy without interpolations stays readable for review (and for governance at synth time).
    const arn = (kind: string, rest: string) => `arn:${props.partition ?? 'aws'}:iot:*:*:${kind}/${rest}`;
    this.policy = new IotPolicy(this, 'device-policy', {
      name: `${name}-device`,
      policy: policyDocument([
        { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client', thing) },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: arn('topic', `ml/${name}/${thing}/*`) },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn('topicfilter', `ml/${name}/${thing}/*`) },
        { Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: arn('rolealias', `${name}-device`) },
      ]),
    });
  }
}
