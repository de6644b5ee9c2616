import { buildServingExample } from '../examples/serving/stacks';
import { reviewTerraformJson } from '../lib/governance/review';
import { checkAlertmanager, checkPrometheusConfig, checkRules, configMapFiles, haveTool } from './monitoring/checkers';
import { literalSecrets, synthApp } from './util';

describe('examples/serving: a Kubernetes canary and a SageMaker endpoint, monitored', () => {
  const out = synthApp((app) => buildServingExample(app));
  const onprem = out['serving-onprem'];
  const aws = out['serving-aws'];

  test('the on-prem canary: an HTTPRoute weighting stable 90 / canary 10, each variant on L4 GPUs with its registry version', () => {
    const route = onprem.resources('kubernetes_manifest')[0].manifest;
    expect(route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['churn-stable', 90], ['churn-canary', 10]]);
    const deployments = onprem.resources('kubernetes_deployment_v1').filter((d) => d.metadata.name.startsWith('churn-'));
    const env = (name: string) => deployments.find((d) => d.metadata.name === name).spec.template.spec.container[0].env;
    expect(env('churn-stable')).toContainEqual({ name: 'MODEL_URI', value: 'models:/churn/3' });
    expect(env('churn-canary')).toContainEqual({ name: 'MODEL_URI', value: 'models:/churn/4' });
    const spec = deployments.find((d) => d.metadata.name === 'churn-canary').spec.template.spec;
    expect(spec.container[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(spec.toleration).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' });
  });

  test('the endpoint reads features: FEATURE_STORE_ENDPOINT points at the Feast server', () => {
    const canary = onprem.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'churn-canary');
    expect(canary.spec.template.spec.container[0].env.find((e: any) => e.name === 'FEATURE_STORE_ENDPOINT').value).toMatch(/^http:\/\/feast-server\.mlops\.svc/);
  });

  test('monitoring discovered the endpoint and the GPU cluster: scrape jobs and alert rules for both', () => {
    const files = configMapFiles(onprem.json);
    const prometheus = JSON.parse(files.find((f) => f.key === 'prometheus.yml')!.value);
    expect(prometheus.scrape_configs.map((s: any) => s.job_name)).toEqual(expect.arrayContaining(['inference-churn-stable', 'inference-churn-canary', 'dcgm-exporter']));
    const rules = files.filter((f) => f.configMap === 'prometheus-rules').map((f) => f.value).join('\n');
    for (const alert of ['MlLatencyP99High', 'MlErrorRateHigh', 'MlGpuIdle', 'MlFeatureDrift', 'MlModelStale']) expect(rules).toContain(alert);
  });

  test('SageMaker: production variants 90/10, blue/green canary updates rolled back by alarms, drift and staleness rules in Amazon Managed Prometheus', () => {
    const config = aws.resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.production_variants.map((v: any) => [v.variant_name, v.initial_variant_weight])).toEqual([['stable', 90], ['canary', 10]]);
    const endpoint = aws.resources('aws_sagemaker_endpoint')[0];
    expect(endpoint.deployment_config.blue_green_update_policy.traffic_routing_configuration.type).toBe('CANARY');
    expect(endpoint.deployment_config.auto_rollback_configuration.alarms.length).toBeGreaterThan(0);
    // Latency and errors are CloudWatch alarms (they also roll deployments back); Prometheus watches drift and staleness.
    expect(aws.resources('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/canary/), expect.stringMatching(/stable/)]));
    const rules = aws.resources('aws_prometheus_rule_group_namespace')[0].data;
    for (const alert of ['MlFeatureDrift', 'MlPredictionDrift', 'MlModelStale']) expect(rules).toContain(alert);
    expect(rules).not.toContain('DCGM_FI_DEV_GPU_UTIL');
  });

  test('both stacks pass governance with approved, digest-pinned serving images, and hold no secret', () => {
    for (const s of Object.values(out)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'], parameters: { approvedRegistries: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/'] } });
      expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
      expect(literalSecrets(s.json)).toEqual([]);
    }
  });

  (haveTool('promtool') && haveTool('amtool') ? test : test.skip)('every generated Prometheus and Alertmanager file passes promtool and amtool', () => {
    const files = configMapFiles(onprem.json);
    const rules = Object.fromEntries(files.filter((f) => f.configMap === 'prometheus-rules').map((f) => [f.key, f.value]));
    expect(checkPrometheusConfig(files.find((f) => f.key === 'prometheus.yml')!.value, rules)).toMatchObject({ status: 0 });
    expect(checkAlertmanager(files.find((f) => f.key === 'alertmanager.yml')!.value)).toMatchObject({ status: 0 });
    expect(checkRules({ 'amp.yml': aws.resources('aws_prometheus_rule_group_namespace')[0].data })).toMatchObject({ status: 0 });
  });
});
