import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { Peer } from '../../lib/core/connections';
import { recordedCustomResources } from '../../lib/core/private/custom-resources';
import { LINEAGE_KEYS } from '../../lib/registry/lineage';
import { MonitoringStack } from '../../lib/monitoring/monitoring-stack';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { ARGO_EVENTS_CHART_VERSION, ARGO_HELM_REPOSITORY, ARGO_WORKFLOWS_CHART_VERSION } from '../../lib/retraining/argo-workflows';
import { parse, Synth } from '../util';
import { haveTool, rebaseFiles, run, scratch } from '../monitoring/checkers';
import { EvaluationGate, GateDirection } from '../../lib/retraining/gates';
import { ECR, world, World, TRAIN_DIGEST } from './fixtures';

const synthesize = (w: World, stack = w.workloads): Synth & { json: any } => parse(Testing.synth(stack, true));
const manifests = (out: Synth, kind: string) => out.resources('kubernetes_manifest').map((m) => m.manifest).filter((m) => m.kind === kind);
const errorOf = (build: () => void): string => {
  try { build(); } catch (e) { return (e as Error).message; }
  throw new Error('expected the construct to throw');
};

function monitored(w: World) {
  const pipeline = w.pipeline();
  const monitoring = new MonitoringStack(w.workloads, 'monitoring', {
    target: w.cluster.kubernetes.inNamespace('monitoring'),
    gpuMonitoring: false,
    alerting: {
      critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty' })],
      retrainingPipelines: [pipeline],
    },
    grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
  });
  return { pipeline, monitoring };
}

describe('ArgoWorkflows (the add-on)', () => {
  const w = world();
  const out = synthesize(w, w.addons);

  test('installs both pinned charts from the argoproj repository, workflow metrics on, only the team namespaces watched', () => {
    const releases = out.resources('helm_release').sort((a, b) => (a.chart < b.chart ? 1 : -1));
    expect(releases.map((r) => [r.chart, r.version, r.repository])).toEqual([
      ['argo-workflows', ARGO_WORKFLOWS_CHART_VERSION, ARGO_HELM_REPOSITORY],
      ['argo-events', ARGO_EVENTS_CHART_VERSION, ARGO_HELM_REPOSITORY],
    ]);
    const values = JSON.parse(releases[0].values[0]);
    expect(values.controller).toMatchObject({ workflowNamespaces: ['mlops'], metricsConfig: { enabled: true, port: 9090, portName: 'metrics' } });
    expect(values.server.enabled).toBe(false);
  });

  test('records the Workflow and Events kinds for the deploy-order check', () => {
    const kinds = Object.keys(recordedCustomResources(JSON.parse(JSON.stringify(w.addons.toTerraform()))));
    expect(kinds).toEqual(expect.arrayContaining(['argoproj.io/WorkflowTemplate', 'argoproj.io/CronWorkflow', 'argoproj.io/EventSource', 'argoproj.io/Sensor', 'argoproj.io/EventBus']));
  });
});

describe('ArgoRetrainingPipeline', () => {
  const w = world();
  const { pipeline } = monitored(w);
  const out = synthesize(w);
  const template = manifests(out, 'WorkflowTemplate')[0];
  const byName = (name: string) => template.spec.templates.find((t: any) => t.name === name);

  test('runs validate-data → train → evaluate → register as a DAG, each step only after the previous one succeeded', () => {
    const tasks = byName('retrain').dag.tasks;
    expect(tasks.map((t: any) => [t.name, t.depends])).toEqual([
      ['validate-data', undefined], ['train', 'validate-data.Succeeded'], ['evaluate', 'train.Succeeded'], ['register', 'evaluate.Succeeded'],
    ]);
    expect(template.spec.synchronization).toEqual({ mutexes: [{ name: 'retrain-churn' }] });
  });

  test('every container runs with the library\'s restricted security context, tokenless, on the training priority', () => {
    const containers = [
      byName('validate-data').container, byName('train').container, byName('register').container, ...byName('evaluate').containerSet.containers,
    ];
    expect(containers).toHaveLength(5);
    for (const c of containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(template.spec.automountServiceAccountToken).toBe(false);
    expect(template.spec.executor.serviceAccountName).toBe('churn-executor');
    expect(template.spec.priorityClassName).toBe('ml-training');
  });

  test('trains in the team namespace on the L4 pool with the requested GPUs', () => {
    expect(template.metadata.namespace).toBe('mlops');
    const train = byName('train');
    expect(train.container.resources.limits['nvidia.com/gpu']).toBe('2');
    expect(train.nodeSelector).toEqual(w.cluster.kubernetes.acceleratorNodes[0].nodeSelector);
  });

  test('registers with the lineage contract and MLflow credentials from a Secret, and sets only the challenger alias', () => {
    const register = byName('register').container;
    const env = Object.fromEntries(register.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      MLFLOW_TRACKING_URI: 'http://mlflow.mlops.svc:5000',
      MLFLOW_TRACKING_USERNAME: 'retrain.churn',
      MLFLOW_TRACKING_PASSWORD: { secretKeyRef: { name: 'churn-retrain-mlflow', key: 'password' } },
      ML_DATASET_URI: 's3://acme-datasets/churn/', ML_DATASET_VERSION: '{{workflow.parameters.dataset-version}}',
      ML_FEATURE_VIEWS: 'customer_stats', ML_CODE_VERSION: TRAIN_DIGEST, ML_MODEL_URI: '{{inputs.parameters.model-uri}}',
    });
    const script = register.command[2];
    for (const key of Object.values(LINEAGE_KEYS)) expect(script).toContain(key);
    expect(script).toContain('set_registered_model_alias(name, "challenger"');
    expect(script).not.toMatch(/champion|transition_model_version_stage/);
  });

  test('schedules weekly runs and submits one on a firing retrain alert of its endpoint', () => {
    const cron = manifests(out, 'CronWorkflow')[0];
    expect(cron.spec).toMatchObject({ schedules: ['0 3 * * 1'], concurrencyPolicy: 'Forbid', workflowSpec: { workflowTemplateRef: { name: 'churn' } } });
    const sensor = manifests(out, 'Sensor')[0];
    expect(sensor.spec.dependencies[0].filters.data).toEqual([
      { path: 'body.status', type: 'string', value: ['firing'] },
      { path: 'body.commonLabels.ml_action', type: 'string', value: ['retrain'] },
      { path: 'body.commonLabels.workload', type: 'string', value: ['churn'] },
    ]);
    expect(sensor.spec.triggers[0].template.argoWorkflow.operation).toBe('submit');
    const source = manifests(out, 'EventSource')[0];
    expect(source.spec.webhook.alert).toEqual({ port: '12000', endpoint: '/alerts', method: 'POST', authSecret: { name: 'retrain-webhook', key: 'token' } });
    expect(manifests(out, 'EventBus')).toHaveLength(1);
  });

  test('the Sensor may only create Workflows, and reaches only the EventBus, DNS and the API server', () => {
    const roles = out.resources('kubernetes_role_v1');
    const sensorRole = roles.find((r) => r.metadata.name === 'churn-sensor');
    expect(sensorRole.rule).toEqual([{ api_groups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]);
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'churn-sensor');
    expect(policy.spec.policy_types).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress.map((e: any) => e.ports.map((p: any) => p.port))).toEqual([['4222'], ['53', '53'], ['443', '6443']]);
  });

  test('Alertmanager routes the endpoint\'s retrain alerts to the webhook with the token, and the webhook admits only Alertmanager', () => {
    const am = JSON.parse(out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === 'alertmanager-config').data['alertmanager.yml']);
    expect(am.route.routes[0]).toMatchObject({ receiver: 'retrain-churn', matchers: ['ml_action="retrain"', 'workload=~"churn"'], continue: true });
    const receiver = am.receivers.find((r: any) => r.name === 'retrain-churn');
    expect(receiver.webhook_configs[0]).toMatchObject({
      url: pipeline.webhookUrl, http_config: { authorization: { credentials_file: '/etc/alertmanager-secrets/retrain-webhook/token' } },
    });
    expect(pipeline.webhookUrl).toBe('http://churn-eventsource-svc.mlops.svc:12000/alerts');
    const admit = out.resources('kubernetes_network_policy_v1').filter((p) => p.metadata.name.startsWith('churn-webhook-from-'));
    expect(admit.map((p) => p.metadata.name)).toEqual([expect.stringMatching(/^churn-webhook-from-monitoring-[0-9a-f]{8}$/)]);
    expect(admit[0].spec).toMatchObject({
      pod_selector: { match_labels: { controller: 'eventsource-controller', 'eventsource-name': 'churn' } },
      ingress: [{
        from: [{
          namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          pod_selector: { match_labels: { 'app.kubernetes.io/name': 'alertmanager' } },
        }],
        ports: [{ port: '12000', protocol: 'TCP' }],
      }],
    });
  });

  test('the webhook is reached through the pipeline\'s connections: Alertmanager is the one admitted peer, and another is admitted the same way', () => {
    const { pipeline: own } = monitored(world());
    expect(own.connections.defaultPort).toBe(12000);
    expect(own.connections.allowed.map((c) => [c.peer.namespace, c.port])).toEqual([['monitoring', 12000]]);
    const policy = own.connections.allowDefaultPortFrom(Peer.podsInNamespace('ops', { app: 'pager-relay' }));
    expect(policy?.node.path).toMatch(/churn-retraining\/from-ops-[0-9a-f]{8}$/);
    expect(own.connections.allowed).toHaveLength(2);
    // Asked again (MonitoringStack calls admitAlertmanager for each route), nothing new is created.
    own.admitAlertmanager({ workload: own.eventSource, namespace: 'monitoring', podLabels: own.connections.allowed[0].peer.podLabels! });
    expect(own.connections.allowed).toHaveLength(2);
  });

  test('given a trigger token that is not a secret key reference, then the error names triggerToken', () => {
    const w2 = world();
    expect(() => w2.pipeline({ triggerToken: { name: 'retrain-webhook' } as any }))
      .toThrow(/triggerToken \(\{"name":"retrain-webhook"\}\) is required as \{ name, key \} of an existing Kubernetes secret/);
    expect(() => world().pipeline({ triggerToken: { name: 'Retrain_Webhook', key: 'token' } }))
      .toThrow(/triggerToken\.name \("Retrain_Webhook"\) is not a valid secret name/);
  });

  test('the Alertmanager configuration with the pipeline route passes amtool', () => {
    if (!haveTool('amtool')) return;
    const am = JSON.parse(out.resources('kubernetes_config_map_v1').find((c) => c.metadata.name === 'alertmanager-config').data['alertmanager.yml']);
    const s = scratch();
    try {
      const file = join(s.dir, 'alertmanager.yml');
      writeFileSync(file, JSON.stringify(rebaseFiles(am, s.dir)));
      const r = run('amtool', ['check-config', file]);
      expect(r.output).toMatch(/SUCCESS/);
      expect(r.status).toBe(0);
    } finally {
      s.done();
    }
  });

  test('declares its wires: read permission on the dataset, GPU capacity on the team quota, the register step to MLflow, the template after its grants', () => {
    const contracts = Object.values<any>(JSON.parse(JSON.stringify(w.workloads.toTerraform()))['//'].ml_platform.contracts)
      .filter((c) => c.consumer === pipeline.node.path);
    expect(contracts.map((c) => c.kind).sort()).toEqual(['aws-permission', 'capacity', 'configuration', 'network', 'order']);
    // The register step (a template of the WorkflowTemplate) needs MLflow's URI and a password by reference, and a path to the server.
    expect(contracts.find((c) => c.kind === 'configuration')).toMatchObject({ container: 'register', env: expect.arrayContaining([{ name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true }]) });
    expect(contracts.find((c) => c.kind === 'network')).toMatchObject({ port: 'http', server: { address: expect.stringMatching(/^kubernetes_deployment_v1\.mlflow_/) } });
    expect(contracts.find((c) => c.kind === 'aws-permission')).toMatchObject({ actions: ['s3:GetObject'], resources: [expect.stringMatching(/^arn:aws:s3:::\$\{aws_s3_bucket\.datasets_bucket_\w+\.bucket\}\/churn\/\*$/)] });
    expect(contracts.find((c) => c.kind === 'capacity')).toMatchObject({ namespace: 'mlops', resource: 'nvidia.com/gpu', maxDemand: 2, minDemand: 0, pool: 'l4' });
  });

  test('its alert rules and the controller\'s scrape job reach Prometheus, and the rules pass promtool', () => {
    const cms = out.resources('kubernetes_config_map_v1');
    const rulesCm = cms.find((c) => c.data?.['ml-retraining-churn.yml']);
    expect(rulesCm).toBeDefined();
    const prom = cms.find((c) => c.data?.['prometheus.yml']).data['prometheus.yml'];
    expect(prom).toContain('argo-workflows-argo');
    if (!haveTool('promtool')) return;
    const s = scratch();
    try {
      const file = join(s.dir, 'rules.yml');
      writeFileSync(file, rulesCm.data['ml-retraining-churn.yml']);
      const r = run('promtool', ['check', 'rules', file]);
      expect(r.output).toMatch(/SUCCESS: 3 rules found/);
      expect(r.status).toBe(0);
    } finally {
      s.done();
    }
  });
});

describe('ArgoRetrainingPipeline with a beat-the-champion gate', () => {
  const w = world();
  const gates = [EvaluationGate.metricAtLeast('auc', 0.85), EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: 0.005 })];
  const pipeline = w.pipeline({ evaluation: { image: `${ECR}/churn-eval:2.1.0`, gates } });
  const out = synthesize(w);
  const template = manifests(out, 'WorkflowTemplate')[0];
  const evaluate = template.spec.templates.find((t: any) => t.name === 'evaluate');

  test('the evaluate pod reads the champion from MLflow (registration image, the steps\' MLflow user) between the scorer and the gates', () => {
    const containers = evaluate.containerSet.containers;
    expect(containers.map((c: any) => [c.name, c.dependencies])).toEqual([['score', undefined], ['champion', ['score']], ['main', ['champion']]]);
    const champion = containers[1];
    expect(champion.image).toBe(`${ECR}/mlflow-client:2.22.0`);
    expect(champion.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(champion.command[2]).toContain('client.get_model_version_by_alias(name, alias)');
    expect(champion.command.slice(3)).toEqual(['/tmp/outputs/metrics.json', '/tmp/outputs/champion.json']);
    const env = Object.fromEntries(champion.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      ML_MODEL_NAME: 'churn', ML_MODEL_URI: '{{inputs.parameters.model-uri}}', MLFLOW_TRACKING_URI: 'http://mlflow.mlops.svc:5000',
      MLFLOW_TRACKING_PASSWORD: { secretKeyRef: { name: 'churn-retrain-mlflow', key: 'password' } },
    });
    expect(containers[2].command.slice(3)).toEqual(['/tmp/outputs/metrics.json', '/tmp/outputs/gates.json', '/tmp/outputs/champion.json']);
  });

  test('the champion container\'s MLflow settings are a configuration contract, and they hold at synth', () => {
    const contracts = Object.values<any>(JSON.parse(JSON.stringify(w.workloads.toTerraform()))['//'].ml_platform.contracts)
      .filter((c) => c.consumer === pipeline.node.path && c.kind === 'configuration');
    expect(contracts.map((c) => c.container).sort()).toEqual(['evaluate/champion', 'register']);
  });

  test('without a champion gate there is no champion container', () => {
    const plain = manifests(synthesize(monitoredWorld()), 'WorkflowTemplate')[0].spec.templates.find((t: any) => t.name === 'evaluate');
    expect(plain.containerSet.containers.map((c: any) => c.name)).toEqual(['score', 'main']);
  });

  test('the WorkflowTemplate with the champion container passes @kubernetes-models/argo-workflows validation', () => {
    const script = [
      "import { WorkflowTemplate } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate';",
      "import { readFileSync } from 'fs';",
      'new WorkflowTemplate(JSON.parse(readFileSync(0, "utf8"))).validate(); console.log("valid");',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(template), encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('valid\n');
  });
});

function monitoredWorld(): World {
  const w = world();
  monitored(w);
  return w;
}

describe('ArgoRetrainingPipeline refuses props that cannot work, naming the prop and the fix', () => {
  test('a training image pinned by tag, not digest', () => {
    const w = world();
    const message = errorOf(() => w.pipeline({ training: { ...trainingOf(w), image: 'registry.example.com/train:1.0.0' } }));
    expect(message).toMatch(/training\.image \("registry\.example\.com\/train:1\.0\.0"\) must be pinned by digest/);
  });

  test('more GPUs than the team quota, or than one node of the pool holds', () => {
    const w = world();
    expect(errorOf(() => w.pipeline({ training: { ...trainingOf(w), acceleratorCount: 3 } })))
      .toMatch(/training\.acceleratorCount \(3\) is above team mlops's quota of 2 nvidia\.com\/gpu; raise the team's quota or request fewer/);
    const w2 = world();
    expect(errorOf(() => w2.pipeline({ training: { ...trainingOf(w2), acceleratorCount: 5 } })))
      .toMatch(/training\.acceleratorCount \(5\) is more than any nvidia-l4 pool has per node \(4\)/);
  });

  test('a team the cluster does not declare', () => {
    const w = world();
    expect(errorOf(() => w.pipeline({ training: { ...trainingOf(w), team: 'research' } }))).toMatch(/training\.team \("research"\) team "research" is not declared/);
  });

  test('a team namespace the Argo controller does not watch', () => {
    const w = world();
    expect(errorOf(() => w.pipeline({ training: { ...trainingOf(w), team: 'serving', accelerator: undefined, acceleratorCount: undefined } })))
      .toMatch(/argo \("addons\/argo"\) does not run workflows in namespace serving; add it to the ArgoWorkflows workflowNamespaces/);
  });

  test('no gates', () => {
    const w = world();
    expect(errorOf(() => w.pipeline({ evaluation: { image: 'registry.example.com/eval:1.0.0', gates: [] } }))).toMatch(/evaluation\.gates \(\[\]\) must hold at least one gate/);
  });
});

function trainingOf(w: World) {
  return {
    cluster: w.cluster, team: 'mlops', image: `registry.example.com/train@${TRAIN_DIGEST}`,
    accelerator: w.cluster.kubernetes.acceleratorNodes[0].accelerator, acceleratorCount: 1,
  };
}

describe('generated specs against their schemas', () => {
  const w = world();
  monitored(w);
  const out = synthesize(w);

  test('WorkflowTemplate and CronWorkflow pass @kubernetes-models/argo-workflows validation (Argo Workflows v4 types)', () => {
    const docs = ['WorkflowTemplate', 'CronWorkflow'].map((kind) => manifests(out, kind)[0]);
    const script = [
      "import { WorkflowTemplate } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate';",
      "import { CronWorkflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/CronWorkflow';",
      "import { readFileSync } from 'fs';",
      'const docs = JSON.parse(readFileSync(0, "utf8"));',
      'const models = { WorkflowTemplate, CronWorkflow };',
      'for (const d of docs) { new models[d.kind](d).validate(); console.log("valid " + d.kind); }',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(docs), encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('valid WorkflowTemplate\nvalid CronWorkflow\n');
  });

  test('the schema validation catches a broken template (so the check above is not vacuous)', () => {
    const broken = { ...manifests(out, 'WorkflowTemplate')[0] };
    broken.spec = { ...broken.spec, entrypoint: 42 };
    const script = [
      "import { WorkflowTemplate } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate';",
      "import { readFileSync } from 'fs';",
      'try { new WorkflowTemplate(JSON.parse(readFileSync(0, "utf8"))).validate(); console.log("valid"); } catch (e) { console.log(e.message); }',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(broken), encoding: 'utf8', cwd: join(__dirname, '..', '..') });
    expect(r.stdout).toMatch(/entrypoint must be string/);
  });

  // No npm package carries Argo Events schemas (@kubernetes-models/argo-events does not exist): the fields
  // the controllers require (eventsource/sensor/eventbus validate.go) are checked by hand.
  test('EventSource, Sensor and EventBus carry the fields Argo Events requires', () => {
    const [source] = manifests(out, 'EventSource');
    const [sensor] = manifests(out, 'Sensor');
    const [bus] = manifests(out, 'EventBus');
    for (const m of [source, sensor, bus]) {
      expect(m.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const hook = source.spec.webhook.alert;
    expect(typeof hook.port).toBe('string');
    expect(hook.endpoint.startsWith('/')).toBe(true);
    expect(['POST']).toContain(hook.method);
    expect(source.spec.eventBusName).toBe(bus.metadata.name);
    expect(sensor.spec.eventBusName).toBe(bus.metadata.name);
    expect(sensor.spec.dependencies.every((d: any) => d.name && d.eventSourceName === source.metadata.name && Object.keys(source.spec.webhook).includes(d.eventName))).toBe(true);
    const trigger = sensor.spec.triggers[0].template;
    expect(trigger.name).toBeTruthy();
    expect(['submit']).toContain(trigger.argoWorkflow.operation);
    expect(trigger.argoWorkflow.source.resource.kind).toBe('Workflow');
    expect(trigger.argoWorkflow.parameters.every((p: any) => p.src.dependencyName === 'retrain-alert' && /^spec\./.test(p.dest))).toBe(true);
    expect(bus.spec.jetstream.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
