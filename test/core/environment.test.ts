/** Issue 13 §3: region and project come from the environment's stack, not from every construct's props. */
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Construct } from 'constructs';
import { Validator } from '../../lib/core/errors';
import { awsRegion, googleSetting } from '../../lib/core/private/environment';

function read(build: (stack: TerraformStack) => void, given: { project?: string; region?: string } = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  build(stack);
  const c = new Construct(stack, 'c');
  const v = new Validator(c);
  const result = {
    project: googleSetting(c, v, 'project', 'project', given.project),
    googleRegion: googleSetting(c, v, 'region', 'region', given.region),
    awsRegion: awsRegion(c, v, 'region', given.region),
  };
  return { result, problems: v.collected.map((p) => `${p.prop}: ${p.message}`) };
}

describe('inherited region and project', () => {
  test('the stack\'s default providers give them', () => {
    const { result, problems } = read((s) => {
      new GoogleProvider(s, 'google', { project: 'acme-ml', region: 'europe-west4' });
      new AwsProvider(s, 'aws', { region: 'eu-west-1' });
    });
    expect(problems).toEqual([]);
    expect(result).toEqual({ project: 'acme-ml', googleRegion: 'europe-west4', awsRegion: 'eu-west-1' });
  });

  test('a value given wins over the provider\'s', () => {
    const { result } = read((s) => { new GoogleProvider(s, 'google', { project: 'acme-ml', region: 'europe-west4' }); }, { project: 'other', region: 'us-central1' });
    expect(result.project).toBe('other');
    expect(result.googleRegion).toBe('us-central1');
  });

  test('aliased providers are not the default: without a value the prop is required, and the message says both ways', () => {
    const { problems } = read((s) => {
      new GoogleProvider(s, 'google', { alias: 'eu', project: 'acme-ml', region: 'europe-west4' });
      new AwsProvider(s, 'aws', { alias: 'eu', region: 'eu-west-1' });
    });
    expect(problems).toEqual([
      'project: is required: set project, or place the construct in a stack whose Google provider sets project (MlPlatform.googleCloud(name, { project, region }) does)',
      'region: is required: set region, or place the construct in a stack whose Google provider sets region (MlPlatform.googleCloud(name, { project, region }) does)',
      'region: is required: set region, or place the construct in a stack whose AWS provider sets region (MlPlatform.aws(name, { region }) does)',
    ]);
  });

  test('only the construct\'s own stack counts', () => {
    const app = Testing.app();
    new AwsProvider(new TerraformStack(app, 'a'), 'aws', { region: 'eu-west-1' });
    const c = new Construct(new TerraformStack(app, 'b'), 'c');
    const v = new Validator(c);
    expect(awsRegion(c, v, 'region', undefined)).toBe('');
    expect(v.collected.map((p) => p.prop)).toEqual(['region']);
  });
});
