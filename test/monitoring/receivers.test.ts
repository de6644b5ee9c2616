/**
 * AlertReceiver is a variant class: each factory's receiver renders its own Alertmanager entry (`bind`) and says
 * which Alertmanager can deliver to it (`validate`); nothing outside dispatches on a kind.
 */
import { Testing } from 'cdktf';
import { Validator } from '../../lib/core/errors';
import { AlertmanagerHost, AlertReceiver, AlertReceiverContext } from '../../lib/monitoring/receivers';

const inCluster: AlertReceiverContext = { host: AlertmanagerHost.KUBERNETES };
const amp: AlertReceiverContext = { host: AlertmanagerHost.AMAZON_MANAGED_PROMETHEUS, region: 'eu-west-1' };

function problems(receiver: AlertReceiver, context: AlertReceiverContext): string[] {
  const v = new Validator('test/monitoring');
  receiver.validate(v, 'alerting.critical[0]', context);
  return v.collected.map((p) => `${p.prop} (${p.value}) ${p.message}`);
}

describe('AlertReceiver: each variant renders its own Alertmanager entry', () => {
  const scope = Testing.app();

  test.each<[string, AlertReceiver, AlertReceiverContext, string, Record<string, unknown>]>([
    ['a webhook with a bearer token', AlertReceiver.webhook('http://retrain.ml-ops.svc:8080/alerts', { name: 'alerting', key: 'token' }), inCluster,
      'webhook_configs', {
        url: 'http://retrain.ml-ops.svc:8080/alerts', send_resolved: true,
        http_config: { authorization: { credentials_file: '/etc/alertmanager-secrets/alerting/token' } },
      }],
    ['a webhook whose URL is secret', AlertReceiver.webhookFromSecret({ name: 'alerting', key: 'url' }), inCluster,
      'webhook_configs', { url_file: '/etc/alertmanager-secrets/alerting/url', send_resolved: true }],
    ['PagerDuty', AlertReceiver.pagerDuty({ name: 'alerting', key: 'pd' }), inCluster,
      'pagerduty_configs', { routing_key_file: '/etc/alertmanager-secrets/alerting/pd', send_resolved: true }],
    ['SNS, signed for the context\'s region', AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml'), amp,
      'sns_configs', {
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:ml', send_resolved: true, sigv4: { region: 'eu-west-1' },
        attributes: { severity: '{{ .CommonLabels.severity }}', workload: '{{ .CommonLabels.workload }}' },
      }],
  ])('%s', (_what, receiver, context, field, config) => {
    expect(receiver.bind(scope, context)).toEqual({ configsField: field, config });
    expect(problems(receiver, context)).toEqual([]);
  });

  test('Slack reads its webhook URL from a file and names the channel', () => {
    const { configsField, config } = AlertReceiver.slack({ name: 'alerting', key: 'slack' }, '#ml-alerts').bind(scope, inCluster);
    expect(configsField).toBe('slack_configs');
    expect(config).toMatchObject({ api_url_file: '/etc/alertmanager-secrets/alerting/slack', channel: '#ml-alerts', send_resolved: true });
  });

  test('a receiver lists the secret keys Alertmanager must mount, and SNS none', () => {
    expect(AlertReceiver.webhook('http://x.svc/a', { name: 'a', key: 't' }).secrets).toEqual([{ name: 'a', key: 't' }]);
    expect(AlertReceiver.webhook('http://x.svc/a').secrets).toEqual([]);
    expect(AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml').secrets).toEqual([]);
  });
});

describe('AlertReceiver: each variant says where it can be delivered from', () => {
  test('an Alertmanager in a cluster refuses SNS; AMP refuses everything but SNS', () => {
    expect(problems(AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml'), inCluster)).toEqual([
      expect.stringMatching(/^alerting\.critical\[0\] \("sns"\) is not supported here; use webhook, slack, pagerduty/)]);
    expect(problems(AlertReceiver.pagerDuty({ name: 'alerting', key: 'pd' }), amp)).toEqual([
      expect.stringMatching(/^alerting\.critical\[0\] \("pagerduty"\) is not supported here; use sns/)]);
  });

  test('bad secret keys, URLs and channels are named by prop', () => {
    expect(problems(AlertReceiver.webhook('ftp://x', { name: 'Alerting', key: 'a token' }), inCluster)).toEqual([
      'alerting.critical[0].name ("Alerting") is not a valid secret name; use lowercase letters, digits, "-" and "."',
      'alerting.critical[0].key ("a token") is not a valid secret key; use letters, digits, "-", "_" and "."',
      'alerting.critical[0].url ("ftp://x") must be an http(s) URL, e.g. http://retrain.ml-ops.svc:8080/alerts',
    ]);
    expect(problems(AlertReceiver.slack({ name: 'alerting', key: 'slack' }, 'ml-alerts'), inCluster)).toEqual([
      'alerting.critical[0].channel ("ml-alerts") must be a Slack channel such as #ml-alerts']);
  });
});
