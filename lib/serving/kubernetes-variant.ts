import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Accelerator } from '../core/accelerators/accelerator';
import { AcceleratorNodes, IKubernetesTarget } from '../core/kubernetes-target';
import { RequiredPodLabels } from '../core/labels';
import { ModelAccess } from '../core/model-source';
import { secretEnvFrom } from '../core/private/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/private/security-context';
import { Cpu, Duration, Size } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { ModelArtifact } from './model-source';

/** One model variant of a {@link KubernetesInferenceEndpoint}. */
export interface KubernetesVariantProps {
  /** Variant name: lowercase letters, digits and hyphens, at most 20 characters (`v3`, `champion`). */
  readonly name: string;
  /** The model it serves; its URI reaches the container as `MODEL_URI`. */
  readonly model: ModelArtifact;
  /** The model server image, pinned by digest: `registry/repo@sha256:<64 hex>`. */
  readonly image: string;
  /**
   * Container arguments; Kubernetes expands `$(MODEL_URI)` and `$(MODEL_DIR)` in them, e.g. Triton's
   * `['tritonserver', '--model-repository=$(MODEL_URI)']`. @default - the image's entrypoint and command
   */
  readonly args?: string[];
  /** Extra environment variables (never secrets: use the endpoint's `credentialsSecret`). @default - none */
  readonly env?: Record<string, string>;
  /** CPU requested (and the limit). @default Cpu.cores(1) */
  readonly cpu?: Cpu;
  /** Memory requested (and the limit). @default Size.gibibytes(4) */
  readonly memory?: Size;
  /**
   * The accelerator the model needs; pods land on the target's pool of it (its node selector and
   * tolerations). The target must have such a pool. @default - CPU only
   */
  readonly accelerator?: Accelerator;
  /** Accelerators per pod. @default 1 when `accelerator` is set */
  readonly acceleratorCount?: number;
  /** Fewest replicas (Gateway API routing; replica-proportional derives it). @default 2 */
  readonly minReplicas?: number;
  /** Most replicas (Gateway API routing; replica-proportional derives it). @default 4 */
  readonly maxReplicas?: number;
  /** Average CPU utilisation, percent of requests, the autoscaler keeps. @default 70 */
  readonly targetCpuUtilization?: number;
}

/** A variant after validation: what the resources are built from. */
export interface ResolvedVariant {
  /** The variant as declared. */
  readonly props: KubernetesVariantProps;
  /** Replicas at rest, as the routing sets them. */
  readonly minReplicas: number;
  /** Replicas at peak, as the routing sets them. */
  readonly maxReplicas: number;
  /** The pool it lands on, for accelerator variants. @default - none: a CPU variant */
  readonly pool?: AcceleratorNodes;
  /** Accelerators per pod (0 for a CPU variant). */
  readonly acceleratorCount: number;
}

/** Endpoint-wide settings each variant's pods share. */
export interface VariantPodSettings {
  /** The endpoint's name, prefix of the variant's object names. */
  readonly endpointName: string;
  /** Where the variant runs. */
  readonly target: IKubernetesTarget;
  /**
   * The identity the pods run as (its service account). The labels producers require of it (RequiredPodLabels,
   * e.g. a feature store's client label) join the pods at synth, so grants made after the endpoint still land.
   */
  readonly identity: WorkloadIdentity;
  /** Container port of the inference API (named `http`). */
  readonly servingPort: number;
  /** Container port of Prometheus metrics (named `metrics`). */
  readonly metricsPort: number;
  /** Readiness probe path. */
  readonly readinessPath: string;
  /** Liveness (and startup) probe path. */
  readonly livenessPath: string;
  /** How long the server may take to start. */
  readonly startupTimeout: Duration;
  /** Size limit of the model's emptyDir. */
  readonly modelCacheSize: Size;
  /** Non-root user id (and group) of the pods. */
  readonly runAsUser: number;
  /** PriorityClass of the pods. */
  readonly priorityClassName: string;
  /** An existing secret whose keys become the server's environment (`envFrom`). @default - none */
  readonly credentialsSecret?: string;
  /** What the model source says the server needs (MLflow tracking URI and credentials, credential files). @default - nothing */
  readonly modelAccess?: ModelAccess;
  /** The online feature store's address (`FEATURE_STORE_ENDPOINT`). @default - none */
  readonly featureStoreEndpoint?: string;
}

/** Label keys of serving pods. */
export const SERVING_LABELS = {
  endpoint: 'ml-platform.io/endpoint',
  variant: 'ml-platform.io/variant',
} as const;

/** Where the model server may download and unpack the model (an emptyDir; the root filesystem is read-only). */
export const MODEL_DIR = '/mnt/models';

/**
 * One variant's Deployment, HorizontalPodAutoscaler, PodDisruptionBudget and, where the routing asks for it
 * ({@link addService}: Gateway API routing), its own Service.
 * The pods run as a non-root user with a read-only root filesystem, no privilege escalation, every
 * capability dropped and the RuntimeDefault seccomp profile; `/tmp` and the model directory are emptyDirs.
 */
export class KubernetesVariant extends Construct {
  public readonly deployment: DeploymentV1;
  public readonly autoscaler: HorizontalPodAutoscalerV2;
  public readonly disruptionBudget: PodDisruptionBudgetV1;
  /** `<endpoint>-<variant>`: the Deployment, Service, autoscaler and budget name. */
  public readonly objectName: string;
  /** Labels that select exactly this variant's pods. */
  public readonly podLabels: Record<string, string>;
  private readonly target: IKubernetesTarget;
  private readonly labels: Record<string, string>;
  private ownService?: ServiceV1;

  constructor(scope: Construct, id: string, variant: ResolvedVariant, s: VariantPodSettings) {
    super(scope, id);
    const p = variant.props;
    const namespace = s.target.namespace;
    const common = { provider: s.target.providerFor(this) };
    this.objectName = `${s.endpointName}-${p.name}`;
    this.target = s.target;
    this.podLabels = { [SERVING_LABELS.endpoint]: s.endpointName, [SERVING_LABELS.variant]: p.name };
    const labels = { 'app.kubernetes.io/name': s.endpointName, 'app.kubernetes.io/component': 'inference', ...this.podLabels };
    this.labels = labels;
    const cpu = (p.cpu ?? Cpu.cores(1)).toKubernetes();
    const memory = (p.memory ?? Size.gibibytes(4)).toKubernetes();
    const accelerators: Record<string, string> = p.accelerator ? { [p.accelerator.kubernetesResource]: String(variant.acceleratorCount) } : {};
    const env: Record<string, string> = {
      MODEL_URI: p.model.uri,
      MODEL_DIR,
      ...(p.model.model ? { MODEL_NAME: p.model.model } : {}),
      ...(p.model.version ? { MODEL_VERSION: p.model.version } : {}),
      ...(s.featureStoreEndpoint ? { FEATURE_STORE_ENDPOINT: s.featureStoreEndpoint } : {}),
      ...p.env,
    };
    const probe = (path: string) => ({ httpGet: { path, port: 'http' } });
    // The source's env (secrets by reference) joins the literal env; the variant's own `env` wins on a name clash.
    const sourceEnv = (s.modelAccess?.env ?? []).filter((e) => !(e.name in env));
    const sourceVolumes = s.modelAccess?.secretVolumes ?? [];

    this.deployment = new DeploymentV1(this, 'deployment', {
      ...common,
      dependsOn: s.target.dependablesFor(this),
      metadata: { name: this.objectName, namespace, labels },
      spec: {
        replicas: String(variant.minReplicas),
        selector: { matchLabels: this.podLabels },
        // Never drop below the serving capacity during a rollout; surge instead.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } },
        template: {
          // The selector stays `podLabels`: granted labels join the template only.
          metadata: { labels: Lazy.anyValue({ produce: () => ({ ...RequiredPodLabels.of(s.identity), ...labels }) }) as unknown as Record<string, string> },
          spec: {
            serviceAccountName: s.identity.serviceAccountName,
            priorityClassName: s.priorityClassName,
            securityContext: restrictedPodSecurityContext(s.runAsUser),
            ...(variant.pool ? {
              nodeSelector: variant.pool.nodeSelector,
              toleration: variant.pool.tolerations.map((t) => ({ key: t.key, operator: t.operator, value: t.value, effect: t.effect })),
            } : {}),
            topologySpreadConstraint: [{
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: [{ matchLabels: this.podLabels }],
            }],
            container: [{
              name: 'model-server',
              image: p.image,
              ...(p.args ? { args: p.args } : {}),
              port: [
                { name: 'http', containerPort: s.servingPort, protocol: 'TCP' },
                { name: 'metrics', containerPort: s.metricsPort, protocol: 'TCP' },
              ],
              env: [...Object.entries(env).map(([name, value]) => ({ name, value })), ...sourceEnv],
              ...secretEnvFrom(s.credentialsSecret),
              resources: {
                requests: { cpu, memory, ...accelerators },
                limits: { cpu, memory, ...accelerators },
              },
              // Large models load for minutes: the startup probe holds liveness off until the server is up.
              startupProbe: { ...probe(s.livenessPath), periodSeconds: 10, failureThreshold: Math.max(1, Math.ceil(s.startupTimeout.toSeconds() / 10)) },
              livenessProbe: { ...probe(s.livenessPath), periodSeconds: 15, failureThreshold: 3, timeoutSeconds: 5 },
              readinessProbe: { ...probe(s.readinessPath), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
              // The user is the pod's (runAsUser).
              securityContext: restrictedContainerSecurityContext(),
              volumeMount: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'model-cache', mountPath: MODEL_DIR },
                ...sourceVolumes.map((m) => ({ name: m.volumeName, mountPath: m.mountPath, readOnly: true })),
              ],
            }],
            volume: [
              { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'model-cache', emptyDir: { sizeLimit: s.modelCacheSize.toKubernetes() } },
              ...sourceVolumes.map((m) => ({ name: m.volumeName, secret: { secretName: m.credentialsSecret, defaultMode: '0440' } })),
            ],
          },
        },
      },
      // GPU nodes may scale up from zero before the first pod is ready.
      timeouts: { create: '30m', update: '30m' },
      // The autoscaler owns the replica count after creation.
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
    });

    this.autoscaler = new HorizontalPodAutoscalerV2(this, 'autoscaler', {
      ...common,
      metadata: { name: this.objectName, namespace, labels },
      spec: {
        minReplicas: variant.minReplicas,
        maxReplicas: variant.maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.metadata.name },
        metric: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: p.targetCpuUtilization ?? 70 } },
        }],
        // Scale down one pod a minute after five quiet minutes: model servers are slow to come back.
        behavior: { scaleDown: [{ stabilizationWindowSeconds: 300, policy: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }] },
      },
    });

    // maxUnavailable (not minAvailable) so a node drain always progresses, one pod at a time.
    this.disruptionBudget = new PodDisruptionBudgetV1(this, 'disruption-budget', {
      ...common,
      metadata: { name: this.objectName, namespace, labels },
      spec: { maxUnavailable: '1', selector: { matchLabels: this.podLabels } },
    });
  }

  /** The variant's own Service, where the routing made one ({@link addService}). */
  public get service(): ServiceV1 | undefined {
    return this.ownService;
  }

  /**
   * Gives the variant its own ClusterIP Service, `<endpoint>-<variant>` on `port` (to the `http` container port): the
   * backend a Gateway API route sends the variant's share to. Made once; the endpoint's routing calls it.
   */
  public addService(port: number): ServiceV1 {
    this.ownService ??= new ServiceV1(this, 'service', {
      provider: this.target.providerFor(this),
      dependsOn: this.target.dependablesFor(this),
      metadata: { name: this.objectName, namespace: this.target.namespace, labels: this.labels },
      spec: {
        type: 'ClusterIP',
        selector: this.podLabels,
        port: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
      },
    });
    return this.ownService;
  }
}
