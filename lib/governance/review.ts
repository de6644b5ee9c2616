import { runRules, ReviewOptions } from './engine';
import { AppliedConfiguration, Finding, ReviewResult } from './model';
import { isPlanJson, modelFromPlan, planResourceAddresses, SynthMetadata } from './normalize/plan';
import { isTerraformJson, modelFromTerraformJson } from './normalize/terraform-json';
import { evaluateContracts } from '../contracts/evaluate';
import { readSynthesizedFolder, stackDependencies, synthMetadataForPlan } from './synth-folder';
import {
  applyRecordedGovernance, groupConfigurations, readRecordedGovernance, RecordedConfigurationOptions, recordedGovernanceForPlan,
} from './recorded-configuration';

/** Options for reviewing a plan. */
export interface PlanReviewOptions extends ReviewOptions, RecordedConfigurationOptions {
  /**
   * Construct paths and suppressions by address, e.g. from {@link synthMetadataFromFolder}, or a cdktf.out folder to
   * read them from; a folder also supplies the governance configuration recorded at synth.
   */
  readonly suppressionsFrom?: SynthMetadata | string;
}

/** Options naming the input, used as the location in reports. */
export interface SourceOptions {
  /** Input file shown in reports (SARIF artifact uri). */
  readonly source?: string;
}

/**
 * Review a synthesized Terraform JSON configuration (cdk.tf.json) with the governance configuration synth recorded in
 * it, the options overriding it (see {@link RecordedConfigurationOptions}).
 */
export function reviewTerraformJson(json: unknown, options: ReviewOptions & SourceOptions & RecordedConfigurationOptions = {}): ReviewResult {
  return reviewStack(json, options, options.source ?? 'input');
}

function reviewStack(json: unknown, options: ReviewOptions & SourceOptions & RecordedConfigurationOptions, label: string): ReviewResult {
  if (!isTerraformJson(json)) throw new Error(`${options.source ?? 'input'} is not a Terraform JSON configuration (cdk.tf.json)`);
  const effective = applyRecordedGovernance(readRecordedGovernance(json, options.source ?? label), options, label);
  return withConfiguration(runRules(modelFromTerraformJson(json, options.source), effective.options), effective.configuration);
}

/**
 * Review `terraform show -json` plan output. Resources only being deleted are skipped; unknown values are never violations.
 * With `suppressionsFrom` a cdktf.out folder, the governance configuration recorded at synth applies as for the folder.
 */
export function reviewPlan(plan: unknown, options: PlanReviewOptions & SourceOptions = {}): ReviewResult {
  if (!isPlanJson(plan)) throw new Error(`${options.source ?? 'input'} is not Terraform plan JSON (terraform show -json)`);
  const folder = typeof options.suppressionsFrom === 'string' ? options.suppressionsFrom : undefined;
  const stacks = folder ? readSynthesizedFolder(folder) : undefined;
  // Suppressions come from the plan's own stack only: the same address in another stack is another resource.
  const metadata = stacks && folder ? synthMetadataForPlan(stacks, folder, planResourceAddresses(plan)) : options.suppressionsFrom as SynthMetadata | undefined;
  const model = modelFromPlan(plan, metadata, options.source);
  const { recorded, stack } = stacks ? recordedGovernanceForPlan(stacks, model.resources.map((r) => r.baseAddress)) : {};
  const effective = applyRecordedGovernance(recorded, options, stack ?? options.source ?? 'plan');
  return withConfiguration(runRules(model, effective.options), effective.configuration);
}

/** Stamp the configuration a review applied on its summary; custom pack names join the built-in ones. */
function withConfiguration(result: ReviewResult, configuration: AppliedConfiguration): ReviewResult {
  const custom = configuration.packs.filter((p) => !result.summary.packs.includes(p) && !['ml-guardrails', 'strict'].includes(p));
  return { ...result, summary: { ...result.summary, packs: [...result.summary.packs, ...custom], configurations: [configuration] } };
}

/**
 * Review every stack of a cdktf output folder and merge the results, then evaluate the platform contracts
 * recorded in the stacks (`contract-*` findings) across all of them, as synth did.
 */
export function reviewSynthesizedFolder(dir: string, options: ReviewOptions & RecordedConfigurationOptions = {}): ReviewResult {
  const stacks = readSynthesizedFolder(dir);
  const merged = mergeResults(stacks.map((s) => reviewStack(s.json, { ...options, source: s.file }, s.name)));
  const contracts = evaluateContracts(stacks, { dependencies: stackDependencies(dir) });
  if (contracts.evaluated === 0) return merged;
  const fileOf = new Map(stacks.map((s) => [s.name, s.file]));
  const located = (f: Finding): Finding => (f.stack && fileOf.has(f.stack) ? { ...f, file: fileOf.get(f.stack) } : f);
  const findings = contracts.findings.filter((f) => options.severityOverrides?.[f.ruleId] !== 'off' && !(options.disabledRules ?? []).includes(f.ruleId))
    .map((f) => {
      const override = options.severityOverrides?.[f.ruleId];
      return located(override && override !== 'off' ? { ...f, severity: override } : f);
    });
  const count = (severity: string) => findings.filter((f) => f.severity === severity).length;
  return {
    ...merged,
    findings: [...merged.findings, ...findings],
    suppressed: [...merged.suppressed, ...contracts.suppressed.map(located)],
    summary: {
      ...merged.summary,
      error: merged.summary.error + count('error'),
      warning: merged.summary.warning + count('warning'),
      info: merged.summary.info + count('info'),
      suppressed: merged.summary.suppressed + contracts.suppressed.length,
    },
  };
}

/** Merge results of several reviews (e.g. one per stack); stacks reviewed with different configurations keep one entry each. */
export function mergeResults(results: readonly ReviewResult[]): ReviewResult {
  if (results.length === 1) return results[0];
  const configurations = groupConfigurations(results.flatMap((r) => r.summary.configurations ?? []));
  // Prototype-free: keys are resource types and rule ids from the input.
  const skipped: Record<string, number> = Object.create(null);
  for (const r of results) for (const [t, n] of Object.entries(r.skippedResourceTypes)) skipped[t] = (skipped[t] ?? 0) + n;
  const unknownByRule: Record<string, number> = Object.create(null);
  for (const r of results) for (const [id, n] of Object.entries(r.summary.unknownByRule ?? {})) unknownByRule[id] = (unknownByRule[id] ?? 0) + n;
  const notes = results.flatMap((r) => r.notes ?? []);
  const sum = (k: 'error' | 'warning' | 'info' | 'suppressed' | 'resourcesReviewed' | 'resourcesSkipped'): number =>
    results.reduce((acc, r) => acc + r.summary[k], 0);
  const passed = results.some((r) => r.passed) ? results.flatMap((r) => r.passed ?? []) : undefined;
  return {
    findings: results.flatMap((r) => r.findings),
    suppressed: results.flatMap((r) => r.suppressed),
    skippedResourceTypes: skipped,
    ...(passed ? { passed } : {}),
    unknown: results.flatMap((r) => r.unknown ?? []),
    ...(notes.length ? { notes } : {}),
    summary: {
      error: sum('error'),
      warning: sum('warning'),
      info: sum('info'),
      suppressed: sum('suppressed'),
      resourcesReviewed: sum('resourcesReviewed'),
      resourcesSkipped: sum('resourcesSkipped'),
      skippedResourceTypes: skipped,
      rulesEvaluated: Math.max(0, ...results.map((r) => r.summary.rulesEvaluated)),
      packs: results.length ? [...new Set(results.flatMap((r) => r.summary.packs))] : ['baseline'],
      ...(configurations.length ? { configurations } : {}),
      unknown: results.reduce((acc, r) => acc + (r.summary.unknown ?? 0), 0),
      unknownByRule,
    },
  };
}
