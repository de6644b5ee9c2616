/**
 * Container images of the monitoring stack. Override any of them to pin a digest
 * (`quay.io/prometheus/prometheus:v3.5.0@sha256:…`); the defaults are pulled through the app's `RegistryMirrors`,
 * an image set here is used as it is.
 */
export interface MonitoringImages {
  /** @default 'quay.io/prometheus/prometheus:v3.5.0' (the 3.5 long-term-support release) */
  readonly prometheus?: string;
  /** @default 'quay.io/prometheus/alertmanager:v0.28.1' */
  readonly alertmanager?: string;
  /** @default 'docker.io/grafana/grafana:12.3.1' */
  readonly grafana?: string;
  /** @default 'docker.io/prom/pushgateway:v1.11.2' */
  readonly pushgateway?: string;
  /** @default 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04' (DCGM 4.2.3, exporter 4.1.3) */
  readonly dcgmExporter?: string;
}

/** The default images, each a pinned release tag. */
export const DEFAULT_MONITORING_IMAGES: Required<MonitoringImages> = {
  prometheus: 'quay.io/prometheus/prometheus:v3.5.0',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
  grafana: 'docker.io/grafana/grafana:12.3.1',
  pushgateway: 'docker.io/prom/pushgateway:v1.11.2',
  dcgmExporter: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04',
};
