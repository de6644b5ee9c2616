/**
 * Helpers rules use to read attribute values the same way whatever the input format was.
 * cdktf renders a max-1 nested block sometimes as an object and sometimes as a one-element list;
 * plans always use lists. Values unknown until apply are the UNKNOWN marker.
 */

/** Marker for a value that is unknown until apply (plan `after_unknown`, or a `${...}` expression in cdk.tf.json). */
export const UNKNOWN: unique symbol = Symbol.for('ml-platform.governance.unknown');

/** Whether a value is unknown until apply. An unknown value is never a violation. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

type Values = Readonly<Record<string, unknown>> | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object of a nested block, whether rendered as an object or a list. */
export function blocks(values: Values, key: string): Record<string, unknown>[] {
  if (!values) return [];
  const v = values[key];
  if (Array.isArray(v)) return v.filter(isObject);
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

/** A string attribute, or undefined when absent, null or unknown. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Tri-state boolean: true/false when known (accepts "true"/"false" strings), undefined when absent, UNKNOWN when unknown. */
export function bool(value: unknown): boolean | undefined | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** Read a boolean with a provider default for absent values; UNKNOWN stays UNKNOWN. */
export function boolOr(value: unknown, providerDefault: boolean): boolean | typeof UNKNOWN {
  const b = bool(value);
  return b === undefined ? providerDefault : b;
}

/** A number attribute (numeric strings accepted), undefined when absent or unknown. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Whether an attribute is set to something (an unknown value counts as set: it will be known at apply). */
export function isSet(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A list of strings (unknown members dropped); a single string becomes a one-element list. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string');
}

/** Whether a list (or any element of it) is unknown. */
export function anyUnknown(value: unknown): boolean {
  return value === UNKNOWN || (Array.isArray(value) && value.some((v) => v === UNKNOWN));
}

/** A map attribute (tags, labels) with only known string values. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Parse a JSON document held in a string attribute (IAM/KMS/IoT policies). UNKNOWN when unknown, undefined when absent or invalid. */
export function jsonDocument(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}
