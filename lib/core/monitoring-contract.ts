import { IConstruct } from 'constructs';

/**
 * The contract between the constructs that run ML workloads and the MonitoringStack that watches them.
 * A construct that implements {@link IMonitorable} is discovered by a MonitoringStack in its scope, which
 * writes scrape configs, alert rules and a dashboard for it: no user-written PromQL.
 */

/** What kind of workload a {@link MonitoredWorkload} is; decides which rules and panels it gets. */
export enum MonitoredKind {
  INFERENCE_ENDPOINT = 'inference-endpoint',
  TRAINING_CLUSTER = 'training-cluster',
  FEATURE_STORE = 'feature-store',
  MODEL_REGISTRY = 'model-registry',
}

/** Pods Prometheus scrapes, found by Kubernetes service discovery (role `pod`). */
export interface ScrapeTarget {
  /** Prometheus job name; unique per stack. */
  readonly jobName: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels that select exactly the pods. */
  readonly podLabels: Record<string, string>;
  /** The container port *name* that serves metrics. */
  readonly portName: string;
  /** @default '/metrics' */
  readonly path?: string;
}

/** Service-level objectives a workload declares; alert thresholds derive from them. */
export interface ServiceLevelObjectives {
  /** p99 latency objective, milliseconds. */
  readonly latencyP99Ms?: number;
  /** Highest acceptable error ratio, percent of requests (e.g. 1 = 1%). */
  readonly errorRatePercent?: number;
}

/** One workload to watch. */
export interface MonitoredWorkload {
  readonly kind: MonitoredKind;
  /** Name used in rule names, labels and dashboard titles (DNS-1123). */
  readonly name: string;
  /** The cluster it runs on, when it runs on Kubernetes. */
  readonly clusterName?: string;
  /** Pods to scrape, when it runs on Kubernetes. @default - none (managed services) */
  readonly scrape?: ScrapeTarget[];
  /** @default - the MonitoringStack's defaults */
  readonly slo?: ServiceLevelObjectives;
  /** True where the workload runs on GPU nodes (DCGM metrics apply). */
  readonly usesGpus?: boolean;
  /** Free-form facts for rule templates, e.g. `{ modelName: 'churn' }`. */
  readonly attributes?: Record<string, string>;
}

/** A construct the MonitoringStack can discover. */
export interface IMonitorable extends IConstruct {
  /** The workloads this construct runs. Called once, at MonitoringStack construction. */
  monitoredWorkloads(): MonitoredWorkload[];
}

/** True when `x` implements {@link IMonitorable}. */
export function isMonitorable(x: unknown): x is IMonitorable {
  return typeof x === 'object' && x !== null && typeof (x as IMonitorable).monitoredWorkloads === 'function'
    && typeof (x as IMonitorable).node === 'object';
}

/**
 * Metric names in the contract. Workloads that publish these get the matching alerts; the drift and
 * staleness jobs the library creates publish them.
 */
export const ML_METRICS = {
  /** Gauge 0..1 per endpoint and feature: distance between serving and training distributions (PSI or similar). */
  featureDrift: 'ml_feature_drift_score',
  /** Gauge 0..1 per endpoint: distance between recent and reference prediction distributions. */
  predictionDrift: 'ml_prediction_drift_score',
  /** Gauge, unix seconds: last successful feature materialization per feature view. */
  materializationLastSuccess: 'ml_feature_materialization_last_success_timestamp_seconds',
  /** Gauge, unix seconds: when the serving model version was registered. */
  modelVersionCreated: 'ml_model_version_created_timestamp_seconds',
} as const;
