import { Validator } from '../core/errors';
import { CHALLENGER_ALIAS } from './retraining-pipeline';

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
    return new EvaluationGate('champion', metric, options?.direction, options?.minImprovement ?? 0, undefined, options?.alias ?? CHAMPION_ALIAS);
  }

  private constructor(
    /**
     * `metric` gates read `metrics.<name>`; `fairness` gates read `fairness.<feature>.<metric>`; `champion` gates
     * compare `metrics.<name>` with the champion's value of it.
     */
    public readonly kind: 'metric' | 'fairness' | 'champion',
    public readonly metric: string,
    public readonly direction: GateDirection,
    /** The threshold; for a `champion` gate, the minimum improvement over the champion. */
    public readonly threshold: number,
    /** The sensitive feature of a fairness gate. */
    public readonly sensitiveFeature?: string,
    /** The MLflow alias of the champion, for a `champion` gate. */
    public readonly alias?: string,
  ) {}

  /** `auc >= 0.85`, `fairness[sex].demographic_parity_difference <= 0.1`, `auc >= champion + 0.005`. */
  public toString(): string {
    const op = this.direction === GateDirection.AT_LEAST ? '>=' : '<=';
    if (this.kind === 'champion') {
      const champion = this.alias === CHAMPION_ALIAS ? 'champion' : `champion(@${this.alias})`;
      return `${this.metric} ${op} ${champion} ${this.direction === GateDirection.AT_LEAST ? '+' : '-'} ${this.threshold}`;
    }
    const name = this.kind === 'fairness' ? `fairness[${this.sensitiveFeature}].${this.metric}` : this.metric;
    return `${name} ${op} ${this.threshold}`;
  }

  /** Checks the gate's fields. */
  public validate(v: Validator, prop: string): void {
    if (this.kind === 'champion') {
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
      return;
    }
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
      ...(this.alias ? { alias: this.alias } : {}),
    };
  }
}

/** Whether any gate compares with a champion (the evaluate step then reads the champion from MLflow first). */
export function hasChampionGate(gates: readonly EvaluationGate[]): boolean {
  return gates.some((g) => g.kind === 'champion');
}

/**
 * The gate step's Python (standard library only): reads the metrics file (argv[1]), checks each gate, prints
 * one line per gate, writes the results as JSON to argv[2] when given, and exits 1 when any gate fails or a
 * metric is missing or not a number (a gate that cannot be checked does not pass).
 *
 * metrics.json: `{ "metrics": { "auc": 0.91 }, "fairness": { "sex": { "demographic_parity_difference": 0.04 } } }`
 *
 * Champion gates read argv[3], the file {@link championScript} wrote:
 * `{ "<alias>": { "version": "3", "run_id": "…", "metrics": { "auc": 0.9 } } }`, or `{ "<alias>": { "version": null } }`
 * when no version holds the alias (the gate passes: there is nothing to beat). A missing file fails every
 * champion gate.
 */
export function evaluationGateScript(gates: readonly EvaluationGate[]): string {
  const spec = JSON.stringify(gates.map((g) => g.toJson()));
  return [
    'import json, math, sys',
    `GATES = json.loads(${JSON.stringify(spec)})`,
    'with open(sys.argv[1]) as f:',
    '    doc = json.load(f)',
    'champions = None',
    'if len(sys.argv) > 3:',
    '    try:',
    '        with open(sys.argv[3]) as f:',
    '            champions = json.load(f)',
    '    except (OSError, ValueError) as e:',
    '        print("cannot read the champion metrics %s: %s" % (sys.argv[3], e), file=sys.stderr)',
    'def number(x):',
    '    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)',
    'results, failed = [], 0',
    'for g in GATES:',
    '    op = ">=" if g["direction"] == "at-least" else "<="',
    '    result = {}',
    '    if g["kind"] == "champion":',
    '        name, value = g["metric"], (doc.get("metrics") or {}).get(g["metric"])',
    '        champion = (champions or {}).get(g["alias"]) if isinstance(champions, dict) else None',
    '        if not number(value):',
    '            ok, bound, why = False, None, "metrics.json has no numeric metrics.%s" % g["metric"]',
    '        elif champion is None:',
    '            ok, bound, why = False, None, "the champion (alias %s) was not read from MLflow" % g["alias"]',
    '        elif champion.get("version") is None:',
    '            ok, bound = True, None',
    '            why = "no version of the model holds alias %s yet (first run): nothing to beat" % g["alias"]',
    '        else:',
    '            base = (champion.get("metrics") or {}).get(g["metric"])',
    '            where = "champion version %s (alias %s, run %s)" % (champion.get("version"), g["alias"], champion.get("run_id"))',
    '            if not number(base):',
    '                ok, bound = False, None',
    '                why = "%s has no numeric metric %s: log it on that run or point the alias at a version that has it" % (where, g["metric"])',
    '            else:',
    // 12 significant digits: 0.3 - 0.02 is the 0.28 it reads as, not 0.27999999999999997.
    '                bound = float("%.12g" % (base + g["threshold"] if g["direction"] == "at-least" else base - g["threshold"]))',
    '                ok = value >= bound if g["direction"] == "at-least" else value <= bound',
    '                why = "%s: %s %s %s %s" % (where, base, "+" if g["direction"] == "at-least" else "-", g["threshold"], "(minimum improvement)")',
    '        print("%s %s: %s %s %s; %s" % ("PASS" if ok else "FAIL", name, value, op, "n/a" if bound is None else bound, why))',
    '        result = {"champion": champion, "alias": g["alias"]}',
    '        threshold = bound',
    '    else:',
    '        if g["kind"] == "metric":',
    '            name, value = g["metric"], (doc.get("metrics") or {}).get(g["metric"])',
    '        else:',
    '            name = "fairness[%s].%s" % (g["sensitive_feature"], g["metric"])',
    '            value = ((doc.get("fairness") or {}).get(g["sensitive_feature"]) or {}).get(g["metric"])',
    '        ok = number(value)',
    '        if ok:',
    '            ok = value >= g["threshold"] if g["direction"] == "at-least" else value <= g["threshold"]',
    '        threshold = g["threshold"]',
    '        print("%s %s: %s %s %s" % ("PASS" if ok else "FAIL", name, value, op, threshold))',
    '    results.append(dict({"gate": name, "value": value, "threshold": threshold, "passed": ok}, **result))',
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

/**
 * The champion step's Python (the `mlflow` client, in the registration image), run in the evaluate pod after the
 * scorer and before the gates when a {@link EvaluationGate.beatsChampion} gate exists:
 *
 * 1. records the candidate's `metrics.json` metrics (argv[1]) on its MLflow run (`ML_MODEL_URI` `runs:/<run id>/…`,
 *    `MlflowClient.log_metric`), so that the version, once promoted, carries the values the next candidate is
 *    compared with;
 * 2. for each alias, `MlflowClient.get_model_version_by_alias(name, alias)` (MLflow ≥ 2.3, mlflow/tracking/client.py)
 *    and the metrics of that version's run (`get_run(run_id).data.metrics`), written to argv[2].
 *
 * "No such alias" is how MLflow answers a first run: its SQL store raises `MlflowException("Registered model alias
 * <alias> not found.", INVALID_PARAMETER_VALUE)` for a model without the alias (or without the model yet), other
 * stores `RESOURCE_DOES_NOT_EXIST` (mlflow/store/model_registry/sqlalchemy_store.py, file_store.py
 * `get_model_version_by_alias`); the REST client raises it as a `RestException` with the same `error_code`. That
 * case is written as `{ "version": null }`; every other error (credentials, network) fails the step.
 */
export function championScript(gates: readonly EvaluationGate[]): string {
  const wanted: Record<string, string[]> = {};
  for (const g of gates) if (g.kind === 'champion') wanted[g.alias!] = [...new Set([...(wanted[g.alias!] ?? []), g.metric])].sort();
  return [
    'import json, math, os, re, sys',
    'from mlflow import MlflowClient',
    'from mlflow.exceptions import MlflowException',
    `WANTED = json.loads(${JSON.stringify(JSON.stringify(wanted))})`,
    'name = os.environ["ML_MODEL_NAME"]',
    'client = MlflowClient()',
    'with open(sys.argv[1]) as f:',
    '    candidate = (json.load(f).get("metrics") or {})',
    'run = re.match(r"^runs:/([^/]+)/", os.environ.get("ML_MODEL_URI", ""))',
    'if run:',
    '    for key, value in sorted(candidate.items()):',
    '        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):',
    '            client.log_metric(run.group(1), key, float(value))',
    '    print("recorded %d metrics on the candidate run %s" % (len(candidate), run.group(1)))',
    'else:',
    '    print("ML_MODEL_URI is not a runs:/ URI: the candidate metrics are not recorded on a run", file=sys.stderr)',
    'champions = {}',
    'for alias, metrics in sorted(WANTED.items()):',
    '    try:',
    '        version = client.get_model_version_by_alias(name, alias)',
    '    except MlflowException as e:',
    '        if getattr(e, "error_code", "") in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST") and "not found" in str(e):',
    '            print("%s has no version with alias %s yet: the first run has no champion to beat" % (name, alias))',
    '            champions[alias] = {"version": None}',
    '            continue',
    '        raise',
    '    values = {}',
    '    if version.run_id:',
    '        recorded = client.get_run(version.run_id).data.metrics',
    '        values = {m: recorded.get(m) for m in metrics}',
    '    champions[alias] = {"version": str(version.version), "run_id": version.run_id, "metrics": values}',
    '    print("champion of %s (alias %s): version %s, run %s, %s" % (name, alias, version.version, version.run_id, values))',
    'with open(sys.argv[2], "w") as f:',
    '    json.dump(champions, f)',
    '',
  ].join('\n');
}
