import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { reviewTerraformJson } from '../../lib/governance/review';
import { IotDeviceFleet } from '../../lib/edge/iot';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { errorOf, synth } from '../util';

const props = {
  fleetName: 'defects',
  rings: [{ name: 'canary', modelVersion: '13' }, { name: 'broad', modelVersion: '12' }],
  modelArtifactArns: ['arn:aws:s3:::ml-models/defect-detector/*'],
};

describe('IotDeviceFleet', () => {
  const out = synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new IotDeviceFleet(stack, 'devices', props);
  });

  test('one thing group per ring carries the ring and its model version', () => {
    expect(out.resources('aws_iot_thing_group').map((g) => [g.name, g.properties.attribute_payload.attributes])).toEqual([
      ['defects-broad', { fleet: 'defects', ring: 'broad', modelVersion: '12' }],
      ['defects-canary', { fleet: 'defects', ring: 'canary', modelVersion: '13' }],
    ]);
  });

  test('devices connect only as their own thing, publish only under their own topics, and assume only the role alias', () => {
    const policy = JSON.parse(out.resources('aws_iot_policy')[0].policy);
    const actions = policy.Statement.map((s: any) => s.Action);
    expect(actions).toEqual(['iot:Connect', ['iot:Publish', 'iot:Receive'], 'iot:Subscribe', 'iot:AssumeRoleWithCertificate']);
    expect(policy.Statement[0].Resource).toMatch(/:client\/\$\$\{iot:Connection\.Thing\.ThingName\}$/);
    expect(policy.Statement[1].Resource).toMatch(/:topic\/ml\/defects\/\$\$\{iot:Connection\.Thing\.ThingName\}\/\*$/);
    expect(actions.flat()).not.toContain('iot:*');
  });

  test('the role alias role is assumable only by the IoT credentials provider and reads only model artifacts', () => {
    const role = out.resources('aws_iam_role')[0];
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'credentials.iot.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(JSON.parse(out.resources('aws_iam_role_policy')[0].policy).Statement).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: props.modelArtifactArns }]);
    expect(out.resources('aws_iot_role_alias')[0]).toMatchObject({ alias: 'defects-device', credential_duration: 3600 });
  });

  test('passes the IoT governance rules, which can read the whole policy at synth time', () => {
    const result = reviewTerraformJson(out.json, { packs: ['baseline'], recordPasses: true });
    expect(result.findings.map((f) => f.ruleId).filter((id) => id.startsWith('aws-iot') || id.startsWith('aws-iam'))).toEqual([]);
    const passed = (result.passed ?? []).map((p: any) => p.ruleId);
    expect(passed).toEqual(expect.arrayContaining(['aws-iot-policy-no-wildcard-actions', 'aws-iot-policy-scoped-to-thing']));
  });

  test('bad input is refused', () => {
    expect(errorOf((s) => new IotDeviceFleet(s, 'd', { ...props, modelArtifactArns: ['arn:aws:s3:::*'] })))
      .toMatch(/modelArtifactArns\[0\] \("arn:aws:s3:::\*"\) must be an S3 object ARN or prefix pattern inside one bucket/);
  });
});

describe('IotDeviceFleet: model artifacts in a KMS-encrypted bucket', () => {
  const deviceStatements = (out: any) => out.resources('aws_iam_role_policy')
    .filter((p: any) => /aws_iam_role\.devices_device-role_\w+\.name/.test(p.role))
    .flatMap((p: any) => JSON.parse(p.policy).Statement);
  const allows = (statements: any[], action: string, resource: RegExp) => statements.some((s) => s.Effect === 'Allow'
    && [].concat(s.Action).includes(action as never) && [].concat(s.Resource).some((r: string) => resource.test(r)));

  test('given the key that encrypts the artifact ARNs, devices may decrypt with exactly that key', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/0b7d4b8e-1111-2222-3333-444455556666';
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new IotDeviceFleet(stack, 'devices', { ...props, modelArtifactKmsKeyArns: [key] });
    });
    const statements = deviceStatements(out);
    expect(allows(statements, 's3:GetObject', /^arn:aws:s3:::ml-models\/defect-detector\/\*$/)).toBe(true);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key] });
  });

  test('given a SageMakerModelRegistry, the registry grants the ring versions and its key to the device role', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const registry = new SageMakerModelRegistry(stack, 'registry', { groupName: 'defects', artifactBucketName: 'ml-defect-models', releasedVersions: { 'defect-detector': ['12', '13'] } });
      new IotDeviceFleet(stack, 'devices', { fleetName: 'defects', rings: props.rings, model: { source: registry, name: 'defect-detector' } });
    });
    const statements = deviceStatements(out);
    const objects = (v: string) => new RegExp(`^\\$\\{aws_s3_bucket\\.registry_artifacts_bucket_\\w+\\.arn\\}/models/defect-detector/${v}/\\*$`);
    expect(allows(statements, 's3:GetObject', objects('12'))).toBe(true);
    expect(allows(statements, 's3:GetObject', objects('13'))).toBe(true);
    expect(allows(statements, 'kms:Decrypt', /^\$\{aws_kms_key\.registry_kms_key_\w+\.arn\}$/)).toBe(true);
  });

  test('a ring version the registry does not have, a bad key ARN, and no artifacts at all are refused', () => {
    const message = errorOf((s) => {
      new AwsProvider(s, 'aws', { region: 'eu-west-1' });
      const registry = new SageMakerModelRegistry(s, 'registry', { groupName: 'defects', artifactBucketName: 'ml-defect-models', releasedVersions: { 'defect-detector': ['12'] } });
      new IotDeviceFleet(s, 'd', { fleetName: 'defects', rings: props.rings, model: { source: registry, name: 'defect-detector' }, modelArtifactKmsKeyArns: ['alias/models'] });
    });
    expect(message).toContain('test/d: rings[0].modelVersion ("13") is not a version SageMaker model package group test/registry has for defect-detector; release it in the registry or pick a released version');
    expect(message).toContain('test/d: modelArtifactKmsKeyArns[0] ("alias/models") must be a KMS key ARN, e.g. arn:aws:kms:eu-west-1:123456789012:key/<key id>');
    expect(errorOf((s) => new IotDeviceFleet(s, 'd', { fleetName: 'defects', rings: props.rings })))
      .toContain('test/d: modelArtifactArns (undefined) must list the model artifact ARNs devices may read, or pass model: { source: registry, name } so the registry grants them');
  });
});
