import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { Duration } from '../../lib/core/units';
import { MonitoringStack } from '../../lib/monitoring/monitoring-stack';
import { Testing } from 'cdktf';
import { alertmanagerConfig, AlertmanagerHost, AlertReceiver } from '../../lib/monitoring/receivers';
import { synth } from '../util';
import {
  amtoolVersion, checkAlertmanager, checkPrometheusConfig, checkRules, configMapFiles, haveTool, promtoolHasKubernetesSd, testRules,
} from './checkers';
import { buildStack, endpoint, FakeWorkload, featureStore, registry, trainingCluster } from './fakes';

/**
 * The generated Prometheus and Alertmanager files pass the real validators: promtool check config / rules,
 * amtool check-config, and promtool test rules (series in, alerts out).
 */
const hasPromtool = haveTool('promtool');
const hasAmtool = haveTool('amtool');
const promtoolTest = hasPromtool ? test : test.skip;
const amtoolTest = hasAmtool ? test : test.skip;

/** The generated files of a synthesized stack, read back from its ConfigMaps as Kubernetes would mount them. */
function filesOf(build: Parameters<typeof synth>[0]) {
  const files = configMapFiles(synth(build).json);
  const one = (key: string) => files.find((f) => f.key === key)!.value;
  return {
    all: files,
    prometheus: one('prometheus.yml'),
    alertmanager: one('alertmanager.yml'),
    rules: Object.fromEntries(files.filter((f) => f.configMap === 'prometheus-rules').map((f) => [f.key, f.value])),
  };
}

const variants: Array<[string, ReturnType<typeof filesOf>]> = [
  ['every workload kind, GPUs, drift jobs, Slack + PagerDuty + retraining webhook', filesOf((stack) => { buildStack(stack); })],
  ['a CPU-only cluster, custom thresholds, a single webhook receiver', filesOf((stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring' });
    new MonitoringStack(stack, 'monitoring', {
      target,
      watch: [new FakeWorkload(stack, 'w', [endpoint('churn', { usesGpus: false, slo: undefined }), featureStore(), registry()])],
      alerting: { critical: [AlertReceiver.webhook('http://oncall.ops.svc:8080/hook')] },
      grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
      thresholds: { latencyP99Ms: 120, errorRatePercent: 2.5, featureDrift: 0.35, featureStaleness: Duration.minutes(90), modelStaleness: Duration.days(7) },
      kubeletInsecureSkipVerify: true,
    });
  })],
];

describe.each(variants)('%s', (_name, files) => {
  test('every generated ConfigMap file is YAML the tools can parse (JSON is YAML)', () => {
    for (const f of files.all) expect(() => JSON.parse(f.value)).not.toThrow();
  });

  promtoolTest('promtool check config accepts prometheus.yml with its rule files', () => {
    const r = checkPrometheusConfig(files.prometheus, files.rules);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  promtoolTest('promtool check rules accepts every rule file', () => {
    const r = checkRules(files.rules);
    expect([r.status, r.output]).toEqual([0, expect.not.stringContaining('FAILED')]);
  });

  amtoolTest('amtool check-config accepts alertmanager.yml with its secret files in place', () => {
    const r = checkAlertmanager(files.alertmanager);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});

describe('the checks can fail', () => {
  const files = variants[0][1];

  promtoolTest('promtool rejects a broken expression', () => {
    const broken = files.rules['ml-churn.yml'].replace('histogram_quantile(0.99,', 'histogram_quantile(0.99');
    expect(checkRules({ 'ml-churn.yml': broken }).status).not.toBe(0);
  });

  promtoolTest('promtool rejects a config whose relabeling is wrong', () => {
    const config = JSON.parse(files.prometheus);
    config.scrape_configs[4].relabel_configs[0].action = 'keepx';
    expect(checkPrometheusConfig(JSON.stringify(config), files.rules).status).not.toBe(0);
  });

  amtoolTest('amtool rejects a route to a receiver that does not exist', () => {
    const config = JSON.parse(files.alertmanager);
    config.route.routes[0].receiver = 'nobody';
    expect(checkAlertmanager(JSON.stringify(config)).status).not.toBe(0);
  });

  promtoolTest('where promtool lacks Kubernetes service discovery, the SD blocks are checked against their schema', () => {
    if (promtoolHasKubernetesSd()) return; // upstream promtool validates them itself
    const config = JSON.parse(files.prometheus);
    config.scrape_configs[4].kubernetes_sd_configs[0].role = 'pods';
    const r = checkPrometheusConfig(JSON.stringify(config), files.rules);
    expect([r.status, r.output]).toEqual([1, expect.stringContaining('role pods is not one of')]);
  });
});

amtoolTest('a webhook whose whole URL is secret uses url_file, which Alertmanager reads from 0.26 on', () => {
  const yml = alertmanagerConfig(Testing.app(), { critical: [AlertReceiver.webhookFromSecret({ name: 'alerting', key: 'webhook-url' })] }, { host: AlertmanagerHost.KUBERNETES });
  expect(JSON.parse(yml).receivers.find((r: any) => r.name === 'critical').webhook_configs[0].url_file).toBe('/etc/alertmanager-secrets/alerting/webhook-url');
  const r = checkAlertmanager(yml);
  const [major, minor] = amtoolVersion();
  if (major > 0 || minor >= 26) {
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  } else {
    // Debian bookworm's amtool (0.25) predates url_file; the deployed Alertmanager (v0.28.1) reads it.
    expect([r.status, r.output]).toEqual([1, expect.stringContaining('field url_file not found')]);
  }
});

describe('promtool test rules: the PromQL fires when the alert says it should, and not otherwise', () => {
  let s: MonitoringStack | undefined;
  synth((stack) => { s = buildStack(stack, {}, [endpoint(), trainingCluster()]); });
  const rules = s!.files.rules;

  promtoolTest('p99 latency above the 250 ms objective for 10 minutes fires MlLatencyP99High; a fast endpoint does not', () => {
    const r = testRules(rules, {
      rule_files: ['ml-churn.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        // 1 request/s, all between 0.5 s and 1 s: p99 interpolates to 0.995 s.
        input_series: [
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="0.25"}', values: '0x40' },
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="0.5"}', values: '0x40' },
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="1"}', values: '0+60x40' },
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="+Inf"}', values: '0+60x40' },
          // Another job's slow requests are not this endpoint's.
          { series: 'http_request_duration_seconds_bucket{job="other",le="+Inf"}', values: '0+60x40' },
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'MlLatencyP99High', exp_alerts: [] },
          {
            eval_time: '20m', alertname: 'MlLatencyP99High',
            exp_alerts: [{
              exp_labels: { severity: 'critical', workload: 'churn', ml_kind: 'inference-endpoint', category: 'latency' },
              exp_annotations: {
                summary: 'churn: p99 latency above 250 ms',
                description: 'p99 request latency is 995ms, above the 250 ms objective for 10m.',
              },
            }],
          },
        ],
      }, {
        interval: '1m',
        input_series: [
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="0.25"}', values: '0+60x40' },
          { series: 'http_request_duration_seconds_bucket{job="churn-serving",le="+Inf"}', values: '0+60x40' },
        ],
        alert_rule_test: [{ eval_time: '30m', alertname: 'MlLatencyP99High', exp_alerts: [] }],
      }],
    });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  promtoolTest('a GPU below 10% for 2 hours fires MlGpuIdle (cost); a busy GPU and a briefly idle one do not', () => {
    const r = testRules(rules, {
      rule_files: ['ml-dc1.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          { series: 'DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-1",gpu="0",modelName="NVIDIA A100-SXM4-80GB"}', values: '3x180' },
          { series: 'DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-1",gpu="1",modelName="NVIDIA A100-SXM4-80GB"}', values: '90x180' },
          // Idle for an hour, then busy: never idle for the full two hours.
          { series: 'DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-2",gpu="0",modelName="NVIDIA A100-SXM4-80GB"}', values: '2x60 80x120' },
        ],
        alert_rule_test: [
          { eval_time: '119m', alertname: 'MlGpuIdle', exp_alerts: [] },
          {
            eval_time: '150m', alertname: 'MlGpuIdle',
            exp_alerts: [{
              exp_labels: {
                severity: 'warning', workload: 'dc1', ml_kind: 'training-cluster', category: 'cost',
                Hostname: 'gpu-node-1', gpu: '0', modelName: 'NVIDIA A100-SXM4-80GB',
              },
              exp_annotations: {
                summary: 'dc1: GPU idle below 10% for 2h',
                description: 'GPU 0 (NVIDIA A100-SXM4-80GB) on gpu-node-1 has stayed below 10% utilisation: the node costs money for nothing; stop the job or let the pool scale to zero.',
              },
            }],
          },
        ],
      }],
    });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  promtoolTest('feature drift above 0.2 fires MlFeatureDrift labelled for the retraining hook', () => {
    const r = testRules(rules, {
      rule_files: ['ml-churn.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          { series: 'ml_feature_drift_score{job="ml-drift",workload="churn",feature="tenure"}', values: '0.45x20' },
          { series: 'ml_feature_drift_score{job="ml-drift",workload="churn",feature="plan"}', values: '0.05x20' },
          { series: 'ml_feature_drift_score{job="ml-drift",workload="other",feature="tenure"}', values: '0.9x20' },
        ],
        alert_rule_test: [{
          eval_time: '10m', alertname: 'MlFeatureDrift',
          exp_alerts: [{
            exp_labels: { severity: 'warning', workload: 'churn', ml_kind: 'inference-endpoint', category: 'drift', ml_action: 'retrain', feature: 'tenure' },
            exp_annotations: {
              summary: 'churn: feature drift above 0.2',
              description: 'Feature tenure drifted from the reference dataset (score 0.45): retrain or investigate the upstream data.',
            },
          }],
        }],
      }],
    });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});
