/**
 * An AWS IAM policy evaluator for one request, following AWS's documented evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any applicable policy wins; otherwise, within one account, an Allow in an identity policy
 * or in the resource policy allows — except for KMS keys, where the key policy must allow the principal itself
 * or delegate to the account (`arn:aws:iam::<account>:root`) for identity policies to count
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 *
 * It evaluates Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal and the condition
 * operators the library and common hand-written policies use, in three-valued logic: a condition on a key the
 * request context does not model is `unknown`, and so is a statement that depends on it. Values are canonical
 * strings (./stacks.ts), so Terraform references compare as they will once applied.
 *
 * Written here rather than taken from npm: the maintained simulators are AGPL (@cloud-copilot/iam-simulate),
 * which this Apache-2.0 library cannot ship. Scope, on purpose: one account, identity + resource policies;
 * no SCPs, permission boundaries or session policies (the library writes none).
 */

/** One policy statement as IAM spells it. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document, parsed, plus where it came from (for messages). */
export interface IamPolicy {
  readonly source: string;
  readonly statements: readonly IamStatement[];
}

/** The request being evaluated. */
export interface IamRequest {
  /** Canonical ARN of the calling principal (an IAM role). */
  readonly principal: string;
  readonly action: string;
  /** Canonical resource ARN. */
  readonly resource: string;
  /** Condition context: key (lower case) → values. Keys absent here are unknown unless listed in `absentKeys`. */
  readonly context: ReadonlyMap<string, readonly string[]>;
}

export type Tri = true | false | 'unknown';

/** The outcome of evaluating one request. */
export interface IamDecision {
  readonly decision: 'allowed' | 'denied' | 'unknown';
  /** Why, for messages: which policy allowed or denied, or what was missing. */
  readonly reason: string;
}

/** Wildcard match (`*`, `?`), IAM style. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, ignoreCase ? 'is' : 's');
  return re.test(value);
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

/** Whether a statement's action block covers the action. */
function actionApplies(s: IamStatement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => wildcardMatch(p, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

/** Whether a statement's resource block covers the resource (a statement without either covers nothing in identity policies). */
function resourceApplies(s: IamStatement, resource: string, resourcePolicy: boolean): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((p) => wildcardMatch(p, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((p) => wildcardMatch(p, resource));
  return resourcePolicy; // resource policies may omit Resource (e.g. KMS key policies always say "*")
}

/** How a resource-policy principal relates to the caller: names it, names its account, or neither. */
export type PrincipalMatch = 'principal' | 'account' | 'none';

/** Whether a Principal block names the caller (or `*`) or the caller's account root. */
function principalMatch(block: unknown, principal: string): PrincipalMatch {
  if (block === '*') return 'principal';
  if (!block || typeof block !== 'object') return 'none';
  let best: PrincipalMatch = 'none';
  for (const p of list((block as Record<string, unknown>).AWS)) {
    if (p === '*' || p === principal) return 'principal';
    if (/^arn:(aws|\{[^}]*\}|[\w-]+):iam::(\{account\}|\d{12}):root$/.test(p) || p === '{account}') best = 'account';
  }
  return best;
}

const KNOWN_OPERATORS = new Set([
  'stringequals', 'stringnotequals', 'stringequalsignorecase', 'stringnotequalsignorecase', 'stringlike', 'stringnotlike',
  'arnequals', 'arnlike', 'arnnotequals', 'arnnotlike', 'bool', 'null',
]);

/** One condition block: every operator and key must hold (AND); values of one key are ORed. */
export function evaluateCondition(condition: IamStatement['Condition'], context: ReadonlyMap<string, readonly string[]>): Tri {
  if (!condition) return true;
  let result: Tri = true;
  for (const [rawOperator, keys] of Object.entries(condition)) {
    let operator = rawOperator.toLowerCase();
    const ifExists = operator.endsWith('ifexists');
    if (ifExists) operator = operator.slice(0, -'ifexists'.length);
    operator = operator.replace(/^for(any|all)value:/, '');
    for (const [rawKey, rawValues] of Object.entries(keys ?? {})) {
      const key = rawKey.toLowerCase();
      const wanted = list(rawValues);
      const have = context.get(key);
      let r: Tri;
      if (!KNOWN_OPERATORS.has(operator)) r = 'unknown';
      else if (operator === 'null') r = have === undefined ? 'unknown' : wanted.some((w) => (w === 'true') === (have.length === 0));
      else if (have === undefined) r = 'unknown';
      else if (have.length === 0) r = ifExists ? true : operator.includes('not');
      else r = compare(operator, wanted, have);
      if (r === false) return false;
      if (r === 'unknown') result = 'unknown';
    }
  }
  return result;
}

function compare(operator: string, wanted: string[], have: readonly string[]): boolean {
  const any = (f: (w: string, h: string) => boolean) => have.some((h) => wanted.some((w) => f(w, h)));
  switch (operator) {
    case 'stringequals': case 'arnequals': return any((w, h) => w === h);
    case 'stringnotequals': case 'arnnotequals': return !any((w, h) => w === h);
    case 'stringequalsignorecase': return any((w, h) => w.toLowerCase() === h.toLowerCase());
    case 'stringnotequalsignorecase': return !any((w, h) => w.toLowerCase() === h.toLowerCase());
    case 'stringlike': case 'arnlike': return any((w, h) => wildcardMatch(w, h));
    case 'stringnotlike': case 'arnnotlike': return !any((w, h) => wildcardMatch(w, h));
    case 'bool': return any((w, h) => w.toLowerCase() === h.toLowerCase());
    default: return false;
  }
}

/** Whether one statement applies to the request (true / false / unknown because of a condition). */
function statementApplies(s: IamStatement, request: IamRequest, resourcePolicy: boolean): { applies: Tri; principal: PrincipalMatch } {
  if (!actionApplies(s, request.action) || !resourceApplies(s, request.resource, resourcePolicy)) return { applies: false, principal: 'none' };
  let principal: PrincipalMatch = 'principal';
  if (resourcePolicy) {
    if (s.Principal !== undefined) principal = principalMatch(s.Principal, request.principal);
    else if (s.NotPrincipal !== undefined) principal = principalMatch(s.NotPrincipal, request.principal) === 'none' ? 'principal' : 'none';
    else principal = 'none';
    if (principal === 'none') return { applies: false, principal };
  }
  return { applies: evaluateCondition(s.Condition, request.context), principal };
}

/** What the policies of one kind say about a request. */
interface Verdict {
  deny: Tri;
  allow: Tri;
  /** Resource policies: an allow that names the account root (delegation to identity policies). */
  delegates: Tri;
  allowedBy?: string;
  deniedBy?: string;
}

function judge(policies: readonly IamPolicy[], request: IamRequest, resourcePolicy: boolean): Verdict {
  const v: Verdict = { deny: false, allow: false, delegates: false };
  const raise = (current: Tri, next: Tri): Tri => (current === true || next === true ? true : current === 'unknown' || next === 'unknown' ? 'unknown' : false);
  for (const policy of policies) {
    for (const s of policy.statements) {
      const { applies, principal } = statementApplies(s, request, resourcePolicy);
      if (applies === false) continue;
      const where = `${policy.source}${s.Sid ? ` (${s.Sid})` : ''}`;
      if (s.Effect === 'Deny') {
        v.deny = raise(v.deny, applies);
        if (applies === true) v.deniedBy ??= where;
      } else if (s.Effect === 'Allow') {
        if (resourcePolicy && principal === 'account') {
          v.delegates = raise(v.delegates, applies);
        } else {
          v.allow = raise(v.allow, applies);
          if (applies === true) v.allowedBy ??= where;
        }
      }
    }
  }
  return v;
}

/**
 * Evaluate one request.
 * @param identity the principal's identity policies (inline and attached)
 * @param resourcePolicy the resource's policy, if it has one (bucket policy, key policy)
 * @param kmsKey true when the resource is a KMS key: the key policy must allow or delegate
 */
export function evaluateRequest(request: IamRequest, identity: readonly IamPolicy[], resourcePolicy: IamPolicy | undefined, kmsKey: boolean): IamDecision {
  const id = judge(identity, request, false);
  const res = resourcePolicy ? judge([resourcePolicy], request, true) : { deny: false, allow: false, delegates: kmsKey ? false : true } as Verdict;
  if (id.deny === true || res.deny === true) return { decision: 'denied', reason: `explicitly denied by ${id.deniedBy ?? res.deniedBy}` };
  const identityCounts: Tri = kmsKey ? res.delegates : true;
  const viaIdentity: Tri = identityCounts === false ? false : id.allow === true && identityCounts === true ? true : id.allow === false ? false : 'unknown';
  const allowed: Tri = res.allow === true || viaIdentity === true ? true : res.allow === 'unknown' || viaIdentity === 'unknown' ? 'unknown' : false;
  if (allowed === true) {
    if (id.deny === 'unknown' || res.deny === 'unknown') return { decision: 'unknown', reason: 'a Deny statement applies under conditions that depend on the request' };
    return { decision: 'allowed', reason: `allowed by ${res.allow === true ? res.allowedBy : id.allowedBy}` };
  }
  if (allowed === 'unknown') return { decision: 'unknown', reason: 'an Allow statement applies only under conditions that depend on the request' };
  if (kmsKey && id.allow === true && res.delegates === false) {
    return { decision: 'denied', reason: `the identity policy ${id.allowedBy} allows it, but the key policy neither allows the role nor delegates to the account, so identity policies do not count for this key` };
  }
  return { decision: 'denied', reason: resourcePolicy ? 'no identity policy and no statement of the resource policy allows it' : 'no identity policy allows it' };
}

/** Parse a policy document string; undefined when it is not a literal JSON document (e.g. a jsonencode(...) expression). */
export function parsePolicy(source: string, text: unknown): IamPolicy | undefined {
  let doc: unknown = text;
  if (typeof text === 'string') {
    try {
      doc = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const statements = (doc as Record<string, unknown>).Statement;
  const array = Array.isArray(statements) ? statements : statements && typeof statements === 'object' ? [statements] : [];
  return { source, statements: array as IamStatement[] };
}
