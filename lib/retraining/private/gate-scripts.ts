import type { EvaluationGate } from '../gates';

// The Python the Argo pipeline's evaluate step runs for its gates: the checks each EvaluationGate describes (its
// toJson), in scripts that need nothing but the standard library (the gates) or the mlflow client (the champion).

/** Whether any gate compares with a champion (the evaluate step then reads the champion from MLflow first). */
export function hasChampionGate(gates: readonly EvaluationGate[]): boolean {
  return gates.some((g) => g.comparesWithChampion);
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
 * scorer and before the gates when a `EvaluationGate.beatsChampion` gate exists:
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
  for (const g of gates) if (g.comparesWithChampion) wanted[g.alias!] = [...new Set([...(wanted[g.alias!] ?? []), g.metric])].sort();
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
