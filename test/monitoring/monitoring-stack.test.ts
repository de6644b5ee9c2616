import { TerraformStack } from 'cdktf';
import { Peer } from '../../lib/core/connections';
import { KubeletServingCertificates, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { Duration, Size } from '../../lib/core/units';
import { MonitoringStack } from '../../lib/monitoring/monitoring-stack';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { prometheusConfig, SERVICE_ACCOUNT_DIR } from '../../lib/monitoring/scrape';
import { reaches } from '../network';
import { errorOf, literalSecrets, synth } from '../util';
import { a100Nodes, buildAmp, buildGmp, buildStack, endpoint, FakeWorkload, featureStore, registry, routing, trainingCluster } from './fakes';

const POD_TYPES: Record<string, string[]> = {
  kubernetes_stateful_set_v1: ['spec', 'template', 'spec'],
  kubernetes_deployment_v1: ['spec', 'template', 'spec'],
  kubernetes_daemon_set_v1: ['spec', 'template', 'spec'],
  kubernetes_cron_job_v1: ['spec', 'job_template', 'spec', 'template', 'spec'],
};
const at = (o: any, path: string[]) => path.reduce((x, k) => x?.[k], o);

describe('MonitoringStack on an on-prem cluster with GPU nodes, watching every kind of workload', () => {
  const out = synth((stack) => { buildStack(stack); });
  const configMap = (name: string) => out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === name);
  const prometheusYml = JSON.parse(configMap('prometheus-config').data['prometheus.yml']);

  test('creates the namespace with Pod Security restricted enforced', () => {
    expect(out.resources('kubernetes_namespace_v1')).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ name: 'monitoring', labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }) }),
    })]);
  });

  test('Prometheus is a StatefulSet with a retained volume, retention time and size, and config/rules from ConfigMaps', () => {
    const sts = out.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'prometheus');
    expect(sts.spec.volume_claim_template).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ name: 'data' }),
      spec: { access_modes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
    })]);
    expect(sts.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: 'Retain', when_scaled: 'Retain' }]);
    const c = sts.spec.template.spec.container[0];
    expect(c.image).toBe('quay.io/prometheus/prometheus:v3.5.0');
    // 85% of 100 GiB, in Prometheus' base-2 units.
    expect(c.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=87040MB']));
    // prometheus.yml and rules/*.yml from the two ConfigMaps, laid out in one projected volume.
    const sources = sts.spec.template.spec.volume[0].projected[0].sources;
    expect(sources.map((src: any) => src.config_map[0].items.map((i: any) => i.path)).flat()).toEqual([
      'prometheus.yml', 'rules/ml-churn.yml', 'rules/ml-dc1.yml', 'rules/ml-features.yml', 'rules/ml-registry.yml',
    ]);
    expect(sources[1].config_map[0].name).toMatch(/^\$\{kubernetes_config_map_v1\.monitoring_prometheus_rules_\w+\.metadata\[0\]\.name\}$/);
    expect(c.volume_mount.map((m: any) => m.mount_path)).toEqual(['/etc/prometheus', '/prometheus']);
    expect(Object.keys(configMap('prometheus-rules').data).sort()).toEqual(['ml-churn.yml', 'ml-dc1.yml', 'ml-features.yml', 'ml-registry.yml']);
  });

  test('Prometheus may only read what discovery and cAdvisor need', () => {
    expect(out.resources('kubernetes_cluster_role_v1')[0].rule).toEqual([{
      api_groups: [''], resources: ['pods', 'services', 'endpoints', 'nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'],
    }]);
    expect(out.resources('kubernetes_cluster_role_binding_v1')[0].subject).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
  });

  test('every Service is ClusterIP', () => {
    const services = out.resources('kubernetes_service_v1');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['alertmanager', 'grafana', 'prometheus', 'pushgateway']);
    expect(services.every((s) => s.spec.type === 'ClusterIP')).toBe(true);
  });

  test('each workload gets a pod-role scrape config limited to its namespace, pod labels and port name', () => {
    const job = prometheusYml.scrape_configs.find((s: any) => s.job_name === 'feast-online');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['features'] } }]);
    expect(job.relabel_configs).toEqual(expect.arrayContaining([
      { source_labels: ['__meta_kubernetes_pod_label_app'], regex: 'feast', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'], regex: 'online', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
      { target_label: 'workload', replacement: 'features' },
    ]));
    expect(prometheusYml.scrape_configs.map((s: any) => s.job_name)).toEqual(
      ['prometheus', 'kubelet-cadvisor', 'dcgm-exporter', 'pushgateway', 'churn-serving', 'feast-online', 'mlflow']);
    expect(prometheusYml.rule_files).toEqual(['rules/*.yml']);
  });


  test('Alertmanager reads receiver secrets from mounted Secrets through *_file fields, never inline', () => {
    const am = JSON.parse(configMap('alertmanager-config').data['alertmanager.yml']);
    const byName = Object.fromEntries(am.receivers.map((r: any) => [r.name, r]));
    expect(byName.critical.pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager-secrets/alerting/pagerduty-routing-key');
    expect(byName.warning.slack_configs[0].api_url_file).toBe('/etc/alertmanager-secrets/alerting/slack-webhook-url');
    expect(byName.retraining.webhook_configs[0]).toMatchObject({
      url: 'http://retrain.mlops.svc:8080/alerts', http_config: { authorization: { credentials_file: '/etc/alertmanager-secrets/retrain/token' } },
    });
    const sts = out.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'alertmanager');
    expect(sts.spec.template.spec.volume.filter((v: any) => v.secret).map((v: any) => v.secret.secret_name)).toEqual(['alerting', 'retrain']);
    expect(sts.spec.volume_claim_template[0].spec.resources.requests.storage).toBe('2Gi');
  });

  test('alerts route by severity; drift and staleness alerts also reach the retraining hook', () => {
    const am = JSON.parse(configMap('alertmanager-config').data['alertmanager.yml']);
    expect(am.route.routes.map((r: any) => [r.receiver, r.matchers, r.continue ?? false])).toEqual([
      ['retraining', ['ml_action="retrain"'], true],
      ['critical', ['severity="critical"'], false],
      ['warning', ['severity="warning"'], false],
    ]);
  });

  test('Grafana reads its admin password from a Secret, has anonymous access off, and provisions the datasource and dashboards', () => {
    const grafana = out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'grafana');
    const env = Object.fromEntries(grafana.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ GF_SECURITY_ADMIN_PASSWORD__FILE: '/etc/grafana/admin/admin-password', GF_AUTH_ANONYMOUS_ENABLED: 'false', GF_USERS_ALLOW_SIGN_UP: 'false' });
    expect(grafana.spec.template.spec.volume.find((v: any) => v.name === 'admin').projected[0].sources[1].secret).toEqual([{ name: 'grafana-admin', items: [{ key: 'admin-password', path: 'admin-password' }] }]);
    expect(Object.keys(configMap('grafana-provisioning').data).sort()).toEqual(['dashboards.yml', 'datasources.yml']);
    expect(Object.keys(configMap('grafana-dashboards').data).sort()).toEqual(['ml-churn.json', 'ml-dc1.json', 'ml-features.json', 'ml-registry.json']);
  });

  test('the DCGM exporter runs on the GPU nodes only, tolerating their taint, with SYS_ADMIN as its only added capability', () => {
    const raw = Object.values<any>(out.json.resource.kubernetes_daemon_set_v1)[0];
    const spec = raw.spec.template.spec;
    expect(raw.metadata.namespace).toBe('kube-system');
    expect(spec.container[0].image).toBe('nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04');
    expect(spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term)
      .toEqual([{ match_expressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB'] }] }]);
    expect(spec.toleration).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(spec.container[0].security_context.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_ADMIN'] });
  });

  test('every pod is hardened: pinned images, requests and limits, probes (long-running), no escalation, all capabilities dropped, read-only root', () => {
    let pods = 0;
    for (const [type, path] of Object.entries(POD_TYPES)) {
      for (const r of out.resources(type)) {
        pods++;
        const spec = at(r, path);
        for (const c of spec.container) {
          const where = `${type} ${r.metadata.name}/${c.name}`;
          expect([where, /:[^/:]+$|@sha256:/.test(c.image) && !c.image.endsWith(':latest')]).toEqual([where, true]);
          expect([where, c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory]).toEqual([where, expect.any(String)]);
          expect([where, c.security_context.allow_privilege_escalation, c.security_context.read_only_root_filesystem, c.security_context.capabilities.drop])
            .toEqual([where, false, true, ['ALL']]);
          if (type !== 'kubernetes_cron_job_v1') expect([where, !!c.readiness_probe && !!c.liveness_probe]).toEqual([where, true]);
          if (r.metadata.name !== 'dcgm-exporter') expect([where, spec.security_context.run_as_non_root]).toEqual([where, true]);
        }
      }
    }
    expect(pods).toBe(6); // prometheus, alertmanager, grafana, pushgateway, dcgm-exporter, the drift job
  });

  test('NetworkPolicies: default deny, then only the flows monitoring needs, including into scraped namespaces', () => {
    const policies = Object.fromEntries(out.resources('kubernetes_network_policy_v1').map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.spec]));
    expect(policies['monitoring/default-deny-ingress']).toEqual({ pod_selector: {}, policy_types: ['Ingress'] });
    expect(policies['serving/allow-prometheus-scrape-churn-serving']).toEqual({
      pod_selector: { match_labels: { 'app.kubernetes.io/name': 'churn' } },
      policy_types: ['Ingress'],
      ingress: [{
        from: [{
          namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          pod_selector: { match_labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'ml-monitoring' } },
        }],
        ports: [{ port: 'metrics', protocol: 'TCP' }],
      }],
    });
    expect(Object.keys(policies).sort()).toEqual([
      'features/allow-prometheus-scrape-feast-online', 'kube-system/dcgm-exporter-allow-prometheus', 'mlops/allow-prometheus-scrape-mlflow',
      'monitoring/alertmanager-ingress', 'monitoring/default-deny-ingress', 'monitoring/prometheus-ingress', 'monitoring/pushgateway-ingress',
      'serving/allow-prometheus-scrape-churn-serving',
    ]);
    // No policy admits everyone (an ingress rule without `from`).
    for (const spec of Object.values<any>(policies)) for (const rule of spec.ingress ?? []) expect(rule.from.length).toBeGreaterThan(0);
  });

  test('a drift CronJob per endpoint hands the job its inputs and the Pushgateway URL, and runs as the drift identity', () => {
    const [cron] = out.resources('kubernetes_cron_job_v1');
    expect(cron.metadata.name).toBe('drift-churn');
    expect(cron.spec).toMatchObject({ schedule: '0 * * * *', concurrency_policy: 'Forbid' });
    const pod = cron.spec.job_template.spec.template.spec;
    expect(Object.fromEntries(pod.container[0].env.map((e: any) => [e.name, e.value]))).toEqual({
      ML_WORKLOAD: 'churn',
      ML_REFERENCE_DATASET_URI: 's3://ml-data/churn/train.parquet',
      ML_PREDICTION_LOG_URI: 's3://ml-logs/churn/predictions/',
      ML_LOOKBACK_SECONDS: '86400',
      ML_PUSHGATEWAY_URL: 'http://pushgateway.monitoring.svc:9091/metrics/job/ml-drift/workload/churn',
    });
    expect(pod.service_account_name).toBe('ml-drift');
    expect(out.resources('kubernetes_service_account_v1').map((s) => s.metadata.name).sort()).toEqual(['ml-drift', 'prometheus']);
  });

  test('no literal secret anywhere, and no Terraform interpolation hidden in generated files', () => {
    expect(literalSecrets(out.json)).toEqual([]);
    for (const cm of out.resources('kubernetes_config_map_v1')) {
      for (const value of Object.values<string>(cm.data)) expect(value).not.toMatch(/\$\{|%\{/);
    }
  });

  test('a changed rule changes the pods\' config hash, so Prometheus restarts with it', () => {
    const hash = (o: typeof out) => o.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'prometheus')
      .spec.template.metadata.annotations['ml-platform.io/config-sha256'];
    const other = synth((stack) => { buildStack(stack, { thresholds: { featureDrift: 0.3 } }); });
    expect(hash(other)).not.toBe(hash(out));
  });

  test('synthesis is deterministic', () => {
    expect(synth((stack) => { buildStack(stack); }).text).toBe(out.text);
  });
});

describe('MonitoringStack options', () => {
  test('on a CPU-only cluster there is no DCGM exporter; without drift detection no Pushgateway or CronJob', () => {
    const out = synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring' });
      new MonitoringStack(stack, 'monitoring', {
        target, watch: [new FakeWorkload(stack, 'w', [endpoint('churn', { usesGpus: false }), featureStore()])],
        alerting: { critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pd' })] },
        grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
      });
    });
    expect(out.resources('kubernetes_daemon_set_v1')).toEqual([]);
    expect(out.resources('kubernetes_cron_job_v1')).toEqual([]);
    expect(out.resources('kubernetes_deployment_v1').map((d) => d.metadata.name)).toEqual(['grafana']);
    const rules = Object.values<string>(out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === 'prometheus-rules').data).join('\n');
    expect(rules).not.toMatch(/DCGM|MlDriftJobNotReporting/);
  });

  test('retention, storage and an existing namespace are honoured', () => {
    const out = synth((stack) => {
      buildStack(stack, {
        retention: Duration.days(30), storage: Size.gibibytes(500), retentionSize: Size.gibibytes(450), storageClassName: 'gp3-encrypted', createNamespace: false,
      });
    });
    expect(out.resources('kubernetes_namespace_v1')).toEqual([]);
    const sts = out.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'prometheus');
    expect(sts.spec.template.spec.container[0].args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=460800MB']));
    expect(sts.spec.volume_claim_template[0].spec).toMatchObject({ storage_class_name: 'gp3-encrypted', resources: { requests: { storage: '500Gi' } } });
  });

  test('Grafana is opened to the ingress controller\'s namespace through its connections, and to nobody else', () => {
    const ingress = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const grafanaPods = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/part-of': 'ml-monitoring' } };
    const closed = synth((stack) => { buildStack(stack); });
    expect(reaches(closed.resources('kubernetes_network_policy_v1'), ingress, grafanaPods, 3000)).toBe(false);

    let monitoring: MonitoringStack | undefined;
    const out = synth((stack) => {
      monitoring = buildStack(stack);
      monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
    });
    const policies = out.resources('kubernetes_network_policy_v1');
    const policy = policies.find((p) => p.metadata.name === 'grafana-from-ingress-nginx');
    expect(policy.metadata).toMatchObject({ namespace: 'monitoring', labels: expect.objectContaining({ 'app.kubernetes.io/part-of': 'ml-monitoring' }) });
    expect(policy.spec.ingress).toEqual([{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: '3000', protocol: 'TCP' }] }]);
    expect(reaches(policies, ingress, grafanaPods, 3000)).toBe(true);
    // Only Grafana: Prometheus stays closed to the ingress controller.
    expect(reaches(policies, ingress, { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'ml-monitoring' } }, 9090)).toBe(false);
    expect(monitoring!.grafana.connections.allowed.map((a) => `${a.peer.namespace}:${a.port}`)).toEqual(['ingress-nginx:3000']);
  });

  test('teams are admitted to query Prometheus through its connections; Grafana keeps its own path', () => {
    const out = synth((stack) => { buildStack(stack).prometheus.connections.allowDefaultPortFrom(Peer.namespace('team-a')); });
    const policies = out.resources('kubernetes_network_policy_v1');
    const prometheusPods = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'ml-monitoring' } };
    expect(reaches(policies, { namespace: 'team-a', labels: {} }, prometheusPods, 9090)).toBe(true);
    expect(reaches(policies, { namespace: 'team-b', labels: {} }, prometheusPods, 9090)).toBe(false);
    expect(reaches(policies, { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/part-of': 'ml-monitoring' } }, prometheusPods, 9090)).toBe(true);
    expect(policies.find((p) => p.metadata.name === 'prometheus-ingress').spec.ingress[0].from).toEqual([
      { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/part-of': 'ml-monitoring' } } },
    ]);
  });

  test('the remote-write receiver is an explicit switch, and its writers are admitted through Prometheus\' connections', () => {
    const closed = synth((stack) => { buildStack(stack); });
    const args = (out: typeof closed) => out.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'prometheus').spec.template.spec.container[0].args;
    expect(args(closed)).not.toContain('--web.enable-remote-write-receiver');
    const out = synth((stack) => {
      buildStack(stack, { remoteWriteReceiver: true }).prometheus.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
    });
    expect(args(out)).toContain('--web.enable-remote-write-receiver');
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'prometheus-from-ingress-nginx');
    expect(policy.spec.pod_selector).toEqual({ match_labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'ml-monitoring' } });
  });

  test('a remote-write receiver nobody may reach is refused at synth, naming the prop and the fix', () => {
    expect(() => synth((stack) => { buildStack(stack, { remoteWriteReceiver: true }); })).toThrow(
      /^test\/monitoring: remoteWriteReceiver \(true\) is on, but no writer may reach Prometheus; admit them, e\.g\. monitoring\.prometheus\.connections\.allowDefaultPortFrom\(Peer\.namespace\('ingress-nginx'\)\)/);
  });

  test('the replaced network and secret props are refused with their replacement', () => {
    const message = errorOf((stack) => {
      buildStack(stack as TerraformStack, {
        prometheusAccessFromNamespaces: ['team-a'], remoteWriteFromNamespaces: ['ingress-nginx'], pushgatewayAccessFromNamespaces: ['features'],
        grafana: { adminSecret: { name: 'grafana-admin' }, accessFromNamespaces: ['ingress-nginx'] },
      } as any);
    });
    expect(message).toMatch(/prometheusAccessFromNamespaces \(\["team-a"\]\) was replaced by monitoring\.prometheus\.connections\.allowDefaultPortFrom/);
    expect(message).toMatch(/remoteWriteFromNamespaces \(\["ingress-nginx"\]\) was replaced: set remoteWriteReceiver: true/);
    expect(message).toMatch(/pushgatewayAccessFromNamespaces \(\["features"\]\) was replaced: set pushgateway: true/);
    expect(message).toMatch(/grafana\.accessFromNamespaces \(\["ingress-nginx"\]\) was replaced by monitoring\.grafana\.connections/);
    expect(message).toMatch(/grafana\.adminCredentials \(undefined\) is required/);
    expect(message).toMatch(/grafana\.adminSecret \(\{"name":"grafana-admin"\}\) was replaced by grafana\.adminCredentials/);
  });

  test('Grafana reads its admin login from two secret keys, mounted as files under fixed names', () => {
    const out = synth((stack) => {
      buildStack(stack, { grafana: { adminCredentials: { user: { name: 'sso', key: 'grafana-user' }, password: { name: 'vault-grafana', key: 'pw' } } } });
    });
    const spec = out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'grafana').spec.template.spec;
    const env = Object.fromEntries(spec.container[0].env.map((e: any) => [e.name, e.value]));
    expect(env.GF_SECURITY_ADMIN_USER__FILE).toBe('/etc/grafana/admin/admin-user');
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/etc/grafana/admin/admin-password');
    expect(spec.volume.find((v: any) => v.name === 'admin').projected).toEqual([{
      default_mode: '0440',
      sources: [
        { secret: [{ name: 'sso', items: [{ key: 'grafana-user', path: 'admin-user' }] }] },
        { secret: [{ name: 'vault-grafana', items: [{ key: 'pw', path: 'admin-password' }] }] },
      ],
    }]);
    // Without a user key, the user is read from key admin-user of the password's secret.
    const defaults = synth((stack) => { buildStack(stack); }).resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'grafana');
    expect(defaults.spec.template.spec.volume.find((v: any) => v.name === 'admin').projected[0].sources[0]).toEqual(
      { secret: [{ name: 'grafana-admin', items: [{ key: 'admin-user', path: 'admin-user' }] }] });
  });

  test('a bad Grafana secret key is refused naming the prop', () => {
    expect(errorOf((stack) => {
      buildStack(stack as TerraformStack, { grafana: { adminCredentials: { password: { name: 'Grafana_Admin', key: 'admin password' } } } });
    })).toMatch(/^2 problems:\n  - test\/monitoring: grafana\.adminCredentials\.password\.name \("Grafana_Admin"\) is not a valid secret name.*\n  - test\/monitoring: grafana\.adminCredentials\.password\.key \("admin password"\) is not a valid secret key/);
  });

  test('discover() finds every IMonitorable in the scope, including a real training cluster', () => {
    let stackConstruct: MonitoringStack | undefined;
    synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      new KubernetesTrainingCluster(stack, 'training', {
        clusterName: 'dc1', target,
        pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 2, nodeSelector: { gpu: 'a100' } }],
      });
      new FakeWorkload(stack, 'endpoints', [endpoint('churn', { usesGpus: false }), registry()]);
      const training = stack.node.findChild('training') as KubernetesTrainingCluster;
      stackConstruct = new MonitoringStack(stack, 'monitoring', {
        target: training.kubernetes.inNamespace('monitoring'),
        watch: MonitoringStack.discover(stack),
        alerting: routing,
        grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
      });
    });
    expect(stackConstruct!.workloads.map((w) => `${w.kind}:${w.name}`)).toEqual(['training-cluster:dc1', 'inference-endpoint:churn', 'model-registry:registry']);
    expect(stackConstruct!.ruleGroups.find((g) => g.workload === 'dc1')!.rules.map((r) => r.alert)).toEqual(['MlGpuIdle', 'MlGpuMemoryNearlyFull']);
    expect(stackConstruct!.dcgmExporter).toBeDefined();
  });

  test('where the NVIDIA GPU Operator manages the GPUs, Prometheus scrapes the Operator\'s DCGM exporter instead of running a second one', () => {
    const out = synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      const training = new KubernetesTrainingCluster(stack, 'training', {
        clusterName: 'dc1', target, gpuOperator: true,
        pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 2, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }],
      });
      new MonitoringStack(stack, 'monitoring', {
        target: training.kubernetes.inNamespace('monitoring'), watch: [training], alerting: routing, grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
      });
    });
    expect(out.resources('kubernetes_daemon_set_v1')).toEqual([]);
    const yml = JSON.parse(out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === 'prometheus-config').data['prometheus.yml']);
    const dcgm = yml.scrape_configs.find((j: any) => j.job_name === 'dcgm-exporter');
    expect(dcgm.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['gpu-operator'] } }]);
    // Prometheus relabel regexes are fully anchored; the pod's label values are joined by the separator.
    const kept = (podLabels: Record<string, string>, port: string) => dcgm.relabel_configs.filter((r: any) => r.action === 'keep').every((r: any) =>
      new RegExp(`^(?:${r.regex})$`).test(r.source_labels.map((l: string) => l === '__meta_kubernetes_pod_container_port_name' ? port
        : podLabels[Object.keys(podLabels).find((k) => `__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}` === l) ?? ''] ?? '').join(r.separator ?? ';')));
    // NVIDIA/gpu-operator assets/state-dcgm-exporter/0800_daemonset.yaml: label app=nvidia-dcgm-exporter, port "metrics".
    expect(kept({ app: 'nvidia-dcgm-exporter' }, 'metrics')).toBe(true);
    expect(kept({ 'app.kubernetes.io/name': 'dcgm-exporter' }, 'metrics')).toBe(true);
    expect(kept({ app: 'nvidia-device-plugin-daemonset' }, 'metrics')).toBe(false);
  });

  test('the generated rules per kind', () => {
    let s: MonitoringStack | undefined;
    synth((stack) => { s = buildStack(stack, {}, [endpoint(), featureStore(), registry(), trainingCluster()]); });
    const alerts = Object.fromEntries(s!.ruleGroups.map((g) => [g.workload, g.rules.map((r) => r.alert)]));
    expect(alerts).toEqual({
      churn: ['MlTargetDown', 'MlLatencyP99High', 'MlErrorRateHigh', 'MlCpuThrottled', 'MlGpuIdle', 'MlGpuSaturated', 'MlGpuMemoryNearlyFull',
        'MlFeatureDrift', 'MlPredictionDrift', 'MlModelStale', 'MlDriftJobNotReporting'],
      features: ['MlTargetDown', 'MlCpuThrottled', 'MlFeaturesStale'],
      registry: ['MlTargetDown', 'MlCpuThrottled', 'MlRegisteredModelStale'],
      dc1: ['MlGpuIdle', 'MlGpuMemoryNearlyFull'],
    });
    const churn = s!.ruleGroups.find((g) => g.workload === 'churn')!.rules;
    // The endpoint's own SLO (250 ms, 0.5%) wins over the defaults.
    expect(churn.find((r) => r.alert === 'MlLatencyP99High')!.expr).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="churn-serving"}[5m]))) > 0.25');
    expect(churn.find((r) => r.alert === 'MlErrorRateHigh')!.expr).toMatch(/> 0\.005$/);
    expect(churn.filter((r) => r.labels.ml_action === 'retrain').map((r) => r.alert)).toEqual(['MlFeatureDrift', 'MlPredictionDrift', 'MlModelStale']);
  });
});

test('every resource attribute is in Terraform\'s snake_case: no nested block handed to the bindings in the wrong shape', () => {
  // A block passed as an object where the binding expects a list is written through unconverted (camelCase).
  const maps = new Set(['labels', 'data', 'annotations', 'match_labels', 'node_selector', 'requests', 'limits', 'tags', 'user_labels', 'hard']);
  const camel = (o: any, path: string, out: string[]): string[] => {
    if (Array.isArray(o)) o.forEach((x, i) => camel(x, `${path}[${i}]`, out));
    else if (o && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (/^[a-z]+[A-Z]/.test(k)) out.push(`${path}.${k}`);
        if (!maps.has(k)) camel(v, `${path}.${k}`, out);
      }
    }
    return out;
  };
  for (const build of [buildStack, buildAmp, buildGmp]) {
    expect(camel(synth((stack) => { build(stack); }).json.resource, '$', [])).toEqual([]);
  }
});

test('feature materialization jobs in other namespaces can be admitted to the Pushgateway', () => {
  const out = synth((stack) => {
    buildStack(stack, { driftDetection: undefined, pushgateway: true }).pushgateway!.connections.allowDefaultPortFrom(Peer.namespace('features'));
  });
  expect(out.resources('kubernetes_cron_job_v1')).toEqual([]);
  const policies = out.resources('kubernetes_network_policy_v1');
  const pushgateway = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'pushgateway', 'app.kubernetes.io/part-of': 'ml-monitoring' } };
  expect(reaches(policies, { namespace: 'features', labels: { app: 'materialize' } }, pushgateway, 9091)).toBe(true);
  expect(reaches(policies, { namespace: 'serving', labels: {} }, pushgateway, 9091)).toBe(false);
  expect(policies.map((p) => p.metadata.name)).toContain('pushgateway-from-features');
  const prometheusYml = JSON.parse(out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === 'prometheus-config').data['prometheus.yml']);
  expect(prometheusYml.scrape_configs.find((s: any) => s.job_name === 'pushgateway')).toEqual({ job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: ['pushgateway.monitoring.svc:9091'] }] });
});

test('turning the Pushgateway off while drift jobs push to it is refused, naming the prop', () => {
  expect(errorOf((stack) => { buildStack(stack as TerraformStack, { pushgateway: false }); }))
    .toBe('test/monitoring: pushgateway (false) is false, but the drift jobs of churn push their metrics to it; leave pushgateway unset or remove driftDetection');
});

describe('kubelet (cAdvisor) scraping follows how the target\'s kubelets sign their serving certificates', () => {
  const kubeletJob = (yml: string) => JSON.parse(yml).scrape_configs.find((j: any) => j.job_name === 'kubelet-cadvisor');
  const options = { clusterName: 'dc1', scrapeInterval: Duration.seconds(30), workloads: [], alertmanager: 'alertmanager.monitoring.svc:9093' };
  const stackOn = (target: (stack: TerraformStack) => KubernetesTarget) => {
    let yml = '';
    const out = synth((stack) => { yml = buildStack(stack, { target: target(stack).inNamespace('monitoring') }).files.prometheus; });
    return { yml, out };
  };

  test('kubeadm\'s self-signed kubelet certificates: scraped without verification, straight from each kubelet (nodes/metrics)', () => {
    const job = kubeletJob(prometheusConfig({ ...options, kubeletServingCertificates: KubeletServingCertificates.SELF_SIGNED }));
    expect(job).toMatchObject({
      scheme: 'https', metrics_path: '/metrics/cadvisor', kubernetes_sd_configs: [{ role: 'node' }],
      tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecure_skip_verify: true },
    });
    // Not through the API server proxy: its RBAC (get nodes/proxy) would let Prometheus run commands in every pod.
    expect(JSON.stringify(job)).not.toMatch(/proxy|kubernetes\.default\.svc/);
  });

  test('kubelet certificates signed by the cluster CA are verified', () => {
    expect(kubeletJob(prometheusConfig({ ...options, kubeletServingCertificates: KubeletServingCertificates.CLUSTER_CA_SIGNED })).tls_config.insecure_skip_verify).toBe(false);
    expect(kubeletJob(prometheusConfig(options)).tls_config.insecure_skip_verify).toBe(false);
  });

  test('MonitoringStack\'s explicit kubeletInsecureSkipVerify wins over the target', () => {
    expect(kubeletJob(prometheusConfig({ ...options, kubeletServingCertificates: KubeletServingCertificates.SELF_SIGNED, kubeletInsecureSkipVerify: false }))
      .tls_config.insecure_skip_verify).toBe(false);
    expect(kubeletJob(prometheusConfig({ ...options, kubeletServingCertificates: KubeletServingCertificates.CLUSTER_CA_SIGNED, kubeletInsecureSkipVerify: true }))
      .tls_config.insecure_skip_verify).toBe(true);
  });

  test('a MonitoringStack on a cluster-CA-signed target verifies kubelet certificates, with read-only RBAC', () => {
    const { yml, out } = stackOn((stack) => KubernetesTarget.fromKubeconfig(stack, 'signed', {
      clusterName: 'dc1', kubeletServingCertificates: KubeletServingCertificates.CLUSTER_CA_SIGNED, acceleratorNodes: a100Nodes,
    }));
    expect(kubeletJob(yml).tls_config.insecure_skip_verify).toBe(false);
    expect(out.resources('kubernetes_cluster_role_v1')[0].rule[0].resources).not.toContain('nodes/proxy');
  });

  // Fails until lib/monitoring/monitoring-stack.ts passes the target's kubeletServingCertificates to prometheusConfig
  // (that file belongs to another change); then jest reports this test as passing unexpectedly: make it a plain test.
  test('a MonitoringStack on a default kubeadm cluster scrapes its self-signed kubelets', () => {
    const { yml } = stackOn((stack) => KubernetesTarget.fromKubeconfig(stack, 'kubeadm', { clusterName: 'dc1', acceleratorNodes: a100Nodes }));
    expect(kubeletJob(yml).tls_config.insecure_skip_verify).toBe(true);
  });
});
