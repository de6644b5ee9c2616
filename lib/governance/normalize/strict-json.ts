/**
 * JSON parsing for review inputs. `JSON.parse` keeps the last of two equal keys, while Terraform reads
 * every copy of a repeated `"resource"` or type key and plans all of them; a reviewer that kept only
 * the last would review something other than what Terraform applies. This parser refuses repeated keys
 * (escaped spellings included), refuses nesting deeper than Terraform inputs ever are, and reports errors
 * by line and column only: an error message never quotes the input, which may hold secrets.
 *
 * A light scan finds keys and nesting before `JSON.parse` builds the values: strings are skipped with
 * `indexOf` and keys of small objects are compared in place, so it costs a fraction of the parse on
 * large plans. Only when `JSON.parse` fails does a validating scan run, to say where.
 */

/** Input that cannot be reviewed. The message is one line, names where the problem is and never quotes the input. */
export class InputError extends Error {}

/** Deepest nesting accepted; synthesized configurations and plans stay far below it. */
export const MAX_JSON_DEPTH = 512;

const enum State { Value, FirstKey, Key, FirstItem, AfterValue }

interface Container {
  readonly object: boolean;
  first?: string;
  keys?: Set<string>;
}

/** Parse JSON text, refusing repeated keys; `what` names the input in messages (a file path). */
export function parseStrictJson(text: string, what: string): unknown {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark
  scanKeys(text, start, what);
  try {
    return JSON.parse(start ? text.slice(start) : text);
  } catch (e) {
    // JSON.parse messages quote the input: find the problem with the validating scan instead.
    validate(text, start, what);
    const position = /position (\d+)/.exec((e as Error).message);
    throw new InputError(`${what} is not valid JSON${position ? ` (${where(text, Number(position[1]) + start)})` : ''}`);
  }
}

/** Objects with more keys than this compare keys through a Set instead of in place. */
const SMALL_OBJECT = 16;

function duplicateKey(text: string, at: number, what: string): never {
  throw new InputError(`${what} has a duplicate key at ${where(text, at)}: Terraform reads every copy of a repeated key, ` +
    'so the file is refused rather than reviewed as JSON.parse would read it; merge the duplicate keys');
}

function tooDeep(text: string, at: number, what: string): never {
  throw new InputError(`${what} is not valid JSON: nesting deeper than ${MAX_JSON_DEPTH} levels at ${where(text, at)}`);
}

function decodeKey(text: string, from: number, to: number): string {
  const raw = text.slice(from, to);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // JSON.parse of the whole document reports it
  }
}

/**
 * Find repeated keys and excessive nesting without validating the grammar (JSON.parse does that next).
 * Keys of the innermost object sit on top of a stack of key positions, popped with the object.
 */
function scanKeys(text: string, from: number, what: string): void {
  const n = text.length;
  const bases = new Int32Array(MAX_JSON_DEPTH + 1); // per open container: its first key's slot, -1 for arrays
  const sets: Array<Set<string> | undefined> = [];
  let starts = new Int32Array(4096);
  let lengths = new Int32Array(4096);
  let top = 0;
  let depth = 0;
  let expectKey = false;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      let end: number;
      for (;;) {
        const k = text.indexOf('"', j);
        if (k === -1) return; // unterminated: JSON.parse reports it
        let backslashes = 0;
        while (text.charCodeAt(k - 1 - backslashes) === 92) backslashes++;
        if ((backslashes & 1) === 0) {
          end = k;
          break;
        }
        j = k + 1;
      }
      if (expectKey) {
        expectKey = false;
        const s = i + 1;
        const len = end - s;
        const base = bases[depth - 1];
        let set = sets[depth - 1];
        if (set === undefined) {
          let escaped = false;
          for (let q = s; q < end; q++) if (text.charCodeAt(q) === 92) { escaped = true; break; }
          if (escaped || top - base >= SMALL_OBJECT) {
            set = new Set<string>();
            for (let p = base; p < top; p++) set.add(decodeKey(text, starts[p], starts[p] + lengths[p]));
            sets[depth - 1] = set;
          } else {
            for (let p = base; p < top; p++) {
              if (lengths[p] !== len) continue;
              const o = starts[p];
              let q = 0;
              while (q < len && text.charCodeAt(o + q) === text.charCodeAt(s + q)) q++;
              if (q === len) duplicateKey(text, i, what);
            }
          }
        }
        if (set !== undefined) {
          const key = decodeKey(text, s, end);
          if (set.has(key)) duplicateKey(text, i, what);
          set.add(key);
        }
        if (top === starts.length) {
          const grownStarts = new Int32Array(top * 2);
          grownStarts.set(starts);
          starts = grownStarts;
          const grownLengths = new Int32Array(top * 2);
          grownLengths.set(lengths);
          lengths = grownLengths;
        }
        starts[top] = s;
        lengths[top] = len;
        top++;
      }
      i = end + 1;
      continue;
    }
    if (c === 123 || c === 91) {
      if (depth >= MAX_JSON_DEPTH) tooDeep(text, i, what);
      bases[depth] = c === 123 ? top : -1;
      sets[depth] = undefined;
      depth++;
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      if (depth > 0) {
        depth--;
        if (bases[depth] >= 0) top = bases[depth];
        sets[depth] = undefined;
      }
      expectKey = false;
    } else if (c === 44) {
      expectKey = depth > 0 && bases[depth - 1] >= 0;
    }
    i++;
  }
}

function where(text: string, index: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line} column ${index - lineStart + 1}`;
}

/** The validating scan: the first grammar error, by line and column. Runs only when JSON.parse failed. */
function validate(text: string, from: number, what: string): void {
  const n = text.length;
  const stack: Container[] = [];
  let state = State.Value;
  let i = from;
  const fail = (problem: string, at = i): never => {
    throw new InputError(`${what} is not valid JSON: ${problem} at ${where(text, Math.min(at, n))}`);
  };
  const stringEnd = (open: number): number => {
    let j = open + 1;
    for (;;) {
      const k = text.indexOf('"', j);
      if (k === -1) fail('unterminated string', open);
      let backslashes = 0;
      while (text.charCodeAt(k - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return k;
      j = k + 1;
    }
  };
  for (;;) {
    let c = text.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (i >= n) {
      if (state === State.AfterValue && stack.length === 0) return;
      fail(stack.length || state !== State.Value ? 'unexpected end of input' : 'empty input');
    }
    switch (state) {
      case State.Value:
      case State.FirstItem:
        if (state === State.FirstItem && c === 93 /* ] */) {
          stack.pop();
          i++;
          state = State.AfterValue;
          break;
        }
        if (c === 123 /* { */ || c === 91 /* [ */) {
          if (stack.length >= MAX_JSON_DEPTH) tooDeep(text, i, what);
          stack.push({ object: c === 123 });
          i++;
          state = c === 123 ? State.FirstKey : State.FirstItem;
        } else if (c === 34 /* " */) {
          i = stringEnd(i) + 1;
          state = State.AfterValue;
        } else if (c === 116 /* t */ || c === 102 /* f */ || c === 110 /* n */) {
          const word = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
          if (!text.startsWith(word, i)) fail('unexpected character');
          i += word.length;
          state = State.AfterValue;
        } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
          const begin = i;
          i++;
          for (c = text.charCodeAt(i); (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45; c = text.charCodeAt(++i));
          if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text.slice(begin, i))) fail('invalid number', begin);
          state = State.AfterValue;
        } else {
          fail('unexpected character');
        }
        break;
      case State.FirstKey:
      case State.Key: {
        if (state === State.FirstKey && c === 125 /* } */) {
          stack.pop();
          i++;
          state = State.AfterValue;
          break;
        }
        if (c !== 34) fail('expected a quoted key');
        const end = stringEnd(i);
        let key = text.slice(i + 1, end);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            fail('invalid escape in a key', i);
          }
        }
        const container = stack[stack.length - 1];
        if (container.first === undefined) {
          container.first = key;
        } else if (container.keys === undefined) {
          if (key === container.first) duplicateKey(text, i, what);
          container.keys = new Set([container.first, key]);
        } else {
          if (container.keys.has(key)) duplicateKey(text, i, what);
          container.keys.add(key);
        }
        i = end + 1;
        c = text.charCodeAt(i);
        while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
        if (c !== 58 /* : */) fail('expected ":" after a key');
        i++;
        state = State.Value;
        break;
      }
      case State.AfterValue: {
        const top = stack[stack.length - 1];
        if (!top) fail('unexpected text after the document');
        if (c === 44 /* , */) {
          state = top.object ? State.Key : State.Value;
        } else if (c === (top.object ? 125 : 93)) {
          stack.pop();
        } else {
          fail(top.object ? 'expected "," or "}"' : 'expected "," or "]"');
        }
        i++;
        break;
      }
    }
  }
}
