import { Validator } from '../core/errors';

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
 * One condition a candidate model must meet before it is registered. The evaluation image writes
 * `metrics.json`; the gate step (a generated Python script, {@link evaluationGateScript}) checks every gate
 * and exits non-zero when one fails, which fails the run before the register step.
 *
 * ```ts
 * EvaluationGate.metricAtLeast('auc', 0.85)
 * EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1)
 * ```
 */
export class EvaluationGate {
  /** The metric must be at least `threshold`. */
  public static metricAtLeast(metric: string, threshold: number): EvaluationGate {
    return new EvaluationGate('metric', metric, GateDirection.AT_LEAST, threshold);
  }

  /** The metric must be at most `threshold`. */
  public static metricAtMost(metric: string, threshold: number): EvaluationGate {
    return new EvaluationGate('metric', metric, GateDirection.AT_MOST, threshold);
  }

  /**
   * A Fairlearn group-fairness difference, computed over the groups of one sensitive feature, must be at
   * most `maxDifference` (between 0 and 1).
   */
  public static fairness(metric: FairnessMetric, sensitiveFeature: string, maxDifference: number): EvaluationGate {
    return new EvaluationGate('fairness', metric, GateDirection.AT_MOST, maxDifference, sensitiveFeature);
  }

  private constructor(
    /** `metric` gates read `metrics.<name>`; `fairness` gates read `fairness.<feature>.<metric>`. */
    public readonly kind: 'metric' | 'fairness',
    public readonly metric: string,
    public readonly direction: GateDirection,
    public readonly threshold: number,
    /** The sensitive feature of a fairness gate. */
    public readonly sensitiveFeature?: string,
  ) {}

  /** `auc >= 0.85`, `fairness[sex].demographic_parity_difference <= 0.1`. */
  public toString(): string {
    const op = this.direction === GateDirection.AT_LEAST ? '>=' : '<=';
    const name = this.kind === 'fairness' ? `fairness[${this.sensitiveFeature}].${this.metric}` : this.metric;
    return `${name} ${op} ${this.threshold}`;
  }

  /** Checks the gate's fields. */
  public validate(v: Validator, prop: string): void {
    if (this.kind === 'metric') {
      v.matches(`${prop}.metric`, this.metric, METRIC_NAME, 'must be a metric name of letters, digits, "_", "." and "-", as metrics.json names it');
    } else {
      v.check(Object.values(FairnessMetric).includes(this.metric as FairnessMetric), `${prop}.metric`, this.metric,
        `must be one of ${Object.values(FairnessMetric).join(', ')}`);
      v.matches(`${prop}.sensitiveFeature`, this.sensitiveFeature, METRIC_NAME, 'must be a column name of letters, digits, "_", "." and "-"');
      v.check(this.threshold >= 0 && this.threshold <= 1, `${prop}.maxDifference`, this.threshold, 'must be from 0 to 1 (a difference of rates)');
    }
    v.check(typeof this.threshold === 'number' && Number.isFinite(this.threshold), `${prop}.threshold`, this.threshold, 'must be a finite number');
  }

  /** The gate as the script reads it. */
  public toJson(): Record<string, unknown> {
    return {
      kind: this.kind, metric: this.metric, direction: this.direction, threshold: this.threshold,
      ...(this.sensitiveFeature ? { sensitive_feature: this.sensitiveFeature } : {}),
    };
  }
}

/**
 * The gate step's Python (standard library only): reads the metrics file (argv[1]), checks each gate, prints
 * one line per gate, writes the results as JSON to argv[2] when given, and exits 1 when any gate fails or a
 * metric is missing or not a number (a gate that cannot be checked does not pass).
 *
 * metrics.json: `{ "metrics": { "auc": 0.91 }, "fairness": { "sex": { "demographic_parity_difference": 0.04 } } }`
 */
export function evaluationGateScript(gates: readonly EvaluationGate[]): string {
  const spec = JSON.stringify(gates.map((g) => g.toJson()));
  return [
    'import json, math, sys',
    `GATES = json.loads(${JSON.stringify(spec)})`,
    'with open(sys.argv[1]) as f:',
    '    doc = json.load(f)',
    'results, failed = [], 0',
    'for g in GATES:',
    '    if g["kind"] == "metric":',
    '        name, value = g["metric"], (doc.get("metrics") or {}).get(g["metric"])',
    '    else:',
    '        name = "fairness[%s].%s" % (g["sensitive_feature"], g["metric"])',
    '        value = ((doc.get("fairness") or {}).get(g["sensitive_feature"]) or {}).get(g["metric"])',
    '    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)',
    '    if ok:',
    '        ok = value >= g["threshold"] if g["direction"] == "at-least" else value <= g["threshold"]',
    '    op = ">=" if g["direction"] == "at-least" else "<="',
    '    print("%s %s: %s %s %s" % ("PASS" if ok else "FAIL", name, value, op, g["threshold"]))',
    '    results.append({"gate": name, "value": value, "threshold": g["threshold"], "passed": ok})',
    '    failed += 0 if ok else 1',
    'if len(sys.argv) > 2:',
    '    with open(sys.argv[2], "w") as f:',
    '        json.dump({"passed": failed == 0, "gates": results}, f)',
    'if failed:',
    '    print("%d of %d gates failed: the candidate is not registered" % (failed, len(GATES)), file=sys.stderr)',
    '    sys.exit(1)',
    '',
  ].join('\n');
}
