import { Duration } from '../core/units';

/** How urgently an alert needs a human; Alertmanager routes on it (label `severity`). */
export enum AlertSeverity {
  /** Page someone now: an SLO is breached. */
  CRITICAL = 'critical',
  /** Look today: saturation, drift, staleness, cost. */
  WARNING = 'warning',
  /** For dashboards and tickets. */
  INFO = 'info',
}

/** Label `ml_action` on alerts that a retraining hook should act on. */
export const RETRAIN_ACTION = { label: 'ml_action', value: 'retrain' } as const;

/** One generated alerting rule, independent of where it is evaluated (Prometheus, AMP, Cloud Monitoring). */
export interface AlertRule {
  /** Alert name, e.g. `MlLatencyP99High`; one name per condition, told apart by the `workload` label. */
  readonly alert: string;
  /** PromQL; true (non-empty) while the condition holds. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly for: Duration;
  readonly severity: AlertSeverity;
  /** Labels on the alert, including `severity`, `workload`, `ml_kind` and `category`. */
  readonly labels: Record<string, string>;
  /** One line for the notification. */
  readonly summary: string;
  /** What it means and what to look at. */
  readonly description: string;
}

/** The rules of one workload. */
export interface AlertRuleGroup {
  /** `ml-<workload>`. */
  readonly name: string;
  readonly workload: string;
  readonly rules: AlertRule[];
}
