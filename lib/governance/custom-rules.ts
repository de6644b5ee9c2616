import * as path from 'path';
import { PACK_NAMES } from './packs';
import { Rule, RulePack } from './rule';
import { ALL_RULES } from './rules';

const SEVERITIES = ['error', 'warning', 'info'];
const CATEGORIES = [
  'encryption-at-rest', 'encryption-in-transit', 'public-exposure', 'least-privilege', 'logging-audit', 'data-protection',
  'workload-hardening', 'network-isolation', 'tagging-labels', 'key-management', 'cost-capacity', 'ml-lifecycle',
];
const RULE_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** Built-in rule ids, and the prefixes reserved for them (a typo of a built-in id must not pass as a custom rule). */
const BUILT_IN_IDS = new Set(ALL_RULES.map((r) => r.id));
export const RESERVED_RULE_PREFIXES: readonly string[] = ['aws-', 'gcp-', 'k8s-', 'ml-', 'contract-'];

/**
 * Check custom rules before they join the catalogue, collecting every problem into one error that names where the
 * rules came from (`Governance.of(stack).addRules`, `--rules ./my-rules.js`) and what to change.
 */
export function checkCustomRules(rules: readonly unknown[], where: string, alreadyRegistered: readonly Rule[] = []): Rule[] {
  const problems: string[] = [];
  const seen = new Set(alreadyRegistered.map((r) => r.id));
  rules.forEach((candidate, i) => {
    const r = candidate as Partial<Rule> | undefined;
    const label = typeof r?.id === 'string' ? `rule '${r.id}'` : `rules[${i}]`;
    if (typeof r !== 'object' || r === null) {
      problems.push(`${label} is not a rule object; build it with defineRule({ id, severity, category, ... })`);
      return;
    }
    if (typeof r.id !== 'string' || !RULE_ID.test(r.id)) problems.push(`${label} has id ${JSON.stringify(r.id)}; use letters, digits, '.', '_' or '-' (e.g. 'acme-s3-owner-tag')`);
    else if (BUILT_IN_IDS.has(r.id)) problems.push(`${label} reuses a built-in rule id; give it your own prefix (e.g. 'acme-')`);
    else if (RESERVED_RULE_PREFIXES.some((p) => r.id!.startsWith(p))) problems.push(`${label} starts with a prefix reserved for built-in rules (${RESERVED_RULE_PREFIXES.join(', ')}); use your own (e.g. 'acme-')`);
    else if (seen.has(r.id)) problems.push(`${label} is registered twice`);
    if (typeof r.id === 'string') seen.add(r.id);
    if (!SEVERITIES.includes(r.severity as string)) problems.push(`${label} has severity ${JSON.stringify(r.severity)}; use one of ${SEVERITIES.join(', ')}`);
    if (!CATEGORIES.includes(r.category as string)) problems.push(`${label} has category ${JSON.stringify(r.category)}; use one of ${CATEGORIES.join(', ')}`);
    if (typeof r.description !== 'string' || r.description.trim() === '') problems.push(`${label} needs a description (what a compliant resource looks like)`);
    if (typeof r.remediation !== 'string' || r.remediation.trim() === '') problems.push(`${label} needs a remediation (what to change to comply)`);
    if (!Array.isArray(r.appliesTo) || r.appliesTo.length === 0 || r.appliesTo.some((t) => typeof t !== 'string')) {
      problems.push(`${label} needs appliesTo: the Terraform resource types it checks (e.g. ['aws_s3_bucket'])`);
    }
    if (r.packs !== undefined && (!Array.isArray(r.packs) || r.packs.some((p) => !(PACK_NAMES as readonly string[]).includes(p)))) {
      problems.push(`${label} has packs ${JSON.stringify(r.packs)}; use built-in pack names (${PACK_NAMES.join(', ')}) or leave packs out (defineRule sets baseline: on whenever registered)`);
    }
    if (typeof r.evaluate !== 'function') problems.push(`${label} needs evaluate(resource, context) returning the violation messages`);
  });
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  // Plain objects from a JavaScript module may leave out what defineRule would default.
  return (rules as Rule[]).map((r) => (r.packs && r.references ? r : { ...r, packs: r.packs ?? ['baseline'], references: r.references ?? [] }));
}

/** Check a custom pack: a name that is not a built-in pack and valid rules. */
export function checkCustomPack(pack: unknown, where: string, alreadyRegistered: readonly Rule[] = []): RulePack {
  const p = pack as Partial<RulePack> | undefined;
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || p.name.trim() === '' || !Array.isArray(p.rules)) {
    throw new Error(`${where}: a custom pack needs a name and rules; build it with definePack({ name: 'acme', rules: [...] })`);
  }
  if ((PACK_NAMES as readonly string[]).includes(p.name)) throw new Error(`${where}: custom pack '${p.name}' reuses a built-in pack name; choose another name`);
  return { ...(p as RulePack), rules: checkCustomRules(p.rules, `${where}: pack '${p.name}'`, alreadyRegistered) };
}

/** Custom rules and packs loaded from a module, for `ml-platform review --rules`. */
export interface LoadedRules {
  readonly rules: readonly Rule[];
  /** Names of the custom packs the module exported. */
  readonly packs: readonly string[];
}

function isPack(value: unknown): value is RulePack {
  return typeof value === 'object' && value !== null && typeof (value as RulePack).name === 'string' && Array.isArray((value as RulePack).rules);
}

function isRuleLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Rule).evaluate === 'function';
}

/**
 * Load custom rules from a CommonJS module (compiled JavaScript): its export may be a pack, a rule, a list of rules
 * and packs, or an object whose values are any of those (`module.exports = { acmePack }`, `export default pack`).
 * Every rule is checked as {@link checkCustomRules} does.
 */
export function loadRulesModule(file: string, alreadyRegistered: readonly Rule[] = []): LoadedRules {
  const resolved = path.resolve(file);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(resolved);
  } catch (e) {
    throw new Error(`--rules ${file}: cannot load the module: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
  }
  const rules: Rule[] = [];
  const packs: string[] = [];
  // `export default pack` next to `export const pack` exports one object twice.
  const visited = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (visited.has(value)) return;
    if (typeof value === 'object' && value !== null) visited.add(value);
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth);
    } else if (isPack(value)) {
      const pack = checkCustomPack(value, `--rules ${file}`, [...alreadyRegistered, ...rules]);
      packs.push(pack.name);
      rules.push(...pack.rules);
    } else if (isRuleLike(value)) {
      rules.push(...checkCustomRules([value], `--rules ${file}`, [...alreadyRegistered, ...rules]));
    } else if (depth === 0 && typeof value === 'object' && value !== null) {
      for (const v of Object.values(value)) visit(v, depth + 1);
    }
  };
  visit(exported, 0);
  if (rules.length === 0) throw new Error(`--rules ${file}: the module exports no rule or pack; export a definePack(...) or a list of defineRule(...)`);
  return { rules, packs };
}
