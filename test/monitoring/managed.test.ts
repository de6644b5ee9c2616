import { TerraformStack } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { AmpCollectorProps, AmpMonitoring, AmpMonitoringProps, AmpScrapeSource } from '../../lib/monitoring/amp';
import { CADVISOR_METRICS } from '../../lib/monitoring/metrics';
import { Duration } from '../../lib/core/units';
import { GmpMonitoring } from '../../lib/monitoring/gmp';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { errorOf, literalSecrets, synth } from '../util';
import { checkAlertmanager, checkPrometheusConfig, checkRules, haveTool } from './checkers';
import { buildAmp, buildGmp, endpoint, FakeWorkload } from './fakes';

const promtoolTest = haveTool('promtool') ? test : test.skip;
const amtoolTest = haveTool('amtool') ? test : test.skip;
describe('AmpMonitoring (Amazon Managed Service for Prometheus + Managed Grafana)', () => {
  const out = synth((stack) => { buildAmp(stack); });

  test('the workspace is encrypted with a rotated customer-managed key and logs to an encrypted log group', () => {
    const [ws] = out.resources('aws_prometheus_workspace');
    expect(ws.alias).toBe('ml-prod');
    expect(ws.kms_key_arn).toMatch(/^\$\{aws_kms_key\.amp_kms-key_\w+\.arn\}$/);
    expect(ws.logging_configuration.log_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.amp_log-group_\w+\.arn\}:\*$/);
    expect(out.resources('aws_kms_key')[0].enable_key_rotation).toBe(true);
    expect(out.resources('aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/vendedlogs/prometheus/ml-prod', retention_in_days: 365 });
  });

  test('the rule group namespace holds the same generated rules as MonitoringStack', () => {
    const [ns] = out.resources('aws_prometheus_rule_group_namespace');
    const groups = JSON.parse(ns.data).groups;
    expect(groups.map((g: any) => g.name)).toEqual(['ml-churn', 'ml-features', 'ml-registry', 'ml-dc1']);
    // No drift job runs here, so no "drift job not reporting" rule.
    expect(groups[0].rules.map((r: any) => r.alert)).not.toContain('MlDriftJobNotReporting');
  });

  test('Alertmanager routes to SNS topics, signed with SigV4', () => {
    const [def] = out.resources('aws_prometheus_alert_manager_definition');
    const am = JSON.parse(JSON.parse(def.definition).alertmanager_config);
    const critical = am.receivers.find((r: any) => r.name === 'critical');
    expect(critical.sns_configs[0]).toMatchObject({ topic_arn: 'arn:aws:sns:eu-west-1:123456789012:ml-critical', sigv4: { region: expect.stringMatching(/^\$\{data\.aws_region\.\w+\.region\}$/) } });
    expect(am.route.routes[0]).toMatchObject({ receiver: 'retraining', matchers: ['ml_action="retrain"'] });
  });

  test('Grafana is reachable only through the VPC endpoint and reads the workspace with a least-privilege role', () => {
    const [g] = out.resources('aws_grafana_workspace');
    expect(g).toMatchObject({
      account_access_type: 'CURRENT_ACCOUNT', authentication_providers: ['AWS_SSO'], permission_type: 'CUSTOMER_MANAGED', data_sources: ['PROMETHEUS'],
      network_access_control: { vpce_ids: ['vpce-0123456789abcdef0'], prefix_list_ids: [] },
    });
    const trust = JSON.parse(out.resources('aws_iam_role')[0].assume_role_policy);
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: 'grafana.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': expect.any(String) } } });
    const policy = JSON.parse(out.resources('aws_iam_role_policy')[0].policy);
    expect(policy.Statement[0].Action).toEqual(['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace']);
    expect(policy.Statement[0].Resource).toMatch(/aws_prometheus_workspace/);
  });

  test('no literal secret', () => {
    expect(literalSecrets(out.json)).toEqual([]);
  });

  promtoolTest('promtool check rules accepts the rule group namespace', () => {
    const r = checkRules({ 'amp.yml': out.resources('aws_prometheus_rule_group_namespace')[0].data });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  amtoolTest('amtool check-config accepts the alertmanager_config', () => {
    const def = JSON.parse(out.resources('aws_prometheus_alert_manager_definition')[0].definition);
    const r = checkAlertmanager(def.alertmanager_config);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  test.each<[string, Partial<AmpMonitoringProps>, RegExp]>([
    ['a Slack receiver (AMP sends to SNS only)', { alerting: { critical: [AlertReceiver.slack({ name: 's', key: 'k' }, '#x')] } },
      /alerting\.critical\[0\] \("slack"\) is not supported here; use sns/],
    ['a Grafana workspace open to the internet', { grafanaAccess: {} }, /grafanaAccess \(\{\}\) must name at least one VPC endpoint/],
    ['a malformed topic ARN', { alerting: { critical: [AlertReceiver.sns('ml-critical')] } }, /alerting\.critical\[0\]\.topicArn \("ml-critical"\) must be an SNS topic ARN/],
    ['a log retention CloudWatch does not offer', { logRetention: Duration.days(10) }, /logRetention \(10d\) must be a CloudWatch Logs retention period/],
  ])('%s is refused', (_what, props, message) => {
    expect(errorOf((stack) => { buildAmp(stack as TerraformStack, props); })).toMatch(message);
  });
});

describe('AmpMonitoring: the managed collector scrapes the cluster into the workspace', () => {
  const source = AmpScrapeSource.fromAttributes({
    clusterName: 'dc1', clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/dc1', subnetIds: ['subnet-0a', 'subnet-0b'], securityGroupIds: ['sg-0c'],
  });
  const collector: AmpCollectorProps = { source };
  let amp: AmpMonitoring | undefined;
  const out = synth((stack) => { amp = buildAmp(stack, { collector }); });
  const [scraper] = out.resources('aws_prometheus_scraper');
  const config = JSON.parse(scraper.scrape_configuration);
  const job = (name: string) => config.scrape_configs.find((j: any) => j.job_name === name);

  test('given a collector, then one scraper reads the EKS cluster through its subnets and writes to the workspace', () => {
    expect(scraper.source).toEqual([{ eks: [{ cluster_arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/dc1', subnet_ids: ['subnet-0a', 'subnet-0b'], security_group_ids: ['sg-0c'] }] }]);
    expect(scraper.destination).toEqual([{ amp: [{ workspace_arn: expect.stringMatching(/^\$\{aws_prometheus_workspace\.amp_workspace_\w+\.arn\}$/) }] }]);
    expect(scraper.alias).toBe('ml-prod-dc1');
    expect(amp!.files.scrapeConfiguration).toBe(scraper.scrape_configuration);
  });

  test('then the workspace carries the tag the scraper adds, so plans do not remove it', () => {
    expect(out.resources('aws_prometheus_workspace')[0].tags).toEqual({ AMPAgentlessScraper: '' });
  });

  test('then the configuration holds only what AMP accepts: a 30 s interval and the cluster label', () => {
    expect(Object.keys(config)).toEqual(['global', 'scrape_configs']);
    expect(config.global).toEqual({ scrape_interval: '30s', external_labels: { cluster: 'dc1' } });
  });

  test('then every job the rules query is scraped', () => {
    const rules = out.resources('aws_prometheus_rule_group_namespace')[0].data;
    const queried = new Set([...rules.matchAll(/job=~?\\?"([^"\\]+)\\?"/g)].flatMap((m: RegExpMatchArray) => m[1].split('|')));
    expect([...queried].sort()).toEqual(['churn-serving', 'feast-online', 'mlflow']);
    for (const name of queried) expect(job(name)).toBeDefined();
    // The inference endpoint's pods by label, on their metrics port, labelled with the workload.
    expect(job('churn-serving')).toMatchObject({
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['serving'] } }],
      relabel_configs: expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'churn', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
        { target_label: 'workload', replacement: 'churn' },
      ]),
    });
  });

  test('then cAdvisor is scraped through the API server\'s node proxy with the scraper\'s token, keeping the series the rules use', () => {
    expect(job('kubelet-cadvisor')).toMatchObject({
      scheme: 'https',
      authorization: { type: 'Bearer', credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      kubernetes_sd_configs: [{ role: 'node' }],
      relabel_configs: expect.arrayContaining([
        { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
        { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' },
      ]),
    });
    const keep = new RegExp(`^(${job('kubelet-cadvisor').metric_relabel_configs[0].regex})$`);
    for (const metric of Object.values(CADVISOR_METRICS)) expect(metric).toMatch(keep);
  });

  test('then the DCGM exporter\'s pods are scraped with their GPU-to-pod labels', () => {
    expect(job('dcgm-exporter')).toMatchObject({ honor_labels: true, kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['kube-system'] } }] });
    const custom = synth((stack) => { buildAmp(stack, { collector: { source, dcgmNamespace: 'gpu-operator' } }); });
    const dcgm = JSON.parse(custom.resources('aws_prometheus_scraper')[0].scrape_configuration).scrape_configs.find((j: any) => j.job_name === 'dcgm-exporter');
    expect(dcgm.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['gpu-operator'] } }]);
  });

  test('given gpuMetrics off, then no DCGM job', () => {
    const noGpu = synth((stack) => {
      buildAmp(stack, { collector, gpuMetrics: false, watch: [new FakeWorkload(stack, 'cpu', [endpoint('cpu', { usesGpus: false })])] });
    });
    const jobs = JSON.parse(noGpu.resources('aws_prometheus_scraper')[0].scrape_configuration).scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toEqual(['kubelet-cadvisor', 'cpu-serving']);
  });

  promtoolTest('promtool check config accepts the scrape configuration', () => {
    const r = checkPrometheusConfig(scraper.scrape_configuration, {});
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  test('given an EKS cluster this library made, then its ARN, subnets and cluster security group are used', () => {
    const fromCluster = synth((stack) => {
      const cluster = new EksCluster(stack, 'eks', {
        name: 'dc1', roleArn: 'arn:aws:iam::123456789012:role/eks', vpcConfig: { subnetIds: ['subnet-0a', 'subnet-0b'], endpointPrivateAccess: true },
        accessConfig: { authenticationMode: 'API' },
      });
      buildAmp(stack, { collector: { source: AmpScrapeSource.fromCluster({ clusterName: 'dc1', cluster }) } });
    });
    expect(fromCluster.resources('aws_prometheus_scraper')[0].source[0].eks[0]).toEqual({
      cluster_arn: expect.stringMatching(/^\$\{aws_eks_cluster\.eks\.arn\}$/),
      subnet_ids: expect.stringMatching(/aws_eks_cluster\.eks\.vpc_config\[0\]\.subnet_ids/),
      security_group_ids: [expect.stringMatching(/aws_eks_cluster\.eks\.vpc_config\[0\]\.cluster_security_group_id/)],
    });
  });

  test('given no collector while workloads are watched, then the construct warns that no rule can fire', () => {
    let bare: AmpMonitoring | undefined;
    synth((stack) => { bare = buildAmp(stack); });
    expect(bare!.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)))
      .toEqual([expect.stringMatching(/no collector writes to workspace ml-prod, so its rules never fire; set collector/)]);
  });

  const eks = (stack: TerraformStack, mode: string, privateAccess = true) => new EksCluster(stack, 'eks', {
    name: 'dc1', roleArn: 'arn:aws:iam::123456789012:role/eks', vpcConfig: { subnetIds: ['subnet-0a', 'subnet-0b'], endpointPrivateAccess: privateAccess },
    accessConfig: { authenticationMode: mode },
  });
  test.each<[string, (stack: TerraformStack) => Partial<AmpMonitoringProps>, RegExp]>([
    ['a scrape interval below AMP\'s minimum', () => ({ collector: { source, scrapeInterval: Duration.seconds(15) } }),
      /collector\.scrapeInterval \(15s\) is shorter than 30 seconds/],
    ['a single subnet', () => ({ collector: { source: AmpScrapeSource.fromAttributes({ clusterName: 'dc1', clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/dc1', subnetIds: ['subnet-0a'] }) } }),
      /collector\.source\.subnetIds \(\["subnet-0a"\]\) must name at least two subnets, in two Availability Zones/],
    ['a cluster that authenticates with the aws-auth ConfigMap only', (stack) => ({ collector: { source: AmpScrapeSource.fromCluster({ clusterName: 'dc1', cluster: eks(stack, 'CONFIG_MAP') }) } }),
      /collector\.source\.cluster \("dc1 \(authentication mode CONFIG_MAP\)"\) does not use access entries, through which AMP grants the scraper access/],
    ['a cluster without a private endpoint', (stack) => ({ collector: { source: AmpScrapeSource.fromCluster({ clusterName: 'dc1', cluster: eks(stack, 'API', false) }) } }),
      /collector\.source\.cluster \("dc1 \(endpointPrivateAccess false\)"\) has no private endpoint/],
    ['a watched workload on another cluster', () => ({ collector: { source: AmpScrapeSource.fromAttributes({ clusterName: 'other', clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/other', subnetIds: ['subnet-0a', 'subnet-0b'] }) } }),
      /watch\[0\]\.workloads\[0\]\.clusterName \("dc1"\) is not the monitored cluster \(other\)/],
    ['something else as the source', () => ({ collector: { source: { clusterName: 'dc1' } as unknown as AmpScrapeSource } }),
      /collector\.source .* must be AmpScrapeSource\.fromCluster\(eksCluster\) or AmpScrapeSource\.fromAttributes/],
  ])('%s is refused', (_what, props, message) => {
    expect(errorOf((stack) => { buildAmp(stack as TerraformStack, props(stack as TerraformStack)); })).toMatch(message);
  });
});

describe('GmpMonitoring (Google Managed Prometheus + Cloud Monitoring alert policies)', () => {
  const out = synth((stack) => { buildGmp(stack); });
  const policies = out.resources('google_monitoring_alert_policy');

  test('one alert policy per generated rule, each a PromQL condition with the rule\'s duration and labels', () => {
    expect(policies.length).toBe(10 + 3 + 3 + 2);
    const latency = policies.find((p) => p.display_name === 'MlLatencyP99High (churn)');
    expect(latency).toMatchObject({
      project: 'ml-prod-123', combiner: 'OR', severity: 'CRITICAL', notification_channels: ['projects/ml-prod-123/notificationChannels/111'],
      conditions: [{
        display_name: 'churn: p99 latency above 250 ms',
        condition_prometheus_query_language: {
          query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="churn-serving"}[5m]))) > 0.25',
          duration: '600s', evaluation_interval: '60s', alert_rule: 'MlLatencyP99High', rule_group: 'ml-churn',
          labels: { severity: 'critical', workload: 'churn', ml_kind: 'inference-endpoint', category: 'latency' },
        },
      }],
    });
  });

  test('every PromQL condition skips metric validation, so a fresh project accepts policies on series not yet written', () => {
    // The workloads start writing their metrics after the apply; Cloud Monitoring rejects a PromQL condition on an
    // unknown metric unless validation is off.
    expect(policies.map((p) => p.conditions[0].condition_prometheus_query_language.disable_metric_validation)).toEqual(policies.map(() => true));
  });

  test('drift and stale-model policies also notify the retraining channel', () => {
    const drift = policies.find((p) => p.display_name === 'MlFeatureDrift (churn)');
    expect(drift.notification_channels).toEqual(['projects/ml-prod-123/notificationChannels/222', 'projects/ml-prod-123/notificationChannels/333']);
    expect(drift.documentation.content).not.toMatch(/\{\{/);
  });

  promtoolTest('promtool check rules accepts every condition\'s PromQL (the same rules as in-cluster)', () => {
    const rules = policies.map((p) => {
      const c = p.conditions[0].condition_prometheus_query_language;
      return { alert: c.alert_rule, expr: c.query, for: `${parseInt(c.duration, 10)}s`, labels: c.labels };
    });
    const r = checkRules({ 'gmp.yml': JSON.stringify({ groups: [{ name: 'gmp', rules }] }) });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining(`SUCCESS: ${policies.length} rules found`)]);
  });

  test('notification channels must be channel ids', () => {
    expect(errorOf((stack) => { buildGmp(stack as TerraformStack, { notificationChannels: { critical: ['oncall@example.com'] } }); }))
      .toMatch(/notificationChannels\.critical\[0\] \("oncall@example\.com"\) must be a channel id/);
  });

  test('no literal secret, and deterministic', () => {
    expect(literalSecrets(out.json)).toEqual([]);
    expect(synth((stack) => { buildGmp(stack); }).text).toBe(out.text);
  });

  test('without project, the stack\'s Google provider\'s project is used', () => {
    const inherited = synth((stack) => { buildGmp(stack, { project: undefined }); });
    expect(inherited.resources('google_monitoring_alert_policy').map((p) => p.project)).toEqual(policies.map(() => 'ml-prod-123'));
    expect(inherited.text).toBe(out.text);
  });

  test('without project and without a Google provider that sets one, the error names the prop and both fixes', () => {
    expect(errorOf((stack) => {
      new GmpMonitoring(stack, 'gmp', { notificationChannels: { critical: ['projects/p/notificationChannels/1'] } });
    })).toBe('test/gmp: project (undefined) is required: set project, or place the construct in a stack whose Google provider sets project ' +
      '(MlPlatform.googleCloud(name, { project, region }) does)');
  });
});
