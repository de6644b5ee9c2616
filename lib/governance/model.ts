import type { GovernanceParameters } from './rule';

/** How serious a finding is. `error` findings fail synth and (by default) the CLI. */
export type Severity = 'error' | 'warning' | 'info';

/** Closed set of rule categories; every rule belongs to exactly one. */
export type Category =
  | 'encryption-at-rest'
  | 'encryption-in-transit'
  | 'public-exposure'
  | 'least-privilege'
  | 'logging-audit'
  | 'data-protection'
  | 'workload-hardening'
  | 'network-isolation'
  | 'tagging-labels'
  | 'key-management'
  | 'cost-capacity'
  | 'ml-lifecycle'
  /** Platform contracts: a wire between two capabilities that would not work when applied. */
  | 'platform-wiring';

/** A recorded decision to accept one rule's finding on one resource. */
export interface Suppression {
  readonly ruleId: string;
  /** Why the finding is acceptable. Required and non-empty. */
  readonly reason: string;
  /** Last day (YYYY-MM-DD, UTC) the suppression applies; after it the finding is reported again. @default - never expires */
  readonly expires?: string;
  /**
   * Why a suppression read from the input was refused (an expiry that is not a date, a reason without visible
   * text). A refused suppression never suppresses; findings it names carry this as a note. @default - valid
   */
  readonly refused?: string;
}

/** One provider configuration (`aws`, `aws.west`, `module.x:google`). */
export interface ProviderConfig {
  readonly key: string;
  /** Provider local name: `aws`, `google`, `kubernetes`. */
  readonly name: string;
  readonly region?: string;
  readonly defaultTags?: Readonly<Record<string, string>>;
}

/** A managed Terraform resource as every input format is normalised to. */
export interface GovernedResource {
  readonly type: string;
  readonly name: string;
  /** Terraform address, module-qualified and with instance keys (`module.x.aws_s3_bucket.y[0]`). */
  readonly address: string;
  /** Address without instance keys, the form configuration references use. */
  readonly baseAddress: string;
  /** snake_case attributes as Terraform sees them; nested blocks as objects or lists. Unknown values are {@link UNKNOWN}. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Module address (`module.x`) for resources inside modules. */
  readonly module?: string;
  /** cdktf construct path from `//.metadata.path`, when known. */
  readonly constructPath?: string;
  /** Provider configuration key (`aws`, `aws.west`). */
  readonly provider?: string;
  /** `lifecycle` meta-argument when the input carries it (cdk.tf.json only). */
  readonly lifecycle?: Readonly<Record<string, unknown>>;
  /**
   * Whether the resource exists depends on a `count`/`for_each` unknown until apply (cdk.tf.json only): it is
   * reviewed as one instance, and as a companion it makes the resource it configures unknown, not compliant.
   * @default false
   */
  readonly conditional?: boolean;
  /**
   * What a plan does to the resource, from `resource_changes[].change.actions` (`['update']`, `['delete', 'create']`).
   * Plan reviews only: a configuration has no actions. @default - not a plan, or the resource is not in resource_changes
   */
  readonly plannedActions?: readonly string[];
  /** Attributes whose change forces a replacement (`change.replace_paths`, dotted), plan reviews only. @default - none */
  readonly replacePaths?: readonly string[];
  readonly suppressions: readonly Suppression[];
}

/** A reference from one resource's attribute to another resource. */
export interface ResourceReference {
  readonly from: GovernedResource;
  readonly to: GovernedResource;
  /** Top-level attribute or block name on `from` that holds the reference. */
  readonly attribute: string;
  /** Whether the value is exactly this reference (`bucket = aws_s3_bucket.b.id`), not an expression that mentions it. @default false */
  readonly direct?: boolean;
  /** Whether the reference names this instance (`b[0]`, `b[count.index]` in instance 0, a resource without count). @default false */
  readonly exact?: boolean;
}

/** The normalised input: resources, providers and the reference index built once. */
export interface GovernanceModel {
  readonly resources: readonly GovernedResource[];
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  /** Incoming references keyed by the referenced resource's address. */
  readonly referencedBy: ReadonlyMap<string, readonly ResourceReference[]>;
  /** Outgoing references keyed by the referencing resource's address. */
  readonly references: ReadonlyMap<string, readonly ResourceReference[]>;
  /** Input file or folder, used as the location in reports. */
  readonly source?: string;
  /**
   * What the model was read from: a configuration (cdk.tf.json, which carries `lifecycle`) or a plan (which does not).
   * @default - unknown (a model built by hand)
   */
  readonly input?: 'configuration' | 'plan';
  /** What normalisation did with parts of the input it does not review (plan deletes, data sources), one line each. */
  readonly notes?: readonly string[];
  /**
   * Resources a plan only deletes (or forgets), with their prior values and {@link GovernedResource.plannedActions}. They
   * are not in `resources` (nothing reviews what will be gone, and they protect nothing as companions); only rules with
   * `reviewsDeletions` see them. @default - none
   */
  readonly deletions?: readonly GovernedResource[];
}

/** One rule violation on one resource. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly address: string;
  readonly resourceType: string;
  readonly message: string;
  readonly remediation: string;
  readonly constructPath?: string;
  /** Set when the finding is suppressed: the reason given. */
  readonly suppressed?: { readonly reason: string; readonly expires?: string };
  /** Extra context, e.g. that a suppression expired. */
  readonly note?: string;
  /** Input file the resource came from, when known (set by folder and file reviews). */
  readonly file?: string;
  /** Stack the resource is in, when the review spans stacks (platform contracts). */
  readonly stack?: string;
}

/** A rule that was evaluated on a resource and found nothing (recorded only on request, for JUnit). */
export interface PassedCheck {
  readonly ruleId: string;
  readonly address: string;
  readonly file?: string;
}

/** Result of a review, whatever the input format. */
export interface ReviewResult {
  /** Findings that are not suppressed, sorted by address then rule id. */
  readonly findings: readonly Finding[];
  /** Findings that an unexpired suppression covers. */
  readonly suppressed: readonly Finding[];
  readonly summary: ReviewSummary;
  /** Resource types no enabled rule applies to, with counts. */
  readonly skippedResourceTypes: Readonly<Record<string, number>>;
  /** Rule × resource pairs without findings; present only when `recordPasses` was requested. */
  readonly passed?: readonly PassedCheck[];
  /**
   * Rule × resource pairs the rule could not decide because a value it read is unknown until apply
   * (a reference, a variable without default). Not findings, not passes. @default - none
   */
  readonly unknown?: readonly UnknownEvaluation[];
  /** What the review did with parts of the input it does not review (plan deletes, data sources), one line each. @default - none */
  readonly notes?: readonly string[];
}

/** A rule that met a value unknown until apply on a resource and could not decide. */
export interface UnknownEvaluation {
  readonly ruleId: string;
  readonly address: string;
  readonly file?: string;
}

/** Counts for a review. */
export interface ReviewSummary {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly suppressed: number;
  readonly resourcesReviewed: number;
  readonly resourcesSkipped: number;
  readonly skippedResourceTypes: Readonly<Record<string, number>>;
  readonly rulesEvaluated: number;
  readonly packs: readonly string[];
  /** Rule × resource evaluations left undecided by values unknown until apply (see {@link ReviewResult.unknown}). @default 0 */
  readonly unknown?: number;
  /** The same, per rule id. @default - none */
  readonly unknownByRule?: Readonly<Record<string, number>>;
  /**
   * The governance configuration(s) the review applied: one entry, or one per group of stacks when the stacks of a
   * folder were synthesized with different configurations. Absent when the review was run on a model directly.
   */
  readonly configurations?: readonly AppliedConfiguration[];
}

/** Which governance configuration a review applied, and where it came from. */
export interface AppliedConfiguration {
  /**
   * `recorded`: what synth recorded in the stack (`//.ml_platform.governance`); `options`: the review's options only
   * (command-line flags), nothing was recorded or it was ignored; `recorded+options`: the recorded configuration with
   * the options overriding it.
   */
  readonly source: 'recorded' | 'options' | 'recorded+options';
  /** Built-in packs besides baseline, and custom packs. */
  readonly packs: readonly string[];
  readonly parameters: GovernanceParameters;
  readonly severityOverrides: Readonly<Record<string, Severity | 'off'>>;
  readonly disabledRules: readonly string[];
  /** Ids of the custom rules evaluated. */
  readonly customRules: readonly string[];
  /** Stack names (folder reviews) or the input file the configuration applied to. */
  readonly appliesTo: readonly string[];
}
