import { EncodedJson, setProperty, UNKNOWN } from '../../values';
import { containsUnknown, isPlainObject } from './values';

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const blocksOf = (v: unknown): Array<Record<string, unknown>> => asList(v).filter(isPlainObject);
/** One value stays a string, several a list, as the provider renders them. */
const compact = (values: unknown[]): unknown => (values.length === 1 ? values[0] : values);

function principals(blocks: Array<Record<string, unknown>>): unknown {
  if (blocks.length === 0) return undefined;
  if (blocks.some((b) => b.type === UNKNOWN)) return UNKNOWN;
  const out: Record<string, unknown[]> = Object.create(null);
  for (const b of blocks) {
    const type = String(b.type);
    out[type] = [...(out[type] ?? []), ...asList(b.identifiers)];
  }
  // `type = "*"` with identifiers ["*"] renders as Principal "*".
  if (Object.keys(out).length === 1 && out['*']?.length === 1 && out['*'][0] === '*') return '*';
  const rendered: Record<string, unknown> = {};
  for (const [type, ids] of Object.entries(out)) setProperty(rendered, type, compact(ids));
  return rendered;
}

function statement(s: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof s.sid === 'string' && s.sid !== '') out.Sid = s.sid;
  out.Effect = s.effect === undefined || s.effect === null ? 'Allow' : s.effect;
  const lists: Array<[string, string]> = [['actions', 'Action'], ['not_actions', 'NotAction'], ['resources', 'Resource'], ['not_resources', 'NotResource']];
  for (const [from, to] of lists) {
    if (s[from] === UNKNOWN) out[to] = UNKNOWN;
    else if (asList(s[from]).length) out[to] = compact(asList(s[from]));
  }
  const principal = principals(blocksOf(s.principals));
  if (principal !== undefined) out.Principal = principal;
  const notPrincipal = principals(blocksOf(s.not_principals));
  if (notPrincipal !== undefined) out.NotPrincipal = notPrincipal;
  const conditions = blocksOf(s.condition);
  if (conditions.length) {
    const rendered: Record<string, Record<string, unknown>> = Object.create(null);
    for (const c of conditions) {
      if (c.test === UNKNOWN || c.variable === UNKNOWN) return { ...out, Condition: UNKNOWN };
      const test = String(c.test);
      rendered[test] ??= Object.create(null);
      setProperty(rendered[test], String(c.variable), compact(asList(c.values)));
    }
    out.Condition = rendered;
  }
  return out;
}

/**
 * The attributes of a `data "aws_iam_policy_document"` from its evaluated arguments: `json` and
 * `minified_json` hold the policy as the provider renders it (a string when fully known, an
 * {@link EncodedJson} with unknown parts otherwise). Source and override documents are merged by Sid.
 */
export function renderPolicyDocument(args: Record<string, unknown>): Record<string, unknown> {
  const statements: Array<Record<string, unknown>> = [];
  let unknownSource = false;
  const merge = (documents: unknown, override: boolean): void => {
    for (const d of asList(documents)) {
      if (typeof d !== 'string') {
        unknownSource = true;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(d);
      } catch {
        unknownSource = true;
        continue;
      }
      for (const s of blocksOf(isPlainObject(parsed) ? parsed.Statement : undefined)) {
        const same = typeof s.Sid === 'string' && s.Sid !== '' ? statements.findIndex((t) => t.Sid === s.Sid) : -1;
        if (same >= 0 && override) statements[same] = s;
        else if (same < 0) statements.push(s);
      }
    }
  };
  if (args.source_policy_documents === UNKNOWN || args.override_policy_documents === UNKNOWN) unknownSource = true;
  merge(args.source_policy_documents, false);
  for (const s of blocksOf(args.statement)) {
    const rendered = statement(s);
    const same = typeof rendered.Sid === 'string' ? statements.findIndex((t) => t.Sid === rendered.Sid) : -1;
    if (same >= 0) statements[same] = rendered;
    else statements.push(rendered);
  }
  merge(args.override_policy_documents, true);
  if (args.statement === UNKNOWN) statements.push({ Effect: UNKNOWN });
  if (unknownSource) statements.push({ Effect: UNKNOWN }); // statements from a document unknown until apply
  const document: Record<string, unknown> = { Version: typeof args.version === 'string' ? args.version : '2012-10-17' };
  if (typeof args.policy_id === 'string') document.Id = args.policy_id;
  document.Statement = statements;
  const known = !containsUnknown(document);
  return {
    json: known ? JSON.stringify(document, null, 2) : new EncodedJson(document),
    minified_json: known ? JSON.stringify(document) : new EncodedJson(document),
    id: UNKNOWN,
  };
}
