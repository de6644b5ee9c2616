import { Wiring } from '../core/wiring';
import { Construct, IConstruct } from 'constructs';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Validator } from '../core/errors';
import { MonitoredWorkload } from '../core/monitoring-contract';
import { qualifyProviderSources } from '../core/provider-sources';
import { Duration } from '../core/units';
import { AlertRule, AlertRuleGroup, alertRuleGroups, AlertSeverity, RETRAIN_ACTION } from './rules';
import { AlertThresholds, ResolvedThresholds, resolveThresholds } from './thresholds';
import { collectWorkloads } from './workloads';

/** Cloud Monitoring notification channels by severity, as ids (`projects/<p>/notificationChannels/<n>`). */
export interface GmpNotificationChannels {
  /** Channels for critical alerts (SLO breaches). */
  readonly critical: string[];
  /** @default - the critical channels */
  readonly warning?: string[];
  /** @default - none */
  readonly info?: string[];
  /** Channels (e.g. a Pub/Sub or webhook channel) that trigger retraining on drift and stale models. @default - none */
  readonly retraining?: string[];
}

/** Props for {@link GmpMonitoring}. */
export interface GmpMonitoringProps {
  /** The project that holds the metrics scope. */
  readonly project: string;
  /** Constructs to watch (IMonitorable). @default - none */
  readonly watch?: IConstruct[];
  /** @default - see AlertThresholds */
  readonly thresholds?: AlertThresholds;
  readonly notificationChannels: GmpNotificationChannels;
  /** How often each condition is evaluated: a multiple of 30 seconds. @default Duration.seconds(60) */
  readonly evaluationInterval?: Duration;
}

const CHANNEL = /^projects\/[^/\s]+\/notificationChannels\/[^/\s]+$/;
const GOOGLE_SEVERITY: Record<AlertSeverity, string | undefined> = {
  [AlertSeverity.CRITICAL]: 'CRITICAL',
  [AlertSeverity.WARNING]: 'WARNING',
  [AlertSeverity.INFO]: undefined,
};

/** A rule's description without Prometheus template expressions, which Cloud Monitoring does not expand. */
function plainDescription(r: AlertRule): string {
  return r.description
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, '<$1>')
    .replace(/\{\{[^}]*\$value[^}]*\}\}/g, 'the value')
    .replace(/\{\{[^}]*\}\}/g, '…');
}

/**
 * The managed Google Cloud variant: one Cloud Monitoring alert policy per generated rule, each a PromQL
 * condition (`condition_prometheus_query_language`) over Google Managed Prometheus, with the same PromQL,
 * duration and labels as MonitoringStack's rules, routed to notification channels by severity. Metric
 * validation is off, so the policies apply on a project where the watched series do not exist yet.
 *
 * Not created here: collection. Enable managed collection on the GKE cluster and add a PodMonitoring per
 * scrape target, named as its job (GMP sets `job` to the PodMonitoring's name), plus one for the DCGM
 * exporter (or GKE's managed DCGM metrics).
 */
export class GmpMonitoring extends Construct {
  public readonly workloads: MonitoredWorkload[];
  public readonly thresholds: ResolvedThresholds;
  public readonly ruleGroups: AlertRuleGroup[];
  /** Alert policies by `<workload>/<alert>`. */
  public readonly alertPolicies: Record<string, MonitoringAlertPolicy> = {};

  constructor(scope: Construct, id: string, props: GmpMonitoringProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    v.matches('project', props.project, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens)');
    for (const watched of props.watch ?? []) Wiring.connect(this, watched, 'metrics');
    const workloads = collectWorkloads(v, props.watch);
    const thresholds = resolveThresholds(v, 'thresholds', props.thresholds);
    const channels = props.notificationChannels;
    if (v.check(!!channels && typeof channels === 'object', 'notificationChannels', channels, 'is required: { critical: [\'projects/<p>/notificationChannels/<id>\'] }')) {
      v.nonEmpty('notificationChannels.critical', channels.critical, 'must name at least one notification channel id');
      for (const key of ['critical', 'warning', 'info', 'retraining'] as const) {
        (channels[key] ?? []).forEach((c, i) => v.matches(`notificationChannels.${key}[${i}]`, c, CHANNEL,
          'must be a channel id: projects/<project>/notificationChannels/<id> (e.g. google_monitoring_notification_channel.x.id)'));
      }
    }
    const interval = props.evaluationInterval ?? Duration.seconds(60);
    v.check(interval.toSeconds() >= 30 && interval.toSeconds() % 30 === 0, 'evaluationInterval', interval, 'must be a positive multiple of 30 seconds');
    v.throwIfAny();

    this.workloads = workloads;
    this.thresholds = thresholds;
    this.ruleGroups = alertRuleGroups(workloads, thresholds);
    const bySeverity: Record<AlertSeverity, string[]> = {
      [AlertSeverity.CRITICAL]: channels.critical,
      [AlertSeverity.WARNING]: channels.warning ?? channels.critical,
      [AlertSeverity.INFO]: channels.info ?? [],
    };
    for (const g of this.ruleGroups) {
      for (const r of g.rules) {
        const retrain = r.labels[RETRAIN_ACTION.label] === RETRAIN_ACTION.value;
        const notify = [...new Set([...bySeverity[r.severity], ...(retrain ? channels.retraining ?? [] : [])])];
        const severity = GOOGLE_SEVERITY[r.severity];
        this.alertPolicies[`${g.workload}/${r.alert}`] = new MonitoringAlertPolicy(this, `${g.workload}-${r.alert}`, {
          project: props.project,
          displayName: `${r.alert} (${g.workload})`,
          combiner: 'OR',
          ...(severity ? { severity } : {}),
          notificationChannels: notify,
          userLabels: { workload: g.workload, ml_kind: r.labels.ml_kind, category: r.labels.category },
          documentation: { content: `${r.summary}\n\n${plainDescription(r)}`, mimeType: 'text/markdown' },
          conditions: [{
            displayName: r.summary,
            conditionPrometheusQueryLanguage: {
              query: r.expr,
              duration: r.for.toGoogleDuration(),
              evaluationInterval: interval.toGoogleDuration(),
              alertRule: r.alert,
              ruleGroup: g.name,
              labels: r.labels,
              // The policies are created before the workloads first write their series, and Cloud Monitoring
              // refuses a PromQL condition on a metric it has not seen. `disable_metric_validation` arrived in
              // hashicorp/google 6.13.0 (CHANGELOG: "monitoring: added `disable_metric_validation` field to
              // `google_monitoring_alert_policy`", #20544); the pinned @cdktf/provider-google 16.12.1 binds
              // 6.50.0 (registry: monitoring_alert_policy#disable_metric_validation).
              disableMetricValidation: true,
            },
          }],
        });
      }
    }
  }
}
