import { EncodedJson, setProperty, UNKNOWN } from '../../values';

/** A Terraform evaluation error (a wrong type, a missing key): Terraform would refuse the plan, review calls it unknown. */
export class HclEvaluationError extends Error {}

/** Whether a value is, or holds anywhere inside it, something unknown until apply. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN || value instanceof EncodedJson) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isPlainObject(value)) {
    for (const k in value) if (containsUnknown(value[k])) return true;
  }
  return false;
}

/** An HCL object or map value (not a list, not null, not an encoded document). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof EncodedJson);
}

/** HCL's string conversion: numbers and bools become text, null and collections are errors. */
export function toStringValue(value: unknown): string | typeof UNKNOWN {
  if (value === UNKNOWN || value instanceof EncodedJson) return UNKNOWN;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new HclEvaluationError('not convertible to a string');
}

/** HCL's bool conversion: cty accepts "true"/"1" and "false"/"0". */
export function toBoolValue(value: unknown): boolean | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  throw new HclEvaluationError('not convertible to a bool');
}

/** HCL's number conversion. */
export function toNumberValue(value: unknown): number | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new HclEvaluationError('not convertible to a number');
}

/** Numbers as Terraform prints them: integers without a fraction. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

/** Structural equality for known values; UNKNOWN when either side is not fully known. */
export function equalValues(a: unknown, b: unknown): boolean | typeof UNKNOWN {
  if (containsUnknown(a) || containsUnknown(b)) return UNKNOWN;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** A copy with object keys sorted, as Terraform orders object attributes (jsonencode output). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) setProperty(out, k, sortKeys(value[k]));
    return out;
  }
  return value;
}

/** `value[key]` for an own key of an object; an error (unknown to review) otherwise. */
export function ownProperty(value: Record<string, unknown>, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(value, key)) throw new HclEvaluationError('no such attribute');
  return value[key];
}
