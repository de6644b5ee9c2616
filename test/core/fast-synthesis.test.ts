import { types } from 'util';
import { App, Lazy, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { disableFastSynthesis, enableFastSynthesis, FAST_STACK_FRAMES, isFastSynthesisEnabled } from '../../lib/core/fast-synthesis';
import { StaticModelSource } from '../../lib/core/model-source';
import { EdgeFleet } from '../../lib/edge/fleet';
import { buildTrainingExample } from '../../examples/training/stacks';
import { synthApp } from '../util';

/** The cdktf module the fast path patches: every token constructor calls its `captureStackTrace`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTraces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: Function) => string[] }; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

const digest = (n: string) => `registry.example.com/${n}@sha256:${'a'.repeat(64)}`;

function buildApp(app: App): void {
  buildTrainingExample(app);
  new EdgeFleet(app, 'edge', {
    fleetName: 'defects', model: { source: new StaticModelSource('r', 's3://m', { d: ['1'] }), name: 'd' },
    rings: [{ name: 'all', modelVersion: '1' }], sites: [{ name: 'a', ring: 'all' }, { name: 'b', ring: 'all' }],
    image: digest('m'), modelFetcher: { image: digest('cli'), credentialsSecret: 'c' },
  });
}

interface Recorded {
  readonly files: Record<string, string>;
  /** Every creation stack cdktf captured while building and synthesizing, in order. */
  readonly captures: string[][];
}

/** Builds and synthesizes the app on the fast or the stock path, recording what each token capture returned. */
function synthRecording(fast: boolean): Recorded {
  if (fast) enableFastSynthesis(); else disableFastSynthesis();
  expect(isFastSynthesisEnabled()).toBe(fast);
  const capture = stackTraces.captureStackTrace;
  const captures: string[][] = [];
  // Hides itself from the stack the way either capture hides its own frame.
  stackTraces.captureStackTrace = function recording(below) {
    const frames = capture(below ?? recording);
    captures.push(frames);
    return frames;
  };
  try {
    const out = synthApp(buildApp);
    return { files: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.text])), captures };
  } finally {
    stackTraces.captureStackTrace = capture;
  }
}

afterAll(() => enableFastSynthesis());

describe('the fast synthesis path against the stock one, on the same app', () => {
  // Both runs start from this one line, so the same token's creation stack is the same on both paths.
  const [fast, stock] = [true, false].map(synthRecording);

  test('the fast capture is the one in use: every token gets a lazily formatted stack, none on the stock path', () => {
    expect(fast.captures.length).toBeGreaterThan(1000);
    expect(fast.captures.length).toBe(stock.captures.length);
    expect(fast.captures.filter((c) => !types.isProxy(c))).toHaveLength(0);
    expect(stock.captures.filter((c) => types.isProxy(c))).toHaveLength(0);
  });

  test('each token\'s creation stack is the stock stack\'s first frames, read back in full', () => {
    const mismatches = fast.captures
      .map((c, i) => ({ i, fast: [...c], stock: stock.captures[i].slice(0, FAST_STACK_FRAMES) }))
      .filter((m) => JSON.stringify(m.fast) !== JSON.stringify(m.stock));
    expect(mismatches.slice(0, 3)).toEqual([]);
    // The limit was exercised: some stacks were deeper than the fast path keeps.
    expect(stock.captures.some((c) => c.length > FAST_STACK_FRAMES)).toBe(true);
  });

  test('the synthesized files are byte-identical', () => {
    expect(Object.keys(fast.files).length).toBeGreaterThan(5);
    expect(fast.files).toEqual(stock.files);
  });
});

describe('a token that fails to resolve still reports where it was created', () => {
  /** Creates the failing token `depth` calls deep, then returns the synth error's creation-stack frames. */
  function creationFrames(fast: boolean, depth: number): { message: string; frames: string[] } {
    if (fast) enableFastSynthesis(); else disableFastSynthesis();
    const stack = new TerraformStack(Testing.app(), 'broken');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const nested = (n: number): string => (n === 0 ? Lazy.stringValue({ produce: () => { throw new Error('no bucket name yet'); } }) : nested(n - 1));
    new S3Bucket(stack, 'bucket', { bucket: nested(depth) });
    let message = '';
    try { Testing.synth(stack); } catch (e) { message = (e as Error).message; }
    const frames = message.split(/creation stack:\n/i)[1]?.split('\n').filter((l) => /^\s+at /.test(l)) ?? [];
    return { message, frames };
  }

  test('on the fast path, with the frames it keeps', () => {
    const { message, frames } = creationFrames(true, 40);
    expect(message).toContain('no bucket name yet');
    expect(frames).toHaveLength(FAST_STACK_FRAMES);
    expect(frames[0]).toMatch(/LazyBase/);
    expect(frames.find((f) => !/node_modules/.test(f))).toMatch(/fast-synthesis\.test\.ts/);
  });

  test('the stock path reports the whole stack (what the fast path trades away)', () => {
    const { frames } = creationFrames(false, 40);
    expect(frames.length).toBeGreaterThan(40);
  });
});
