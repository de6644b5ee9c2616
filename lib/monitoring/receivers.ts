import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { checkSecretKeyRef } from '../core/private/secrets';
import type { ScrapeTarget } from '../core/monitoring-contract';
import type { SecretKeyRef } from '../core/secrets';
import { AlertRuleGroup, AlertSeverity, RETRAIN_ACTION } from './rules';

/** Where the Alertmanager that sends a receiver's notifications runs, which decides what it can deliver to. */
export enum AlertmanagerHost {
  /** MonitoringStack's Alertmanager in a Kubernetes cluster: reads receiver secrets from mounted files; no SNS. */
  KUBERNETES = 'kubernetes',
  /** Amazon Managed Service for Prometheus (AmpMonitoring): SNS is its only receiver, signed with SigV4. */
  AMAZON_MANAGED_PROMETHEUS = 'amazon-managed-prometheus',
}

/** Where a receiver is rendered, for {@link AlertReceiver.bind} and {@link AlertReceiver.validate}. */
export interface AlertReceiverContext {
  /** The Alertmanager that sends the notifications. */
  readonly host: AlertmanagerHost;
  /** The AWS region SNS receivers sign their requests for (AMP). @default - none */
  readonly region?: string;
}

/** One Alertmanager `*_configs` entry, as {@link AlertReceiver.bind} renders it. */
export interface AlertReceiverConfig {
  /** The receiver's list in alertmanager.yml, e.g. `slack_configs`. */
  readonly configsField: string;
  /** The entry of that list (file paths for secrets, never their values). */
  readonly config: Record<string, any>;
}

/** Where Alertmanager finds secret files: each referenced Secret is mounted read-only at `<dir>/<name>/`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager-secrets';

/** Where a secret key is read inside the Alertmanager pod. */
export function alertmanagerSecretPath(s: SecretKeyRef): string {
  return `${ALERTMANAGER_SECRETS_DIR}/${s.name}/${s.key}`;
}

const SECRET_EXAMPLE = '{ name: "alerting", key: "pagerduty-routing-key" }';

/**
 * Where alerts go. Secrets (Slack webhook URLs, PagerDuty routing keys, bearer tokens) are referenced from an
 * existing Kubernetes Secret ({@link SecretKeyRef}) and read by Alertmanager through its `*_file` fields, so they
 * never appear in the Terraform configuration or state.
 *
 * ```ts
 * AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })
 * AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')
 * AlertReceiver.webhook('http://retrain.ml-ops.svc:8080/alerts', { name: 'alerting', key: 'retrain-token' })
 * ```
 */
export abstract class AlertReceiver {
  /**
   * An HTTP webhook (Alertmanager webhook JSON, version 4). The URL is configuration, not a secret (an
   * in-cluster service); authenticate with a bearer token read from a Secret.
   * @param bearerToken @default - no Authorization header
   */
  public static webhook(url: string, bearerToken?: SecretKeyRef): AlertReceiver {
    return new WebhookReceiver('webhook', url, undefined, bearerToken);
  }

  /**
   * A webhook whose whole URL is secret (e.g. it embeds a token), read with `url_file`. Needs Alertmanager
   * 0.26 or later (the default image is v0.28.1).
   */
  public static webhookFromSecret(url: SecretKeyRef): AlertReceiver {
    return new WebhookReceiver('webhook', undefined, url, undefined);
  }

  /** Slack: the incoming-webhook URL is read with `api_url_file`. */
  public static slack(webhookUrl: SecretKeyRef, channel: string): AlertReceiver {
    return new SlackReceiver(webhookUrl, channel);
  }

  /** PagerDuty Events API v2: the integration's routing key is read with `routing_key_file`. */
  public static pagerDuty(routingKey: SecretKeyRef): AlertReceiver {
    return new PagerDutyReceiver(routingKey);
  }

  /** Amazon SNS, for Amazon Managed Service for Prometheus (its only receiver), signed with SigV4. */
  public static sns(topicArn: string): AlertReceiver {
    return new SnsReceiver(topicArn);
  }

  protected constructor(
    /** What the receiver notifies, for messages: `webhook`, `slack`, `pagerduty` or `sns`. */
    public readonly type: string,
  ) {}

  /** The Secrets this receiver reads. */
  public abstract get secrets(): SecretKeyRef[];

  /**
   * Checks the receiver's fields, and that the Alertmanager of `context` can deliver to it (AMP sends to SNS only;
   * an Alertmanager in a cluster has no AWS credentials for SNS).
   */
  public validate(v: Validator, prop: string, context: AlertReceiverContext): void {
    const supported = this.hosts.includes(context.host);
    if (!v.check(supported, prop, this.type, context.host === AlertmanagerHost.AMAZON_MANAGED_PROMETHEUS
      ? 'is not supported here; use sns: AMP\'s Alertmanager sends to SNS only (AlertReceiver.sns(topicArn))'
      : 'is not supported here; use webhook, slack, pagerduty: an Alertmanager in a cluster has no AWS credentials for SNS (use AmpMonitoring for SNS)')) return;
    this.validateFields(v, prop);
  }

  /** This receiver as one Alertmanager `*_configs` entry. */
  public abstract bind(scope: IConstruct, context: AlertReceiverContext): AlertReceiverConfig;

  /** The Alertmanagers that can deliver to this receiver. */
  protected abstract get hosts(): AlertmanagerHost[];

  /** Checks the receiver's own fields. */
  protected abstract validateFields(v: Validator, prop: string): void;

  public toString(): string {
    return this.type;
  }
}

/** Receivers an Alertmanager in a cluster sends to, with secrets read from mounted files. */
abstract class InClusterReceiver extends AlertReceiver {
  protected get hosts(): AlertmanagerHost[] {
    return [AlertmanagerHost.KUBERNETES];
  }

  protected validateFields(v: Validator, prop: string): void {
    for (const s of this.secrets) checkSecretKeyRef(v, prop, s, SECRET_EXAMPLE);
  }
}

class WebhookReceiver extends InClusterReceiver {
  constructor(type: string, private readonly url?: string, private readonly urlSecret?: SecretKeyRef, private readonly bearerToken?: SecretKeyRef) {
    super(type);
  }

  public get secrets(): SecretKeyRef[] {
    return [this.urlSecret, this.bearerToken].filter((s): s is SecretKeyRef => !!s);
  }

  public bind(_scope: IConstruct, _context: AlertReceiverContext): AlertReceiverConfig {
    return {
      configsField: 'webhook_configs',
      config: {
        ...(this.urlSecret ? { url_file: alertmanagerSecretPath(this.urlSecret) } : { url: this.url }),
        send_resolved: true,
        ...(this.bearerToken ? { http_config: { authorization: { credentials_file: alertmanagerSecretPath(this.bearerToken) } } } : {}),
      },
    };
  }

  protected validateFields(v: Validator, prop: string): void {
    super.validateFields(v, prop);
    if (this.url !== undefined) v.matches(`${prop}.url`, this.url, /^https?:\/\/[^\s]+$/, 'must be an http(s) URL, e.g. http://retrain.ml-ops.svc:8080/alerts');
  }
}

class SlackReceiver extends InClusterReceiver {
  constructor(private readonly webhookUrl: SecretKeyRef, private readonly channel: string) {
    super('slack');
  }

  public get secrets(): SecretKeyRef[] {
    return [this.webhookUrl];
  }

  public bind(_scope: IConstruct, _context: AlertReceiverContext): AlertReceiverConfig {
    return {
      configsField: 'slack_configs',
      config: {
        api_url_file: alertmanagerSecretPath(this.webhookUrl), channel: this.channel, send_resolved: true,
        title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.workload }}',
        text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}',
      },
    };
  }

  protected validateFields(v: Validator, prop: string): void {
    super.validateFields(v, prop);
    v.matches(`${prop}.channel`, this.channel, /^[#@][^\s]+$/, 'must be a Slack channel such as #ml-alerts');
  }
}

class PagerDutyReceiver extends InClusterReceiver {
  constructor(private readonly routingKey: SecretKeyRef) {
    super('pagerduty');
  }

  public get secrets(): SecretKeyRef[] {
    return [this.routingKey];
  }

  public bind(_scope: IConstruct, _context: AlertReceiverContext): AlertReceiverConfig {
    return { configsField: 'pagerduty_configs', config: { routing_key_file: alertmanagerSecretPath(this.routingKey), send_resolved: true } };
  }
}

class SnsReceiver extends AlertReceiver {
  constructor(private readonly topicArn: string) {
    super('sns');
  }

  public get secrets(): SecretKeyRef[] {
    return [];
  }

  public bind(_scope: IConstruct, context: AlertReceiverContext): AlertReceiverConfig {
    return {
      configsField: 'sns_configs',
      config: {
        topic_arn: this.topicArn, send_resolved: true, sigv4: { region: context.region },
        attributes: { severity: '{{ .CommonLabels.severity }}', workload: '{{ .CommonLabels.workload }}' },
      },
    };
  }

  protected get hosts(): AlertmanagerHost[] {
    return [AlertmanagerHost.AMAZON_MANAGED_PROMETHEUS];
  }

  protected validateFields(v: Validator, prop: string): void {
    v.matches(`${prop}.topicArn`, this.topicArn, /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[-_A-Za-z0-9]+$/, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)');
  }
}

/** Where the Alertmanager that sends retrain alerts runs, for a pipeline to admit it. */
export interface AlertmanagerPeer {
  /** The Alertmanager workload (the client of the pipeline's webhook). */
  readonly workload: TerraformResource;
  /** Its namespace. */
  readonly namespace: string;
  /** Labels that select its pods. */
  readonly podLabels: Record<string, string>;
}

/** The in-cluster workload that receives a pipeline's retrain alerts: what Alertmanager's pods must reach. */
export interface RetrainingTriggerEndpoint {
  /** The workload whose pods serve the webhook (an Argo Events EventSource). */
  readonly workload: TerraformResource;
  /** The port the pods listen on for the webhook. */
  readonly port: number;
}

/**
 * A Pub/Sub pull subscription Cloud Monitoring (GmpMonitoring) delivers a pipeline's retrain notifications to: the
 * message body is Cloud Monitoring's incident JSON (`incident.state`, `incident.policy_name`,
 * `incident.policy_user_labels`).
 */
export interface PubSubTriggerSource {
  /** The construct that owns the topic and the subscription (the contract's producer). */
  readonly producer: IConstruct;
  /** The project of the topic and the subscription. */
  readonly project: string;
  /** The topic's short name. */
  readonly topicName: string;
  /** The subscription's short name (literal, so manifests plan before it exists). */
  readonly subscriptionName: string;
  /** The subscription resource. */
  readonly subscription: TerraformResource;
}

/**
 * A retraining pipeline as a MonitoringStack sees it (`ArgoRetrainingPipeline` implements it): the receiver its
 * trigger listens on, the endpoints whose retrain alerts start it, its own alert rules and metrics.
 */
export interface IRetrainingTrigger {
  /** Alertmanager receiver name, unique per MonitoringStack, e.g. `retrain-churn`. */
  readonly triggerName: string;
  /** The webhook Alertmanager posts to. */
  readonly triggerReceiver: AlertReceiver;
  /** Values of the `workload` label (endpoint names) whose `ml_action="retrain"` alerts start the pipeline. */
  readonly triggerWorkloads: readonly string[];
  /** Alert rules on the pipeline's own runs (failures, gates). */
  readonly triggerRuleGroups: readonly AlertRuleGroup[];
  /** Pods to scrape for the pipeline's metrics (the Argo Workflows controller). */
  readonly triggerScrapeTargets: readonly ScrapeTarget[];
  /**
   * The pods the receiver's webhook lands on, when they run in a cluster: the MonitoringStack declares a network
   * contract from its Alertmanager to them, which {@link admitAlertmanager}'s NetworkPolicy meets.
   * @default - none: the receiver is outside any cluster (an SNS topic), nothing to check
   */
  readonly triggerEndpoint?: RetrainingTriggerEndpoint;
  /** Admits the Alertmanager to the webhook (a NetworkPolicy in the pipeline's namespace); called once per MonitoringStack. */
  admitAlertmanager(alertmanager: AlertmanagerPeer): void;
  /**
   * The Google IAM member (`serviceAccount:…`) the pipeline pulls a Pub/Sub subscription as (GKE Workload Identity).
   * @default - none: the pipeline cannot consume Pub/Sub (GmpMonitoring refuses it)
   */
  readonly triggerGcpMember?: string;
  /**
   * Starts the pipeline on the retrain notifications Cloud Monitoring publishes to `source` (a Pub/Sub EventSource and
   * a Sensor, for Argo); called by GmpMonitoring after it granted {@link triggerGcpMember} `roles/pubsub.subscriber`.
   */
  consumePubSub(source: PubSubTriggerSource): void;
}

/** Who gets which alerts. */
export interface AlertRouting {
  /** Receivers of `critical` alerts (SLO breaches). */
  readonly critical: AlertReceiver[];
  /** Receivers of `warning` alerts (saturation, drift, staleness, idle GPUs). @default - the critical receivers */
  readonly warning?: AlertReceiver[];
  /** Receivers of `info` alerts. @default - none (shown in Alertmanager and Grafana only) */
  readonly info?: AlertReceiver[];
  /**
   * The retraining hook: receives every alert labelled `ml_action="retrain"` (feature and prediction drift,
   * stale models) in addition to the normal route, grouped per workload and repeated at most daily.
   * @default - no retraining hook
   */
  readonly retraining?: AlertReceiver;
  /**
   * Retraining pipelines started by the retrain alerts of their endpoints: one route each (matching
   * `ml_action="retrain"` and the pipeline's `workload` values, `continue` so humans still get them), their
   * rules and metrics in Prometheus, and a NetworkPolicy admitting Alertmanager to each webhook.
   * @default - none
   */
  readonly retrainingPipelines?: IRetrainingTrigger[];
}

/** Checks routing for the Alertmanager of `context` (each receiver says whether that Alertmanager can deliver to it). */
export function validateRouting(v: Validator, prop: string, routing: AlertRouting | undefined, context: AlertReceiverContext): void {
  if (!v.check(!!routing && typeof routing === 'object', prop, routing, 'is required: { critical: [AlertReceiver.pagerDuty(...)], warning?, info?, retraining? }')) return;
  v.nonEmpty(`${prop}.critical`, routing!.critical, 'must name at least one receiver, e.g. [AlertReceiver.pagerDuty({ name, key })]');
  const lists: Array<[string, AlertReceiver[] | undefined]> = [
    ['critical', routing!.critical], ['warning', routing!.warning], ['info', routing!.info],
    ['retraining', routing!.retraining ? [routing!.retraining] : undefined],
  ];
  const triggers = routing!.retrainingPipelines ?? [];
  v.unique(`${prop}.retrainingPipelines`, triggers, (t) => String(t?.triggerName), 'triggerName');
  triggers.forEach((t, i) => {
    const p = `${prop}.retrainingPipelines[${i}]`;
    if (!v.check(!!t && t.triggerReceiver instanceof AlertReceiver, p, t, 'must be a retraining pipeline, e.g. an ArgoRetrainingPipeline')) return;
    v.nonEmpty(`${p}.triggerWorkloads`, t.triggerWorkloads as unknown[], 'must name the endpoints whose retrain alerts start the pipeline');
    t.triggerReceiver.validate(v, `${p}.triggerReceiver`, context);
  });
  for (const [name, list] of lists) {
    (list ?? []).forEach((r, i) => {
      const p = name === 'retraining' ? `${prop}.retraining` : `${prop}.${name}[${i}]`;
      if (!v.check(r instanceof AlertReceiver, p, r, 'must be an AlertReceiver, e.g. AlertReceiver.slack(...)')) return;
      r.validate(v, p, context);
    });
  }
}

/**
 * alertmanager.yml: routes by severity (critical, warning, info), the retraining route first with `continue`
 * so retrain-labelled alerts also reach humans, and critical alerts inhibiting warnings of the same workload.
 */
export function alertmanagerConfig(scope: IConstruct, routing: AlertRouting, context: AlertReceiverContext): string {
  const receiver = (name: string, list: AlertReceiver[]) => {
    const out: Record<string, unknown> = { name };
    for (const r of list) {
      const { configsField, config } = r.bind(scope, context);
      out[configsField] = [...((out[configsField] as unknown[]) ?? []), config];
    }
    return out;
  };
  const warning = routing.warning ?? routing.critical;
  const routes: Record<string, unknown>[] = [];
  if (routing.retraining) {
    routes.push({
      receiver: 'retraining', matchers: [`${RETRAIN_ACTION.label}="${RETRAIN_ACTION.value}"`], group_by: ['alertname', 'workload'],
      repeat_interval: '24h', continue: true,
    });
  }
  for (const t of routing.retrainingPipelines ?? []) {
    routes.push({
      receiver: t.triggerName,
      matchers: [`${RETRAIN_ACTION.label}="${RETRAIN_ACTION.value}"`, `workload=~"${[...t.triggerWorkloads].sort().join('|')}"`],
      group_by: ['alertname', 'workload'], repeat_interval: '24h', continue: true,
    });
  }
  routes.push({ receiver: 'critical', matchers: [`severity="${AlertSeverity.CRITICAL}"`], repeat_interval: '1h' });
  routes.push({ receiver: 'warning', matchers: [`severity="${AlertSeverity.WARNING}"`] });
  const receivers = [
    receiver('default', routing.info ?? []),
    receiver('critical', routing.critical),
    receiver('warning', warning),
    ...(routing.retraining ? [receiver('retraining', [routing.retraining])] : []),
    ...(routing.retrainingPipelines ?? []).map((t) => receiver(t.triggerName, [t.triggerReceiver])),
  ];
  return JSON.stringify({
    route: {
      receiver: 'default', group_by: ['alertname', 'workload'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h', routes,
    },
    inhibit_rules: [{
      source_matchers: [`severity="${AlertSeverity.CRITICAL}"`], target_matchers: [`severity="${AlertSeverity.WARNING}"`], equal: ['workload'],
    }],
    receivers,
  }, null, 2);
}
