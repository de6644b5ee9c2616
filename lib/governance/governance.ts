import { Annotations, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { runRules, ReviewOptions, selectRules } from './engine';
import { ReviewResult, Severity } from './model';
import { modelFromTerraformJson } from './normalize/terraform-json';
import { PACK_NAMES } from './packs';
import { formatFinding } from './reports/format';
import { GovernanceParameters, PackName } from './rule';
import { suppress, SuppressionOptions } from './suppressions';

/** Settings for {@link Governance.configure}; each call merges into the previous ones. */
export interface GovernanceConfiguration {
  readonly parameters?: GovernanceParameters;
  /** Change a rule's severity, or `'off'` to disable it. */
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
  /** Rule ids to disable. */
  readonly disabledRules?: readonly string[];
}

const GOVERNANCE = Symbol.for('cdktf-ml-platform.governance');

/**
 * Policy checks at synth time. `Governance.of(stack)` attaches a validation to the stack that
 * resolves the stack's Terraform JSON and runs the same engine as `ml-platform review`:
 * error findings fail synth with the same text the CLI prints; warnings and info become
 * annotations on the construct that made the resource.
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
   */
  public static suppress(resource: IConstruct, ruleId: string, options: SuppressionOptions): void {
    suppress(resource, ruleId, options);
  }

  private readonly packs = new Set<PackName>();
  private parameters: GovernanceParameters = {};
  private severityOverrides: Record<string, Severity | 'off'> = {};
  private disabledRules: string[] = [];
  /** Annotations already added, so repeated validation runs (Testing.synth then app.synth) do not duplicate them. */
  private readonly annotated = new Set<string>();

  private constructor(private readonly stack: TerraformStack) {
    stack.node.addValidation({ validate: () => this.validate() });
  }

  /** Enable an opt-in pack (`ml-guardrails`, `strict`); `baseline` is always on. */
  public addPack(name: PackName): this {
    if (!PACK_NAMES.includes(name)) throw new Error(`${this.stack.node.path}: unknown governance pack '${name}'; use one of ${PACK_NAMES.join(', ')}`);
    this.packs.add(name);
    return this;
  }

  /** Set rule parameters, severity overrides and disabled rules (merged with earlier calls). */
  public configure(configuration: GovernanceConfiguration): this {
    this.parameters = { ...this.parameters, ...(configuration.parameters ?? {}) };
    this.severityOverrides = { ...this.severityOverrides, ...(configuration.severityOverrides ?? {}) };
    this.disabledRules = [...this.disabledRules, ...(configuration.disabledRules ?? [])];
    // Fail fast on unknown rule ids rather than at synth.
    selectRules(this.options());
    return this;
  }

  /** The options this governance reviews with (also usable with reviewTerraformJson / reviewPlan). */
  public options(): ReviewOptions {
    return {
      packs: [...this.packs],
      parameters: this.parameters,
      severityOverrides: this.severityOverrides,
      disabledRules: this.disabledRules,
    };
  }

  /** Review the stack now, from its resolved Terraform JSON. */
  public review(): ReviewResult {
    const json = this.stack.toTerraform();
    return runRules(modelFromTerraformJson(json), this.options());
  }

  private validate(): string[] {
    const result = this.review();
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
    return result.findings.filter((f) => f.severity === 'error').map(formatFinding);
  }
}
