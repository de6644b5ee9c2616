import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { reviewTerraformJson } from '../../lib/governance/review';
import { IotDeviceFleet } from '../../lib/edge/iot';
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
