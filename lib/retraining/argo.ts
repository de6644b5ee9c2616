import { ITerraformDependable, TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Contracts } from '../contracts/contracts';
import { declareArtifactRead } from '../contracts/private/needs';
import { AcceleratorNodes, IKubernetesTarget } from '../core/kubernetes-target';
import { Validator } from '../core/errors';
import { checkImageDigest, checkPinnedImage, defaultImage } from '../core/images';
import { RequiredPodLabels } from '../core/labels';
import { IMonitorable, MonitoredKind, MonitoredWorkload, ScrapeTarget } from '../core/monitoring-contract';
import { Connections, IConnectable, Peer } from '../core/connections';
import { checkResourceName } from '../core/names';
import { checkSecretKeyRef, secretEnv } from '../core/private/secrets';
import { SecretKeyRef } from '../core/secrets';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Cpu, Duration, Size } from '../core/units';
import { Wiring } from '../core/wiring';
import { WorkloadIdentity } from '../core/workload-identity';
import {
  AlertmanagerPeer, AlertReceiver, IRetrainingTrigger, PubSubTriggerSource, RetrainingTriggerEndpoint,
} from '../monitoring/receivers';
import { retrainingWorkloadName } from '../monitoring/private/retraining-rules';
import { AlertRuleGroup } from '../monitoring/rules';
import { MlflowModelRegistry, MlflowPermission } from '../registry/mlflow';
import { ObjectStore } from '../registry/object-store';
import type { ContainerEnv } from '../core/model-source';
import { PRIORITY_CLASSES } from '../core/priority-classes';
import { TeamQuotas } from '../training/team-quotas';
import { ArgoWorkflows, ARGO_CONTROLLER_METRICS } from './argo-workflows';
import {
  cronWorkflowManifest, EnvVar, eventBusManifest, eventSourceManifest, eventSourcePodLabels, pubSubEventSourceManifest, pubSubEventSourceName,
  pubSubSensorManifest, sensorManifest, sensorPodLabels, StepContainer, WEBHOOK_PATH, WEBHOOK_PORT, workflowTemplateManifest,
} from './private/argo-manifests';
import { DataValidation } from './data-validation';
import { featureViewVersions, featureViewVersionsEnv } from './feature-lineage';
import { EvaluationGate } from './gates';
import { championScript, evaluationGateScript, hasChampionGate } from './private/gate-scripts';
import { registrationScript } from './private/registration';
import { DEFAULT_GATE_IMAGE, RetrainingPipelineProps } from './retraining-pipeline';
import { retrainingRuleGroup } from './rules';

/** The Argo Events objects of one trigger: the EventSource that receives events and the Sensor that starts runs. */
export interface ArgoEventTrigger {
  readonly eventSource: Manifest;
  readonly sensor: Manifest;
}

/** Props for {@link ArgoRetrainingPipeline}. */
export interface ArgoRetrainingPipelineProps extends RetrainingPipelineProps {
  /** The Argo Workflows and Argo Events add-on of the cluster (its workflowNamespaces must include the team). */
  readonly argo: ArgoWorkflows;
  /**
   * The bearer token Alertmanager sends and the webhook checks: a key of a Secret that exists, with the same
   * name and key, in the MonitoringStack's namespace and in the team's namespace.
   */
  readonly triggerToken: SecretKeyRef;
}

type Common = { provider: TerraformProvider; dependsOn: ITerraformDependable[] };

const NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const CRON = /^(\S+\s+){4}\S+$/;

/**
 * Drift alert → validated data → trained, gated, registered challenger, on Argo Workflows on any Kubernetes
 * target. Creates, in the training team's namespace: a WorkflowTemplate (DAG validate-data → train → evaluate
 * → register), a CronWorkflow, an EventSource (webhook) and a Sensor that submits the template on a retrain
 * alert, their service accounts and roles, and the identity the steps run as, granted read access to the
 * dataset and the feature store and publish access to the registry. List it in the MonitoringStack's
 * `alerting.retrainingPipelines` and Alertmanager posts the pipeline's alerts to the webhook.
 *
 * The pipeline is monitored like any workload (`MonitoredKind.RETRAINING_PIPELINE`, workload `retraining-<name>`):
 * a MonitoringStack that watches it, or lists it as a trigger, scrapes the workflow controller and loads the
 * pipeline's alert rules (failed runs, gate rejections, schedules not submitted) and dashboard.
 *
 * The pipeline never promotes: the register step sets the `challenger` alias only. Promotion is a reviewed
 * change that adds the version to the registry's `releasedVersions` and points an endpoint at it.
 */
export class ArgoRetrainingPipeline extends Construct implements IRetrainingTrigger, IMonitorable, IConnectable {
  public readonly name: string;
  public readonly model: string;
  /** The team namespace the pipeline runs in. */
  public readonly target: IKubernetesTarget;
  /** The identity the steps run as (grants from the dataset store, the feature store and the registry land here). */
  public readonly identity: WorkloadIdentity;
  public readonly workflowTemplate: Manifest;
  public readonly cronWorkflow: Manifest;
  public readonly eventSource: Manifest;
  public readonly sensor: Manifest;
  /** The NetworkPolicy confining the Sensor to the EventBus, DNS and the API server. */
  public readonly sensorNetworkPolicy: NetworkPolicyV1;
  /** The in-cluster URL Alertmanager posts to. */
  public readonly webhookUrl: string;
  /**
   * Who may reach the webhook (the EventSource's pods, port {@link WEBHOOK_PORT}): the team namespace admits only its
   * own pods, so a MonitoringStack's Alertmanager is admitted here ({@link admitAlertmanager}, or
   * `connections.allowDefaultPortFrom(peer)` for another sender).
   */
  public readonly connections: Connections;
  public readonly triggerName: string;
  public readonly triggerReceiver: AlertReceiver;
  public readonly triggerWorkloads: readonly string[];
  public readonly triggerRuleGroups: readonly AlertRuleGroup[];
  public readonly triggerScrapeTargets: readonly ScrapeTarget[];
  /** The EventSource's pods on the webhook port: the MonitoringStack declares the network contract from Alertmanager to them. */
  public readonly triggerEndpoint: RetrainingTriggerEndpoint;
  /** The pipeline identity's Google service account member, on GKE with Workload Identity: it pulls Cloud Monitoring's Pub/Sub notifications. */
  public readonly triggerGcpMember?: string;
  /** The Pub/Sub EventSource and its Sensor, once a GmpMonitoring routes retrain alerts here (by subscription). */
  public readonly pubSubTriggers: Record<string, ArgoEventTrigger> = {};
  private readonly trigger: { labels: Record<string, string>; common: Common; busName: string; bus: Manifest; submitter: ServiceAccountV1 };

  constructor(scope: Construct, id: string, props: ArgoRetrainingPipelineProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const { featureVersions, ...placement } = ArgoRetrainingPipeline.validate(this, props);
    const t = props.training;
    this.name = props.name;
    this.model = props.model;
    this.target = t.cluster.teamTarget(t.team);
    const ns = this.target.namespace;
    const labels = { 'app.kubernetes.io/name': 'ml-retraining', 'app.kubernetes.io/instance': props.name, 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    const common = { provider: this.target.providerFor(this), dependsOn: this.target.dependablesFor(this) };

    // ---- identity and grants ----
    this.identity = new WorkloadIdentity(this, 'identity', { target: this.target, serviceAccountName: `${props.name}-steps`, cloudName: `rt-${props.name}`.slice(0, 24) });
    const prefix = props.dataset.prefix ?? '';
    const datasetUri = props.dataset.store.uri(prefix);
    // The literal bucket name where the store knows it: the manifest is planned before the bucket exists.
    const literalUri = props.dataset.store instanceof ObjectStore ? props.dataset.store.literalUri(prefix) : datasetUri;
    // The store gives access its own way: a cloud grant, or the endpoint and credentials of an S3-compatible store.
    let storeEnv: ContainerEnv[] = [];
    if (props.dataset.store instanceof ObjectStore) storeEnv = props.dataset.store.bindWorkload(this.identity, { prefix });
    else props.dataset.store.grantRead(this.identity, prefix);
    declareArtifactRead(this, { awsRole: this.identity.awsRole, gcpServiceAccount: this.identity.gcpServiceAccount }, {
      uri: datasetUri, what: `training data of ${props.model}`, producer: props.dataset.store,
      fix: 'grant the pipeline identity read access: dataset.store.grantRead(pipeline.identity, prefix)',
    });
    props.featureStore?.grantRead(this.identity);
    const registry = props.registration.registry as MlflowModelRegistry;
    // For the platform diagram: training data in, the challenger out.
    Wiring.connect(this, props.dataset.store, 'training data');
    Wiring.connect(registry, this, 'challenger');
    registry.grantPublish(this.identity);
    registry.grantModelPermission(props.registration.registryUser.username, props.model, [], MlflowPermission.EDIT);

    // ---- service accounts and roles (steps run tokenless; the executor and the Sensor get the least they need) ----
    const executor = this.account('executor', `${props.name}-executor`, true, labels, common,
      [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
    const submitter = this.account('sensor', `${props.name}-sensor`, false, labels, common,
      [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]);
    const busName = ArgoRetrainingPipeline.eventBus(this, ns, labels, common);

    // ---- the workflow ----
    const lineageEnv: EnvVar[] = [
      { name: 'ML_MODEL_NAME', value: props.model },
      { name: 'ML_DATASET_URI', value: literalUri },
      { name: 'ML_DATASET_VERSION', value: '{{workflow.parameters.dataset-version}}' },
      { name: 'ML_FEATURE_VIEWS', value: [...new Set(props.featureViews ?? [])].sort().join(' ') },
      ...(Object.keys(featureVersions).length > 0 ? [{ name: 'ML_FEATURE_VIEW_VERSIONS', value: featureViewVersionsEnv(featureVersions) }] : []),
      { name: 'ML_TRAINING_RUN', value: '{{workflow.namespace}}/{{workflow.name}}' },
      { name: 'ML_CODE_VERSION', value: t.image.slice(t.image.indexOf('@') + 1) },
      { name: 'ML_RETRAIN_REASON', value: '{{workflow.parameters.reason}}' },
      ...storeEnv.map((e) => ({ name: e.name, value: e.value, ...(e.valueFrom ? { valueFrom: { secretKeyRef: e.valueFrom.secretKeyRef! } } : {}) } as EnvVar)),
    ];
    const local = registry.target.clusterName === this.target.clusterName;
    const user = props.registration.registryUser;
    const mlflowEnv: EnvVar[] = [
      { name: 'MLFLOW_TRACKING_URI', value: local ? registry.trackingUri : registry.externalUrl! },
      { name: 'MLFLOW_TRACKING_USERNAME', value: user.username },
      secretEnv('MLFLOW_TRACKING_PASSWORD', user.passwordSecret),
    ];
    const small = resources(Cpu.millis(500), Size.gibibytes(1));
    const accel = placement.pool ? { [placement.pool.accelerator.kubernetesResource]: String(placement.count) } : {};
    const trainResources = resources(t.cpu ?? Cpu.cores(4), t.memory ?? Size.gibibytes(16));
    const step = (image: string, command: string[] | undefined, env: EnvVar[], res = small): StepContainer => ({ image, command, env, resources: res });
    const champion = hasChampionGate(props.evaluation.gates);
    const template = workflowTemplateManifest({
      name: props.name, namespace: ns, labels,
      podLabels: { ...labels, ...RequiredPodLabels.of(this.identity) },
      serviceAccountName: this.identity.serviceAccountName,
      executorServiceAccountName: `${props.name}-executor`,
      priorityClassName: PRIORITY_CLASSES.training,
      datasetVersion: props.dataset.version,
      validate: step(props.dataValidation.image, props.dataValidation.command(), [...lineageEnv]),
      train: {
        ...step(t.image, t.command, [...lineageEnv, ...mlflowEnv], {
          requests: { ...trainResources.requests, ...accel }, limits: { ...trainResources.limits, ...accel },
        }),
        nodeSelector: placement.pool?.nodeSelector,
        tolerations: placement.pool?.tolerations.map((x) => ({ ...x })),
        timeoutSeconds: (t.timeout ?? Duration.hours(6)).toSeconds(),
      },
      evaluate: step(props.evaluation.image, props.evaluation.command, [...lineageEnv, ...mlflowEnv], resources(Cpu.cores(2), Size.gibibytes(8))),
      gates: step(props.evaluation.gateImage ?? defaultImage(this, DEFAULT_GATE_IMAGE),
        ['python3', '-c', evaluationGateScript(props.evaluation.gates), '/tmp/outputs/metrics.json', '/tmp/outputs/gates.json', ...(champion ? ['/tmp/outputs/champion.json'] : [])], []),
      // The champion is read with the mlflow client of the registration image, as the MLflow user of the steps.
      champion: champion ? step(props.registration.image, ['python3', '-c', championScript(props.evaluation.gates), '/tmp/outputs/metrics.json', '/tmp/outputs/champion.json'],
        [...lineageEnv, ...mlflowEnv]) : undefined,
      register: step(props.registration.image, ['python3', '-c', registrationScript()], [...lineageEnv, ...mlflowEnv]),
    });
    const grants = () => this.identity.dependables;
    this.workflowTemplate = new Manifest(this, 'workflow-template', { ...common, dependsOn: [...common.dependsOn, ...grants(), executor], manifest: template });
    this.cronWorkflow = new Manifest(this, 'cron-workflow', {
      ...common, dependsOn: [...common.dependsOn, this.workflowTemplate],
      manifest: cronWorkflowManifest({ name: props.name, namespace: ns, labels, schedule: props.schedule ?? '0 3 * * 1' }),
    });

    // ---- the alert trigger ----
    this.eventSource = new Manifest(this, 'event-source', {
      ...common, dependsOn: [...common.dependsOn, busName.resource],
      manifest: eventSourceManifest({ name: props.name, namespace: ns, labels, eventBusName: busName.name, token: props.triggerToken }),
    });
    this.triggerWorkloads = [...new Set(props.triggerWorkloads ?? [props.model])].sort();
    this.sensor = new Manifest(this, 'sensor', {
      ...common, dependsOn: [...common.dependsOn, busName.resource, submitter, this.workflowTemplate],
      manifest: sensorManifest({
        name: props.name, namespace: ns, labels, eventBusName: busName.name, serviceAccountName: `${props.name}-sensor`, workloads: this.triggerWorkloads,
      }),
    });
    this.sensorNetworkPolicy = this.sensorPolicy('sensor-network-policy', `${props.name}-sensor`, props.name, busName.name, labels, common);
    this.trigger = { labels, common, busName: busName.name, bus: busName.resource, submitter };
    this.triggerGcpMember = this.identity.gcpServiceAccount?.member;

    this.webhookUrl = `http://${props.name}-eventsource-svc.${ns}.svc:${WEBHOOK_PORT}${WEBHOOK_PATH}`;
    this.connections = new Connections(this, {
      target: this.target,
      podSelector: eventSourcePodLabels(props.name),
      defaultPort: WEBHOOK_PORT,
      policyName: `${props.name}-webhook`,
      description: `the retraining webhook of pipeline ${props.name}`,
    });
    this.triggerName = `retrain-${props.name}`;
    this.triggerReceiver = AlertReceiver.webhook(this.webhookUrl, props.triggerToken);
    // The Service `<name>-eventsource-svc` forwards WEBHOOK_PORT to the same port of the EventSource's pods.
    this.triggerEndpoint = { workload: this.eventSource, port: WEBHOOK_PORT };
    this.triggerRuleGroups = [retrainingRuleGroup(props.name, ns)];
    this.triggerScrapeTargets = [{
      jobName: `argo-workflows-${props.argo.namespace}`, namespace: props.argo.namespace,
      podLabels: props.argo.controllerPodLabels, portName: ARGO_CONTROLLER_METRICS.portName,
    }];

    // ---- contracts ----
    if (placement.pool) {
      Contracts.capacity(this, {
        producer: `cluster ${this.target.clusterName}`, what: `${placement.count} × ${placement.pool.accelerator.id} for training ${props.model}`,
        fix: 'raise the team quota or the pool\'s maxNodes, or lower training.acceleratorCount',
        cluster: this.target.clusterName, namespace: ns, resource: placement.pool.accelerator.kubernetesResource,
        // One run at a time (the template's mutex), one training pod per run, none between runs.
        maxDemand: placement.count, minDemand: 0, pool: placement.pool.pool,
      });
    }
    // The register step reaches MLflow: the tracking URI its location needs and credentials from a Secret,
    // and (on MLflow's own cluster) a network path through every NetworkPolicy to the server.
    const registryConstruct = registry as unknown as IConstruct;
    const registerFix = 'pass the registry in registration.registry (it grants the pipeline\'s user and admits its namespace) and its registryUser';
    Contracts.configuration(this, {
      producer: registryConstruct, what: `registering ${props.model} in MLflow`, fix: registerFix, workload: this.workflowTemplate, container: 'register',
      env: [{ name: 'MLFLOW_TRACKING_URI', value: local ? registry.trackingUri : registry.externalUrl }, { name: 'MLFLOW_TRACKING_USERNAME' }, { name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true }],
    });
    if (champion) {
      // The champion step reads the champion's run and records the candidate's metrics: the same MLflow wire.
      Contracts.configuration(this, {
        producer: registryConstruct, what: `the champion of ${props.model} in MLflow`, fix: registerFix, workload: this.workflowTemplate, container: 'evaluate/champion',
        env: [{ name: 'MLFLOW_TRACKING_URI', value: local ? registry.trackingUri : registry.externalUrl }, { name: 'MLFLOW_TRACKING_USERNAME' }, { name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true }],
      });
    }
    if (local) {
      Contracts.network(this, {
        producer: registryConstruct, what: `registering ${props.model} in MLflow`, fix: registerFix, client: this.workflowTemplate, server: registry.deployment, port: 'http',
      });
    }
    Contracts.order(this, {
      producer: this.identity, what: 'the pipeline identity and its grants', resource: this.workflowTemplate, after: grants,
      fix: 'create the WorkflowTemplate after the grants to pipeline.identity (grant before constructing the pipeline)',
    });
  }

  /**
   * The pipeline as a watched workload: the workflow controller's metrics (scraped once however many pipelines
   * share it), the pipeline's rules (runs by status, gate rejections, CronWorkflow errors) and a dashboard.
   */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.RETRAINING_PIPELINE, name: retrainingWorkloadName(this.name), clusterName: this.target.clusterName,
      scrape: [...this.triggerScrapeTargets], attributes: { pipeline: this.name, namespace: this.target.namespace, model: this.model },
    }];
  }

  /**
   * Lets the MonitoringStack's Alertmanager reach the webhook, through {@link connections} (the EventSource's pods
   * admit Alertmanager's on the webhook port, once however often asked). Called by MonitoringStack.
   */
  public admitAlertmanager(alertmanager: AlertmanagerPeer): void {
    this.connections.allowDefaultPortFrom(Peer.podsInNamespace(alertmanager.namespace, alertmanager.podLabels));
  }

  /**
   * Starts the pipeline on the retrain notifications Cloud Monitoring publishes to a GmpMonitoring's Pub/Sub topic: an
   * EventSource pulling the subscription as the pipeline identity (GKE Workload Identity) and a Sensor submitting the
   * template on an opened retrain incident of the pipeline's workloads. Declares the wire: the identity must hold
   * `pubsub.subscriptions.consume` on the subscription (GmpMonitoring grants `roles/pubsub.subscriber`). Called by
   * GmpMonitoring; once per subscription.
   */
  public consumePubSub(source: PubSubTriggerSource): void {
    const sa = this.identity.gcpServiceAccount;
    if (!sa) {
      throw new Error(`${this.node.path}: cannot consume the Pub/Sub subscription ${source.subscriptionName} of ${source.producer.node.path}: `
        + `cluster ${this.target.clusterName} has no GKE Workload Identity, so the pipeline has no Google service account to pull it as; `
        + 'run the pipeline on a GKE cluster (WorkloadIdentityMode.gkeWorkloadIdentity), or route its alerts through a MonitoringStack\'s webhook');
    }
    const key = `${source.project}/${source.subscriptionName}`;
    if (this.pubSubTriggers[key]) return;
    if (Object.keys(this.pubSubTriggers).length > 0) {
      throw new Error(`${this.node.path}: already consumes ${Object.keys(this.pubSubTriggers)[0]}; list the pipeline in one GmpMonitoring's retrainingPipelines`);
    }
    const { labels, common, busName, bus, submitter } = this.trigger;
    const ns = this.target.namespace;
    const here = TerraformStack.of(this);
    // The grant (made by the producer) in this stack, so the EventSource starts once it may pull.
    const grants = () => this.identity.dependables.filter((d) => !(d instanceof Construct) || TerraformStack.of(d) === here);
    // The template follows every grant to the identity (its order contract reads them at synth): the subscriber grant too.
    const fqns = grants().filter((d): d is TerraformResource => d instanceof TerraformResource).map((d) => d.fqn);
    this.workflowTemplate.dependsOn = [...new Set([...(this.workflowTemplate.dependsOn ?? []), ...fqns])];
    const eventSource = new Manifest(this, 'pubsub-event-source', {
      ...common, dependsOn: [...common.dependsOn, bus, ...grants()],
      manifest: pubSubEventSourceManifest({
        name: this.name, namespace: ns, labels, eventBusName: busName, serviceAccountName: this.identity.serviceAccountName,
        project: source.project, subscriptionId: source.subscriptionName,
      }),
    });
    const sensor = new Manifest(this, 'pubsub-sensor', {
      ...common, dependsOn: [...common.dependsOn, bus, submitter, this.workflowTemplate],
      manifest: pubSubSensorManifest({
        name: this.name, namespace: ns, labels, eventBusName: busName, serviceAccountName: `${this.name}-sensor`, workloads: this.triggerWorkloads,
      }),
    });
    this.sensorPolicy('pubsub-sensor-network-policy', `${this.name}-pubsub-sensor`, pubSubEventSourceName(this.name), busName, labels, common);
    this.pubSubTriggers[key] = { eventSource, sensor };
    Contracts.gcpPermission(this, {
      producer: source.producer, what: `retrain alerts of ${this.triggerWorkloads.join(', ')} from Pub/Sub subscription ${source.subscriptionName}`,
      fix: `grant ${sa.node.path} roles/pubsub.subscriber on subscription ${source.subscriptionName} (GmpMonitoring does, for every pipeline in retrainingPipelines)`,
      serviceAccount: sa, permissions: ['pubsub.subscriptions.consume'],
      resource: { type: 'pubsub-subscription', id: source.subscriptionName, project: source.project },
    });
  }

  /** Confines a Sensor's pods to the EventBus, DNS and the API server. */
  private sensorPolicy(id: string, policyName: string, sensorName: string, busName: string, labels: Record<string, string>, common: Common): NetworkPolicyV1 {
    return new NetworkPolicyV1(this, id, {
      ...common,
      metadata: { name: policyName.slice(0, 63), namespace: this.target.namespace, labels },
      spec: {
        podSelector: { matchLabels: sensorPodLabels(sensorName) },
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { 'eventbus-name': busName } } }], ports: [{ port: '4222', protocol: 'TCP' }] },
          { to: [{ namespaceSelector: {} }], ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] },
          // The API server's address is not a pod: by port only, to submit Workflows.
          { ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] },
        ],
      },
    });
  }

  private account(id: string, name: string, token: boolean, labels: Record<string, string>, common: Common,
    rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>): ServiceAccountV1 {
    const ns = this.target.namespace;
    const sa = new ServiceAccountV1(this, `${id}-service-account`, { ...common, metadata: { name, namespace: ns, labels }, automountServiceAccountToken: token });
    const role = new RoleV1(this, `${id}-role`, { ...common, metadata: { name, namespace: ns, labels }, rule: rules });
    new RoleBindingV1(this, `${id}-role-binding`, {
      ...common, metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: ns }],
    });
    return sa;
  }

  /** One EventBus per namespace and stack, shared by the pipelines there. */
  private static eventBus(self: Construct, ns: string, labels: Record<string, string>, common: Common): { name: string; resource: Manifest } {
    const top = TerraformStack.of(self);
    const id = `ml-retraining-event-bus-${ns}`;
    const existing = top.node.tryFindChild(id);
    const name = 'ml-retraining';
    if (existing instanceof Manifest) return { name, resource: existing };
    const { ['app.kubernetes.io/instance']: _instance, ...shared } = labels;
    return { name, resource: new Manifest(top, id, { ...common, manifest: eventBusManifest({ name, namespace: ns, labels: shared }) }) };
  }

  private static validate(self: Construct, props: ArgoRetrainingPipelineProps): { pool?: AcceleratorNodes; count: number; featureVersions: Record<string, string> } {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { name, model, dataset, dataValidation, training, evaluation, registration, argo, triggerToken }');
      v.throwIfAny();
    }
    v.matches('name', props.name, NAME, 'must be a DNS-1123 label of at most 40 characters, e.g. "churn"');
    checkResourceName(v, 'model', props.model, 63);
    v.check(typeof props.dataset?.store?.uri === 'function', 'dataset.store', props.dataset?.store, 'must be a DatasetStore, ObjectStore or secure bucket');
    v.check(typeof props.dataset?.version === 'string' && props.dataset.version.length > 0, 'dataset.version', props.dataset?.version,
      'is required: the dataset version runs train on unless the trigger passes one (a DVC revision or snapshot tag)');
    if (v.check(props.dataValidation instanceof DataValidation, 'dataValidation', props.dataValidation,
      'must be a DataValidation, e.g. DataValidation.greatExpectations({ image, checkpoint })')) props.dataValidation.validate(v, 'dataValidation');
    v.matches('schedule', props.schedule, CRON, 'must be a five-field cron schedule such as "0 3 * * 1"');
    (props.featureViews ?? []).forEach((f, i) => v.matches(`featureViews[${i}]`, f, /^[A-Za-z0-9_][-A-Za-z0-9_.]*$/, 'is not a feature view name'));
    (props.triggerWorkloads ?? []).forEach((w, i) => checkResourceName(v, `triggerWorkloads[${i}]`, w, 63));
    if (props.triggerWorkloads) v.nonEmpty('triggerWorkloads', props.triggerWorkloads, 'must name at least one endpoint, or be left unset for [model]');
    checkSecretKeyRef(v, 'triggerToken', props.triggerToken, '{ name: "retrain-webhook", key: "token" }');

    const t = props.training;
    let placement: { pool?: AcceleratorNodes; count: number } = { count: 0 };
    if (v.check(!!t && typeof t.cluster?.teamTarget === 'function', 'training.cluster', t?.cluster, 'must be a TrainingCluster')) {
      let target: IKubernetesTarget | undefined;
      try {
        target = t.cluster.teamTarget(t.team);
      } catch (e) {
        v.add('training.team', t.team, (e as Error).message.replace(/^[^:]*: /, ''));
      }
      if (target) {
        placement = ArgoRetrainingPipeline.place(v, t, target);
        const quotas = (t.cluster as unknown as { teamQuotas?: TeamQuotas }).teamQuotas;
        const hard = placement.pool ? quotas?.teams[t.team]?.quota.spec.hardInput : undefined;
        const quota = hard ? hard[`requests.${placement.pool!.accelerator.kubernetesResource}`] : undefined;
        if (quota !== undefined && !Token.isUnresolved(quota)) {
          v.check(placement.count <= Number(quota), 'training.acceleratorCount', placement.count,
            `is above team ${t.team}'s quota of ${quota} ${placement.pool!.accelerator.kubernetesResource}; raise the team's quota or request fewer`);
        }
        if (props.argo instanceof ArgoWorkflows) {
          v.check(props.argo.workflowNamespaces.includes(target.namespace), 'argo', props.argo.node.path,
            `does not run workflows in namespace ${target.namespace}; add it to the ArgoWorkflows workflowNamespaces`);
        }
      }
      // The training image's digest is the lineage's code version: a tag could point at other code tomorrow.
      checkImageDigest(v, 'training.image', t.image, { fix: 'must be pinned by digest (repository@sha256:<64 hex>): the digest is recorded as the code version' });
      if (t.timeout !== undefined) v.check(t.timeout instanceof Duration && t.timeout.toSeconds() > 0, 'training.timeout', t.timeout, 'must be a Duration longer than 0');
    }
    v.check(props.argo instanceof ArgoWorkflows, 'argo', props.argo, 'must be the cluster\'s ArgoWorkflows add-on (new ArgoWorkflows(addons, …))');
    const e = props.evaluation;
    if (v.check(!!e, 'evaluation', e, 'is required: { image, gates }')) {
      checkPinnedImage(v, 'evaluation.image', e.image);
      checkPinnedImage(v, 'evaluation.gateImage', e.gateImage);
      if (v.nonEmpty('evaluation.gates', e.gates, 'must hold at least one gate, e.g. [EvaluationGate.metricAtLeast(\'auc\', 0.85)]')) {
        e.gates.forEach((g, i) => {
          if (v.check(g instanceof EvaluationGate, `evaluation.gates[${i}]`, g, 'must be an EvaluationGate')) g.validate(v, `evaluation.gates[${i}]`);
        });
        v.unique('evaluation.gates', e.gates, (g) => String(g), 'gate');
      }
    }
    const r = props.registration;
    if (v.check(!!r, 'registration', r, 'is required: { registry, registryUser, image }')) {
      checkPinnedImage(v, 'registration.image', r.image);
      v.matches('registration.registryUser.username', r.registryUser?.username, /^[A-Za-z0-9]([-._A-Za-z0-9]{0,251}[A-Za-z0-9])?$/, 'must be an MLflow user name');
      checkResourceName(v, 'registration.registryUser.passwordSecret.name', r.registryUser?.passwordSecret?.name, 253);
      if (v.check(r.registry instanceof MlflowModelRegistry, 'registration.registry', r.registry?.node?.path ?? r.registry,
        'must be an MlflowModelRegistry: SageMaker Model Registry pipelines are not built yet (see docs/retraining.md)')) {
        const reg = r.registry as MlflowModelRegistry;
        const sameCluster = t?.cluster?.clusterName === reg.target.clusterName;
        v.check(sameCluster || reg.externalUrl !== undefined, 'registration.registry', reg.registryName,
          `runs on another cluster than ${t?.cluster?.clusterName} and has no externalAccess; set externalAccess on the registry`);
      }
    }
    const featureVersions = featureViewVersions(v, self, props.featureViews, props.featureDefinitions ?? props.featureStore?.definitions,
      props.featureDefinitions ? 'featureDefinitions' : 'featureDefinitions (or the featureStore\'s definitions)');
    v.throwIfAny();
    return { ...placement, featureVersions };
  }

  /** The pool the training pod lands on: the first of the team target's pools of the accelerator with enough per node. */
  private static place(v: Validator, t: ArgoRetrainingPipelineProps['training'], target: IKubernetesTarget): { pool?: AcceleratorNodes; count: number } {
    if (t.accelerator === undefined) {
      v.check(t.acceleratorCount === undefined, 'training.acceleratorCount', t.acceleratorCount, 'is set without an accelerator; set training.accelerator too');
      return { count: 0 };
    }
    const count = t.acceleratorCount ?? 1;
    if (!v.integer('training.acceleratorCount', count, 1, 64)) return { count };
    const same = target.acceleratorNodes.filter((n) => n.accelerator.id === t.accelerator!.id);
    if (same.length === 0) {
      const have = target.acceleratorNodes.map((n) => `${n.pool} (${n.accelerator.id})`).join(', ') || 'none';
      v.add('training.accelerator', t.accelerator.id, `has no pool on cluster ${target.clusterName} (pools: ${have}); add a pool of it or train on one the cluster has`);
      return { count };
    }
    const pool = same.find((n) => n.acceleratorsPerNode >= count);
    if (!pool) {
      v.add('training.acceleratorCount', count, `is more than any ${t.accelerator.id} pool has per node (${Math.max(...same.map((n) => n.acceleratorsPerNode))}); lower it`);
    }
    return { pool, count };
  }
}

function resources(cpu: Cpu, memory: Size): { requests: Record<string, string>; limits: Record<string, string> } {
  return {
    requests: { cpu: cpu.toKubernetes(), memory: memory.toKubernetes() },
    limits: { cpu: Cpu.millis(cpu.toMillis() * 2).toKubernetes(), memory: memory.toKubernetes() },
  };
}
