import { Token } from 'cdktf';
import { IConstruct } from 'constructs';

/** One thing wrong with a construct's props. */
export interface ValidationProblem {
  /** The construct path, e.g. `training/gpu`. */
  readonly path: string;
  /** The prop, e.g. `pools[1].maxNodes`. */
  readonly prop: string;
  /** The value received, rendered for humans. */
  readonly value: string;
  /** What is wrong and what to do, e.g. `is below minNodes (4); raise maxNodes or lower minNodes`. */
  readonly message: string;
}

/**
 * The one error type this library throws for bad input. It carries every problem found in a construct's
 * props, so a user fixes them all in one pass instead of one per synth.
 */
export class MlPlatformValidationError extends Error {
  public readonly problems: ValidationProblem[];

  constructor(problems: ValidationProblem[]) {
    const lines = problems.map((p) => `${p.path}: ${p.prop} (${p.value}) ${p.message}`);
    super(lines.length === 1 ? lines[0] : `${lines.length} problems:\n  - ${lines.join('\n  - ')}`);
    this.name = 'MlPlatformValidationError';
    this.problems = problems;
  }
}

/** Renders a prop value for an error message without ever throwing (cyclic objects, tokens, undefined). */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'object' && value !== null && typeof (value as { toString?: unknown }).toString === 'function'
    && (value as object).toString !== Object.prototype.toString && !Array.isArray(value)) {
    return String(value);
  }
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Collects the problems of one construct's props and throws them together.
 *
 * ```ts
 * const v = new Validator(this);
 * v.check(max >= min, 'pools[1].maxNodes', max, `is below minNodes (${min}); raise maxNodes or lower minNodes`);
 * v.throwIfAny();
 * ```
 */
export class Validator {
  private readonly problems: ValidationProblem[] = [];
  private readonly path: string;

  constructor(scopeOrPath: IConstruct | string) {
    this.path = typeof scopeOrPath === 'string' ? scopeOrPath : scopeOrPath.node.path;
  }

  /** Records a problem unless `ok`. Returns `ok`, so dependent checks can be skipped. */
  public check(ok: boolean, prop: string, value: unknown, message: string): boolean {
    if (!ok) this.add(prop, value, message);
    return ok;
  }

  /** Records a problem. */
  public add(prop: string, value: unknown, message: string): void {
    this.problems.push({ path: this.path, prop, value: renderValue(value), message });
  }

  /** Merges the problems a nested check collected. */
  public addAll(problems: ValidationProblem[]): void {
    this.problems.push(...problems);
  }

  /** True when nothing is wrong yet. */
  public get ok(): boolean {
    return this.problems.length === 0;
  }

  /** A copy of the problems so far. */
  public get collected(): ValidationProblem[] {
    return [...this.problems];
  }

  /** Throws one {@link MlPlatformValidationError} naming every problem, if there is any. */
  public throwIfAny(): void {
    if (this.problems.length > 0) throw new MlPlatformValidationError(this.problems);
  }

  // ---- common checks; each skips unresolved tokens, whose value is only known at apply time ----

  /** A whole number within [min, max]. */
  public integer(prop: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER, fix?: string): boolean {
    if (value === undefined || Token.isUnresolved(value)) return true;
    return this.check(Number.isInteger(value) && value >= min && value <= max, prop, value,
      fix ?? `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }

  /** A string matching a pattern. */
  public matches(prop: string, value: string | undefined, pattern: RegExp, fix: string): boolean {
    if (value === undefined || Token.isUnresolved(value)) return true;
    return this.check(typeof value === 'string' && pattern.test(value), prop, value, fix);
  }

  /** A non-empty array. */
  public nonEmpty(prop: string, value: readonly unknown[] | undefined, fix: string): boolean {
    if (value !== undefined && Token.isUnresolved(value)) return true;
    return this.check(Array.isArray(value) && value.length > 0, prop, value, fix);
  }

  /** Values in a list that must be unique (by key). */
  public unique<T>(prop: string, values: readonly T[], key: (v: T) => string, what: string): boolean {
    const seen = new Set<string>();
    let ok = true;
    values.forEach((v, i) => {
      const k = key(v);
      if (Token.isUnresolved(k)) return;
      if (seen.has(k)) ok = this.check(false, `${prop}[${i}]`, k, `repeats an earlier ${what}; give each ${what} a unique value`) && ok;
      seen.add(k);
    });
    return ok;
  }
}
