/*
 * A retraining pipeline is monitored like any other workload (MonitoredKind.RETRAINING_PIPELINE): watched or listed
 * as a trigger, the MonitoringStack scrapes the workflow controller once, loads the pipeline's rules and draws its
 * dashboard. The rules are checked with promtool (syntax) and run with `promtool test rules` against series spelled
 * as Prometheus stores them after the scrape.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { MonitoredKind } from '../../lib/core/monitoring-contract';
import { MonitoringStack, MonitoringStackProps } from '../../lib/monitoring/monitoring-stack';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { RETRAINING_METRIC_LABELS, RETRAINING_METRICS } from '../../lib/retraining/rules';
import { parse, Synth } from '../util';
import { checkPrometheusConfig, checkRules, haveTool, run, scratch } from '../monitoring/checkers';
import { world, World } from './fixtures';

const alerting = { critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty' })] };
function monitoring(w: World, props: Partial<MonitoringStackProps>): MonitoringStack {
  return new MonitoringStack(w.workloads, 'monitoring', {
    target: w.cluster.kubernetes.inNamespace('monitoring'), alerting, grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } }, ...props,
  });
}
const synthesize = (w: World): Synth => parse(Testing.synth(w.workloads, true));
const configMaps = (out: Synth) => out.resources('kubernetes_config_map_v1');
const prometheusYml = (out: Synth) => JSON.parse(configMaps(out).find((c) => c.data?.['prometheus.yml']).data['prometheus.yml']);
const ruleFiles = (out: Synth): Record<string, string> =>
  Object.assign({}, ...configMaps(out).filter((c) => c.metadata.name === 'prometheus-rules').map((c) => c.data));
/** A second pipeline on the same controller, CPU only (the team's two GPUs are the first one's). */
const fraud = (w: World) => w.pipeline({
  name: 'fraud', model: 'fraud', triggerToken: { name: 'retrain-webhook', key: 'token' },
  training: { cluster: w.cluster, team: 'mlops', image: `registry.example.com/fraud-train@sha256:${'9'.repeat(64)}` },
}, 'fraud-retraining');

describe('MonitoredKind.RETRAINING_PIPELINE', () => {
  test('a pipeline is an IMonitorable workload: its runs, on the cluster, with the controller as scrape target', () => {
    const w = world();
    const pipeline = w.pipeline();
    expect(pipeline.monitoredWorkloads()).toEqual([{
      kind: MonitoredKind.RETRAINING_PIPELINE, name: 'retraining-churn', clusterName: 'ml',
      scrape: [{ jobName: 'argo-workflows-argo', namespace: 'argo', podLabels: w.argo.controllerPodLabels, portName: 'metrics' }],
      attributes: { pipeline: 'churn', namespace: 'mlops', model: 'churn' },
    }]);
    expect(MonitoringStack.discover(w.workloads)).toContain(pipeline);
  });

  test('watched without being a trigger (MonitoringStack.discover), it gets the controller scrape, its rules, a policy and a dashboard', () => {
    const w = world();
    w.pipeline();
    monitoring(w, { watch: MonitoringStack.discover(w.workloads) });
    const out = synthesize(w);
    const jobs = prometheusYml(out).scrape_configs.filter((j: any) => j.job_name === 'argo-workflows-argo');
    expect(jobs).toHaveLength(1);
    expect(jobs[0].relabel_configs).toEqual(expect.arrayContaining([
      { target_label: 'workload', replacement: 'argo-workflows-argo' }, { target_label: 'ml_kind', replacement: 'retraining-pipeline' },
    ]));
    const rules = JSON.parse(ruleFiles(out)['ml-retraining-churn.yml']).groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['MlRetrainingRunFailed', 'MlRetrainingGateRejected', 'MlRetrainingScheduleNotSubmitted']);
    expect(rules[0].labels).toEqual({ severity: 'warning', workload: 'retraining-churn', ml_kind: 'retraining-pipeline', pipeline: 'churn', category: 'retraining' });
    // The controller's availability rules, once for the controller (not once per pipeline).
    const controller = JSON.parse(ruleFiles(out)['ml-argo-workflows-argo.yml']).groups[0].rules;
    expect(controller.map((r: any) => [r.alert, r.expr])).toEqual(expect.arrayContaining([['MlTargetDown', 'up{job="argo-workflows-argo"} == 0']]));
    expect(out.resources('kubernetes_network_policy_v1').filter((p) => p.metadata.name === 'allow-prometheus-scrape-argo-workflows-argo')).toHaveLength(1);
    const dashboard = JSON.parse(configMaps(out).find((c) => c.data?.['ml-retraining-churn.json']).data['ml-retraining-churn.json']);
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Targets up', 'Runs by status (24h)', 'Gate rejections (24h)']));
  });

  test('listed as a trigger and discovered too, it is watched once', () => {
    const w = world();
    const pipeline = w.pipeline();
    const stack = monitoring(w, { watch: MonitoringStack.discover(w.workloads), alerting: { ...alerting, retrainingPipelines: [pipeline] } });
    expect(stack.workloads.filter((x) => x.kind === MonitoredKind.RETRAINING_PIPELINE).map((x) => x.name)).toEqual(['retraining-churn']);
    expect(stack.ruleGroups.filter((g) => g.name === 'ml-retraining-churn')).toHaveLength(1);
  });

  test('two pipelines on one controller: one scrape job and one policy for the controller, each pipeline its rules; promtool accepts config and rules', () => {
    const w = world();
    const churn = w.pipeline();
    const other = fraud(w);
    const stack = monitoring(w, { alerting: { ...alerting, retrainingPipelines: [churn, other] } });
    const out = synthesize(w);
    expect(prometheusYml(out).scrape_configs.filter((j: any) => j.job_name === 'argo-workflows-argo')).toHaveLength(1);
    expect(out.resources('kubernetes_network_policy_v1').filter((p) => p.metadata.name === 'allow-prometheus-scrape-argo-workflows-argo')).toHaveLength(1);
    expect(stack.ruleGroups.map((g) => g.name).filter((n) => /^ml-(retraining|argo)-/.test(n)).sort()).toEqual(['ml-argo-workflows-argo', 'ml-retraining-churn', 'ml-retraining-fraud']);
    expect(stack.ruleGroups.flatMap((g) => g.rules).filter((r) => r.alert === 'MlTargetDown' && r.expr.includes('argo-workflows-argo'))).toHaveLength(1);
    if (!haveTool('promtool')) return;
    const files = ruleFiles(out);
    const rules = checkRules({ 'ml-retraining-churn.yml': files['ml-retraining-churn.yml'], 'ml-retraining-fraud.yml': files['ml-retraining-fraud.yml'], 'ml-argo-workflows-argo.yml': files['ml-argo-workflows-argo.yml'] });
    expect(rules.output).toMatch(/ml-retraining-churn\.yml\s+SUCCESS: 3 rules found[\s\S]*ml-retraining-fraud\.yml\s+SUCCESS: 3 rules found/);
    expect(rules.status).toBe(0);
    const config = checkPrometheusConfig(configMaps(out).find((c) => c.data?.['prometheus.yml']).data['prometheus.yml'], files);
    expect(config.output).toMatch(/SUCCESS/);
    expect(config.status).toBe(0);
  });

  test('another workload reusing the controller\'s job name is still refused, naming both', () => {
    const w = world();
    w.pipeline();
    const impostor = { node: w.workloads.node, monitoredWorkloads: () => [{ kind: MonitoredKind.TRAINING_CLUSTER, name: 'batch', scrape: [{ jobName: 'argo-workflows-argo', namespace: 'batch', podLabels: { app: 'x' }, portName: 'metrics' }] }] };
    expect(() => monitoring(w, { watch: [w.workloads.node.findChild('churn-retraining'), impostor as any] }))
      .toThrow(/watch\[1\]\.workloads\[0\]\.scrape\[0\]\.jobName \("argo-workflows-argo"\) duplicates the job of retraining-churn/);
  });

  test('the rules select on labels the WorkflowTemplate\'s metrics carry, and fire on series spelled as Prometheus stores them after the scrape', () => {
    const w = world();
    const pipeline = w.pipeline();
    monitoring(w, { alerting: { ...alerting, retrainingPipelines: [pipeline] } });
    const out = synthesize(w);
    const template = out.resources('kubernetes_manifest').map((m) => m.manifest).find((m) => m.kind === 'WorkflowTemplate');
    const metricLabels = [
      ...template.spec.metrics.prometheus, ...template.spec.templates.flatMap((t: any) => t.metrics?.prometheus ?? []),
    ].map((m: any) => [m.name, m.labels.map((l: any) => l.key)]);
    expect(metricLabels).toEqual([
      [RETRAINING_METRICS.runs, ['pipeline', 'pipeline_namespace', 'status']],
      [RETRAINING_METRICS.gateFailures, ['pipeline', 'pipeline_namespace']],
    ]);
    // The scrape adds `namespace` (the controller's, argo): a metric label of that name would become exported_namespace.
    expect(Object.values(RETRAINING_METRIC_LABELS)).not.toContain('namespace');
    const file = ruleFiles(out)['ml-retraining-churn.yml'];
    const rules = JSON.parse(file).groups[0].rules;
    if (!haveTool('promtool')) return;
    const rule = (alert: string) => rules.find((r: any) => r.alert === alert);
    const scraped = 'job="argo-workflows-argo",namespace="argo",workload="argo-workflows-argo",ml_kind="retraining-pipeline"';
    const s = scratch();
    try {
      writeFileSync(join(s.dir, 'rules.yml'), file);
      writeFileSync(join(s.dir, 'test.yml'), JSON.stringify({
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [{
          interval: '1m',
          input_series: [
            { series: `up{${scraped}}`, values: '1x10' },
            { series: `argo_workflows_ml_retraining_runs_total{${scraped},pipeline="churn",pipeline_namespace="mlops",status="Failed"}`, values: '0 0 1 1 1' },
            { series: `argo_workflows_ml_retraining_gate_failures_total{${scraped},pipeline="churn",pipeline_namespace="mlops"}`, values: '0 0 0 1 1' },
            // Another pipeline's failures are not churn's.
            { series: `argo_workflows_ml_retraining_runs_total{${scraped},pipeline="fraud",pipeline_namespace="mlops",status="Error"}`, values: '0 1 2 3 4' },
          ],
          alert_rule_test: [
            { eval_time: '4m', alertname: 'MlRetrainingRunFailed', exp_alerts: [{ exp_labels: rule('MlRetrainingRunFailed').labels, exp_annotations: rule('MlRetrainingRunFailed').annotations }] },
            { eval_time: '4m', alertname: 'MlRetrainingGateRejected', exp_alerts: [{ exp_labels: rule('MlRetrainingGateRejected').labels, exp_annotations: rule('MlRetrainingGateRejected').annotations }] },
            // Before churn's first failure, only fraud's runs failed: no alert for churn.
            { eval_time: '1m', alertname: 'MlRetrainingRunFailed', exp_alerts: [] },
          ],
        }],
      }));
      const r = run('promtool', ['test', 'rules', 'test.yml'], s.dir);
      expect(r.output).toMatch(/SUCCESS/);
      expect(r.status).toBe(0);
    } finally {
      s.done();
    }
  });
});
