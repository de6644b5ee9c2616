import { Annotations, TerraformElement, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { checkStackContracts } from '../contracts/contracts';
import { checkCustomPack, checkCustomRules, RESERVED_RULE_PREFIXES } from './custom-rules';
import { runRules, ReviewOptions } from './engine';
import { ReviewResult, Severity } from './model';
import { METADATA_KEY, modelFromTerraformJson } from './normalize/terraform-json';
import { PACK_NAMES } from './packs';
import { GOVERNANCE_METADATA_KEY, RecordedGovernance } from './recorded-configuration';
import { formatFinding } from './reports/format';
import { GovernanceParameters, PackName, Rule, RulePack } from './rule';
import { ALL_RULES } from './rules';
import { createSuppression, suppress, SuppressionOptions } from './suppressions';
import { ALLOWED_DELETIONS_KEY, AllowedDeletion, DELETION_RULE_ID, checkDeletionAddress } from './support/allowed-deletions';

/** Settings for {@link Governance.configure}; each call merges into the previous ones. */
export interface GovernanceConfiguration {
  readonly parameters?: GovernanceParameters;
  /** Change a rule's severity, or `'off'` to disable it. */
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
  /** Rule ids to disable. */
  readonly disabledRules?: readonly string[];
}

const GOVERNANCE = Symbol.for('cdktf-ml-platform.governance');
const RECORD_ID = 'ml-platform-governance';

/**
 * Writes the stack's effective governance configuration under `//.ml_platform.governance` in its cdk.tf.json, so
 * `ml-platform review cdktf.out` (and a plan review with `--suppressions-from`) applies what synth applied. It
 * merges with the contracts recorded under `//.ml_platform.contracts` (cdktf deep-merges every element's JSON).
 */
class GovernanceRecord extends TerraformElement {
  constructor(stack: TerraformStack, private readonly record: () => RecordedGovernance, private readonly deletions: () => AllowedDeletion[]) {
    super(stack, RECORD_ID);
  }

  public toTerraform(): Record<string, unknown> {
    const deletions = this.deletions();
    return { '//': { [METADATA_KEY]: { [GOVERNANCE_METADATA_KEY]: this.record(), ...(deletions.length ? { [ALLOWED_DELETIONS_KEY]: deletions } : {}) } } };
  }
}

/**
 * Policy checks at synth time. `Governance.of(stack)` attaches a validation to the stack that
 * resolves the stack's Terraform JSON and runs the same engine as `ml-platform review`:
 * error findings fail synth with the same text the CLI prints; warnings and info become
 * annotations on the construct that made the resource. The configuration (packs, parameters,
 * severity overrides, custom rules) is recorded in the synthesized JSON and reviews apply it.
 */
export class Governance {
  /** The governance of the stack containing `scope`; attaches it on first use. */
  public static of(scope: IConstruct): Governance {
    const stack = TerraformStack.of(scope);
    const existing = (stack as unknown as Record<symbol, Governance | undefined>)[GOVERNANCE];
    if (existing) return existing;
    const governance = new Governance(stack);
    (stack as unknown as Record<symbol, Governance>)[GOVERNANCE] = governance;
    return governance;
  }

  /**
   * Accept one rule's finding on one Terraform resource, with a reason (required) and an optional
   * expiry date (YYYY-MM-DD). Recorded in the synthesized JSON under `//.ml_platform.suppressions`.
   * A custom rule may be suppressed before it is registered; synth reports the id if it never is.
   */
  public static suppress(resource: IConstruct, ruleId: string, options: SuppressionOptions): void {
    suppress(resource, ruleId, options);
  }

  private readonly packs = new Set<PackName>();
  private readonly customRules: Rule[] = [];
  private readonly customPacks: string[] = [];
  private parameters: GovernanceParameters = {};
  private severityOverrides: Record<string, Severity | 'off'> = {};
  private disabledRules: string[] = [];
  private readonly allowedDeletions: AllowedDeletion[] = [];
  /** Annotations already added, so repeated validation runs (Testing.synth then app.synth) do not duplicate them. */
  private readonly annotated = new Set<string>();

  private constructor(private readonly stack: TerraformStack) {
    stack.node.addValidation({ validate: () => this.validate() });
    new GovernanceRecord(stack, () => this.recorded(), () => [...this.allowedDeletions].sort((a, b) => a.address.localeCompare(b.address)));
  }

  /**
   * Accept that a plan deletes (or replaces) the resource at `address` of this stack, which holds data, with a reason
   * (required) and an optional expiry date. For a resource whose construct was removed from the code, where no
   * resource is left to carry a suppression: the address is the one the plan names (`aws_s3_bucket.old_bucket_1A2B3C4D`).
   * Recorded under `//.ml_platform.allowedDeletions`; `ml-platform review plan.json --suppressions-from cdktf.out`
   * suppresses `plan-stateful-resource-destroyed` for it. Remove the entry once the deletion is applied.
   */
  public allowDeletion(address: string, options: SuppressionOptions): this {
    const where = `${this.stack.node.path}: allowDeletion`;
    checkDeletionAddress(address, where);
    const suppression = createSuppression(DELETION_RULE_ID, options, `${where}('${address}')`);
    if (this.allowedDeletions.some((d) => d.address === address)) throw new Error(`${where}: '${address}' is allowed already; give each address once`);
    this.allowedDeletions.push({ address, reason: suppression.reason, ...(suppression.expires ? { expires: suppression.expires } : {}) });
    return this;
  }

  /**
   * Enable a built-in opt-in pack (`ml-guardrails`, `strict`; `baseline` is always on), or register a custom pack
   * made with `definePack` (every rule of it is checked, like cdk-nag's `NagPack`).
   */
  public addPack(pack: PackName | RulePack): this {
    if (typeof pack !== 'string') {
      // Adding a pack twice is a no-op, as for built-in packs.
      if (this.customPacks.includes(pack?.name)) return this;
      const custom = checkCustomPack(pack, `${this.stack.node.path}: addPack`, this.customRules);
      this.customRules.push(...custom.rules);
      this.customPacks.push(custom.name);
      return this;
    }
    if (!PACK_NAMES.includes(pack)) throw new Error(`${this.stack.node.path}: unknown governance pack '${pack}'; use one of ${PACK_NAMES.join(', ')}, or a custom pack made with definePack`);
    this.packs.add(pack);
    return this;
  }

  /**
   * Register custom rules made with `defineRule`. They produce findings in the same format as the built-in rules,
   * honour suppressions and severity overrides, and are recorded by id in the synthesized JSON (a review of the
   * output loads them with `ml-platform review --rules <module>`).
   */
  public addRules(rules: readonly Rule[]): this {
    this.customRules.push(...checkCustomRules(rules, `${this.stack.node.path}: addRules`, this.customRules));
    return this;
  }

  /** Set rule parameters, severity overrides and disabled rules (merged with earlier calls). */
  public configure(configuration: GovernanceConfiguration): this {
    this.parameters = { ...this.parameters, ...(configuration.parameters ?? {}) };
    this.severityOverrides = { ...this.severityOverrides, ...(configuration.severityOverrides ?? {}) };
    this.disabledRules = [...this.disabledRules, ...(configuration.disabledRules ?? [])];
    // Fail fast on a typo of a built-in rule id; a custom rule may be registered later, so its id is checked at synth.
    const known = new Set(this.catalogue().map((r) => r.id));
    for (const id of [...Object.keys(this.severityOverrides), ...this.disabledRules]) {
      if (!known.has(id) && RESERVED_RULE_PREFIXES.some((p) => id.startsWith(p))) {
        throw new Error(`${this.stack.node.path}: unknown rule id '${id}' in severity overrides or disabled rules; use an id from the README's rule table`);
      }
    }
    return this;
  }

  /** The options this governance reviews with (also usable with reviewTerraformJson / reviewPlan). */
  public options(): ReviewOptions {
    const known = new Set(this.catalogue().map((r) => r.id));
    return {
      packs: [...this.packs],
      parameters: this.parameters,
      // Ids not registered (yet) are reported by the synth validation instead of failing the review.
      severityOverrides: Object.fromEntries(Object.entries(this.severityOverrides).filter(([id]) => known.has(id))),
      disabledRules: this.disabledRules.filter((id) => known.has(id)),
      ...(this.customRules.length ? { rules: this.catalogue() } : {}),
    };
  }

  /** Review the stack now, from its resolved Terraform JSON. */
  public review(): ReviewResult {
    const json = this.stack.toTerraform();
    return runRules(modelFromTerraformJson(json), this.options());
  }

  private catalogue(): Rule[] {
    return [...ALL_RULES, ...this.customRules];
  }

  /** What the synthesized JSON records: enough for a review of the output to apply the same rules. */
  private recorded(): RecordedGovernance {
    return {
      packs: [...this.packs],
      parameters: this.parameters,
      severityOverrides: this.severityOverrides,
      disabledRules: this.disabledRules,
      customRules: this.customRules.map((r) => r.id),
      customPacks: this.customPacks,
    };
  }

  /** Rule ids named in overrides, disabled rules or suppressions that neither the catalogue nor a custom rule defines. */
  private unknownRuleIds(suppressed: readonly string[]): string[] {
    const known = new Set(this.catalogue().map((r) => r.id));
    const named = [...Object.keys(this.severityOverrides), ...this.disabledRules, ...suppressed];
    // Contract findings (`contract-*`) come from the platform contracts, not from rules.
    return [...new Set(named.filter((id) => !known.has(id) && !id.startsWith('contract-')))];
  }

  private validate(): string[] {
    const json = this.stack.toTerraform();
    const model = modelFromTerraformJson(json);
    const result = runRules(model, this.options());
    const byPath = new Map<string, IConstruct>();
    for (const c of this.stack.node.findAll()) byPath.set(c.node.path, c);
    for (const f of result.findings) {
      if (f.severity === 'error') continue;
      const target = (f.constructPath && byPath.get(f.constructPath)) || this.stack;
      const text = formatFinding(f);
      const key = `${target.node.path}\u0000${text}`;
      if (this.annotated.has(key)) continue;
      this.annotated.add(key);
      if (f.severity === 'warning') Annotations.of(target).addWarning(text);
      else Annotations.of(target).addInfo(text);
    }
    const unknown = this.unknownRuleIds(model.resources.flatMap((r) => r.suppressions.map((s) => s.ruleId)))
      .map((id) => `${this.stack.node.path}: governance names rule '${id}', which is not registered; register it with ` +
        'Governance.of(stack).addRules([...]) or addPack(customPack), or correct the id');
    return [...unknown, ...result.findings.filter((f) => f.severity === 'error').map(formatFinding), ...checkStackContracts(this.stack, json)];
  }
}
