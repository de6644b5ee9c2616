import { Validator } from '../core/errors';

/** The MLflow alias the register step sets; the pipeline never touches any other alias or stage. */
export const CHALLENGER_ALIAS = 'challenger';

/** Which way a metric must go to pass its gate. */
export enum GateDirection {
  /** The candidate's value must be at least the threshold (accuracy, AUC, F1). */
  AT_LEAST = 'at-least',
  /** The candidate's value must be at most the threshold (loss, error, latency, fairness differences). */
  AT_MOST = 'at-most',
}

/**
 * Group fairness metrics as Fairlearn computes them (`fairlearn.metrics`): each is a difference between
 * the best- and worst-treated groups of one sensitive feature, 0 when every group is treated alike.
 */
export enum FairnessMetric {
  /** `demographic_parity_difference`: the spread of selection rates across groups. */
  DEMOGRAPHIC_PARITY_DIFFERENCE = 'demographic_parity_difference',
  /** `equalized_odds_difference`: the larger of the true- and false-positive-rate spreads across groups. */
  EQUALIZED_ODDS_DIFFERENCE = 'equalized_odds_difference',
  /** `equal_opportunity_difference`: the spread of true-positive rates across groups. */
  EQUAL_OPPORTUNITY_DIFFERENCE = 'equal_opportunity_difference',
}

/** A metric name as the evaluation image writes it: letters, digits, `_`, `.`, `-`. */
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

/**
 * An MLflow alias: MLflow's `_validate_model_alias_name` (mlflow/utils/validation.py) accepts `^[\w\-]*$` up to
 * 255 characters and reserves `latest` (any case) and version aliases `v<digits>`.
 */
const ALIAS = /^[A-Za-z0-9_-]{1,255}$/;

/** The MLflow alias a {@link EvaluationGate.beatsChampion} gate compares with unless told otherwise. */
export const CHAMPION_ALIAS = 'champion';

/** Options of {@link EvaluationGate.beatsChampion}. */
export interface BeatsChampionOptions {
  /** Which way is better: `AT_LEAST` for AUC or accuracy (higher wins), `AT_MOST` for loss or error (lower wins). */
  readonly direction: GateDirection;
  /**
   * How much better than the champion the candidate must be, in the metric's own units (`0.01` AUC):
   * `candidate >= champion + minImprovement` (AT_LEAST) or `candidate <= champion - minImprovement` (AT_MOST).
   * @default 0: at least as good as the champion
   */
  readonly minImprovement?: number;
  /**
   * The MLflow alias that names the current champion version. Whoever promotes sets it
   * (`MlflowClient().set_registered_model_alias(model, "champion", version)`); the pipeline itself only ever sets
   * `challenger`. @default CHAMPION_ALIAS ('champion')
   */
  readonly alias?: string;
}

/**
 * One condition a candidate model must meet before it is registered. The evaluation image writes
 * `metrics.json`; the gate step (a generated Python script) checks every gate and exits non-zero when one fails,
 * which fails the run before the register step.
 *
 * ```ts
 * EvaluationGate.metricAtLeast('auc', 0.85)
 * EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1)
 * EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST })
 * ```
 */
export abstract class EvaluationGate {
  /** The metric must be at least `threshold`. */
  public static metricAtLeast(metric: string, threshold: number): EvaluationGate {
    return new MetricGate(metric, GateDirection.AT_LEAST, threshold);
  }

  /** The metric must be at most `threshold`. */
  public static metricAtMost(metric: string, threshold: number): EvaluationGate {
    return new MetricGate(metric, GateDirection.AT_MOST, threshold);
  }

  /**
   * A Fairlearn group-fairness difference, computed over the groups of one sensitive feature, must be at
   * most `maxDifference` (between 0 and 1).
   */
  public static fairness(metric: FairnessMetric, sensitiveFeature: string, maxDifference: number): EvaluationGate {
    return new FairnessGate(metric, maxDifference, sensitiveFeature);
  }

  /**
   * The candidate must beat the current champion on `metric`: the value in `metrics.json` against the same metric
   * of the champion version's MLflow run (the version the `alias` names), by at least `minImprovement`. With no
   * champion yet (the first run, or the alias not set) the gate passes and the step log says so. A champion whose
   * run has no such metric fails the gate: nothing proves the candidate is better. Argo (MLflow) only:
   * `SageMakerRetrainingPipeline` refuses it.
   *
   * ```ts
   * EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: 0.005 })
   * ```
   */
  public static beatsChampion(metric: string, options: BeatsChampionOptions): EvaluationGate {
    return new ChampionGate(metric, options?.direction, options?.minImprovement ?? 0, options?.alias ?? CHAMPION_ALIAS);
  }

  protected constructor(
    public readonly metric: string,
    public readonly direction: GateDirection,
    /** The threshold; for a {@link beatsChampion} gate, the minimum improvement over the champion. */
    public readonly threshold: number,
    /** The sensitive feature of a {@link fairness} gate. @default - none (other gates) */
    public readonly sensitiveFeature?: string,
    /** The MLflow alias of the champion a {@link beatsChampion} gate compares with. @default - none (other gates) */
    public readonly alias?: string,
  ) {}

  /**
   * Where the candidate's value is in `metrics.json`, as a dotted path: `metrics.<metric>`, or
   * `fairness.<sensitive feature>.<metric>` for a fairness gate.
   */
  public abstract get valuePath(): string;

  /** Whether the gate compares with the champion's value (read from MLflow) rather than a fixed threshold. */
  public get comparesWithChampion(): boolean {
    return false;
  }

  /** Adds every problem with the gate's fields to `v`, naming `prop` (`evaluation.gates[0]`). */
  public abstract validate(v: Validator, prop: string): void;

  /** The gate as the gate script reads it (its `kind` tells the script which check to run). */
  public abstract toJson(): Record<string, unknown>;

  /** `auc >= 0.85`, `fairness[sex].demographic_parity_difference <= 0.1`, `auc >= champion + 0.005`. */
  public toString(): string {
    return `${this.describe()} ${this.direction === GateDirection.AT_LEAST ? '>=' : '<='} ${this.threshold}`;
  }

  /** The left-hand side of {@link toString}. */
  protected describe(): string {
    return this.metric;
  }
}

/** `metrics.<name>` against a fixed threshold. */
class MetricGate extends EvaluationGate {
  public get valuePath(): string {
    return `metrics.${this.metric}`;
  }

  public validate(v: Validator, prop: string): void {
    v.matches(`${prop}.metric`, this.metric, METRIC_NAME, 'must be a metric name of letters, digits, "_", "." and "-", as metrics.json names it');
    checkThreshold(v, prop, this.threshold);
  }

  public toJson(): Record<string, unknown> {
    return { kind: 'metric', metric: this.metric, direction: this.direction, threshold: this.threshold };
  }
}

/** `fairness.<feature>.<metric>`, at most a difference of rates. */
class FairnessGate extends EvaluationGate {
  constructor(metric: FairnessMetric, maxDifference: number, sensitiveFeature: string) {
    super(metric, GateDirection.AT_MOST, maxDifference, sensitiveFeature);
  }

  public get valuePath(): string {
    return `fairness.${this.sensitiveFeature}.${this.metric}`;
  }

  public validate(v: Validator, prop: string): void {
    v.check(Object.values(FairnessMetric).includes(this.metric as FairnessMetric), `${prop}.metric`, this.metric,
      `must be one of ${Object.values(FairnessMetric).join(', ')}`);
    v.matches(`${prop}.sensitiveFeature`, this.sensitiveFeature, METRIC_NAME, 'must be a column name of letters, digits, "_", "." and "-"');
    v.check(this.threshold >= 0 && this.threshold <= 1, `${prop}.maxDifference`, this.threshold, 'must be from 0 to 1 (a difference of rates)');
    checkThreshold(v, prop, this.threshold);
  }

  public toJson(): Record<string, unknown> {
    return { kind: 'fairness', metric: this.metric, direction: this.direction, threshold: this.threshold, sensitive_feature: this.sensitiveFeature };
  }

  protected describe(): string {
    return `fairness[${this.sensitiveFeature}].${this.metric}`;
  }
}

/** `metrics.<name>` against the champion's value of it, plus or minus the minimum improvement. */
class ChampionGate extends EvaluationGate {
  constructor(metric: string, direction: GateDirection, minImprovement: number, alias: string) {
    super(metric, direction, minImprovement, undefined, alias);
  }

  public get valuePath(): string {
    return `metrics.${this.metric}`;
  }

  public get comparesWithChampion(): boolean {
    return true;
  }

  public validate(v: Validator, prop: string): void {
    v.matches(`${prop}.metric`, this.metric, METRIC_NAME, 'must be a metric name of letters, digits, "_", "." and "-", as metrics.json and the champion\'s MLflow run name it');
    v.check(Object.values(GateDirection).includes(this.direction), `${prop}.direction`, this.direction,
      'must be GateDirection.AT_LEAST (higher is better, e.g. AUC) or GateDirection.AT_MOST (lower is better, e.g. log loss)');
    v.check(typeof this.threshold === 'number' && Number.isFinite(this.threshold) && this.threshold >= 0, `${prop}.minImprovement`, this.threshold,
      'must be a finite number of at least 0, in the metric\'s units (e.g. 0.005 AUC)');
    if (v.matches(`${prop}.alias`, this.alias, ALIAS, 'must be an MLflow alias of letters, digits, "_" and "-" (at most 255)')) {
      v.check(this.alias!.toLowerCase() !== 'latest' && !/^v\d+$/i.test(this.alias!), `${prop}.alias`, this.alias,
        'is reserved by MLflow ("latest" and v<number> name versions); use e.g. "champion"');
      v.check(this.alias !== CHALLENGER_ALIAS, `${prop}.alias`, this.alias,
        'is the alias the pipeline gives its own candidates; name the alias of the version in production, e.g. "champion"');
    }
  }

  public toJson(): Record<string, unknown> {
    return { kind: 'champion', metric: this.metric, direction: this.direction, threshold: this.threshold, alias: this.alias };
  }

  public toString(): string {
    const champion = this.alias === CHAMPION_ALIAS ? 'champion' : `champion(@${this.alias})`;
    const op = this.direction === GateDirection.AT_LEAST ? '>=' : '<=';
    return `${this.metric} ${op} ${champion} ${this.direction === GateDirection.AT_LEAST ? '+' : '-'} ${this.threshold}`;
  }
}

function checkThreshold(v: Validator, prop: string, threshold: number): void {
  v.check(typeof threshold === 'number' && Number.isFinite(threshold), `${prop}.threshold`, threshold, 'must be a finite number');
}
