import { createContext } from './context';
import { Finding, GovernanceModel, GovernedResource, PassedCheck, ReviewResult, Severity, Suppression, UnknownEvaluation } from './model';
import { PACK_NAMES, rulesForPacks } from './packs';
import { GovernanceParameters, Rule } from './rule';
import { ALL_RULES } from './rules';
import { own, unknownReadCount } from './values';

/** A rule threw on a resource: the input has a shape the rule does not expect. Reported as one line, like bad input. */
export class RuleEvaluationError extends Error {}

/** Options shared by every review entry point (synth, cdk.tf.json, plan, CLI). */
export interface ReviewOptions {
  /** Packs to enable. `baseline` is always on. @default ['baseline'] */
  readonly packs?: readonly string[];
  readonly parameters?: GovernanceParameters;
  /** Change a rule's severity, or `'off'` to disable it. */
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
  /** Rule ids to disable. */
  readonly disabledRules?: readonly string[];
  /** Clock used for suppression expiry. @default - now */
  readonly now?: Date;
  /** Rules to choose packs from. @default - every rule shipped with the library */
  readonly rules?: readonly Rule[];
  /** Record rule × resource pairs that passed (for JUnit reports). @default false */
  readonly recordPasses?: boolean;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The rules a set of options enables, with severity overrides applied. Throws for an unknown pack or rule id. */
export function selectRules(options: ReviewOptions = {}): Rule[] {
  const catalogue = options.rules ?? ALL_RULES;
  for (const pack of options.packs ?? []) {
    if (!(PACK_NAMES as readonly string[]).includes(pack)) {
      throw new Error(`unknown pack '${pack}'; known packs: ${PACK_NAMES.join(', ')}`);
    }
  }
  const known = new Set(catalogue.map((r) => r.id));
  const overrides = options.severityOverrides ?? {};
  for (const id of [...Object.keys(overrides), ...(options.disabledRules ?? [])]) {
    if (!known.has(id)) throw new Error(`unknown rule id '${id}' in severity overrides or disabled rules`);
  }
  const disabled = new Set(options.disabledRules ?? []);
  return rulesForPacks(catalogue, options.packs ?? [])
    .filter((r) => !disabled.has(r.id) && own(overrides, r.id) !== 'off')
    .map((r) => {
      const o = own(overrides, r.id);
      return o && o !== 'off' ? { ...r, severity: o } : r;
    });
}

/** Run the enabled rules over a model. One pass over resources; rules are looked up by type. */
export function runRules(model: GovernanceModel, options: ReviewOptions = {}): ReviewResult {
  const rules = selectRules(options);
  const byType = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const type of rule.appliesTo) {
      const list = byType.get(type);
      if (list) list.push(rule);
      else byType.set(type, [rule]);
    }
  }
  const companionTypes = new Set(rules.flatMap((r) => r.companions ?? []));
  const context = createContext(model, options.parameters ?? {});
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  // Prototype-free: resource types come from the input (`constructor`, `__proto__` are data here).
  const skipped: Record<string, number> = Object.create(null);
  const passed: PassedCheck[] | undefined = options.recordPasses ? [] : undefined;
  const unknown: UnknownEvaluation[] = [];
  const unknownByRule: Record<string, number> = Object.create(null);
  let reviewed = 0;
  let skippedCount = 0;

  const evaluate = (resource: GovernedResource, applicable: readonly Rule[]): void => {
    for (const rule of applicable) {
      const before = unknownReadCount();
      let messages: readonly string[];
      try {
        messages = rule.evaluate(resource, context);
      } catch (e) {
        if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        throw new RuleEvaluationError(`rule ${rule.id} could not read ${resource.address}: an attribute has a shape the rule does not expect (${e.constructor.name})`);
      }
      if (messages.length === 0 && unknownReadCount() !== before) {
        // A value the rule needed is unknown until apply: neither a finding nor a pass.
        unknown.push({ ruleId: rule.id, address: resource.address, ...(model.source ? { file: model.source } : {}) });
        unknownByRule[rule.id] = (unknownByRule[rule.id] ?? 0) + 1;
        continue;
      }
      if (passed && messages.length === 0) passed.push({ ruleId: rule.id, address: resource.address, ...(model.source ? { file: model.source } : {}) });
      for (const message of messages) {
        const base: Finding = {
          ruleId: rule.id,
          severity: rule.severity,
          category: rule.category,
          address: resource.address,
          resourceType: resource.type,
          message,
          remediation: rule.remediation,
          ...(resource.constructPath ? { constructPath: resource.constructPath } : {}),
          ...(model.source ? { file: model.source } : {}),
        };
        const { active, expired, refused } = matchSuppression(resource.suppressions, rule.id, today);
        if (active) {
          suppressed.push({ ...base, suppressed: { reason: active.reason, ...(active.expires ? { expires: active.expires } : {}) } });
        } else if (expired) {
          findings.push({ ...base, note: `suppression expired on ${expired.expires} (reason was: ${expired.reason})` });
        } else if (refused) {
          findings.push({ ...base, note: `suppression refused: ${refused.refused}` });
        } else {
          findings.push(base);
        }
      }
    }
  };

  for (const resource of model.resources) {
    const applicable = byType.get(resource.type);
    if (!applicable && companionTypes.has(resource.type)) {
      reviewed++;
      continue;
    }
    if (!applicable) {
      skipped[resource.type] = (skipped[resource.type] ?? 0) + 1;
      skippedCount++;
      continue;
    }
    reviewed++;
    evaluate(resource, applicable);
  }
  // Resources a plan only deletes: seen by the rules on deletions alone, neither reviewed nor skipped otherwise.
  for (const resource of model.deletions ?? []) {
    const applicable = byType.get(resource.type)?.filter((r) => r.reviewsDeletions);
    if (!applicable?.length) continue;
    reviewed++;
    evaluate(resource, applicable);
  }

  const order = (a: Finding, b: Finding): number =>
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.address, b.address) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message);
  findings.sort(order);
  suppressed.sort(order);
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  const count = (s: Severity): number => bySeverity[s];
  const packs = ['baseline', ...(options.packs ?? []).filter((p) => p !== 'baseline')];
  return {
    findings,
    suppressed,
    skippedResourceTypes: skipped,
    ...(passed ? { passed } : {}),
    unknown,
    ...(model.notes?.length ? { notes: model.notes } : {}),
    summary: {
      error: count('error'),
      warning: count('warning'),
      info: count('info'),
      suppressed: suppressed.length,
      resourcesReviewed: reviewed,
      resourcesSkipped: skippedCount,
      skippedResourceTypes: skipped,
      rulesEvaluated: rules.length,
      packs,
      unknown: unknown.length,
      unknownByRule,
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A suppression applies through its expiry date inclusive; a refused one (invalid reason or date) never applies. */
function matchSuppression(suppressions: readonly Suppression[], ruleId: string, today: string): { active?: Suppression; expired?: Suppression; refused?: Suppression } {
  let expired: Suppression | undefined;
  let refused: Suppression | undefined;
  for (const s of suppressions) {
    if (s.ruleId !== ruleId) continue;
    if (s.refused) refused = s;
    else if (!s.expires || s.expires >= today) return { active: s };
    else expired = s;
  }
  return { expired, refused };
}
