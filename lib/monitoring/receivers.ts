import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { checkResourceName } from '../core/names';
import type { ScrapeTarget } from '../core/monitoring-contract';
import { AlertRuleGroup, AlertSeverity, RETRAIN_ACTION } from './rules';

/**
 * A key of an existing Kubernetes Secret in the monitoring namespace (Kubernetes' SecretKeySelector: the same
 * `{ name, key }` shape the feature store takes). The value never enters Terraform.
 */
export interface SecretKeySelector {
  /** The Secret's name. */
  readonly name: string;
  /** The key inside it. */
  readonly key: string;
}

/** What kind of notification a {@link AlertReceiver} sends. */
export enum AlertReceiverKind {
  WEBHOOK = 'webhook',
  SLACK = 'slack',
  PAGERDUTY = 'pagerduty',
  SNS = 'sns',
}

/** Where Alertmanager finds secret files: each referenced Secret is mounted read-only at `<dir>/<name>/`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager-secrets';

/**
 * Where alerts go. Secrets (Slack webhook URLs, PagerDuty routing keys, bearer tokens) are referenced from an
 * existing Kubernetes Secret and read by Alertmanager through its `*_file` fields, so they never appear in
 * the Terraform configuration or state.
 *
 * ```ts
 * AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })
 * AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')
 * AlertReceiver.webhook('http://retrain.ml-ops.svc:8080/alerts', { name: 'alerting', key: 'retrain-token' })
 * ```
 */
export class AlertReceiver {
  /**
   * An HTTP webhook (Alertmanager webhook JSON, version 4). The URL is configuration, not a secret (an
   * in-cluster service); authenticate with a bearer token read from a Secret.
   * @param bearerToken @default - no Authorization header
   */
  public static webhook(url: string, bearerToken?: SecretKeySelector): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.WEBHOOK, { url, bearerToken });
  }

  /**
   * A webhook whose whole URL is secret (e.g. it embeds a token), read with `url_file`. Needs Alertmanager
   * 0.26 or later (the default image is v0.28.1).
   */
  public static webhookFromSecret(url: SecretKeySelector): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.WEBHOOK, { urlSecret: url });
  }

  /** Slack: the incoming-webhook URL is read with `api_url_file`. */
  public static slack(webhookUrl: SecretKeySelector, channel: string): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.SLACK, { urlSecret: webhookUrl, channel });
  }

  /** PagerDuty Events API v2: the integration's routing key is read with `routing_key_file`. */
  public static pagerDuty(routingKey: SecretKeySelector): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.PAGERDUTY, { urlSecret: routingKey });
  }

  /** Amazon SNS, for Amazon Managed Service for Prometheus (its only receiver), signed with SigV4. */
  public static sns(topicArn: string): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.SNS, { url: topicArn });
  }

  private constructor(
    public readonly kind: AlertReceiverKind,
    private readonly spec: { url?: string; urlSecret?: SecretKeySelector; bearerToken?: SecretKeySelector; channel?: string },
  ) {}

  /** The Secrets this receiver reads. */
  public get secrets(): SecretKeySelector[] {
    return [this.spec.urlSecret, this.spec.bearerToken].filter((s): s is SecretKeySelector => !!s);
  }

  /** Checks the receiver's fields. */
  public validate(v: Validator, prop: string): void {
    for (const s of this.secrets) {
      checkResourceName(v, `${prop}.name`, s.name, 253);
      v.matches(`${prop}.key`, s.key, /^[-._a-zA-Z0-9]+$/, 'is not a valid Secret key; use letters, digits, "-", "_" and "."');
    }
    if (this.kind === AlertReceiverKind.WEBHOOK && this.spec.url !== undefined) {
      v.matches(`${prop}.url`, this.spec.url, /^https?:\/\/[^\s]+$/, 'must be an http(s) URL, e.g. http://retrain.ml-ops.svc:8080/alerts');
    }
    if (this.kind === AlertReceiverKind.SLACK) {
      v.matches(`${prop}.channel`, this.spec.channel, /^[#@][^\s]+$/, 'must be a Slack channel such as #ml-alerts');
    }
    if (this.kind === AlertReceiverKind.SNS) {
      v.matches(`${prop}.topicArn`, this.spec.url, /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[-_A-Za-z0-9]+$/, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)');
    }
  }

  /** This receiver as one Alertmanager `*_configs` entry: `[field, config]`. */
  public render(secretPath: (s: SecretKeySelector) => string, region?: string): [string, Record<string, unknown>] {
    const s = this.spec;
    switch (this.kind) {
      case AlertReceiverKind.WEBHOOK:
        return ['webhook_configs', {
          ...(s.urlSecret ? { url_file: secretPath(s.urlSecret) } : { url: s.url }),
          send_resolved: true,
          ...(s.bearerToken ? { http_config: { authorization: { credentials_file: secretPath(s.bearerToken) } } } : {}),
        }];
      case AlertReceiverKind.SLACK:
        return ['slack_configs', {
          api_url_file: secretPath(s.urlSecret!), channel: s.channel, send_resolved: true,
          title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.workload }}',
          text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}',
        }];
      case AlertReceiverKind.PAGERDUTY:
        return ['pagerduty_configs', { routing_key_file: secretPath(s.urlSecret!), send_resolved: true }];
      case AlertReceiverKind.SNS:
        return ['sns_configs', {
          topic_arn: s.url, send_resolved: true, sigv4: { region },
          attributes: { severity: '{{ .CommonLabels.severity }}', workload: '{{ .CommonLabels.workload }}' },
        }];
    }
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

/** Checks routing; `allowed` are the receiver kinds the variant supports. */
export function validateRouting(v: Validator, prop: string, routing: AlertRouting | undefined, allowed: AlertReceiverKind[]): void {
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
    v.check(allowed.includes(t.triggerReceiver.kind), p, t.triggerReceiver.kind, `is not supported here; use ${allowed.join(', ')}`);
    v.nonEmpty(`${p}.triggerWorkloads`, t.triggerWorkloads as unknown[], 'must name the endpoints whose retrain alerts start the pipeline');
    t.triggerReceiver.validate(v, `${p}.triggerReceiver`);
  });
  for (const [name, list] of lists) {
    (list ?? []).forEach((r, i) => {
      const p = name === 'retraining' ? `${prop}.retraining` : `${prop}.${name}[${i}]`;
      if (!v.check(r instanceof AlertReceiver, p, r, 'must be an AlertReceiver, e.g. AlertReceiver.slack(...)')) return;
      if (!v.check(allowed.includes(r.kind), p, r.kind, `is not supported here; use ${allowed.join(', ')}`)) return;
      r.validate(v, p);
    });
  }
}

/**
 * alertmanager.yml: routes by severity (critical, warning, info), the retraining route first with `continue`
 * so retrain-labelled alerts also reach humans, and critical alerts inhibiting warnings of the same workload.
 */
export function alertmanagerConfig(routing: AlertRouting, secretPath: (s: SecretKeySelector) => string, region?: string): string {
  const receiver = (name: string, list: AlertReceiver[]) => {
    const out: Record<string, unknown> = { name };
    for (const r of list) {
      const [field, config] = r.render(secretPath, region);
      out[field] = [...((out[field] as unknown[]) ?? []), config];
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
