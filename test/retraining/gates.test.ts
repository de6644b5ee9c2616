import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { greatExpectationsScript } from '../../lib/retraining/data-validation';
import { EvaluationGate, FairnessMetric, GateDirection } from '../../lib/retraining/gates';
import { championScript, evaluationGateScript } from '../../lib/retraining/private/gate-scripts';
import { Validator } from '../../lib/core/errors';

/*
 * Each gate fails the run: the generated scripts are executed with python3, as the step containers run them,
 * and must exit non-zero when a threshold, a fairness gate or an expectation fails.
 */

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'mlp-retrain-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gates = [
  EvaluationGate.metricAtLeast('auc', 0.85),
  EvaluationGate.metricAtMost('log_loss', 0.4),
  EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1),
  EvaluationGate.fairness(FairnessMetric.EQUALIZED_ODDS_DIFFERENCE, 'age_band', 0.15),
];
const good = {
  metrics: { auc: 0.91, log_loss: 0.32 },
  fairness: { sex: { demographic_parity_difference: 0.04 }, age_band: { equalized_odds_difference: 0.08 } },
};

function runGates(metrics: unknown): { status: number; out: string; results?: any } {
  const file = join(dir, `metrics-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(metrics));
  const resultsFile = `${file}.gates.json`;
  const r = spawnSync('python3', ['-c', evaluationGateScript(gates), file, resultsFile], { encoding: 'utf8' });
  let results: any;
  try { results = JSON.parse(readFileSync(resultsFile, 'utf8')); } catch { /* no results file */ }
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}`, results };
}

describe('the evaluation gate step', () => {
  test('given metrics that meet every gate, it exits 0 and records every gate as passed', () => {
    const r = runGates(good);
    expect(r.status).toBe(0);
    expect(r.results.passed).toBe(true);
    expect(r.results.gates).toHaveLength(4);
  });

  test.each<[string, unknown, RegExp]>([
    ['a metric below its minimum', { ...good, metrics: { ...good.metrics, auc: 0.80 } }, /FAIL auc: 0\.8 >= 0\.85/],
    ['a metric above its maximum', { ...good, metrics: { ...good.metrics, log_loss: 0.55 } }, /FAIL log_loss: 0\.55 <= 0\.4/],
    ['a demographic parity difference above its limit', { ...good, fairness: { ...good.fairness, sex: { demographic_parity_difference: 0.2 } } },
      /FAIL fairness\[sex\]\.demographic_parity_difference: 0\.2 <= 0\.1/],
    ['an equalized odds difference above its limit', { ...good, fairness: { ...good.fairness, age_band: { equalized_odds_difference: 0.3 } } },
      /FAIL fairness\[age_band\]\.equalized_odds_difference: 0\.3 <= 0\.15/],
    ['a missing metric', { ...good, metrics: { log_loss: 0.3 } }, /FAIL auc: None/],
    ['a missing sensitive feature', { ...good, fairness: { sex: good.fairness.sex } }, /FAIL fairness\[age_band\]/],
    ['a metric that is not a number', { ...good, metrics: { ...good.metrics, auc: 'high' } }, /FAIL auc: high/],
  ])('given %s, it exits non-zero and the run stops before registration', (_, metrics, line) => {
    const r = runGates(metrics);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(line);
    expect(r.out).toMatch(/gates failed: the candidate is not registered/);
    expect(r.results.passed).toBe(false);
  });
});

describe('the data validation step (Great Expectations Checkpoint)', () => {
  // A stand-in for GX 1.x's Data Context API, enough to run the generated script without the package.
  function stubGx(success: boolean): string {
    const root = join(dir, `gx-${success}`);
    mkdirSync(join(root, 'great_expectations'), { recursive: true });
    writeFileSync(join(root, 'great_expectations', '__init__.py'), [
      'class _Result:',
      `    success = ${success ? 'True' : 'False'}`,
      '    def describe(self): return "checkpoint result"',
      'class _Checkpoint:',
      '    def run(self): return _Result()',
      'class _Checkpoints:',
      '    def get(self, name):',
      '        assert name == "churn_training_data", name',
      '        return _Checkpoint()',
      'class _Context:',
      '    checkpoints = _Checkpoints()',
      'def get_context(mode=None, project_root_dir=None):',
      '    assert mode == "file" and project_root_dir == "/gx", (mode, project_root_dir)',
      '    return _Context()',
      '',
    ].join('\n'));
    return root;
  }
  const run = (success: boolean) => spawnSync('python3', ['-c', greatExpectationsScript('churn_training_data', '/gx')],
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: stubGx(success) } });

  test('given a Checkpoint whose expectations all hold, it exits 0', () => {
    expect(run(true).status).toBe(0);
  });

  test('given a broken expectation, it exits non-zero, so the run trains nothing', () => {
    const r = run(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/expectations failed in checkpoint churn_training_data/);
  });
});

describe('EvaluationGate: each kind of gate knows where its value is and how the script checks it', () => {
  test.each<[string, EvaluationGate, string, boolean, Record<string, unknown>]>([
    ['a metric gate', EvaluationGate.metricAtLeast('auc', 0.85), 'metrics.auc', false,
      { kind: 'metric', metric: 'auc', direction: 'at-least', threshold: 0.85 }],
    ['a fairness gate', EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1), 'fairness.sex.demographic_parity_difference', false,
      { kind: 'fairness', metric: 'demographic_parity_difference', direction: 'at-most', threshold: 0.1, sensitive_feature: 'sex' }],
    ['a champion gate', EvaluationGate.beatsChampion('log_loss', { direction: GateDirection.AT_MOST, minImprovement: 0.01 }), 'metrics.log_loss', true,
      { kind: 'champion', metric: 'log_loss', direction: 'at-most', threshold: 0.01, alias: 'champion' }],
  ])('%s', (_what, gate, valuePath, champion, json) => {
    expect(gate.valuePath).toBe(valuePath);
    expect(gate.comparesWithChampion).toBe(champion);
    expect(gate.toJson()).toEqual(json);
  });
});

describe('EvaluationGate refuses gates that cannot be checked', () => {
  test.each<[string, EvaluationGate, RegExp]>([
    ['a fairness limit above 1', EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 1.5), /maxDifference \(1\.5\) must be from 0 to 1/],
    ['a metric name with spaces', EvaluationGate.metricAtLeast('area under curve', 0.8), /metric \("area under curve"\) must be a metric name/],
    ['a threshold that is not finite', EvaluationGate.metricAtMost('loss', Infinity), /threshold \(Infinity\) must be a finite number/],
  ])('%s', (_, gate, message) => {
    const v = new Validator('test');
    gate.validate(v, 'gate');
    expect(() => v.throwIfAny()).toThrow(message);
  });
});

/*
 * Beat the champion: the champion step (mlflow client) reads the version behind the alias and its run's metrics; the
 * gate step compares. Both scripts run here with python3, the champion step against a stand-in `mlflow` package that
 * answers as MLflow's REST store does (a missing alias is an MlflowException with INVALID_PARAMETER_VALUE).
 */
describe('EvaluationGate.beatsChampion', () => {
  const auc = EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: 0.01 });
  const loss = EvaluationGate.beatsChampion('log_loss', { direction: GateDirection.AT_MOST, minImprovement: 0.02 });
  const championGates = [EvaluationGate.metricAtLeast('auc', 0.85), auc, loss];

  /** A stand-in for the mlflow client: STUB_STATE says which aliases exist and what their runs logged. */
  function stubMlflow(): string {
    const root = join(dir, 'mlflow-stub');
    mkdirSync(join(root, 'mlflow'), { recursive: true });
    writeFileSync(join(root, 'mlflow', 'exceptions.py'), [
      'class MlflowException(Exception):',
      '    def __init__(self, message, error_code="INTERNAL_ERROR"):',
      '        super().__init__(message)',
      '        self.error_code = error_code',
      '',
    ].join('\n'));
    writeFileSync(join(root, 'mlflow', '__init__.py'), [
      'import json, os',
      'from types import SimpleNamespace',
      'from mlflow.exceptions import MlflowException',
      'STATE = json.loads(os.environ["STUB_STATE"])',
      'class MlflowClient:',
      '    def get_model_version_by_alias(self, name, alias):',
      '        if STATE.get("error"):',
      '            raise MlflowException(STATE["error"], "PERMISSION_DENIED")',
      '        held = STATE.get("aliases", {}).get(alias)',
      '        if held is None:',
      '            # What MLflow\'s SQL store raises for a model without the alias.',
      '            raise MlflowException("Registered model alias %s not found." % alias, "INVALID_PARAMETER_VALUE")',
      '        return SimpleNamespace(name=name, version=held["version"], run_id=held.get("run_id"))',
      '    def get_run(self, run_id):',
      '        return SimpleNamespace(data=SimpleNamespace(metrics=STATE["runs"][run_id]))',
      '    def log_metric(self, run_id, key, value):',
      '        with open(os.environ["STUB_LOG"], "a") as f:',
      '            f.write("%s %s %s\\n" % (run_id, key, value))',
      '',
    ].join('\n'));
    return root;
  }

  /** Runs the evaluate pod's champion then gate containers on `candidate` metrics, with MLflow in `state`. */
  function evaluate(candidate: unknown, state: unknown, gates = championGates) {
    const file = join(dir, `metrics-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(candidate));
    const champion = `${file}.champion.json`;
    const log = `${file}.log`;
    writeFileSync(log, '');
    const env = { ...process.env, PYTHONPATH: stubMlflow(), STUB_STATE: JSON.stringify(state), STUB_LOG: log, ML_MODEL_NAME: 'churn', ML_MODEL_URI: 'runs:/run-new/model' };
    const read = spawnSync('python3', ['-c', championScript(gates), file, champion], { encoding: 'utf8', env });
    if (read.status !== 0) return { step: 'champion', status: read.status ?? -1, out: `${read.stdout}${read.stderr}`, logged: readFileSync(log, 'utf8') };
    const gate = spawnSync('python3', ['-c', evaluationGateScript(gates), file, `${file}.gates.json`, champion], { encoding: 'utf8' });
    return {
      step: 'gates', status: gate.status ?? -1, out: `${read.stdout}${gate.stdout}${gate.stderr}`, logged: readFileSync(log, 'utf8'),
      results: JSON.parse(readFileSync(`${file}.gates.json`, 'utf8')),
    };
  }
  const champion = { aliases: { champion: { version: '3', run_id: 'run-3' } }, runs: { 'run-3': { auc: 0.9, log_loss: 0.3 } } };

  test('the first run (no version holds the alias yet) passes the champion gates and says so', () => {
    const r = evaluate({ metrics: { auc: 0.88, log_loss: 0.35 } }, { aliases: {} });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/churn has no version with alias champion yet: the first run has no champion to beat/);
    expect(r.out).toMatch(/PASS auc: 0\.88 >= n\/a; no version of the model holds alias champion yet \(first run\): nothing to beat/);
    expect(r.results.passed).toBe(true);
  });

  test('a candidate short of champion + minImprovement fails the gate, and the step exits non-zero (the run stops before registration)', () => {
    const r = evaluate({ metrics: { auc: 0.905, log_loss: 0.25 } }, champion);
    expect(r.step).toBe('gates');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAIL auc: 0\.905 >= 0\.91\d*; champion version 3 \(alias champion, run run-3\): 0\.9 \+ 0\.01/);
    expect(r.out).toMatch(/PASS log_loss: 0\.25 <= 0\.28/);
    expect(r.out).toMatch(/1 of 3 gates failed: the candidate is not registered/);
    expect(r.results.gates[1]).toMatchObject({ gate: 'auc', passed: false, champion: { version: '3', run_id: 'run-3' } });
  });

  test('lower is better: a loss not below champion - minImprovement fails', () => {
    const r = evaluate({ metrics: { auc: 0.95, log_loss: 0.29 } }, champion);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAIL log_loss: 0\.29 <= 0\.28/);
  });

  test('a candidate that beats the champion by the margin passes; its metrics are recorded on its own run for the next comparison', () => {
    const r = evaluate({ metrics: { auc: 0.93, log_loss: 0.2 } }, champion);
    expect(r.status).toBe(0);
    expect(r.logged).toBe('run-new auc 0.93\nrun-new log_loss 0.2\n');
  });

  test('a champion whose run lacks the metric fails the gate: nothing proves the candidate is better', () => {
    const r = evaluate({ metrics: { auc: 0.99, log_loss: 0.1 } }, { ...champion, runs: { 'run-3': { log_loss: 0.3 } } });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAIL auc: 0\.99 >= n\/a; champion version 3 \(alias champion, run run-3\) has no numeric metric auc: log it on that run or point the alias at a version that has it/);
  });

  test('MLflow failing for another reason (credentials) fails the step instead of passing as a first run', () => {
    const r = evaluate({ metrics: { auc: 0.99, log_loss: 0.1 } }, { error: 'Permission denied for user retrain.churn' });
    expect(r.step).toBe('champion');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Permission denied/);
  });

  test('a candidate without the metric fails even on the first run: there would be nothing to record for the next one', () => {
    const r = evaluate({ metrics: { log_loss: 0.35 } }, { aliases: {} }, [auc]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAIL auc: None >= n\/a; metrics\.json has no numeric metrics\.auc/);
  });

  test('neither script holds "{{" or "}}", which Argo would read as a template expression in the container command', () => {
    for (const script of [championScript(championGates), evaluationGateScript(championGates)]) expect(script).not.toMatch(/\{\{|\}\}/);
  });

  test('without the champion file, the champion gates fail', () => {
    const file = join(dir, 'no-champion.json');
    writeFileSync(file, JSON.stringify({ metrics: { auc: 0.99, log_loss: 0.1 } }));
    const r = spawnSync('python3', ['-c', evaluationGateScript(championGates), file, `${file}.gates.json`, join(dir, 'absent.json')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL auc: 0\.99 >= n\/a; the champion \(alias champion\) was not read from MLflow/);
  });

  test.each<[string, EvaluationGate, RegExp]>([
    ['a negative minimum improvement', EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: -0.1 }), /gate\.minImprovement \(-0\.1\) must be a finite number of at least 0/],
    ['no direction', EvaluationGate.beatsChampion('auc', {} as any), /gate\.direction \(undefined\) must be GateDirection\.AT_LEAST/],
    ['MLflow\'s reserved alias', EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, alias: 'latest' }), /gate\.alias \("latest"\) is reserved by MLflow/],
    ['the challenger alias', EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, alias: 'challenger' }), /gate\.alias \("challenger"\) is the alias the pipeline gives its own candidates/],
  ])('refuses %s, naming the prop and the fix', (_, gate, message) => {
    const v = new Validator('test');
    gate.validate(v, 'gate');
    expect(() => v.throwIfAny()).toThrow(message);
  });

  test('reads as a comparison with the champion', () => {
    expect(String(auc)).toBe('auc >= champion + 0.01');
    expect(String(loss)).toBe('log_loss <= champion - 0.02');
    expect(String(EvaluationGate.beatsChampion('f1', { direction: GateDirection.AT_LEAST, alias: 'prod' }))).toBe('f1 >= champion(@prod) + 0');
  });
});
