import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { greatExpectationsScript } from '../../lib/retraining/data-validation';
import { EvaluationGate, evaluationGateScript, FairnessMetric } from '../../lib/retraining/gates';
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
