import { KubeletServingCertificates } from '../core/kubernetes-target';
import { MonitoredWorkload, ScrapeTarget } from '../core/monitoring-contract';
import { Duration } from '../core/units';
import { CONTRACT_LABELS, GPU_OPERATOR_DCGM_EXPORTER_APP } from './metrics';

/** Job names the MonitoringStack uses itself; workloads may not take them. */
export const RESERVED_JOB_NAMES = ['prometheus', 'kubelet-cadvisor', 'dcgm-exporter', 'pushgateway'] as const;

/** Where the service account's credentials sit in every pod (Kubernetes convention). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Escapes a literal for a Prometheus (RE2, fully anchored) regex. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Kubernetes SD meta label for a pod label key (`app.kubernetes.io/name` → `__meta_kubernetes_pod_label_app_kubernetes_io_name`). */
export function podLabelMeta(key: string): string {
  return `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * One scrape config per target: Kubernetes service discovery (role `pod`) limited to the target's
 * namespace, kept when every pod label matches and the container port has the target's name; running pods
 * only. Adds `namespace`, `pod`, `container` and `workload` labels (the rules and dashboards rely on them).
 */
export function workloadScrapeConfig(w: MonitoredWorkload, s: ScrapeTarget): Record<string, unknown> {
  return {
    job_name: s.jobName,
    metrics_path: s.path ?? '/metrics',
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [s.namespace] } }],
    relabel_configs: [
      ...Object.keys(s.podLabels).sort().map((k) => ({
        source_labels: [podLabelMeta(k)], regex: escapeRegex(s.podLabels[k]), action: 'keep',
      })),
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: escapeRegex(s.portName), action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Unknown', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { target_label: CONTRACT_LABELS.workload, replacement: w.name },
      { target_label: 'ml_kind', replacement: w.kind },
    ],
  };
}

/** Props of {@link prometheusConfig}. */
export interface PrometheusConfigOptions {
  readonly clusterName: string;
  readonly scrapeInterval: Duration;
  readonly workloads: MonitoredWorkload[];
  /** `host:port` of Alertmanager. */
  readonly alertmanager: string;
  /** Scrape the DCGM exporter pods (this library's or the GPU Operator's) in this namespace. @default - no GPU scraping */
  readonly dcgmNamespace?: string;
  /** `host:port` of the Pushgateway. @default - none */
  readonly pushgateway?: string;
  /**
   * How the monitored cluster's kubelets sign their serving certificates (the target's
   * `kubeletServingCertificates`): self-signed ones cannot be verified, so the cAdvisor scrape skips verification.
   * @default KubeletServingCertificates.CLUSTER_CA_SIGNED (verified)
   */
  readonly kubeletServingCertificates?: KubeletServingCertificates;
  /** Skip verifying kubelet serving certificates, whatever `kubeletServingCertificates` says. @default - from kubeletServingCertificates */
  readonly kubeletInsecureSkipVerify?: boolean;
}

/**
 * Whether the cAdvisor scrape skips verifying kubelet certificates. It always goes to the kubelet itself
 * (`:10250/metrics/cadvisor`, RBAC `nodes/metrics`), never through the API server proxy
 * (`/api/v1/nodes/<node>/proxy/metrics/cadvisor`): that verifies only the API server, whose own hop to a
 * kubeadm kubelet is unverified too ("By default, the API server does not verify the kubelet's serving
 * certificate", kubernetes.io, control-plane-node-communication), and it needs `get nodes/proxy`, which "is not a
 * read-only permission, and authorizes executing commands in any container running on the node"
 * (kubernetes.io, kubelet-authn-authz#get-nodes-proxy-warning; CIS Kubernetes 5.1.10). Skipping verification
 * of self-signed kubelet certificates is Prometheus' own advice for them (documentation/examples/
 * prometheus-kubernetes.yml: "If your node certificates are self-signed … disable certificate verification").
 */
function kubeletSkipVerify(o: PrometheusConfigOptions): boolean {
  return o.kubeletInsecureSkipVerify ?? o.kubeletServingCertificates === KubeletServingCertificates.SELF_SIGNED;
}

/**
 * prometheus.yml. Rule files are referenced relative to the config file (`rules/*.yml`), which Prometheus
 * resolves against the config's directory. Emitted as JSON (valid YAML) with a fixed key order.
 */
export function prometheusConfig(o: PrometheusConfigOptions): string {
  const interval = o.scrapeInterval.toString();
  const scrape: Record<string, unknown>[] = [
    { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
    {
      // cAdvisor through each kubelet's own endpoint (RBAC nodes/metrics), not the API server proxy (nodes/proxy).
      job_name: 'kubelet-cadvisor',
      scheme: 'https',
      metrics_path: '/metrics/cadvisor',
      kubernetes_sd_configs: [{ role: 'node' }],
      authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
      tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecure_skip_verify: kubeletSkipVerify(o) },
      relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' }],
      // Only the series the rules and dashboards use: cAdvisor is the largest source of cardinality.
      metric_relabel_configs: [{
        source_labels: ['__name__'],
        regex: 'container_cpu_cfs_throttled_periods_total|container_cpu_cfs_periods_total|container_cpu_usage_seconds_total|container_memory_working_set_bytes',
        action: 'keep',
      }],
    },
  ];
  if (o.dcgmNamespace) {
    scrape.push({
      job_name: 'dcgm-exporter',
      // The exporter labels each GPU with the namespace and pod it is allocated to; keep those, not the exporter's own.
      honor_labels: true,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [o.dcgmNamespace] } }],
      relabel_configs: [
        // This library's exporter (app.kubernetes.io/name=dcgm-exporter) or the NVIDIA GPU Operator's
        // (app=nvidia-dcgm-exporter, port "metrics": NVIDIA/gpu-operator assets/state-dcgm-exporter/0800_daemonset.yaml).
        {
          source_labels: [podLabelMeta('app.kubernetes.io/name'), podLabelMeta('app')],
          separator: ';',
          regex: `dcgm-exporter;.*|.*;${GPU_OPERATOR_DCGM_EXPORTER_APP}`,
          action: 'keep',
        },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
      ],
    });
  }
  if (o.pushgateway) {
    // Pushed series keep the job and workload labels the drift job pushed them with.
    scrape.push({ job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [o.pushgateway] }] });
  }
  for (const w of o.workloads) for (const s of w.scrape ?? []) scrape.push(workloadScrapeConfig(w, s));
  return JSON.stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { cluster: o.clusterName } },
    rule_files: ['rules/*.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] },
    scrape_configs: scrape,
  }, null, 2);
}
