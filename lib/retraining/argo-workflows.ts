import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { mirroredChartImage, mirroredChartRegistry } from '../core/images';
import { checkResourceName } from '../core/names';
import { recordCustomResources } from '../core/private/custom-resources';
import { HelmRelease } from '../core/private/helm';
import { checkProvider } from '../core/private/providers';

/** Where both charts are published (`helm repo add argo https://argoproj.github.io/argo-helm`). */
export const ARGO_HELM_REPOSITORY = 'https://argoproj.github.io/argo-helm';
/**
 * The argo-workflows chart this library installs and writes its WorkflowTemplates for: argoproj/argo-helm
 * charts/argo-workflows/Chart.yaml @ 4f4cc4f9 (2026-06-25): chart 1.0.18, Argo Workflows v4.0.6.
 */
export const ARGO_WORKFLOWS_CHART_VERSION = '1.0.18';
/** The argo-events chart: argoproj/argo-helm charts/argo-events/Chart.yaml @ 4676fa51 (2026-06-16): chart 2.4.22, Argo Events v1.9.10. */
export const ARGO_EVENTS_CHART_VERSION = '2.4.22';

/** The kinds the argo-workflows chart installs (charts/argo-workflows/files/crds/full @ 4f4cc4f9), as `group/Kind`. */
export const ARGO_WORKFLOWS_KINDS: readonly string[] = [
  'argoproj.io/ClusterWorkflowTemplate', 'argoproj.io/CronWorkflow', 'argoproj.io/Workflow', 'argoproj.io/WorkflowArtifactGCTask',
  'argoproj.io/WorkflowEventBinding', 'argoproj.io/WorkflowTaskResult', 'argoproj.io/WorkflowTaskSet', 'argoproj.io/WorkflowTemplate',
];
/** The kinds the argo-events chart installs (charts/argo-events/templates/crds @ 4676fa51). */
export const ARGO_EVENTS_KINDS: readonly string[] = ['argoproj.io/EventBus', 'argoproj.io/EventSource', 'argoproj.io/Sensor'];

/** The workflow controller's metrics port, by name and number (chart values `controller.metricsConfig`). */
export const ARGO_CONTROLLER_METRICS = { portName: 'metrics', port: 9090 } as const;

/** Props for {@link ArgoWorkflows}. */
export interface ArgoWorkflowsProps {
  /** A helm provider reaching the cluster, in this construct's stack (`cluster.helmProvider(scope)` on EKS). */
  readonly helmProvider: TerraformProvider;
  /** Namespaces whose Workflows the controller runs: the team namespaces of the pipelines. */
  readonly workflowNamespaces: string[];
  /** Namespace of both controllers (created by Helm). @default 'argo' */
  readonly namespace?: string;
  /** Run the Argo Server (UI and API). @default false: workflows are submitted by CronWorkflows and Sensors only */
  readonly server?: boolean;
}

/**
 * Argo Workflows and Argo Events in a cluster, by Helm, for {@link ArgoRetrainingPipeline}: the workflow
 * controller (metrics on, watching only `workflowNamespaces`) and the Argo Events controller, each with its
 * CRDs. Put it in the environment's add-ons layer; pipelines (WorkflowTemplates, CronWorkflows, EventSources,
 * Sensors) go in a workloads stack applied after it: the deploy-order check reads the kinds recorded here.
 */
export class ArgoWorkflows extends Construct {
  /** The argo-workflows release (escape hatch). */
  public readonly workflows: HelmRelease;
  /** The argo-events release (escape hatch). */
  public readonly events: HelmRelease;
  /** The controllers' namespace. */
  public readonly namespace: string;
  /** The namespaces whose Workflows the controller runs. */
  public readonly workflowNamespaces: readonly string[];
  /** The kinds served once this construct's stack is applied, as `group/Kind`. */
  public readonly kinds: readonly string[] = [...ARGO_WORKFLOWS_KINDS, ...ARGO_EVENTS_KINDS];
  /** Labels of the workflow controller's pods (chart `argo-workflows.selectorLabels` with release name `argo-workflows`). */
  public readonly controllerPodLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsProps) {
    super(scope, id);
    const v = new Validator(this);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { helmProvider, workflowNamespaces }');
      v.throwIfAny();
    }
    checkProvider(v, 'helmProvider', props.helmProvider, 'helm', this);
    checkResourceName(v, 'namespace', props.namespace, 63);
    if (v.nonEmpty('workflowNamespaces', props.workflowNamespaces, 'must list the namespaces pipelines run in, e.g. the team namespace [\'mlops\']')) {
      props.workflowNamespaces.forEach((ns, i) => checkResourceName(v, `workflowNamespaces[${i}]`, ns, 63));
    }
    v.throwIfAny();
    this.namespace = props.namespace ?? 'argo';
    this.workflowNamespaces = [...props.workflowNamespaces].sort();
    this.controllerPodLabels = { 'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/instance': 'argo-workflows' };
    const common = { provider: props.helmProvider, repository: ARGO_HELM_REPOSITORY, namespace: this.namespace, createNamespace: true, atomic: true };
    // The charts' images behind the app's registry mirrors, where one applies; otherwise the values stay as they were.
    // argo-workflows 1.0.18 values.yaml: `<component>.image.registry` (quay.io) + `.repository`, and the CRD job's
    // `crds.upgradeJob.image.repository` (registry.k8s.io/kubectl); argo-events 2.4.22: `global.image.repository`.
    const quay = (repository: string) => {
      const registry = mirroredChartRegistry(this, 'quay.io', repository);
      return registry ? { image: { registry } } : {};
    };
    const kubectl = mirroredChartImage(this, 'registry.k8s.io/kubectl');
    const executor = quay('argoproj/argoexec');
    const events = mirroredChartImage(this, 'quay.io/argoproj/argo-events');

    this.workflows = new HelmRelease(this, 'workflows', {
      ...common, name: 'argo-workflows', chart: 'argo-workflows', version: ARGO_WORKFLOWS_CHART_VERSION,
      values: [JSON.stringify({
        // CRDs from the chart's templates (upgraded with the chart), kept on uninstall: deleting one deletes every object of its kind.
        crds: { install: true, keep: true, ...(kubectl ? { upgradeJob: { image: { repository: kubectl } } } : {}) },
        controller: {
          ...quay('argoproj/workflow-controller'),
          workflowNamespaces: this.workflowNamespaces,
          metricsConfig: { enabled: true, port: ARGO_CONTROLLER_METRICS.port, portName: ARGO_CONTROLLER_METRICS.portName },
        },
        ...(executor.image ? { executor } : {}),
        server: { enabled: props.server ?? false, ...quay('argoproj/argocli') },
      })],
    });
    this.events = new HelmRelease(this, 'events', {
      ...common, name: 'argo-events', chart: 'argo-events', version: ARGO_EVENTS_CHART_VERSION,
      values: [JSON.stringify({ crds: { install: true, keep: true }, ...(events ? { global: { image: { repository: events } } } : {}) })],
    });
    // For the deploy-order check: manifests of these kinds belong in stacks applied after this one.
    recordCustomResources(this, () => this.kinds);
  }
}
