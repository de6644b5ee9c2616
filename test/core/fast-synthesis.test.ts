import { Lazy, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { disableFastSynthesis, enableFastSynthesis, isFastSynthesisEnabled } from '../../lib/core/fast-synthesis';
import { StaticModelSource } from '../../lib/core/model-source';
import { EdgeFleet } from '../../lib/edge/fleet';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { buildTrainingExample } from '../../examples/training/stacks';
import { synthApp } from '../util';

const digest = (n: string) => `registry.example.com/${n}@sha256:${'a'.repeat(64)}`;

function everything(): Record<string, string> {
  const out = synthApp((app) => {
    buildTrainingExample(app);
    buildDataPlatformExample(app);
    new EdgeFleet(app, 'edge', {
      fleetName: 'defects', model: { source: new StaticModelSource('r', 's3://m', { d: ['1'] }), name: 'd' },
      rings: [{ name: 'all', modelVersion: '1' }], sites: [{ name: 'a', ring: 'all' }, { name: 'b', ring: 'all' }],
      image: digest('m'), modelFetcher: { image: digest('cli'), credentialsSecret: 'c' },
    });
  });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.text]));
}

afterAll(() => enableFastSynthesis());

test('importing the library turns the fast path on', () => {
  require('../../lib');
  expect(isFastSynthesisEnabled()).toBe(true);
});

test('the fast path writes byte-identical output to the stock path', () => {
  enableFastSynthesis();
  const fast = everything();
  disableFastSynthesis();
  expect(isFastSynthesisEnabled()).toBe(false);
  const stock = everything();
  expect(Object.keys(fast).length).toBeGreaterThan(6);
  expect(fast).toEqual(stock);
});

test('a token that fails to resolve still reports where it was created', () => {
  enableFastSynthesis();
  const stack = new TerraformStack(Testing.app(), 'broken');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new S3Bucket(stack, 'bucket', { bucket: Lazy.stringValue({ produce: () => { throw new Error('no bucket name yet'); } }) });
  let message = '';
  try { Testing.synth(stack); } catch (e) { message = (e as Error).message; }
  expect(message).toContain('no bucket name yet');
  expect(message).toMatch(/creation stack[\s\S]*fast-synthesis\.test\.ts/i);
});
