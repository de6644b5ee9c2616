import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Connections, IConnectable } from '../core/connections';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { secretEnvFrom } from '../core/private/secrets';
import { scheduledJob } from '../core/private/workloads';
import { Cpu, Duration, Size } from '../core/units';
import { DRIFT_PUSH_JOB } from './metrics';
import { componentLabels, componentSelector, hardenedContainer, httpProbe, nonRootPodSecurity, resources } from './private/pod-security';

/**
 * Scheduled drift detection, one CronJob per inference endpoint that declares its reference dataset and
 * prediction log (`MonitoredWorkload.drift`, e.g. `KubernetesInferenceEndpoint`'s `drift` prop; or the workload
 * attributes `referenceDatasetUri` and `predictionLogUri`). Endpoints that declare neither get no job, and the
 * MonitoringStack warns about each of them.
 *
 * The image is yours; the contract it implements:
 * - input (environment): `ML_WORKLOAD` (endpoint name), `ML_REFERENCE_DATASET_URI`, `ML_PREDICTION_LOG_URI`,
 *   `ML_LOOKBACK_SECONDS` (how much of the prediction log to compare), `ML_PUSHGATEWAY_URL`, and `ML_FEATURES`
 *   (comma-separated) when the endpoint names the features to compare;
 * - output: an HTTP PUT of the text exposition format to `ML_PUSHGATEWAY_URL` (which already ends in
 *   `/metrics/job/ml-drift/workload/<endpoint>`) with the gauges `ml_feature_drift_score{feature="…"}` and
 *   `ml_prediction_drift_score`, each 0..1 (e.g. PSI capped at 1); exit non-zero on failure.
 * A Pushgateway rather than a scrape because the job lives for seconds: Prometheus would miss it between
 * scrapes. PUT replaces the endpoint's whole group, so features that disappear do not linger.
 */
export interface DriftDetectionProps {
  /** The drift job image, pinned (`registry/drift:1.4.0` or a digest). */
  readonly image: string;
  /** Cron schedule (five fields, UTC). @default '0 * * * *' (hourly) */
  readonly schedule?: string;
  /** How much recent prediction log each run compares. @default Duration.hours(24) */
  readonly lookback?: Duration;
  /** Alert when no drift metrics were pushed for this long. @default Duration.hours(3) */
  readonly staleAfter?: Duration;
  /** @default Cpu.cores(1) */
  readonly cpu?: Cpu;
  /** @default Size.gibibytes(2) */
  readonly memory?: Size;
  /** Longest a run may take. @default Duration.minutes(30) */
  readonly timeout?: Duration;
  /** The non-root uid the image runs as. @default 65532 (distroless `nonroot`) */
  readonly runAsUser?: number;
  /**
   * An existing Secret in the monitoring namespace whose keys become the drift jobs' environment
   * (`AWS_ACCESS_KEY_ID`, …), for a cluster without cloud workload identity (on-prem). The jobs then read every
   * input with it, and no grant is made. @default - none: inputs are read through the drift identity's grants
   */
  readonly credentialsSecret?: string;
}

/** The Pushgateway's port. */
export const PUSHGATEWAY_PORT = 9091;

/**
 * A Pushgateway (in memory: drift jobs re-push every run) for the drift jobs' metrics, and for batch jobs of yours
 * that push theirs: admit them with `monitoring.pushgateway.connections.allowDefaultPortFrom(Peer.namespace('features'))`.
 */
export class Pushgateway extends Construct implements IConnectable {
  /** Who may push besides the drift jobs (Prometheus scrapes it). Nothing else by default. */
  public readonly connections: Connections;
  public readonly deployment: DeploymentV1;
  public readonly service: ServiceV1;
  /** `host:port` inside the cluster. */
  public readonly address: string;

  constructor(scope: Construct, id: string, target: IKubernetesTarget, dependsOn: ITerraformDependable[], image: string) {
    super(scope, id);
    const ns = target.namespace;
    const common = { provider: target.providerFor(this), dependsOn };
    const labels = componentLabels('pushgateway');
    this.address = `pushgateway.${ns}.svc:${PUSHGATEWAY_PORT}`;
    this.connections = new Connections(this, {
      target, podSelector: componentSelector('pushgateway'), defaultPort: PUSHGATEWAY_PORT, policyName: 'pushgateway',
      description: `the Pushgateway in namespace ${ns} of cluster ${target.clusterName}`, labels: componentLabels('network-policy'), dependsOn,
    });
    this.deployment = new DeploymentV1(this, 'deployment', {
      ...common,
      metadata: { name: 'pushgateway', namespace: ns, labels },
      spec: {
        replicas: '1',
        selector: { matchLabels: componentSelector('pushgateway') },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: nonRootPodSecurity(65534),
            container: [{
              name: 'pushgateway',
              image,
              args: [`--web.listen-address=:${PUSHGATEWAY_PORT}`],
              port: [{ name: 'web', containerPort: PUSHGATEWAY_PORT }],
              readinessProbe: httpProbe('/-/ready', 'web', 5),
              livenessProbe: httpProbe('/-/healthy', 'web', 15),
              resources: resources(Cpu.millis(50), Size.mebibytes(128), Cpu.millis(200)),
              securityContext: hardenedContainer(),
            }],
          },
        },
      },
    });
    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name: 'pushgateway', namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: componentSelector('pushgateway'), port: [{ name: 'web', port: PUSHGATEWAY_PORT, targetPort: 'web' }] },
    });
  }
}

/** Props for {@link DriftJob}. */
export interface DriftJobProps {
  readonly target: IKubernetesTarget;
  readonly dependsOn: ITerraformDependable[];
  readonly detection: DriftDetectionProps;
  /** The endpoint's workload name. */
  readonly workload: string;
  readonly referenceDatasetUri: string;
  readonly predictionLogUri: string;
  /** Features to compare, passed as `ML_FEATURES`. @default - every feature (no `ML_FEATURES`) */
  readonly features?: string[];
  readonly pushgatewayAddress: string;
  /** The Kubernetes service account the job runs as (with the cloud identity that may read the data). */
  readonly serviceAccountName: string;
}

/** The labels of drift job pods (the Pushgateway's NetworkPolicy admits them). */
export const DRIFT_JOB_LABELS = componentLabels('ml-drift-job');

/** One endpoint's drift CronJob: no overlapping runs, bounded retries and run time, hardened pod. */
export class DriftJob extends Construct {
  public readonly cronJob: CronJobV1;

  constructor(scope: Construct, id: string, props: DriftJobProps) {
    super(scope, id);
    const d = props.detection;
    const labels = { ...DRIFT_JOB_LABELS, 'ml-platform.io/workload': props.workload };
    const env: Record<string, string> = {
      ML_WORKLOAD: props.workload,
      ML_REFERENCE_DATASET_URI: props.referenceDatasetUri,
      ML_PREDICTION_LOG_URI: props.predictionLogUri,
      ML_LOOKBACK_SECONDS: String((d.lookback ?? Duration.hours(24)).toSeconds()),
      ML_PUSHGATEWAY_URL: `http://${props.pushgatewayAddress}/metrics/job/${DRIFT_PUSH_JOB}/workload/${props.workload}`,
      ...(props.features?.length ? { ML_FEATURES: props.features.join(',') } : {}),
    };
    this.cronJob = scheduledJob(this, 'cron-job', {
      target: props.target,
      dependsOn: props.dependsOn,
      name: `drift-${props.workload}`.slice(0, 52),
      labels,
      schedule: d.schedule ?? '0 * * * *',
      startingDeadlineSeconds: 600,
      activeDeadlineSeconds: (d.timeout ?? Duration.minutes(30)).toSeconds(),
      pod: {
        serviceAccountName: props.serviceAccountName,
        // Cloud credentials come through workload identity, not the Kubernetes API token.
        automountServiceAccountToken: false,
        securityContext: nonRootPodSecurity(d.runAsUser ?? 65532),
        container: [{
          name: 'drift',
          image: d.image,
          env: Object.entries(env).map(([name, value]) => ({ name, value })),
          ...secretEnvFrom(d.credentialsSecret),
          resources: resources(d.cpu ?? Cpu.cores(1), d.memory ?? Size.gibibytes(2)),
          securityContext: hardenedContainer(),
          volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
        }],
        volume: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
      },
    });
  }
}
