import { jsonDocument, noteUnknown, UNKNOWN } from '../values';

/** true, false, or unknown until apply. */
export type Tri = boolean | typeof UNKNOWN;

/** One IAM-style policy statement with list fields normalised to arrays. */
export interface PolicyStatement {
  /** `Allow` / `Deny`; '' when unknown until apply (then `unknownFields` has `Effect`). */
  readonly effect: string;
  readonly actions: string[];
  /** `NotAction`: everything except these. @default - absent */
  readonly notActions?: string[];
  readonly resources: string[];
  /** `NotResource`: everything except these. @default - absent */
  readonly notResources?: string[];
  /** Principals as a flat list; `"*"` and `{"AWS": "*"}` both give ['*']. */
  readonly principals: string[];
  /** `NotPrincipal`: everyone except these. @default - absent */
  readonly notPrincipals?: string[];
  readonly hasCondition: boolean;
  /** Condition operator → key → values (`{ Bool: { 'aws:SecureTransport': ['false'] } }`); booleans as their text. */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Statement fields with parts unknown until apply (`Effect`, `Action`, `Resource`, `Principal`, `Condition`, ...). */
  readonly unknownFields: readonly string[];
}

function listOf(value: unknown, field: string, unknownFields: string[]): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (value === UNKNOWN || items.includes(UNKNOWN)) unknownFields.push(field);
  return items.filter((v): v is string => typeof v === 'string');
}

function principalsOf(value: unknown, field: string, unknownFields: string[]): string[] {
  if (value === UNKNOWN) {
    unknownFields.push(field);
    return [];
  }
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.values(value).flatMap((v) => listOf(v, field, unknownFields));
}

function conditionsOf(value: unknown, unknownFields: string[]): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = Object.create(null);
  if (value === UNKNOWN) {
    unknownFields.push('Condition');
    return out;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [operator, keys] of Object.entries(value)) {
    out[operator] = Object.create(null);
    if (keys === UNKNOWN) unknownFields.push('Condition');
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) continue;
    for (const [key, values] of Object.entries(keys)) {
      const items = Array.isArray(values) ? values : [values];
      if (values === UNKNOWN || items.includes(UNKNOWN)) unknownFields.push('Condition');
      out[operator][key] = items.filter((v) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number').map(String);
    }
  }
  return out;
}

/**
 * Statements of an IAM/KMS/IoT policy held as a JSON string (Terraform stores policies as strings), or as
 * a partly known `jsonencode` / policy document. Returns UNKNOWN when the whole document is unknown until
 * apply, [] when absent or unparseable.
 */
export function policyStatements(value: unknown): PolicyStatement[] | typeof UNKNOWN {
  const doc = jsonDocument(value);
  if (doc === UNKNOWN) return UNKNOWN;
  if (typeof doc !== 'object' || doc === null) return [];
  const raw = (doc as Record<string, unknown>).Statement;
  if (raw === UNKNOWN) return UNKNOWN;
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s))
    .map((s) => {
      const unknownFields: string[] = [];
      if (s.Effect === UNKNOWN) unknownFields.push('Effect');
      const conditions = conditionsOf(s.Condition, unknownFields);
      return {
        effect: typeof s.Effect === 'string' ? s.Effect : s.Effect === UNKNOWN ? '' : 'Allow',
        actions: listOf(s.Action, 'Action', unknownFields),
        ...(s.NotAction !== undefined ? { notActions: listOf(s.NotAction, 'NotAction', unknownFields) } : {}),
        resources: listOf(s.Resource, 'Resource', unknownFields),
        ...(s.NotResource !== undefined ? { notResources: listOf(s.NotResource, 'NotResource', unknownFields) } : {}),
        principals: principalsOf(s.Principal, 'Principal', unknownFields),
        ...(s.NotPrincipal !== undefined ? { notPrincipals: principalsOf(s.NotPrincipal, 'NotPrincipal', unknownFields) } : {}),
        hasCondition: Object.keys(conditions).length > 0 || unknownFields.includes('Condition'),
        conditions,
        unknownFields,
      };
    });
}

const WILDCARDS_ONLY = /^[*?]*$/;

/** Whether an IAM wildcard pattern matches `text` (case-insensitive, as IAM matches actions). */
export function wildcardMatches(pattern: string, text: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'is');
  return regex.test(text);
}

/** Whether an action pattern matches every action of every service (`*`, `*:*`, `?*:*`). */
export function actionCoversAll(pattern: string): boolean {
  const parts = pattern.trim().split(':');
  if (parts.length > 2) return false;
  return parts.every((p) => WILDCARDS_ONLY.test(p) && p.includes('*'));
}

/** Whether an action pattern matches every action of `service` (`kms:*`, `*`, `k?s:*`). */
export function actionCoversService(pattern: string, service: string): boolean {
  if (actionCoversAll(pattern)) return true;
  const [svc, action, extra] = pattern.trim().split(':');
  return extra === undefined && action !== undefined && WILDCARDS_ONLY.test(action) && action.includes('*') && wildcardMatches(svc, service);
}

/** Whether a resource pattern matches every resource: `*`, or an ARN whose every part is a wildcard (`arn:*:*:*:*:*`, `arn:aws:*:*:*:*`). */
export function resourceCoversAll(pattern: string): boolean {
  const p = pattern.trim();
  if (WILDCARDS_ONLY.test(p)) return p.includes('*');
  const parts = p.split(':');
  if (parts[0] !== 'arn' && !WILDCARDS_ONLY.test(parts[0])) return false;
  const [, partition = '*', ...rest] = parts;
  if (!WILDCARDS_ONLY.test(partition) && !/^aws(-[a-z]+)*$/.test(partition)) return false;
  // Fewer parts than an ARN has: the last wildcard matches the rest (`arn:*`, `arn:aws:*`).
  if (rest.length === 0) return WILDCARDS_ONLY.test(partition) && partition.includes('*');
  return rest.every((r) => WILDCARDS_ONLY.test(r)) && rest[rest.length - 1].includes('*') && (rest.length >= 4 || rest.every((r) => r.includes('*')));
}

/** Three-valued AND: false if any part is false, unknown if any part is unknown, else true. */
export function allOf(...values: Tri[]): Tri {
  return values.includes(false) ? false : values.includes(UNKNOWN) ? UNKNOWN : true;
}
const or = (...values: Tri[]): Tri => (values.includes(true) ? true : values.includes(UNKNOWN) ? UNKNOWN : false);

/** Whether the statement's effect is `effect`. */
export function hasEffect(s: PolicyStatement, effect: 'Allow' | 'Deny'): Tri {
  return s.unknownFields.includes('Effect') ? UNKNOWN : s.effect === effect;
}

/** Whether the statement's actions include every action (Action `*` / `*:*`, or any NotAction, which allows all but a few). */
export function coversAllActions(s: PolicyStatement): Tri {
  if (s.notActions !== undefined) return true;
  return or(s.actions.some(actionCoversAll), s.unknownFields.includes('Action') ? UNKNOWN : false);
}

/**
 * Whether the statement's actions include every action of a service (`kms:*`, `*`). With `NotAction` (everything but
 * the listed actions): for an Allow it is as broad as a wildcard unless it excludes the whole service; for a Deny
 * (`strict`) only when it excludes no action of the service.
 */
export function coversServiceActions(s: PolicyStatement, service: string, strict = false): Tri {
  if (s.notActions !== undefined) {
    if (s.unknownFields.includes('NotAction')) return UNKNOWN;
    return strict
      ? !s.notActions.some((p) => wildcardMatches(p.split(':')[0] ?? '', service))
      : !s.notActions.some((p) => actionCoversService(p, service));
  }
  return or(s.actions.some((a) => actionCoversService(a, service)), s.unknownFields.includes('Action') ? UNKNOWN : false);
}

/** Whether the statement's resources include every resource (`*`, an ARN of wildcards, or any NotResource). */
export function coversAllResources(s: PolicyStatement): Tri {
  if (s.notResources !== undefined) return true;
  return or(s.resources.some(resourceCoversAll), s.unknownFields.includes('Resource') ? UNKNOWN : false);
}

/** Whether the statement names every principal (`*`, `{"AWS": "*"}`, or a NotPrincipal: everyone but a few). */
export function coversEveryone(s: PolicyStatement): Tri {
  if (s.notPrincipals !== undefined) return true;
  return or(s.principals.includes('*'), s.unknownFields.includes('Principal') ? UNKNOWN : false);
}

/** Whether the statement allows every action on every resource: full administrator access. */
export function allowsAdministratorAccess(s: PolicyStatement): Tri {
  return allOf(hasEffect(s, 'Allow'), coversAllActions(s), coversAllResources(s));
}

/**
 * Whether a bucket-policy statement denies every S3 request made without TLS: Effect Deny, for every
 * principal, on every S3 action, with exactly the condition `Bool aws:SecureTransport = false` (another
 * condition, a NotPrincipal or a NotResource would narrow the deny).
 */
export function deniesInsecureTransport(s: PolicyStatement): Tri {
  const principal: Tri = s.notPrincipals !== undefined ? false : or(s.principals.includes('*'), s.unknownFields.includes('Principal') ? UNKNOWN : false);
  const resources: Tri = s.notResources !== undefined ? false : s.resources.length > 0 || s.unknownFields.includes('Resource') ? true : false;
  let condition: Tri = false;
  if (s.unknownFields.includes('Condition')) {
    condition = UNKNOWN;
  } else {
    const operators = Object.keys(s.conditions);
    if (operators.length === 1 && /^Bool(IfExists)?$/.test(operators[0])) {
      const keys = Object.entries(s.conditions[operators[0]]);
      condition = keys.length === 1 && keys[0][0].toLowerCase() === 'aws:securetransport' && keys[0][1].length > 0 && keys[0][1].every((v) => v.toLowerCase() === 'false');
    }
  }
  return allOf(hasEffect(s, 'Deny'), principal, coversServiceActions(s, 's3', true), resources, condition);
}

/** Whether any statement is true for `test`; an unknown answer is counted so the rule is reported unknown, not passed. */
export function anyStatement(statements: readonly PolicyStatement[], test: (s: PolicyStatement) => Tri): Tri {
  const result = or(...statements.map(test));
  if (result === UNKNOWN) noteUnknown();
  return result;
}
