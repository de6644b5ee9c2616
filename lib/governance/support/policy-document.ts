import { jsonDocument, UNKNOWN } from '../values';

/** One IAM-style policy statement with list fields normalised to arrays. */
export interface PolicyStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  /** Principals as a flat list; `"*"` and `{"AWS": "*"}` both give ['*']. */
  readonly principals: string[];
  readonly hasCondition: boolean;
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Statements of an IAM/KMS/IoT policy held as a JSON string (Terraform stores policies as strings).
 * Returns UNKNOWN when the document is unknown until apply, [] when absent or unparseable.
 */
export function policyStatements(value: unknown): PolicyStatement[] | typeof UNKNOWN {
  const doc = jsonDocument(value);
  if (doc === UNKNOWN) return UNKNOWN;
  if (typeof doc !== 'object' || doc === null) return [];
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => {
      const p = s.Principal;
      const principals = typeof p === 'string' ? [p] : typeof p === 'object' && p !== null ? Object.values(p).flatMap(list) : [];
      return {
        effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
        actions: list(s.Action),
        resources: list(s.Resource),
        principals,
        hasCondition: typeof s.Condition === 'object' && s.Condition !== null && Object.keys(s.Condition).length > 0,
      };
    });
}
