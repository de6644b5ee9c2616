import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { reviewTerraformJson } from '../../lib/governance/review';
import { buildMonitoringExample } from '../../examples/monitoring/stacks';
import { literalSecrets, parse } from '../util';
import { checkAlertmanager, checkPrometheusConfig, configMapFiles, haveTool } from './checkers';

/** examples/monitoring synthesizes as `cdktf synth` runs it (Governance on in every stack) and its output is clean. */
const outdir = mkdtempSync(join(tmpdir(), 'mlp-mon-example-'));
const files: Record<string, string> = {};
try {
  const app = new App({ outdir, stackTraces: false });
  buildMonitoringExample(app);
  app.synth();
  for (const stack of readdirSync(join(outdir, 'stacks'))) files[stack] = readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

test('writes the three monitoring stacks', () => {
  expect(Object.keys(files).sort()).toEqual(['monitoring-amp', 'monitoring-gmp', 'monitoring-onprem']);
});

test.each(['monitoring-amp', 'monitoring-gmp', 'monitoring-onprem'])('%s: no error or warning finding, no literal secret', (stack) => {
  const json = JSON.parse(files[stack]);
  const result = reviewTerraformJson(json, { packs: ['baseline', 'ml-guardrails'] });
  expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  expect(literalSecrets(json)).toEqual([]);
});

test('the on-prem stack scrapes the endpoint in its team namespace, through a NetworkPolicy there', () => {
  const out = parse(files['monitoring-onprem']);
  const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'allow-prometheus-scrape-churn-serving');
  expect(policy.metadata.namespace).toBe('vision');
});

(haveTool('promtool') && haveTool('amtool') ? test : test.skip)('the on-prem stack\'s Prometheus and Alertmanager configs pass promtool and amtool', () => {
  const cm = configMapFiles(JSON.parse(files['monitoring-onprem']));
  const rules = Object.fromEntries(cm.filter((f) => f.configMap === 'prometheus-rules').map((f) => [f.key, f.value]));
  expect(checkPrometheusConfig(cm.find((f) => f.key === 'prometheus.yml')!.value, rules).status).toBe(0);
  expect(checkAlertmanager(cm.find((f) => f.key === 'alertmanager.yml')!.value).status).toBe(0);
});
