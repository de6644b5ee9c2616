/**
 * The metric contracts the generated alert rules and dashboards assume. Everything here is a standard name
 * where one exists, so off-the-shelf servers and exporters satisfy the contract without adapters.
 */

/**
 * What an inference endpoint's serving container exposes on its metrics port (the Prometheus client
 * libraries' HTTP conventions, e.g. `prometheus-fastapi-instrumentator`, `promhttp`):
 *
 * - `http_request_duration_seconds` — a histogram (`_bucket{le}`, `_sum`, `_count`) of request latency in
 *   seconds, one observation per inference request;
 * - `http_requests_total` — a counter of requests with the label `code` holding the HTTP status code
 *   (`"200"`, `"503"`); 5xx answers count as errors.
 *
 * Other labels are allowed; the rules aggregate them away.
 */
export const SERVING_METRICS = {
  latencyHistogramBucket: 'http_request_duration_seconds_bucket',
  requests: 'http_requests_total',
  /** The label of {@link SERVING_METRICS.requests} that holds the HTTP status code. */
  statusCodeLabel: 'code',
} as const;

/** NVIDIA DCGM exporter metrics used by the GPU rules and panels (dcgm-exporter default counters). */
export const GPU_METRICS = {
  /** GPU utilisation, percent (0-100). */
  utilisation: 'DCGM_FI_DEV_GPU_UTIL',
  /** Framebuffer memory used, MiB. */
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  /** Framebuffer memory free, MiB. */
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
} as const;

/** cAdvisor counters (scraped from every kubelet) used by the saturation rule. */
export const CADVISOR_METRICS = {
  throttledPeriods: 'container_cpu_cfs_throttled_periods_total',
  periods: 'container_cpu_cfs_periods_total',
} as const;

/**
 * Labels in the contract. Series scraped by a MonitoringStack carry `job` (the scrape target's job name),
 * `namespace`, `pod`, `container` and `workload` (the MonitoredWorkload's name). The ML metrics
 * (`ML_METRICS`) must carry `workload` themselves, because the drift job pushes them through a Pushgateway
 * and managed collectors do not add it: a feature store labels materialization with `feature_view`, a model
 * registry labels model versions with `model`, the drift job labels feature drift with `feature`.
 */
export const CONTRACT_LABELS = {
  workload: 'workload',
  feature: 'feature',
  featureView: 'feature_view',
  model: 'model',
} as const;

/** The `app` label of the GPU Operator's exporter pods (NVIDIA/gpu-operator assets/state-dcgm-exporter/0800_daemonset.yaml). */
export const GPU_OPERATOR_DCGM_EXPORTER_APP = 'nvidia-dcgm-exporter';

/** Pushgateway job label under which drift jobs push (`/metrics/job/ml-drift/workload/<endpoint>`). */
export const DRIFT_PUSH_JOB = 'ml-drift';

/**
 * Attributes an inference endpoint's MonitoredWorkload sets so that a MonitoringStack with drift detection
 * runs a drift job for it. Endpoints without both get no drift job (their drift alerts still fire on metrics
 * they publish themselves).
 */
export const DRIFT_ATTRIBUTES = {
  /** URI of the reference (training) dataset, e.g. `s3://ml-data/churn/train.parquet`. */
  referenceDatasetUri: 'referenceDatasetUri',
  /** URI of the recent prediction log, e.g. `s3://ml-logs/churn/predictions/`. */
  predictionLogUri: 'predictionLogUri',
} as const;
