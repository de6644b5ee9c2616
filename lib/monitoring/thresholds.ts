import { Token } from 'cdktf';
import { Validator } from '../core/errors';
import { Duration } from '../core/units';

/**
 * Alert thresholds every MonitoringStack variant (in-cluster, AMP, Google Managed Prometheus) applies to the
 * workloads it watches. A workload's own SLO (`slo.latencyP99Ms`, `slo.errorRatePercent`) wins over the
 * defaults here. Percentages are 0-100; drift scores are 0-1.
 */
export interface AlertThresholds {
  /** p99 latency objective of inference endpoints that declare none, milliseconds. @default 500 */
  readonly latencyP99Ms?: number;
  /** Error ratio objective of endpoints that declare none, percent of requests answered 5xx. @default 1 */
  readonly errorRatePercent?: number;
  /** How long latency or errors must breach the objective before the alert fires. @default Duration.minutes(10) */
  readonly sloBreachFor?: Duration;
  /** CPU throttling (throttled / total CFS periods) above which a workload is saturated, percent. @default 25 */
  readonly cpuThrottlingPercent?: number;
  /** A GPU whose utilisation (`DCGM_FI_DEV_GPU_UTIL`) stays below this is idle, percent. @default 10 */
  readonly gpuIdlePercent?: number;
  /** How long a GPU must stay idle before the cost alert fires. @default Duration.hours(2) */
  readonly gpuIdleFor?: Duration;
  /** Serving GPU utilisation above which an endpoint is saturated, percent. @default 95 */
  readonly gpuSaturatedPercent?: number;
  /** GPU framebuffer memory used above which a GPU is nearly full, percent. @default 95 */
  readonly gpuMemoryPercent?: number;
  /** `ml_feature_drift_score` above which a feature has drifted (0-1, e.g. PSI). @default 0.2 */
  readonly featureDrift?: number;
  /** `ml_prediction_drift_score` above which predictions have drifted (0-1). @default 0.2 */
  readonly predictionDrift?: number;
  /** Features whose last successful materialization is older than this are stale. @default Duration.hours(6) */
  readonly featureStaleness?: Duration;
  /** A served or registered model with no newer version for this long is stale. @default Duration.days(30) */
  readonly modelStaleness?: Duration;
}

/** {@link AlertThresholds} with every default applied. */
export type ResolvedThresholds = Required<AlertThresholds>;

/** The documented defaults of {@link AlertThresholds}. */
export const DEFAULT_THRESHOLDS: ResolvedThresholds = {
  latencyP99Ms: 500,
  errorRatePercent: 1,
  sloBreachFor: Duration.minutes(10),
  cpuThrottlingPercent: 25,
  gpuIdlePercent: 10,
  gpuIdleFor: Duration.hours(2),
  gpuSaturatedPercent: 95,
  gpuMemoryPercent: 95,
  featureDrift: 0.2,
  predictionDrift: 0.2,
  featureStaleness: Duration.hours(6),
  modelStaleness: Duration.days(30),
};

function inRange(v: Validator, prop: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  v.check(typeof value === 'number' && Number.isFinite(value) && value > min && value <= max, prop, value, fix);
}

function positiveDuration(v: Validator, prop: string, value: Duration | undefined, fix: string): void {
  if (value === undefined) return;
  if (!v.check(value instanceof Duration, prop, value, 'must be a Duration, e.g. Duration.hours(2)')) return;
  v.check(value.toSeconds() > 0, prop, value, fix);
}

/** Validates thresholds (collecting problems in `v`) and applies the defaults. */
export function resolveThresholds(v: Validator, prop: string, t: AlertThresholds | undefined): ResolvedThresholds {
  const given = t ?? {};
  const pct = 'must be a percentage above 0 and at most 100';
  inRange(v, `${prop}.latencyP99Ms`, given.latencyP99Ms, 0, 3_600_000, 'must be a latency in milliseconds above 0 (e.g. 250)');
  inRange(v, `${prop}.errorRatePercent`, given.errorRatePercent, 0, 100, pct);
  inRange(v, `${prop}.cpuThrottlingPercent`, given.cpuThrottlingPercent, 0, 100, pct);
  inRange(v, `${prop}.gpuIdlePercent`, given.gpuIdlePercent, 0, 100, pct);
  inRange(v, `${prop}.gpuSaturatedPercent`, given.gpuSaturatedPercent, 0, 100, pct);
  inRange(v, `${prop}.gpuMemoryPercent`, given.gpuMemoryPercent, 0, 100, pct);
  inRange(v, `${prop}.featureDrift`, given.featureDrift, 0, 1, 'must be a drift score above 0 and at most 1 (e.g. 0.2 for PSI)');
  inRange(v, `${prop}.predictionDrift`, given.predictionDrift, 0, 1, 'must be a drift score above 0 and at most 1 (e.g. 0.2 for PSI)');
  positiveDuration(v, `${prop}.sloBreachFor`, given.sloBreachFor, 'must be longer than 0; use at least Duration.minutes(1)');
  positiveDuration(v, `${prop}.gpuIdleFor`, given.gpuIdleFor, 'must be longer than 0; use e.g. Duration.hours(2)');
  positiveDuration(v, `${prop}.featureStaleness`, given.featureStaleness, 'must be longer than 0; use e.g. Duration.hours(6)');
  positiveDuration(v, `${prop}.modelStaleness`, given.modelStaleness, 'must be longer than 0; use e.g. Duration.days(30)');
  if (given.gpuIdlePercent !== undefined && given.gpuSaturatedPercent !== undefined) {
    v.check(given.gpuIdlePercent < given.gpuSaturatedPercent, `${prop}.gpuIdlePercent`, given.gpuIdlePercent,
      `must be below gpuSaturatedPercent (${given.gpuSaturatedPercent}); a GPU cannot be idle and saturated at once`);
  }
  const out: Record<string, unknown> = { ...DEFAULT_THRESHOLDS };
  for (const [k, value] of Object.entries(given)) if (value !== undefined) out[k] = value;
  return out as ResolvedThresholds;
}
