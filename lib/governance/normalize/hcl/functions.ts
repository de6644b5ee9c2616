import { EncodedJson, setProperty, UNKNOWN } from '../../values';
import {
  containsUnknown, equalValues, formatNumber, HclEvaluationError, isPlainObject, sortKeys, toBoolValue, toNumberValue, toStringValue,
} from './values';

type Fn = (args: unknown[]) => unknown;

const list = (v: unknown): unknown[] => {
  if (Array.isArray(v)) return v;
  throw new HclEvaluationError('not a list');
};
const text = (v: unknown): string => {
  const s = toStringValue(v);
  if (s === UNKNOWN) throw new HclEvaluationError('unknown');
  return s;
};
const number = (v: unknown): number => {
  const n = toNumberValue(v);
  if (n === UNKNOWN) throw new HclEvaluationError('unknown');
  return n;
};
const object = (v: unknown): Record<string, unknown> => {
  if (isPlainObject(v)) return v;
  throw new HclEvaluationError('not a map');
};

/** Functions whose result is unknown as soon as any argument holds an unknown part. */
const STRICT: Record<string, Fn> = {
  tostring: ([v]) => (v === null ? null : text(v)),
  tonumber: ([v]) => (v === null ? null : number(v)),
  tobool: ([v]) => (v === null ? null : toBoolValue(v)),
  jsondecode: ([v]) => {
    try {
      return JSON.parse(text(v));
    } catch {
      throw new HclEvaluationError('invalid JSON');
    }
  },
  lower: ([v]) => text(v).toLowerCase(),
  upper: ([v]) => text(v).toUpperCase(),
  title: ([v]) => text(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  trimspace: ([v]) => text(v).trim(),
  chomp: ([v]) => text(v).replace(/(\r?\n)+$/, ''),
  strrev: ([v]) => [...text(v)].reverse().join(''),
  trim: ([v, cut]) => {
    const chars = new Set(text(cut));
    const s = [...text(v)];
    let a = 0;
    let b = s.length;
    while (a < b && chars.has(s[a])) a++;
    while (b > a && chars.has(s[b - 1])) b--;
    return s.slice(a, b).join('');
  },
  trimprefix: ([v, p]) => (text(v).startsWith(text(p)) ? text(v).slice(text(p).length) : text(v)),
  trimsuffix: ([v, p]) => (text(p) !== '' && text(v).endsWith(text(p)) ? text(v).slice(0, -text(p).length) : text(v)),
  startswith: ([v, p]) => text(v).startsWith(text(p)),
  endswith: ([v, p]) => text(v).endsWith(text(p)),
  strcontains: ([v, p]) => text(v).includes(text(p)),
  replace: ([v, from, to]) => {
    const pattern = text(from);
    if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) throw new HclEvaluationError('regular expressions are not evaluated');
    return text(v).split(pattern).join(text(to));
  },
  substr: ([v, offset, length]) => {
    const chars = [...text(v)];
    let start = number(offset);
    if (start < 0) start += chars.length;
    const n = number(length);
    return chars.slice(start, n < 0 ? undefined : start + n).join('');
  },
  join: ([sep, ...lists]) => lists.flatMap(list).map(text).join(text(sep)),
  split: ([sep, v]) => text(v).split(text(sep)),
  format: ([spec, ...args]) => format(text(spec), args),
  contains: ([l, v]) => list(l).some((item) => equalValues(item, v) === true),
  distinct: ([l]) => list(l).filter((item, i, all) => all.findIndex((other) => equalValues(other, item) === true) === i),
  flatten: ([l]) => {
    const out: unknown[] = [];
    const walk = (v: unknown): void => (Array.isArray(v) ? v.forEach(walk) : void out.push(v));
    walk(list(l));
    return out;
  },
  compact: ([l]) => list(l).filter((v) => v !== null && v !== '').map(text),
  reverse: ([l]) => [...list(l)].reverse(),
  slice: ([l, a, b]) => list(l).slice(number(a), number(b)),
  sort: ([l]) => list(l).map(text).sort(),
  keys: ([m]) => Object.keys(object(m)).sort(),
  values: ([m]) => Object.keys(object(m)).sort().map((k) => object(m)[k]),
  contains_key: ([m, k]) => Object.prototype.hasOwnProperty.call(object(m), text(k)),
  zipmap: ([ks, vs]) => {
    const out: Record<string, unknown> = {};
    list(ks).forEach((k, i) => setProperty(out, text(k), list(vs)[i]));
    return out;
  },
  sum: ([l]) => list(l).reduce((a: number, v) => a + number(v), 0),
  max: (args) => Math.max(...args.map(number)),
  min: (args) => Math.min(...args.map(number)),
  abs: ([v]) => Math.abs(number(v)),
  ceil: ([v]) => Math.ceil(number(v)),
  floor: ([v]) => Math.floor(number(v)),
  signum: ([v]) => Math.sign(number(v)),
  pow: ([a, b]) => number(a) ** number(b),
  parseint: ([v, base]) => {
    const n = parseInt(text(v), number(base));
    if (Number.isNaN(n)) throw new HclEvaluationError('not a number');
    return n;
  },
  alltrue: ([l]) => list(l).every((v) => toBoolValue(v) === true),
  anytrue: ([l]) => list(l).some((v) => toBoolValue(v) === true),
  one: ([l]) => {
    const items = list(l);
    if (items.length > 1) throw new HclEvaluationError('more than one element');
    return items.length ? items[0] : null;
  },
  base64encode: ([v]) => Buffer.from(text(v), 'utf8').toString('base64'),
  base64decode: ([v]) => Buffer.from(text(v), 'base64').toString('utf8'),
  range: (args) => {
    const [start, end, step] = args.length === 1 ? [0, number(args[0]), 1] : [number(args[0]), number(args[1]), args[2] === undefined ? 1 : number(args[2])];
    if (step === 0 || Math.abs((end - start) / step) > 1024) throw new HclEvaluationError('range too large');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
};

/** Functions that keep what is known when part of an argument is unknown. */
const PARTIAL: Record<string, Fn> = {
  jsonencode: ([v]) => (containsUnknown(v) ? new EncodedJson(v) : JSON.stringify(sortKeys(v))),
  coalesce: (args) => {
    for (const a of args) {
      if (a === UNKNOWN) return UNKNOWN;
      if (a !== null && a !== '') return a;
    }
    throw new HclEvaluationError('no non-null argument');
  },
  coalescelist: (args) => {
    for (const a of args) {
      if (a === UNKNOWN) return UNKNOWN;
      if (list(a).length > 0) return a;
    }
    throw new HclEvaluationError('no non-empty list');
  },
  concat: (args) => (args.includes(UNKNOWN) ? UNKNOWN : args.flatMap(list)),
  merge: (args) => {
    if (args.includes(UNKNOWN)) return UNKNOWN;
    const out: Record<string, unknown> = {};
    for (const a of args) if (a !== null) for (const [k, v] of Object.entries(object(a))) setProperty(out, k, v);
    return out;
  },
  tolist: ([v]) => (v === UNKNOWN ? UNKNOWN : list(v)),
  toset: ([v]) => (v === UNKNOWN ? UNKNOWN : list(v).filter((item, i, all) => item === UNKNOWN || all.indexOf(item) === i)),
  tomap: ([v]) => (v === UNKNOWN ? UNKNOWN : object(v)),
  length: ([v]) => {
    if (v === UNKNOWN) return UNKNOWN;
    if (Array.isArray(v)) return v.length;
    if (typeof v === 'string') return [...v].length;
    return Object.keys(object(v)).length;
  },
  element: ([l, i]) => {
    if (l === UNKNOWN || i === UNKNOWN) return UNKNOWN;
    const items = list(l);
    if (items.length === 0) throw new HclEvaluationError('empty list');
    return items[((number(i) % items.length) + items.length) % items.length];
  },
  lookup: ([m, k, fallback]) => {
    if (m === UNKNOWN || k === UNKNOWN) return UNKNOWN;
    const map = object(m);
    const key = text(k);
    if (Object.prototype.hasOwnProperty.call(map, key)) return map[key];
    if (fallback === undefined) throw new HclEvaluationError('no such key');
    return fallback;
  },
  sensitive: ([v]) => v,
  nonsensitive: ([v]) => v,
  type: () => UNKNOWN,
};

/** Call an HCL function on evaluated arguments; unknown functions and unknown inputs give UNKNOWN. */
export function callFunction(name: string, args: unknown[]): unknown {
  if (Object.prototype.hasOwnProperty.call(PARTIAL, name)) return PARTIAL[name](args);
  if (!Object.prototype.hasOwnProperty.call(STRICT, name)) return UNKNOWN; // file(), timestamp(), provider functions, ...
  if (args.some(containsUnknown)) return UNKNOWN;
  return STRICT[name](args);
}

/** `format` for the verbs cdktf code uses; others are unknown to review. */
function format(spec: string, args: unknown[]): string {
  if (/%(?![%sdvq])/.test(spec)) throw new HclEvaluationError('format verb not evaluated');
  let next = 0;
  return spec.replace(/%(%|[sdvq])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new HclEvaluationError('too few arguments');
    const v = args[next++];
    if (verb === 'd') return formatNumber(Math.trunc(number(v)));
    if (verb === 'q') return JSON.stringify(text(v));
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? text(v) : JSON.stringify(sortKeys(v));
  });
}
