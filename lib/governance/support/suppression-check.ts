import { Suppression } from '../model';
import { InputError } from '../normalize/strict-json';

/** Fewest visible characters a suppression reason needs: enough to say why, not "ok" or "n/a". */
export const MIN_REASON_LENGTH = 10;

// Characters that show nothing: whitespace, controls, format characters (zero-width, bidi controls, BOM),
// default-ignorable code points (variation selectors, Hangul fillers, tags), unpaired surrogates, the braille blank.
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/gu;

/** How many characters of `text` are visible. */
export function visibleLength(text: string): number {
  return [...text.replace(INVISIBLE, '')].length;
}

/** Whether `text` is a calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** What is wrong with a suppression's reason and expiry, or undefined when both hold. */
export function suppressionProblem(reason: unknown, expires: unknown): string | undefined {
  if (typeof reason !== 'string' || visibleLength(reason) < MIN_REASON_LENGTH) {
    return `reason must say why the finding is acceptable in at least ${MIN_REASON_LENGTH} visible characters`;
  }
  if (expires !== undefined && (typeof expires !== 'string' || !isIsoDate(expires))) {
    return 'expires must be a date written YYYY-MM-DD';
  }
  return undefined;
}

/**
 * Suppressions as recorded under `//.ml_platform.suppressions` (by Governance.suppress or written with
 * addOverride). A list that is not a list of objects with a rule id is an input error; an entry whose
 * reason or expiry does not hold is kept with `refused` set: it never suppresses, and the findings it
 * names say why.
 */
export function readSuppressionList(raw: unknown, where: string): Suppression[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InputError(`${where}: //.ml_platform.suppressions must be a list`);
  return raw.map((s) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s.ruleId !== 'string' || s.ruleId.trim() === '') {
      throw new InputError(`${where}: every suppression needs a ruleId (a rule id string)`);
    }
    return recordedSuppression(s.ruleId, s.reason, s.expires);
  });
}

/** One suppression as read from synthesized output: kept with `refused` set when its reason or expiry does not hold. */
export function recordedSuppression(ruleId: string, rawReason: unknown, expires: unknown): Suppression {
  const problem = suppressionProblem(rawReason, expires);
  const reason = typeof rawReason === 'string' ? rawReason.trim() : '';
  if (problem) return { ruleId, reason, refused: problem };
  return { ruleId, reason, ...(typeof expires === 'string' ? { expires } : {}) };
}
