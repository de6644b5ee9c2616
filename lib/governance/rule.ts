import { Category, GovernanceModel, GovernedResource, ProviderConfig, Severity } from './model';

/** Names of the rule packs shipped with the library. */
export type PackName = 'baseline' | 'ml-guardrails' | 'strict';

/** Parameters rules read. Every one is optional; a rule whose parameter is missing does nothing. */
export interface GovernanceParameters {
  /** Regions/locations any data store, replica, backup or key may live in (case-insensitive). @default - no restriction */
  readonly allowedRegions?: readonly string[];
  /** Per data classification (value of the `data-classification` tag/label), the allowed regions. Overrides `allowedRegions` for that class. @default - none */
  readonly allowedRegionsByClassification?: Readonly<Record<string, readonly string[]>>;
  /**
   * Image registry prefixes every image may come from (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/`): serving images
   * (ml-serving-image-approved-registry) and every other workload image (ml-image-approved-registry). @default - any registry
   */
  readonly approvedRegistries?: readonly string[];
  /** Most accelerators (GPUs/TPU chips) one node pool may scale to. @default - no budget */
  readonly maxAcceleratorsPerPool?: number;
  /** Most accelerators all node pools of one cluster may scale to. @default - no budget */
  readonly maxAcceleratorsPerCluster?: number;
  /** Most accelerators one namespace's ResourceQuota may grant. @default - no budget */
  readonly maxAcceleratorsPerNamespace?: number;
  /** Tags/labels every taggable resource must carry. @default ['owner', 'cost-center', 'environment', 'data-classification'] */
  readonly requiredTags?: readonly string[];
}

/** What a rule can look up besides the resource it is checking. */
export interface RuleContext {
  readonly model: GovernanceModel;
  readonly parameters: GovernanceParameters;
  /** Resources whose attribute (optionally only `attribute`) references `resource`, optionally only of the given types. */
  referencing(resource: GovernedResource, types?: readonly string[], attribute?: string): GovernedResource[];
  /** Resources that `resource` references from `attribute` (optionally only of the given types). */
  referencedFrom(resource: GovernedResource, attribute: string, types?: readonly string[]): GovernedResource[];
  /** The provider configuration the resource uses. */
  provider(resource: GovernedResource): ProviderConfig | undefined;
  /** Effective tags/labels: AWS provider default_tags merged under resource tags; GCP labels; Kubernetes metadata.labels. */
  tags(resource: GovernedResource): Record<string, string>;
  /** Resources of the given types, from an index built once. */
  resourcesOfType(...types: string[]): readonly GovernedResource[];
}

/**
 * A governance rule: a pure function over one resource. It returns the violation messages;
 * the engine turns each into a Finding stamped with the rule's id, severity, category and the
 * resource's address, so a rule cannot mislabel its own findings.
 */
export interface Rule {
  /** Stable id, `<provider>-<what-it-asserts>`; used in suppressions and reports. */
  readonly id: string;
  readonly severity: Severity;
  readonly category: Category;
  /** One sentence: what a compliant resource looks like. */
  readonly description: string;
  /** What to change to comply. */
  readonly remediation: string;
  /** Corresponding CIS / Checkov / Trivy (AVD) ids, best-effort. */
  readonly references: readonly string[];
  /** Terraform resource types the rule checks. */
  readonly appliesTo: readonly string[];
  /** Companion resource types the rule reads through references (counted as reviewed, not skipped). */
  readonly companions?: readonly string[];
  /** Packs the rule belongs to. `strict` always includes `baseline`. */
  readonly packs: readonly PackName[];
  /**
   * Whether the rule is also evaluated on the resources a plan only deletes ({@link GovernanceModel.deletions}), with
   * their prior values. Every other rule never sees them. @default false
   */
  readonly reviewsDeletions?: boolean;
  /** Return one message per violation; [] when compliant or when a value it needs is unknown. */
  evaluate(resource: GovernedResource, context: RuleContext): readonly string[];
}

/** A rule as written by its author: references default to none and packs to `baseline` (on whenever the rule is registered). */
export type RuleDefinition = Omit<Rule, 'references' | 'packs'> & {
  readonly references?: readonly string[];
  readonly packs?: readonly PackName[];
};

/**
 * Types a rule literal. Built-in rules and custom rules (registered with `Governance.of(stack).addRules`, or loaded by
 * `ml-platform review --rules`) are written the same way; a custom rule that names no pack is on whenever it is registered.
 */
export function defineRule(rule: RuleDefinition): Rule {
  return { ...rule, references: rule.references ?? [], packs: rule.packs ?? ['baseline'] };
}

/**
 * A named set of custom rules, the way cdk-nag groups rules in a NagPack: `Governance.of(stack).addPack(pack)` registers
 * every rule of it; `ml-platform review --rules ./pack.js` loads it from a module.
 */
export interface RulePack {
  /** Shown in reports next to the built-in packs; not one of `baseline`, `ml-guardrails`, `strict`. */
  readonly name: string;
  /** What the pack asserts, in one sentence. @default - none */
  readonly description?: string;
  readonly rules: readonly Rule[];
}

/** Types a custom pack literal. */
export function definePack(pack: RulePack): RulePack {
  return pack;
}
