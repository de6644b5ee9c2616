import { runRules, ReviewOptions } from './engine';
import { ReviewResult } from './model';
import { isPlanJson, modelFromPlan, SynthMetadata } from './normalize/plan';
import { isTerraformJson, modelFromTerraformJson } from './normalize/terraform-json';
import { readSynthesizedFolder, synthMetadataFromFolder } from './synth-folder';

/** Options for reviewing a plan. */
export interface PlanReviewOptions extends ReviewOptions {
  /** Construct paths and suppressions by address, e.g. from {@link synthMetadataFromFolder}, or a cdktf.out folder to read them from. */
  readonly suppressionsFrom?: SynthMetadata | string;
}

/** Options naming the input, used as the location in reports. */
export interface SourceOptions {
  /** Input file shown in reports (SARIF artifact uri). */
  readonly source?: string;
}

/** Review a synthesized Terraform JSON configuration (cdk.tf.json). */
export function reviewTerraformJson(json: unknown, options: ReviewOptions & SourceOptions = {}): ReviewResult {
  if (!isTerraformJson(json)) throw new Error(`${options.source ?? 'input'} is not a Terraform JSON configuration (cdk.tf.json)`);
  return runRules(modelFromTerraformJson(json, options.source), options);
}

/** Review `terraform show -json` plan output. Resources only being deleted are skipped; unknown values are never violations. */
export function reviewPlan(plan: unknown, options: PlanReviewOptions & SourceOptions = {}): ReviewResult {
  if (!isPlanJson(plan)) throw new Error(`${options.source ?? 'input'} is not Terraform plan JSON (terraform show -json)`);
  const metadata = typeof options.suppressionsFrom === 'string' ? synthMetadataFromFolder(options.suppressionsFrom) : options.suppressionsFrom;
  return runRules(modelFromPlan(plan, metadata, options.source), options);
}

/** Review every stack of a cdktf output folder and merge the results. */
export function reviewSynthesizedFolder(dir: string, options: ReviewOptions = {}): ReviewResult {
  return mergeResults(readSynthesizedFolder(dir).map((s) => reviewTerraformJson(s.json, { ...options, source: s.file })));
}

/** Merge results of several reviews (e.g. one per stack). */
export function mergeResults(results: readonly ReviewResult[]): ReviewResult {
  if (results.length === 1) return results[0];
  const skipped: Record<string, number> = {};
  for (const r of results) for (const [t, n] of Object.entries(r.skippedResourceTypes)) skipped[t] = (skipped[t] ?? 0) + n;
  const sum = (k: 'error' | 'warning' | 'info' | 'suppressed' | 'resourcesReviewed' | 'resourcesSkipped'): number =>
    results.reduce((acc, r) => acc + r.summary[k], 0);
  const passed = results.some((r) => r.passed) ? results.flatMap((r) => r.passed ?? []) : undefined;
  return {
    findings: results.flatMap((r) => r.findings),
    suppressed: results.flatMap((r) => r.suppressed),
    skippedResourceTypes: skipped,
    ...(passed ? { passed } : {}),
    summary: {
      error: sum('error'),
      warning: sum('warning'),
      info: sum('info'),
      suppressed: sum('suppressed'),
      resourcesReviewed: sum('resourcesReviewed'),
      resourcesSkipped: sum('resourcesSkipped'),
      skippedResourceTypes: skipped,
      rulesEvaluated: results[0]?.summary.rulesEvaluated ?? 0,
      packs: results[0]?.summary.packs ?? ['baseline'],
    },
  };
}
