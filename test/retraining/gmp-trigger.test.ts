import { Testing } from 'cdktf';
import { GmpMonitoring } from '../../lib/monitoring/gmp';
import { evaluateContracts } from '../../lib/contracts/evaluate';
import { parse, Synth } from '../util';
import { endpoint, FakeWorkload } from '../monitoring/fakes';
import { gkeWorld, world, World } from './fixtures';

const synthesize = (w: World): Synth => parse(Testing.synth(w.workloads, true));
const manifests = (out: Synth, kind: string) => out.resources('kubernetes_manifest').map((m) => m.manifest).filter((m) => m.kind === kind);
const errorOf = (build: () => void): string => {
  try { build(); } catch (e) { return (e as Error).message; }
  throw new Error('expected a throw');
};

function wired(w: World = gkeWorld()) {
  const pipeline = w.pipeline();
  const gmp = new GmpMonitoring(w.workloads, 'gmp', {
    project: 'ml-prod-123',
    watch: [pipeline, new FakeWorkload(w.workloads, 'endpoints', [endpoint('churn', { clusterName: 'ml' }), endpoint('fraud', { clusterName: 'ml' })])],
    notificationChannels: { critical: ['projects/ml-prod-123/notificationChannels/111'] },
    retrainingPipelines: [pipeline],
  });
  return { w, pipeline, gmp };
}

describe('GmpMonitoring → ArgoRetrainingPipeline through Pub/Sub', () => {
  const { w, pipeline, gmp } = wired();
  const out = synthesize(w);
  const agent = /^serviceAccount:service-\$\{data\.google_project\.gmp_project_\w+\.number\}@gcp-sa-monitoring-notification\.iam\.gserviceaccount\.com$/;

  test('a topic, a pubsub channel on it, the notification agent allowed to publish, a pull subscription that never expires', () => {
    const [topic] = out.resources('google_pubsub_topic');
    expect(topic).toMatchObject({ project: 'ml-prod-123', name: 'ml-retrain-churn' });
    expect(topic.kms_key_name).toBeUndefined();
    const [channel] = out.resources('google_monitoring_notification_channel');
    expect(channel).toMatchObject({ type: 'pubsub', labels: { topic: expect.stringMatching(/^\$\{google_pubsub_topic\.gmp_retrain-churn-topic_\w+\.id\}$/) } });
    const [publish] = out.resources('google_pubsub_topic_iam_member');
    expect(publish).toMatchObject({ role: 'roles/pubsub.publisher', member: expect.stringMatching(agent) });
    const [sub] = out.resources('google_pubsub_subscription');
    expect(sub).toMatchObject({ name: 'ml-retrain-churn-argo', expiration_policy: { ttl: '' } });
    expect(sub.push_config).toBeUndefined();
    const [consume] = out.resources('google_pubsub_subscription_iam_member');
    expect(consume).toMatchObject({ subscription: 'ml-retrain-churn-argo', role: 'roles/pubsub.subscriber', member: expect.stringMatching(/google_service_account\.churn-retraining_identity_gcp-sa_\w+\.member/) });
    expect(Object.keys(gmp.retrainingTriggers)).toEqual(['retrain-churn']);
  });

  test('only the retrain-labelled policies of the pipeline\'s workloads notify the channel, labelled ml_action=retrain', () => {
    const policies = out.resources('google_monitoring_alert_policy');
    const toChannel = policies.filter((p) => p.notification_channels.some((c: string) => /google_monitoring_notification_channel/.test(c)));
    expect(toChannel.map((p) => p.display_name).sort()).toEqual(['MlFeatureDrift (churn)', 'MlModelStale (churn)', 'MlPredictionDrift (churn)']);
    for (const p of toChannel) {
      expect(p.user_labels).toMatchObject({ ml_action: 'retrain', workload: 'churn' });
      expect(p.notification_channels).toEqual(['projects/ml-prod-123/notificationChannels/111', expect.stringMatching(/^\$\{google_monitoring_notification_channel\.gmp_retrain-churn-channel_\w+\.name\}$/)]);
    }
    // fraud's retrain alerts start no pipeline: no channel but the humans'.
    const fraudDrift = policies.find((p) => p.display_name === 'MlFeatureDrift (fraud)');
    expect(fraudDrift.user_labels.ml_action).toBe('retrain');
    expect(fraudDrift.notification_channels).toEqual(['projects/ml-prod-123/notificationChannels/111']);
  });

  test('the pipeline pulls the subscription with a Pub/Sub EventSource as its Workload Identity, and a Sensor submits the template on an open retrain incident', () => {
    const sources = manifests(out, 'EventSource');
    expect(sources.map((s) => s.metadata.name).sort()).toEqual(['churn', 'churn-pubsub']);
    const source = sources.find((s) => s.metadata.name === 'churn-pubsub');
    expect(source.spec.pubSub.incident).toEqual({ projectID: 'ml-prod-123', subscriptionID: 'ml-retrain-churn-argo', jsonBody: true, deleteSubscriptionOnFinish: false });
    expect(source.spec.pubSub.incident.credentialSecret).toBeUndefined();
    expect(source.spec.template.serviceAccountName).toBe(pipeline.identity.serviceAccountName);
    const sensor = manifests(out, 'Sensor').find((s) => s.metadata.name === 'churn-pubsub');
    expect(sensor.spec.dependencies[0]).toMatchObject({ name: 'retrain-incident', eventSourceName: 'churn-pubsub', eventName: 'incident' });
    expect(sensor.spec.dependencies[0].filters.data).toEqual([
      { path: 'body.incident.state', type: 'string', value: ['open'] },
      { path: 'body.incident.policy_user_labels.ml_action', type: 'string', value: ['retrain'] },
      { path: 'body.incident.policy_user_labels.workload', type: 'string', value: ['churn'] },
    ]);
    expect(sensor.spec.triggers[0].template.argoWorkflow.parameters[0].src).toEqual({ dependencyName: 'retrain-incident', dataKey: 'body.incident.policy_name' });
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'churn-pubsub-sensor');
    expect(policy.spec.pod_selector.match_labels).toEqual({ 'sensor-name': 'churn-pubsub', 'controller': 'sensor-controller' });
  });

  test('the webhook path is unchanged: the webhook EventSource and its Sensor are still there', () => {
    const webhook = manifests(out, 'EventSource').find((s) => s.metadata.name === 'churn');
    expect(webhook.spec.webhook.alert).toEqual({ port: '12000', endpoint: '/alerts', method: 'POST', authSecret: { name: 'retrain-webhook', key: 'token' } });
    expect(manifests(out, 'Sensor').find((s) => s.metadata.name === 'churn').spec.dependencies[0].name).toBe('retrain-alert');
  });

  test('declares the wire as a gcp-permission contract, met by the subscriber grant', () => {
    const json = JSON.parse(JSON.stringify(w.workloads.toTerraform()));
    const contracts = Object.values<any>(json['//'].ml_platform.contracts).filter((c) => c.consumer === pipeline.node.path && c.resource?.type === 'pubsub-subscription');
    expect(contracts).toEqual([expect.objectContaining({
      producer: gmp.node.path, permissions: ['pubsub.subscriptions.consume'],
      resource: { type: 'pubsub-subscription', id: 'ml-retrain-churn-argo', project: 'ml-prod-123' },
    })]);
    const result = evaluateContracts([{ name: 'workloads', json }]);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('Argo Events fields: the EventSource and Sensor carry what the controllers require', () => {
    const source = manifests(out, 'EventSource').find((s) => s.metadata.name === 'churn-pubsub');
    const sensor = manifests(out, 'Sensor').find((s) => s.metadata.name === 'churn-pubsub');
    const [bus] = manifests(out, 'EventBus');
    for (const m of [source, sensor]) {
      expect(m.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(m.spec.eventBusName).toBe(bus.metadata.name);
    }
    // PubSubEventSource (v1alpha1): only known fields, of their types.
    const known = ['projectID', 'topicProjectID', 'topic', 'subscriptionID', 'credentialSecret', 'deleteSubscriptionOnFinish', 'jsonBody', 'metadata', 'filter'];
    for (const spec of Object.values<any>(source.spec.pubSub)) {
      expect(Object.keys(spec).every((k) => known.includes(k))).toBe(true);
      expect(typeof spec.projectID).toBe('string');
      expect(typeof spec.subscriptionID).toBe('string');
      expect(typeof spec.jsonBody).toBe('boolean');
    }
    expect(sensor.spec.dependencies.every((d: any) => d.eventSourceName === source.metadata.name && Object.keys(source.spec.pubSub).includes(d.eventName))).toBe(true);
    const trigger = sensor.spec.triggers[0].template;
    expect(trigger.argoWorkflow.operation).toBe('submit');
    expect(trigger.argoWorkflow.parameters.every((p: any) => p.src.dependencyName === 'retrain-incident' && /^spec\./.test(p.dest))).toBe(true);
  });

  test('with a customer-managed key, the topic uses it and the Pub/Sub agent may encrypt with it', () => {
    const w2 = gkeWorld();
    const pipeline2 = w2.pipeline();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GcpKmsKey } = require('../../lib/storage/gcp-kms-key');
    const key = new GcpKmsKey(w2.workloads, 'alerts-key', { project: 'ml-prod-123', location: 'europe-west4', keyRingName: 'alerts', keyName: 'retrain' });
    new GmpMonitoring(w2.workloads, 'gmp', {
      project: 'ml-prod-123', notificationChannels: { critical: ['projects/ml-prod-123/notificationChannels/111'] },
      retrainingPipelines: [pipeline2], retrainingKmsKey: key,
    });
    const o = synthesize(w2);
    expect(o.resources('google_pubsub_topic')[0].kms_key_name).toMatch(/^\$\{google_kms_crypto_key\.alerts-key_\w+\.id\}$/);
    expect(o.resources('google_kms_crypto_key_iam_member').map((m) => m.member)).toContainEqual(expect.stringMatching(/@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/));
  });
});

describe('a broken Pub/Sub wire fails synth with contract-permission', () => {
  test('the subscriber grant removed', () => {
    const { w, gmp } = wired();
    expect(gmp.node.tryRemoveChild('retrain-churn-pipeline-consumes')).toBe(true);
    const message = errorOf(() => Testing.synth(w.workloads, true));
    expect(message).toMatch(/contract-permission/);
    expect(message).toMatch(/lacks pubsub\.subscriptions\.consume on pubsub-subscription ml-retrain-churn-argo/);
    expect(message).toMatch(/roles\/pubsub\.subscriber on subscription ml-retrain-churn-argo/);
  });

  test('a grant of a role that cannot consume', () => {
    const { w, gmp } = wired();
    (gmp.node.findChild('retrain-churn-pipeline-consumes') as any).addOverride('role', 'roles/pubsub.publisher');
    expect(errorOf(() => Testing.synth(w.workloads, true))).toMatch(/contract-permission .* lacks pubsub\.subscriptions\.consume .* holds roles\/pubsub\.publisher/);
  });
});

describe('GmpMonitoring refuses a pipeline that cannot pull Pub/Sub', () => {
  test('an Argo pipeline on EKS (no GKE Workload Identity): names the construct, the prop, the value and the fix', () => {
    const w = world();
    const pipeline = w.pipeline();
    const message = errorOf(() => new GmpMonitoring(w.workloads, 'gmp', {
      project: 'ml-prod-123', notificationChannels: { critical: ['projects/ml-prod-123/notificationChannels/111'] }, retrainingPipelines: [pipeline],
    }));
    expect(message).toMatch(/workloads\/gmp/);
    expect(message).toMatch(/retrainingPipelines\[0\] \("workloads\/churn-retraining"\) has no Google service account/);
    expect(message).toMatch(/run the pipeline on a GKE cluster \(WorkloadIdentityMode\.gkeWorkloadIdentity\)/);
  });
});
