import { createContext } from './context';
import { Finding, GovernanceModel, PassedCheck, ReviewResult, Severity, Suppression } from './model';
import { PACK_NAMES, rulesForPacks } from './packs';
import { GovernanceParameters, Rule } from './rule';
import { ALL_RULES } from './rules';

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
    .filter((r) => !disabled.has(r.id) && overrides[r.id] !== 'off')
    .map((r) => {
      const o = overrides[r.id];
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
  const skipped: Record<string, number> = {};
  const passed: PassedCheck[] | undefined = options.recordPasses ? [] : undefined;
  let reviewed = 0;
  let skippedCount = 0;

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
    for (const rule of applicable) {
      const messages = rule.evaluate(resource, context);
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
        const { active, expired } = matchSuppression(resource.suppressions, rule.id, today);
        if (active) {
          suppressed.push({ ...base, suppressed: { reason: active.reason, ...(active.expires ? { expires: active.expires } : {}) } });
        } else if (expired) {
          findings.push({ ...base, note: `suppression expired on ${expired.expires} (reason was: ${expired.reason})` });
        } else {
          findings.push(base);
        }
      }
    }
  }

  const order = (a: Finding, b: Finding): number =>
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.address, b.address) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message);
  findings.sort(order);
  suppressed.sort(order);
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const packs = ['baseline', ...(options.packs ?? []).filter((p) => p !== 'baseline')];
  return {
    findings,
    suppressed,
    skippedResourceTypes: skipped,
    ...(passed ? { passed } : {}),
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
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A suppression applies through its expiry date inclusive. */
function matchSuppression(suppressions: readonly Suppression[], ruleId: string, today: string): { active?: Suppression; expired?: Suppression } {
  let expired: Suppression | undefined;
  for (const s of suppressions) {
    if (s.ruleId !== ruleId) continue;
    if (!s.expires || s.expires >= today) return { active: s };
    expired = s;
  }
  return { expired };
}
