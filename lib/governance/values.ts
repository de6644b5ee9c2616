/**
 * Helpers rules use to read attribute values the same way whatever the input format was.
 * cdktf renders a max-1 nested block sometimes as an object and sometimes as a one-element list;
 * plans always use lists. Values unknown until apply are the UNKNOWN marker.
 *
 * The helpers also count every unknown value they meet. The engine reads the count around each rule
 * evaluation: a rule that reported nothing after meeting an unknown value is reported as "unknown until
 * apply" for that resource rather than as passed, so an unknown value never passes silently.
 */

/** Marker for a value that is unknown until apply (plan `after_unknown`, or a `${...}` expression that depends on apply). */
export const UNKNOWN: unique symbol = Symbol.for('ml-platform.governance.unknown');

let unknownReads = 0;

/** Record that a rule met a value unknown until apply. The value helpers call it; rules reading values directly may too. */
export function noteUnknown(): void {
  unknownReads++;
}

/** How many unknown values have been met so far (the engine compares the count before and after a rule runs). */
export function unknownReadCount(): number {
  return unknownReads;
}

/** Whether a value is unknown until apply. An unknown value is never a violation, but it is counted. */
export function isUnknown(value: unknown): boolean {
  if (value !== UNKNOWN) return false;
  unknownReads++;
  return true;
}

/**
 * A `jsonencode(...)` result whose document is partly unknown until apply (an ARN from a reference in an
 * otherwise literal policy). Terraform shows such a string as unknown; review keeps the known structure so
 * a rule can still see `"Action": "*"`. The unknown parts are UNKNOWN.
 */
export class EncodedJson {
  constructor(public readonly document: unknown) {}
}

type Values = Readonly<Record<string, unknown>> | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof EncodedJson);
}

/** Whether `record` has its own property `key` (never one inherited from Object.prototype, like `constructor`). */
export function hasOwn(record: unknown, key: string): boolean {
  return typeof record === 'object' && record !== null && Object.prototype.hasOwnProperty.call(record, key);
}

/** `record[key]` when it is the record's own property; undefined for `toString`, `constructor` and the like. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && hasOwn(record, key) ? record[key] : undefined;
}

/**
 * `record[key] = value` for a key from the input: `__proto__` becomes an own property (as JSON.parse makes it)
 * instead of replacing the object's prototype, through which absent attributes would seem set.
 */
export function setProperty(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Every object of a nested block, whether rendered as an object or a list. */
export function blocks(values: Values, key: string): Record<string, unknown>[] {
  if (!values) return [];
  const v = values[key];
  if (v === UNKNOWN) {
    unknownReads++;
    return [];
  }
  if (Array.isArray(v)) {
    if (v.includes(UNKNOWN)) unknownReads++;
    return v.filter(isObject);
  }
  return isObject(v) ? [v] : [];
}

/** The first object of a nested block, or undefined when absent. */
export function block(values: Values, key: string): Record<string, unknown> | undefined {
  return blocks(values, key)[0];
}

/** Follow a path of nested blocks (`block(values, 'spec', 'template', 'spec')`). */
export function path(values: Values, ...keys: string[]): Record<string, unknown> | undefined {
  let current: Record<string, unknown> | undefined = values as Record<string, unknown> | undefined;
  for (const key of keys) {
    current = block(current, key);
    if (!current) return undefined;
  }
  return current;
}

/** A string attribute, or undefined when absent, null or unknown (an unknown one, or a partly known document, is counted). */
export function str(value: unknown): string | undefined {
  if (value === UNKNOWN || value instanceof EncodedJson) unknownReads++;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Tri-state boolean as Terraform converts it: true/false, and the strings "true"/"1" and "false"/"0"
 * (cty's string-to-bool conversion); undefined when absent or not convertible; UNKNOWN when unknown.
 */
export function bool(value: unknown): boolean | undefined | typeof UNKNOWN {
  if (value === UNKNOWN) {
    unknownReads++;
    return UNKNOWN;
  }
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return undefined;
}

/** Read a boolean with a provider default for absent values; UNKNOWN stays UNKNOWN. */
export function boolOr(value: unknown, providerDefault: boolean): boolean | typeof UNKNOWN {
  const b = bool(value);
  return b === undefined ? providerDefault : b;
}

/** A number attribute (numeric strings accepted), undefined when absent or unknown. */
export function num(value: unknown): number | undefined {
  if (value === UNKNOWN) unknownReads++;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Whether an attribute is set to something (an unknown value counts as set: it will be known at apply). */
export function isSet(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A list of strings (unknown members dropped and counted); a single string becomes a one-element list. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === UNKNOWN) unknownReads++;
  if (!Array.isArray(value)) return [];
  if (value.includes(UNKNOWN)) unknownReads++;
  return value.filter((v): v is string => typeof v === 'string');
}

/** Whether a list (or any element of it) is unknown. */
export function anyUnknown(value: unknown): boolean {
  const unknown = value === UNKNOWN || (Array.isArray(value) && value.some((v) => v === UNKNOWN));
  if (unknown) unknownReads++;
  return unknown;
}

/** A map attribute (tags, labels) with only known string values, as a prototype-free record. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Parse a JSON document held in a string attribute (IAM/KMS/IoT policies). UNKNOWN when unknown (counted),
 * undefined when absent or invalid; a partly known `jsonencode` result gives its document with UNKNOWN parts.
 */
export function jsonDocument(value: unknown): unknown {
  if (value === UNKNOWN) {
    unknownReads++;
    return UNKNOWN;
  }
  if (value instanceof EncodedJson) return value.document;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}
