import { Wiring } from '../core/wiring';
import { Construct, IConstruct } from 'constructs';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Validator } from '../core/errors';
import { googleSetting } from '../core/private/environment';
import { MonitoredWorkload } from '../core/monitoring-contract';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration } from '../core/units';
import { GcpKmsKey } from '../storage/gcp-kms-key';
import { IRetrainingTrigger } from './receivers';
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

/** What GmpMonitoring creates for one retraining pipeline: the topic, the channel publishing to it, the subscription. */
export interface GmpRetrainingTrigger {
  readonly topic: PubsubTopic;
  readonly channel: MonitoringNotificationChannel;
  readonly subscription: PubsubSubscription;
}

/** Props for {@link GmpMonitoring}. */
export interface GmpMonitoringProps {
  /**
   * The project that holds the metrics scope (and the retraining topics).
   * @default - the project of the stack's Google provider
   */
  readonly project?: string;
  /** Constructs to watch (IMonitorable). @default - none */
  readonly watch?: IConstruct[];
  /** @default - see AlertThresholds */
  readonly thresholds?: AlertThresholds;
  readonly notificationChannels: GmpNotificationChannels;
  /** How often each condition is evaluated: a multiple of 30 seconds. @default Duration.seconds(60) */
  readonly evaluationInterval?: Duration;
  /**
   * Retraining pipelines started by the retrain alerts of their endpoints (`ArgoRetrainingPipeline` on GKE). For each: a
   * Pub/Sub topic, a `pubsub` notification channel on it (which the retrain-labelled policies of the pipeline's
   * workloads notify), the Cloud Monitoring notification agent allowed to publish, a pull subscription the pipeline's
   * Google service account may consume, and, in the pipeline, a Pub/Sub EventSource and a Sensor that submits it.
   * @default - none
   */
  readonly retrainingPipelines?: IRetrainingTrigger[];
  /**
   * Customer-managed key for the retraining topics (its location must be one the topics may store messages in); the
   * Pub/Sub service agent is allowed to use it. @default - Google-managed encryption
   */
  readonly retrainingKmsKey?: GcpKmsKey;
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
  /** Per retraining pipeline (by its trigger name): the topic, the channel publishing to it and the pipeline's subscription. */
  public readonly retrainingTriggers: Record<string, GmpRetrainingTrigger> = {};

  constructor(scope: Construct, id: string, props: GmpMonitoringProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    const project = googleSetting(this, v, 'project', 'project', props.project);
    if (project) v.matches('project', project, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens)');
    for (const watched of props.watch ?? []) Wiring.connect(this, watched, 'metrics');
    const pipelines = props.retrainingPipelines ?? [];
    v.unique('retrainingPipelines', pipelines, (t) => String(t?.triggerName), 'triggerName');
    pipelines.forEach((t, i) => {
      const p = `retrainingPipelines[${i}]`;
      if (!v.check(!!t && typeof t.consumePubSub === 'function' && typeof t.triggerName === 'string', p, t,
        'must be a retraining pipeline, e.g. an ArgoRetrainingPipeline on GKE')) return;
      const path = (t as unknown as IConstruct).node?.path ?? t.triggerName;
      v.nonEmpty(`${p}.triggerWorkloads`, t.triggerWorkloads as unknown[], 'must name the endpoints whose retrain alerts start the pipeline');
      v.check(t.triggerGcpMember !== undefined, p, path,
        'has no Google service account to pull Cloud Monitoring\'s Pub/Sub notifications with (its cluster is not GKE with Workload Identity); '
        + 'run the pipeline on a GKE cluster (WorkloadIdentityMode.gkeWorkloadIdentity), or route its alerts through a MonitoringStack\'s alerting.retrainingPipelines');
    });
    v.check(props.retrainingKmsKey === undefined || props.retrainingKmsKey instanceof GcpKmsKey, 'retrainingKmsKey', props.retrainingKmsKey,
      'must be a GcpKmsKey (new GcpKmsKey(scope, id, { project, location, keyRingName, keyName }))');
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
    const retrainChannels = this.retrainingChannels(project, pipelines, props.retrainingKmsKey);
    const bySeverity: Record<AlertSeverity, string[]> = {
      [AlertSeverity.CRITICAL]: channels.critical,
      [AlertSeverity.WARNING]: channels.warning ?? channels.critical,
      [AlertSeverity.INFO]: channels.info ?? [],
    };
    for (const g of this.ruleGroups) {
      for (const r of g.rules) {
        const retrain = r.labels[RETRAIN_ACTION.label] === RETRAIN_ACTION.value;
        const pipelineChannels = retrain ? retrainChannels.filter((c) => c.workloads.includes(g.workload)).map((c) => c.channel) : [];
        const notify = [...new Set([...bySeverity[r.severity], ...(retrain ? channels.retraining ?? [] : []), ...pipelineChannels])];
        const severity = GOOGLE_SEVERITY[r.severity];
        this.alertPolicies[`${g.workload}/${r.alert}`] = new MonitoringAlertPolicy(this, `${g.workload}-${r.alert}`, {
          project,
          displayName: `${r.alert} (${g.workload})`,
          combiner: 'OR',
          ...(severity ? { severity } : {}),
          notificationChannels: notify,
          // `ml_action` lets a pipeline's Sensor tell retrain incidents from others (Pub/Sub carries policy_user_labels).
          userLabels: { workload: g.workload, ml_kind: r.labels.ml_kind, category: r.labels.category, ...(retrain ? { [RETRAIN_ACTION.label]: RETRAIN_ACTION.value } : {}) },
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

  /**
   * The Pub/Sub wire of each retraining pipeline: topic → `pubsub` channel → pull subscription → the pipeline's
   * EventSource. Returns the channels and the workloads whose retrain policies notify them.
   */
  private retrainingChannels(project: string, pipelines: IRetrainingTrigger[], kmsKey?: GcpKmsKey): Array<{ channel: string; workloads: readonly string[] }> {
    if (pipelines.length === 0) return [];
    const projectNumber = new DataGoogleProject(this, 'project', { projectId: project }).number;
    // Pub/Sub encrypts with the key through its service agent (Pub/Sub docs, "Configure message encryption": grant
    // service-<PROJECT_NUMBER>@gcp-sa-pubsub.iam.gserviceaccount.com roles/cloudkms.cryptoKeyEncrypterDecrypter).
    const keyGrant = kmsKey?.allowServiceAgent(`serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`);
    return pipelines.map((t) => {
      Wiring.connect(t as unknown as IConstruct, this, 'retrain alerts');
      const name = `ml-${t.triggerName}`;
      const topic = new PubsubTopic(this, `${t.triggerName}-topic`, {
        project, name, labels: { 'ml-platform': 'retraining' },
        ...(kmsKey ? { kmsKeyName: kmsKey.key.id, dependsOn: [keyGrant!] } : {}),
      });
      const channel = new MonitoringNotificationChannel(this, `${t.triggerName}-channel`, {
        project, displayName: `Retrain ${t.triggerName} (Pub/Sub ${name})`, type: 'pubsub', labels: { topic: topic.id },
      });
      // Cloud Monitoring publishes as its notification service agent, which needs roles/pubsub.publisher on the topic
      // (Cloud Monitoring docs, "Create and manage notification channels" › Pub/Sub, https://cloud.google.com/monitoring/support/notification-options#pubsub:
      // service-PROJECT_NUMBER@gcp-sa-monitoring-notification.iam.gserviceaccount.com, Pub/Sub Publisher). The agent is
      // created with the project's first Pub/Sub channel, hence the dependency.
      new PubsubTopicIamMember(this, `${t.triggerName}-monitoring-publishes`, {
        project, topic: topic.name, role: 'roles/pubsub.publisher',
        member: `serviceAccount:service-${projectNumber}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`,
        dependsOn: [channel],
      });
      const subscriptionName = `${name}-argo`;
      const subscription = new PubsubSubscription(this, `${t.triggerName}-subscription`, {
        project, name: subscriptionName, topic: topic.id, labels: { 'ml-platform': 'retraining' },
        ackDeadlineSeconds: 60,
        messageRetentionDuration: '604800s',
        // Retrain alerts are rare: the default policy deletes a subscription after 31 days without activity.
        expirationPolicy: { ttl: '' },
      });
      // Literal names: the binding and the pipeline's contract name the same subscription before it exists.
      new PubsubSubscriptionIamMember(this, `${t.triggerName}-pipeline-consumes`, {
        project, subscription: subscriptionName, role: 'roles/pubsub.subscriber', member: t.triggerGcpMember!, dependsOn: [subscription],
      });
      t.consumePubSub({ producer: this, project, topicName: name, subscriptionName, subscription });
      this.retrainingTriggers[t.triggerName] = { topic, channel, subscription };
      return { channel: channel.name, workloads: t.triggerWorkloads };
    });
  }
}
