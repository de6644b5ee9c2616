import { ReviewOptions, selectRules } from './engine';
import { AppliedConfiguration, Severity } from './model';
import { METADATA_KEY } from './normalize/terraform-json';
import { PACK_NAMES } from './packs';
import { GovernanceParameters, Rule } from './rule';
import { ALL_RULES } from './rules';

/** Key under `//.ml_platform` where synth records the stack's governance configuration. */
export const GOVERNANCE_METADATA_KEY = 'governance';

/** The governance configuration synth applied to one stack, as written to its cdk.tf.json. */
export interface RecordedGovernance {
  /** Built-in packs enabled besides baseline. */
  readonly packs: readonly string[];
  readonly parameters: GovernanceParameters;
  readonly severityOverrides: Readonly<Record<string, Severity | 'off'>>;
  readonly disabledRules: readonly string[];
  /** Ids of the custom rules registered at synth (their code is not in the JSON: reviews load it with `--rules`). */
  readonly customRules: readonly string[];
  /** Names of the custom packs registered at synth. */
  readonly customPacks: readonly string[];
}

/** Options of a review that can apply a recorded configuration. */
export interface RecordedConfigurationOptions {
  /**
   * Apply the governance configuration recorded at synth (`//.ml_platform.governance`): its packs, parameters, severity
   * overrides, disabled rules and custom rules, with these options overriding it (packs and disabled rules add up,
   * parameters and severity overrides replace the recorded value of the same key, a severity override re-enables a
   * rule the recording disabled). `false` reviews with the options alone. @default true
   */
  readonly useRecordedConfiguration?: boolean;
  /** Names of the custom packs the custom rules in `rules` come from, for reports. @default - none */
  readonly customPacks?: readonly string[];
}

const LIST_PARAMETERS = ['allowedRegions', 'approvedRegistries', 'requiredTags'];
const NUMBER_PARAMETERS = ['maxAcceleratorsPerPool', 'maxAcceleratorsPerCluster', 'maxAcceleratorsPerNamespace'];
const SEVERITY_VALUES = ['error', 'warning', 'info', 'off'];
/** Rule ids and pack names as custom-rules.ts allows them; anything else in a recording was not written by synth. */
const NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;
const BUILT_IN_IDS = new Set(ALL_RULES.map((r) => r.id));

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The configuration recorded in a synthesized stack, or undefined when the stack records none (synthesized without
 * `Governance.of`, or by an older version). A malformed record throws: silently reviewing with less than synth applied
 * is the failure this record exists to prevent.
 */
export function readRecordedGovernance(json: unknown, where: string): RecordedGovernance | undefined {
  const raw = (json as Record<string, any> | undefined)?.['//']?.[METADATA_KEY]?.[GOVERNANCE_METADATA_KEY];
  if (raw === undefined) return undefined;
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null) {
    throw new Error(`${where}: //.${METADATA_KEY}.${GOVERNANCE_METADATA_KEY} is not an object; synthesize the stack again`);
  }
  const packs = raw.packs ?? [];
  if (!isStringList(packs)) problems.push('packs is not a list of pack names');
  else for (const p of packs) if (!(PACK_NAMES as readonly string[]).includes(p)) problems.push(`pack '${p}' is unknown to this version`);
  const parameters = raw.parameters ?? {};
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) problems.push('parameters is not an object');
  else {
    for (const [key, value] of Object.entries(parameters as Record<string, unknown>)) {
      if (LIST_PARAMETERS.includes(key)) {
        if (!isStringList(value)) problems.push(`parameter ${key} is not a list of strings`);
      } else if (NUMBER_PARAMETERS.includes(key)) {
        if (typeof value !== 'number') problems.push(`parameter ${key} is not a number`);
      } else if (key === 'allowedRegionsByClassification') {
        if (typeof value !== 'object' || value === null || !Object.values(value).every(isStringList)) problems.push(`parameter ${key} is not a map of region lists`);
      } else {
        problems.push(`parameter '${key}' is unknown to this version of ml-platform`);
      }
    }
  }
  const overrides = raw.severityOverrides ?? {};
  if (typeof overrides !== 'object' || overrides === null || !Object.values(overrides).every((v) => SEVERITY_VALUES.includes(v as string))) {
    problems.push(`severityOverrides must map rule ids to ${SEVERITY_VALUES.join('|')}`);
  }
  for (const key of ['disabledRules', 'customRules', 'customPacks']) {
    if (raw[key] !== undefined && !isStringList(raw[key])) problems.push(`${key} is not a list of strings`);
  }
  const ids = [...Object.keys(typeof overrides === 'object' && overrides !== null ? overrides : {}),
    ...(isStringList(raw.disabledRules) ? raw.disabledRules : []), ...(isStringList(raw.customRules) ? raw.customRules : []),
    ...(isStringList(raw.customPacks) ? raw.customPacks : [])];
  for (const id of ids) if (!NAME.test(id)) problems.push(`${JSON.stringify(id)} is not a rule or pack name`);
  if (problems.length) {
    throw new Error(`${where}: the governance configuration recorded at synth (//.${METADATA_KEY}.${GOVERNANCE_METADATA_KEY}) cannot be applied: ` +
      `${problems.join('; ')}. Review with the ml-platform version that synthesized it, or pass --ignore-recorded-config and give the configuration as flags`);
  }
  return {
    packs,
    parameters: parameters as GovernanceParameters,
    severityOverrides: overrides,
    disabledRules: raw.disabledRules ?? [],
    customRules: raw.customRules ?? [],
    customPacks: raw.customPacks ?? [],
  };
}

/** A review's options with the recorded configuration applied, and the description reports show. */
export interface EffectiveConfiguration {
  readonly options: ReviewOptions;
  readonly configuration: AppliedConfiguration;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Layer a review's options over the configuration recorded at synth (see {@link RecordedConfigurationOptions} for the
 * rules). Throws when the recording enables custom rules the review has not loaded: the review could not give the
 * answer synth gave.
 */
export function applyRecordedGovernance(
  recorded: RecordedGovernance | undefined,
  options: ReviewOptions & RecordedConfigurationOptions,
  appliesTo: string,
): EffectiveConfiguration {
  const catalogue = options.rules ?? ALL_RULES;
  const known = new Set(catalogue.map((r) => r.id));
  const loadedCustom = catalogue.filter((r) => !BUILT_IN_IDS.has(r.id)).map((r) => r.id);
  const optionPacks = (options.packs ?? []).filter((p) => p !== 'baseline');
  const customPacks = options.customPacks ?? [];
  if (!recorded || options.useRecordedConfiguration === false) {
    return {
      options,
      configuration: {
        source: 'options',
        packs: unique([...optionPacks, ...customPacks]),
        parameters: options.parameters ?? {},
        severityOverrides: options.severityOverrides ?? {},
        disabledRules: options.disabledRules ?? [],
        customRules: loadedCustom,
        appliesTo: [appliesTo],
      },
    };
  }

  const optionOverrides = options.severityOverrides ?? {};
  const optionDisabled = options.disabledRules ?? [];
  // Recorded ids the catalogue lacks can only be custom rules that were not loaded; they are checked below.
  const severityOverrides: Record<string, Severity | 'off'> = {
    ...Object.fromEntries(Object.entries(recorded.severityOverrides).filter(([id]) => known.has(id))),
    ...optionOverrides,
  };
  const reenabled = new Set(Object.entries(optionOverrides).filter(([, level]) => level !== 'off').map(([id]) => id));
  const disabledRules = unique([...recorded.disabledRules.filter((id) => known.has(id) && !reenabled.has(id)), ...optionDisabled]);
  // A custom rule synth registered but switched off is not missing.
  const isOff = (id: string): boolean => recorded.disabledRules.includes(id) || recorded.severityOverrides[id] === 'off';
  const missing = recorded.customRules.filter((id) => !known.has(id) && !isOff(id));
  if (missing.length) {
    const packs = recorded.customPacks.length ? ` (pack${recorded.customPacks.length > 1 ? 's' : ''} ${recorded.customPacks.join(', ')})` : '';
    throw new Error(`${appliesTo} was synthesized with custom governance rule(s) ${missing.join(', ')}${packs} that this review has not loaded; ` +
      'load them with --rules <module exporting them> (API: options.rules), or review without them with --ignore-recorded-config and the configuration as flags');
  }

  const packs = unique([...recorded.packs, ...optionPacks]);
  const fromOptions = optionPacks.some((p) => !recorded.packs.includes(p)) || Object.keys(options.parameters ?? {}).length > 0 ||
    Object.keys(optionOverrides).length > 0 || optionDisabled.length > 0 || loadedCustom.some((id) => !recorded.customRules.includes(id));
  return {
    options: {
      ...options,
      packs,
      parameters: { ...recorded.parameters, ...(options.parameters ?? {}) },
      severityOverrides,
      disabledRules,
    },
    configuration: {
      source: fromOptions ? 'recorded+options' : 'recorded',
      packs: unique([...packs, ...recorded.customPacks, ...customPacks]),
      parameters: { ...recorded.parameters, ...(options.parameters ?? {}) },
      severityOverrides,
      disabledRules,
      customRules: loadedCustom,
      appliesTo: [appliesTo],
    },
  };
}

/** Group configurations that are the same, listing every stack each applied to (reports show one line per group). */
export function groupConfigurations(configurations: readonly AppliedConfiguration[]): AppliedConfiguration[] {
  const groups = new Map<string, AppliedConfiguration>();
  for (const c of configurations) {
    const { appliesTo, ...rest } = c;
    const key = JSON.stringify(rest);
    const existing = groups.get(key);
    groups.set(key, existing ? { ...existing, appliesTo: unique([...existing.appliesTo, ...appliesTo]) } : c);
  }
  return [...groups.values()];
}

/** One line saying which configuration a review used, for table and markdown reports. */
export function describeConfigurations(configurations: readonly AppliedConfiguration[] | undefined): string[] {
  if (!configurations?.length) return [];
  const describe = (c: AppliedConfiguration): string => {
    const source = { 'recorded': 'recorded at synth', 'options': 'from the command line', 'recorded+options': 'recorded at synth, overridden from the command line' }[c.source];
    const parts = [`packs: ${['baseline', ...c.packs].join(', ')}`];
    const parameters = Object.keys(c.parameters);
    if (parameters.length) parts.push(`parameters: ${parameters.join(', ')}`);
    const overrides = Object.entries(c.severityOverrides);
    if (overrides.length) parts.push(`severity: ${overrides.map(([id, level]) => `${id}=${level}`).join(', ')}`);
    if (c.disabledRules.length) parts.push(`disabled: ${c.disabledRules.join(', ')}`);
    if (c.customRules.length) parts.push(`custom rules: ${c.customRules.join(', ')}`);
    return `${source} (${parts.join('; ')})`;
  };
  // Stack names come from the folder: keep control and bidi characters out of the report.
  const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  if (configurations.length === 1) return [printable(`Configuration: ${describe(configurations[0])}`)];
  return ['Configurations differ by stack:', ...configurations.map((c) => printable(`  ${c.appliesTo.join(', ')}: ${describe(c)}`))];
}

/** A synthesized stack as {@link recordedGovernanceForPlan} reads it. */
interface StackJson {
  readonly name: string;
  readonly file: string;
  readonly json: unknown;
}

/**
 * The recorded configuration that applies to a plan reviewed with `--suppressions-from <cdktf.out>`: the one every
 * stack of the folder shares, else the one of the stack whose resource addresses the plan holds most of. Throws when
 * stacks with different configurations match the plan equally well.
 */
export function recordedGovernanceForPlan(stacks: readonly StackJson[], planAddresses: readonly string[]): { recorded?: RecordedGovernance; stack?: string } {
  const recorded = stacks
    .map((s) => ({ stack: s, recorded: readRecordedGovernance(s.json, s.file) }))
    .filter((r): r is { stack: StackJson; recorded: RecordedGovernance } => r.recorded !== undefined);
  if (recorded.length === 0) return {};
  const distinct = new Set(recorded.map((r) => JSON.stringify(r.recorded)));
  if (distinct.size === 1) return { recorded: recorded[0].recorded, stack: recorded.length === 1 ? recorded[0].stack.name : undefined };
  const inPlan = new Set(planAddresses);
  const scored = recorded.map((r) => {
    const resources = ((r.stack.json as Record<string, any>)?.resource ?? {}) as Record<string, Record<string, unknown>>;
    const addresses = Object.entries(resources).flatMap(([type, byName]) => Object.keys(byName ?? {}).map((name) => `${type}.${name}`));
    return { ...r, score: addresses.filter((a) => inPlan.has(a)).length };
  });
  const best = Math.max(...scored.map((s) => s.score));
  const winners = scored.filter((s) => s.score === best);
  if (best === 0 || new Set(winners.map((w) => JSON.stringify(w.recorded))).size > 1) {
    throw new Error(`the plan matches stacks ${winners.map((w) => w.stack.name).join(', ')}, synthesized with different governance configurations; ` +
      `point --suppressions-from at the plan's own stack (e.g. cdktf.out/stacks/${winners[0].stack.name})`);
  }
  return { recorded: winners[0].recorded, stack: winners[0].stack.name };
}

/**
 * The rules a review evaluated in any of its configurations, first occurrence of an id wins (reports list them:
 * SARIF rule descriptors, JUnit suites).
 */
export function rulesOfConfigurations(configurations: readonly AppliedConfiguration[] | undefined, options: ReviewOptions): Rule[] {
  if (!configurations?.length) return selectRules(options);
  const out = new Map<string, Rule>();
  for (const c of configurations) {
    const packs = c.packs.filter((p) => (PACK_NAMES as readonly string[]).includes(p));
    for (const r of selectRules({ ...options, packs, severityOverrides: c.severityOverrides, disabledRules: c.disabledRules })) if (!out.has(r.id)) out.set(r.id, r);
  }
  return [...out.values()];
}
