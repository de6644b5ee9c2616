import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IotPolicy } from '@cdktf/provider-aws/lib/iot-policy';
import { IotRoleAlias } from '@cdktf/provider-aws/lib/iot-role-alias';
import { IotThingGroup } from '@cdktf/provider-aws/lib/iot-thing-group';
import { Validator } from '../core/errors';
import { policyDocument } from '../core/iam';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/provider-sources';
import { EdgeRing } from './fleet';

/** Props for {@link IotDeviceFleet}. */
export interface IotDeviceFleetProps {
  /** Fleet name (DNS-1123, at most 30 characters). */
  readonly fleetName: string;
  /** The rollout rings; each becomes a thing group carrying its model version as an attribute. */
  readonly rings: EdgeRing[];
  /**
   * S3 object ARNs (or ARN patterns) of the model artifacts devices may download with their temporary
   * credentials, e.g. `arn:aws:s3:::ml-models/churn/*`.
   */
  readonly modelArtifactArns: string[];
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

  constructor(scope: Construct, id: string, props: IotDeviceFleetProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkResourceName(v, 'fleetName', props.fleetName, 30);
    v.nonEmpty('rings', props.rings, 'must list at least one ring');
    v.unique('rings', props.rings ?? [], (r) => r.name, 'ring name');
    (props.rings ?? []).forEach((r, i) => checkResourceName(v, `rings[${i}].name`, r.name, 63));
    v.nonEmpty('modelArtifactArns', props.modelArtifactArns, 'must list the model artifact ARNs devices may read');
    (props.modelArtifactArns ?? []).forEach((arn, i) => v.matches(`modelArtifactArns[${i}]`, arn, /^arn:aws[a-z-]*:s3:::[^*]+\/.*$/,
      'must be an S3 object ARN or prefix pattern inside one bucket, e.g. arn:aws:s3:::ml-models/churn/*'));
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
    new IamRolePolicy(this, 'device-role-policy', {
      role: this.role.name,
      name: 'read-model-artifacts',
      policy: policyDocument([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: props.modelArtifactArns }]),
    });
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
