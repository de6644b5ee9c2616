/**
 * The Argo objects of one pipeline, as plain Kubernetes API objects (camelCase, as kubernetes_manifest takes
 * them). Pure functions of a resolved model, so tests validate them against the Argo schemas directly.
 */
import type { SecretKeyRef } from '../../core/secrets';
import { manifestContainerSecurityContext, manifestPodSecurityContext } from './security';
import { RETRAINING_METRIC_LABELS as L, RETRAINING_METRICS } from '../rules';

type Obj = Record<string, unknown>;

/** One environment variable, literal or from a Secret key. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** A container of a step, resolved. */
export interface StepContainer {
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env: EnvVar[];
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

/** Everything the WorkflowTemplate needs, resolved and validated by the construct. */
export interface WorkflowModel {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Labels every step pod carries (the pipeline's, plus those producers require, e.g. Feast client labels). */
  readonly podLabels: Record<string, string>;
  readonly serviceAccountName: string;
  readonly executorServiceAccountName: string;
  readonly priorityClassName: string;
  readonly datasetVersion: string;
  readonly validate: StepContainer;
  readonly train: StepContainer & {
    readonly nodeSelector?: Record<string, string>;
    readonly tolerations?: Obj[];
    readonly timeoutSeconds: number;
  };
  readonly evaluate: StepContainer;
  /**
   * Reads the champion from MLflow (and records the candidate's metrics on its run) between the scorer and the
   * gates, when a gate compares with the champion. @default - no champion gate
   */
  readonly champion?: StepContainer;
  readonly gates: StepContainer;
  readonly register: StepContainer;
}

const OUTPUTS = '/tmp/outputs';

function container(c: StepContainer, extraEnv: EnvVar[] = [], name = 'main'): Obj {
  return {
    name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    env: [...c.env, ...extraEnv],
    resources: c.resources,
    securityContext: manifestContainerSecurityContext(),
    // The root filesystem is read-only: scratch space and outputs live on an emptyDir.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

const modelUriInput = { inputs: { parameters: [{ name: 'model-uri' }] } };
const modelUriEnv: EnvVar = { name: 'ML_MODEL_URI', value: '{{inputs.parameters.model-uri}}' };

/**
 * The WorkflowTemplate: a DAG validate → train → evaluate → register, one run at a time (a mutex), each step
 * a container with the restricted security context, the run counted in `ml_retraining_runs` and a gate
 * rejection in `ml_retraining_gate_failures`.
 */
export function workflowTemplateManifest(m: WorkflowModel): Obj {
  const metric = (name: string, help: string, labels: Record<string, string>, when?: string) => ({
    name, help, ...(when ? { when } : {}),
    labels: Object.entries(labels).map(([key, value]) => ({ key, value })),
    counter: { value: '1' },
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels },
    spec: {
      entrypoint: 'retrain',
      arguments: { parameters: [{ name: 'dataset-version', value: m.datasetVersion }, { name: 'reason', value: 'manual' }] },
      serviceAccountName: m.serviceAccountName,
      // Step containers get no Kubernetes API token; the executor reports results with its own account.
      automountServiceAccountToken: false,
      executor: { serviceAccountName: m.executorServiceAccountName },
      securityContext: manifestPodSecurityContext(),
      podMetadata: { labels: m.podLabels },
      priorityClassName: m.priorityClassName,
      synchronization: { mutexes: [{ name: `retrain-${m.name}` }] },
      podGC: { strategy: 'OnPodSuccess' },
      ttlStrategy: { secondsAfterCompletion: 7 * 24 * 3600 },
      volumes: [{ name: 'tmp', emptyDir: {} }],
      metrics: {
        prometheus: [metric(RETRAINING_METRICS.runs, 'Finished retraining runs by pipeline and status',
          { [L.pipeline]: m.name, [L.namespace]: m.namespace, [L.status]: '{{workflow.status}}' })],
      },
      templates: [
        {
          name: 'retrain',
          dag: {
            tasks: [
              { name: 'validate-data', template: 'validate-data' },
              { name: 'train', template: 'train', depends: 'validate-data.Succeeded' },
              {
                name: 'evaluate', template: 'evaluate', depends: 'train.Succeeded',
                arguments: { parameters: [{ name: 'model-uri', value: '{{tasks.train.outputs.parameters.model-uri}}' }] },
              },
              {
                name: 'register', template: 'register', depends: 'evaluate.Succeeded',
                arguments: { parameters: [{ name: 'model-uri', value: '{{tasks.train.outputs.parameters.model-uri}}' }] },
              },
            ],
          },
        },
        { name: 'validate-data', container: container(m.validate) },
        {
          name: 'train',
          activeDeadlineSeconds: m.train.timeoutSeconds,
          retryStrategy: { limit: '1', retryPolicy: 'OnError' },
          ...(m.train.nodeSelector ? { nodeSelector: m.train.nodeSelector } : {}),
          ...(m.train.tolerations && m.train.tolerations.length ? { tolerations: m.train.tolerations } : {}),
          container: container(m.train),
          outputs: { parameters: [{ name: 'model-uri', valueFrom: { path: `${OUTPUTS}/model-uri` } }] },
        },
        {
          name: 'evaluate',
          ...modelUriInput,
          metrics: {
            prometheus: [metric(RETRAINING_METRICS.gateFailures, 'Evaluations whose gates rejected the candidate',
              { [L.pipeline]: m.name, [L.namespace]: m.namespace }, '{{status}} == Failed')],
          },
          // One pod: the scorer writes metrics.json, (the champion step reads the champion,) then the gate script
          // (the main container) judges it.
          containerSet: {
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            containers: [
              container(m.evaluate, [modelUriEnv], 'score'),
              ...(m.champion ? [{ ...container(m.champion, [modelUriEnv], 'champion'), dependencies: ['score'] }] : []),
              { ...container(m.gates), dependencies: [m.champion ? 'champion' : 'score'] },
            ],
          },
        },
        { name: 'register', ...modelUriInput, container: container(m.register, [modelUriEnv]) },
      ],
    },
  };
}

/** The CronWorkflow of scheduled runs: never two at once, a missed start skipped after an hour. */
export function cronWorkflowManifest(m: { name: string; namespace: string; labels: Record<string, string>; schedule: string }): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'CronWorkflow',
    metadata: { name: `${m.name}-schedule`, namespace: m.namespace, labels: m.labels },
    spec: {
      schedules: [m.schedule],
      timezone: 'UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      workflowSpec: {
        workflowTemplateRef: { name: m.name },
        arguments: { parameters: [{ name: 'reason', value: 'schedule' }] },
      },
    },
  };
}

/** The port the EventSource's webhook listens on. */
export const WEBHOOK_PORT = 12000;
/** The path Alertmanager posts to. */
export const WEBHOOK_PATH = '/alerts';
/** The labels the Argo Events controller puts on an EventSource's and a Sensor's pods. */
export function eventSourcePodLabels(name: string): Record<string, string> {
  return { 'eventsource-name': name, 'controller': 'eventsource-controller' };
}
/** @see eventSourcePodLabels */
export function sensorPodLabels(name: string): Record<string, string> {
  return { 'sensor-name': name, 'controller': 'sensor-controller' };
}

/** The EventBus (NATS JetStream, three replicas) EventSources and Sensors of a namespace share. */
export function eventBusManifest(m: { name: string; namespace: string; labels: Record<string, string> }): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventBus',
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels },
    spec: {
      jetstream: {
        // A version of the chart's configs.jetstream.versions (charts/argo-events/values.yaml @ 4676fa51).
        version: '2.10.10',
        replicas: 3,
        securityContext: manifestPodSecurityContext(),
      },
    },
  };
}

/** The pod template of an EventSource or Sensor: hardened, under the given service account (the default one without). */
function eventsPodTemplate(serviceAccountName?: string): Obj {
  return {
    ...(serviceAccountName ? { serviceAccountName } : {}),
    securityContext: manifestPodSecurityContext(),
    container: { securityContext: manifestContainerSecurityContext() },
  };
}

/** The EventSource: a webhook taking Alertmanager's POSTs, authenticated by a bearer token from a Secret. */
export function eventSourceManifest(m: {
  name: string; namespace: string; labels: Record<string, string>; eventBusName: string; token: SecretKeyRef;
}): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventSource',
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels },
    spec: {
      eventBusName: m.eventBusName,
      template: eventsPodTemplate(),
      service: { ports: [{ port: WEBHOOK_PORT, targetPort: WEBHOOK_PORT }] },
      webhook: {
        alert: { port: String(WEBHOOK_PORT), endpoint: WEBHOOK_PATH, method: 'POST', authSecret: { name: m.token.name, key: m.token.key } },
      },
    },
  };
}

/** The name of the EventSource (and of its Sensor) that pulls Cloud Monitoring's retrain notifications from Pub/Sub. */
export function pubSubEventSourceName(name: string): string {
  return `${name}-pubsub`;
}
/** The event of that EventSource. */
export const PUBSUB_EVENT = 'incident';

/**
 * The EventSource pulling Cloud Monitoring's notifications (GmpMonitoring) from an existing Pub/Sub subscription, as the
 * pipeline's Google service account (GKE Workload Identity: no `credentialSecret`, the pod runs as the Kubernetes
 * service account bound to it). Fields of Argo Events' PubSubEventSource (pkg/apis/events/v1alpha1, v1.9).
 *
 * `topic` is left out on purpose: given a topic and an existing subscription, the event source reads the
 * subscription's configuration to compare topics (`pubsub.subscriptions.get`, not in `roles/pubsub.subscriber`);
 * without one it only tests `pubsub.subscriptions.consume` and pulls (argo-events
 * pkg/eventsources/sources/gcppubsub/start.go, prepareSubscription).
 */
export function pubSubEventSourceManifest(m: {
  name: string; namespace: string; labels: Record<string, string>; eventBusName: string; serviceAccountName: string;
  project: string; subscriptionId: string;
}): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventSource',
    metadata: { name: pubSubEventSourceName(m.name), namespace: m.namespace, labels: m.labels },
    spec: {
      eventBusName: m.eventBusName,
      template: eventsPodTemplate(m.serviceAccountName),
      pubSub: {
        [PUBSUB_EVENT]: { projectID: m.project, subscriptionID: m.subscriptionId, jsonBody: true, deleteSubscriptionOnFinish: false },
      },
    },
  };
}

interface SensorDependency {
  readonly name: string;
  readonly eventSourceName: string;
  readonly eventName: string;
  readonly filters: Obj[];
  /** Where the alert's name is in the event, for the Workflow's `reason`. */
  readonly reasonKey: string;
}

function sensor(m: {
  name: string; sensorName: string; namespace: string; labels: Record<string, string>; eventBusName: string; serviceAccountName: string;
}, dep: SensorDependency): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Sensor',
    metadata: { name: m.sensorName, namespace: m.namespace, labels: m.labels },
    spec: {
      eventBusName: m.eventBusName,
      template: eventsPodTemplate(m.serviceAccountName),
      dependencies: [{ name: dep.name, eventSourceName: dep.eventSourceName, eventName: dep.eventName, filters: { data: dep.filters } }],
      triggers: [{
        template: {
          name: 'submit-retraining',
          argoWorkflow: {
            operation: 'submit',
            source: {
              resource: {
                apiVersion: 'argoproj.io/v1alpha1',
                kind: 'Workflow',
                metadata: { generateName: `${m.name}-`, namespace: m.namespace, labels: m.labels },
                spec: { workflowTemplateRef: { name: m.name }, arguments: { parameters: [{ name: 'reason', value: 'alert' }] } },
              },
            },
            parameters: [{ src: { dependencyName: dep.name, dataKey: dep.reasonKey }, dest: 'spec.arguments.parameters.0.value' }],
          },
        },
        // Alertmanager repeats a firing group daily; one run per hour at most whatever it sends.
        rateLimit: { unit: 'Hour', requestsPerUnit: 1 },
      }],
    },
  };
}

/**
 * The Sensor: on a firing Alertmanager notification labelled `ml_action="retrain"` for one of the pipeline's
 * workloads, submits a Workflow from the template with the alert's name as its `reason`.
 */
export function sensorManifest(m: {
  name: string; namespace: string; labels: Record<string, string>; eventBusName: string; serviceAccountName: string; workloads: readonly string[];
}): Obj {
  return sensor({ ...m, sensorName: m.name }, {
    name: 'retrain-alert', eventSourceName: m.name, eventName: 'alert', reasonKey: 'body.commonLabels.alertname',
    filters: [
      { path: 'body.status', type: 'string', value: ['firing'] },
      { path: 'body.commonLabels.ml_action', type: 'string', value: ['retrain'] },
      { path: 'body.commonLabels.workload', type: 'string', value: [...m.workloads].sort() },
    ],
  });
}

/**
 * The Sensor of the Pub/Sub EventSource: on an opened Cloud Monitoring incident of a policy labelled
 * `ml_action=retrain` for one of the pipeline's workloads (GmpMonitoring's user labels), submits a Workflow from the
 * template with the policy's name as its `reason`. The message body is the incident JSON (schema 1.2:
 * `incident.state` is `open` or `closed`).
 */
export function pubSubSensorManifest(m: {
  name: string; namespace: string; labels: Record<string, string>; eventBusName: string; serviceAccountName: string; workloads: readonly string[];
}): Obj {
  const source = pubSubEventSourceName(m.name);
  return sensor({ ...m, sensorName: source }, {
    name: 'retrain-incident', eventSourceName: source, eventName: PUBSUB_EVENT, reasonKey: 'body.incident.policy_name',
    filters: [
      { path: 'body.incident.state', type: 'string', value: ['open'] },
      { path: 'body.incident.policy_user_labels.ml_action', type: 'string', value: ['retrain'] },
      { path: 'body.incident.policy_user_labels.workload', type: 'string', value: [...m.workloads].sort() },
    ],
  });
}
