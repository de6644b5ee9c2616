import { TerraformResource, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import type { WorkloadIdentity } from './workload-identity';

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
  /**
   * A retraining pipeline (`ArgoRetrainingPipeline`): its runs, gate rejections and schedule, from the workflow
   * controller's metrics; `attributes` name the `pipeline` and its `namespace`.
   */
  RETRAINING_PIPELINE = 'retraining-pipeline',
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
  /**
   * The workload resource (Deployment, StatefulSet, …) whose pods serve the metrics, so the MonitoringStack
   * declares a network contract from Prometheus to it. @default - none: the path is not checked
   */
  readonly workload?: TerraformResource;
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
  /**
   * What a drift job compares, for an inference endpoint. A MonitoringStack with `driftDetection` runs one
   * drift CronJob per endpoint that declares it, and grants the job's identity read access to both inputs.
   * @default - none: no drift job runs for the workload, and the MonitoringStack warns about it
   */
  readonly drift?: DriftInputs;
}

/**
 * A store that lets a workload read its objects: a DatasetStore or ObjectStore, a SecureS3Bucket or a
 * SecureGcsBucket.
 */
export interface IReadableObjectStore extends IConstruct {
  /** `s3://bucket/prefix` or `gs://bucket/prefix`. */
  uri(prefix?: string): string;
  /** Lets `workload` read objects (under `prefix`, where the store scopes grants by prefix). */
  grantRead(workload: WorkloadIdentity, prefix?: string): void;
}

/**
 * Data a drift job reads: a store and a key prefix in it (the store grants read access), or a plain
 * `s3://` / `gs://` URI (granted from the URI where the job's cluster has that cloud's workload identity).
 */
export class DriftData {
  /** Objects under `prefix` of a store, e.g. `DriftData.fromStore(datasets, 'churn/train/')`; the store grants read access. */
  public static fromStore(store: IReadableObjectStore, prefix = ''): DriftData {
    return new DriftData(store.uri(prefix), store, prefix);
  }

  /**
   * A plain URI, `s3://bucket/prefix/` or `gs://bucket/prefix/`. Read access is granted from it: an IAM policy
   * on the prefix on EKS, `roles/storage.objectViewer` on the bucket on GKE.
   */
  public static fromUri(uri: string): DriftData {
    return new DriftData(uri);
  }

  private constructor(
    /** The URI the drift job reads (`ML_REFERENCE_DATASET_URI`, `ML_PREDICTION_LOG_URI`). */
    public readonly uri: string,
    /** The store that grants read access, for data from {@link DriftData.fromStore}. */
    public readonly store?: IReadableObjectStore,
    /** The key prefix in {@link store}. */
    public readonly prefix?: string,
  ) {}

  /** Whether the URI names a scheme drift jobs read (`s3://`, `gs://`); unresolved tokens pass. */
  public get hasKnownScheme(): boolean {
    return Token.isUnresolved(this.uri) || /^(s3|gs):\/\/[^/\s]+/.test(this.uri);
  }

  public toString(): string {
    return this.uri;
  }
}

/** What a drift job compares for one inference endpoint. */
export interface DriftInputs {
  /** The reference (training) dataset the serving distribution is compared with. */
  readonly referenceDataset: DriftData;
  /** Where the endpoint logs its requests and predictions. */
  readonly predictionLog: DriftData;
  /** Features to compare (`ML_FEATURES`, comma-separated). @default - every feature both inputs hold */
  readonly features?: string[];
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
