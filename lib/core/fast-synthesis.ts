/**
 * The fast synthesis path.
 *
 * cdktf records where every token was created: each Intrinsic/Lazy token constructor calls
 * `captureStackTrace()`, which raises `Error.stackTraceLimit` to `Number.MAX_SAFE_INTEGER`, captures, and
 * immediately formats the whole stack into an array of strings. Profiling a 1,000-site edge fleet showed about
 * 30% of synth time in that capture and formatting, for stacks that are only read when token resolution fails.
 *
 * The fast path captures the same structured V8 stack (up to {@link FAST_STACK_FRAMES} frames) but formats it
 * only when something reads it, i.e. in an error message. Output is byte-identical (tests compare both paths);
 * errors keep their creation stacks, and every error this library throws names the construct path.
 *
 * On by default for apps that import this library; set `CDKTF_ML_PLATFORM_FAST_SYNTH=0` (or call
 * {@link disableFastSynthesis}) to use cdktf's own capture. This is the only place that touches cdktf internals.
 */

/** Frames kept per creation stack on the fast path (cdktf keeps all of them). */
export const FAST_STACK_FRAMES = 30;

type Capture = (below?: Function) => string[]; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

interface StackTraceModule {
  captureStackTrace: Capture;
}

let stackTraceModule: StackTraceModule | undefined;
let stock: Capture | undefined;

function internals(): StackTraceModule | undefined {
  if (!stackTraceModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      stackTraceModule = require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;
      stock = stackTraceModule.captureStackTrace;
    } catch {
      return undefined; // a cdktf build without this module (e.g. the community fork): keep the stock path
    }
  }
  return stackTraceModule;
}

/** Formats a captured stack the way cdktf does: one string per frame, without the leading "at ". */
function frames(stack: string | undefined): string[] {
  return stack ? stack.split('\n').slice(1).map((s) => s.replace(/^\s*at\s+/, '')) : [];
}

const fastCapture: Capture = function fastCapture(below) {
  const holder: { stack?: string } = {};
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = FAST_STACK_FRAMES;
  try {
    Error.captureStackTrace(holder, below ?? fastCapture);
  } finally {
    Error.stackTraceLimit = previous;
  }
  // An array-like that formats on first use: `join`, `length`, indexing and iteration all work.
  let formatted: string[] | undefined;
  const materialize = () => (formatted ??= frames(holder.stack));
  return new Proxy([] as string[], {
    get: (_target, prop) => {
      const array = materialize();
      const value = Reflect.get(array, prop, array);
      return typeof value === 'function' ? value.bind(array) : value;
    },
    has: (_target, prop) => prop in materialize(),
    ownKeys: () => Reflect.ownKeys(materialize()),
    getOwnPropertyDescriptor: (_target, prop) => Reflect.getOwnPropertyDescriptor(materialize(), prop),
  });
};

/** Turns the fast path on. Returns false when this cdktf build has no stack-trace module to replace. */
export function enableFastSynthesis(): boolean {
  const m = internals();
  if (!m) return false;
  m.captureStackTrace = fastCapture;
  return true;
}

/** Restores cdktf's own stack capture. */
export function disableFastSynthesis(): void {
  const m = internals();
  if (m && stock) m.captureStackTrace = stock;
}

/** Whether the fast path is active. */
export function isFastSynthesisEnabled(): boolean {
  return internals()?.captureStackTrace === fastCapture;
}

if (process.env.CDKTF_ML_PLATFORM_FAST_SYNTH !== '0') enableFastSynthesis();
