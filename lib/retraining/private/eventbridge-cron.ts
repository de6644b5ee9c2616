/**
 * The pipelines' `schedule` is a five-field Unix cron (`0 3 * * 1`, what a CronWorkflow takes). EventBridge
 * Scheduler takes `cron(minutes hours day-of-month month day-of-week year)` with its own rules (Amazon EventBridge
 * User Guide, "Using cron and rate expressions to schedule rules"):
 *  - day-of-week is `1-7` with 1 = Sunday, or `SUN-SAT`; Unix has 0-7 with 0 and 7 = Sunday, so numbers are
 *    rewritten as names, never passed through (`1` would otherwise move a Monday run to Sunday);
 *  - day-of-month and day-of-week cannot both be set: one of them must be `?`;
 *  - increments are written `start/step` (`1/10`), and day-of-week takes none.
 */

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const SIMPLE_FIELD = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;
const MONTH_FIELD = /^(\*|[0-9A-Za-z]{1,3}(-[0-9A-Za-z]{1,3})?)(\/\d{1,2})?(,([0-9A-Za-z]{1,3}(-[0-9A-Za-z]{1,3})?)(\/\d{1,2})?)*$/;

/** The result of a conversion: the expression, or why the Unix expression has no EventBridge equivalent. */
export type CronConversion = { readonly expression: string } | { readonly error: string };

function day(token: string): string | undefined {
  const upper = token.toUpperCase();
  if (DAY_NAMES.includes(upper)) return upper;
  if (!/^\d$/.test(token) || Number(token) > 7) return undefined;
  return DAY_NAMES[Number(token) % 7];
}

function dayOfWeek(field: string): string | undefined {
  const parts: string[] = [];
  for (const item of field.split(',')) {
    const range = item.split('-');
    if (range.length > 2) return undefined;
    const names = range.map(day);
    if (names.some((n) => n === undefined)) return undefined;
    // A Unix range ending in 7 (`5-7`) ends on Sunday, which EventBridge writes as a wrap it does not accept.
    if (range.length === 2 && DAY_NAMES.indexOf(names[1]!) < DAY_NAMES.indexOf(names[0]!)) return undefined;
    parts.push(names.join('-'));
  }
  return parts.join(',');
}

/** `*\/n` means "from the first value": 0 for minutes and hours, 1 for days and months. */
function increments(field: string, first: number): string {
  return field.replace(/\*\//g, `${first}/`);
}

/** Converts a five-field Unix cron expression (UTC) to an EventBridge Scheduler `cron(...)` expression. */
export function eventBridgeCron(unix: string): CronConversion {
  const fields = unix.trim().split(/\s+/);
  if (fields.length !== 5) return { error: 'must be a five-field cron schedule such as "0 3 * * 1"' };
  const [minute, hour, dom, month, dow] = fields;
  if (![minute, hour, dom].every((f) => SIMPLE_FIELD.test(f)) || !MONTH_FIELD.test(month)) {
    return { error: 'uses cron syntax EventBridge Scheduler cannot express; use numbers, "*", ranges ("1-5"), lists ("1,15") and steps ("*/15")' };
  }
  if (dom !== '*' && dow !== '*') {
    return { error: 'sets both day-of-month and day-of-week, which EventBridge Scheduler cannot combine (one of them must be "?"); schedule on one of them' };
  }
  let days = '?';
  if (dow !== '*') {
    const converted = dayOfWeek(dow);
    if (converted === undefined) {
      return { error: 'has a day-of-week EventBridge Scheduler cannot express; use 0-7 or SUN-SAT, lists and ranges that do not wrap past Saturday, no steps' };
    }
    days = converted;
  }
  const dayOfMonth = dow !== '*' ? '?' : increments(dom, 1);
  return { expression: `cron(${increments(minute, 0)} ${increments(hour, 0)} ${dayOfMonth} ${increments(month, 1)} ${days} *)` };
}
