import { Construct, IConstruct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Connections, IConnectable, Peer } from '../core/connections';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { DriftInputs, MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { checkResourceName } from '../core/names';
import { requireProvider } from '../core/private/optional-provider';
import { checkSecretKeyRef, checkSecretName } from '../core/private/secrets';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration, Size } from '../core/units';
import { WorkloadIdentity, WorkloadIdentityKind } from '../core/workload-identity';
import { PRIORITY_CLASSES } from '../core/priority-classes';
import { checkImageDigest } from '../core/images';
import { IInferenceEndpoint, InferenceEndpointProps } from './inference-endpoint';
import { TrafficRouting } from './kubernetes-routing';
import { KubernetesVariant, KubernetesVariantProps, ResolvedVariant, SERVING_LABELS } from './kubernetes-variant';
import { Wiring } from '../core/wiring';
import { Contracts } from '../contracts/contracts';
import { declareModelConsumer } from '../contracts/private/needs';
import { ModelAccess, ModelConsumer, ModelRegistryUser } from '../core/model-source';
import { IReadableModelSource } from './model-source';
import { checkEndpointProps, checkVariantNames } from './private/endpoint-checks';
import { checkDrift, placeAccelerator } from './private/kubernetes-checks';
import { canGrantRead, checkModelArtifact } from './private/model-access';
import { s3ReadStatements } from './private/s3-read';
import { checkTraffic } from './private/traffic-checks';
import { Traffic } from './traffic';

/** Health check paths and start-up allowance of the model server. */
export interface ServingProbes {
  /** Readiness path: traffic flows only while it answers 200. @default '/v2/health/ready' (KServe/Triton/MLServer v2 protocol) */
  readonly readinessPath?: string;
  /** Liveness path: the pod restarts when it stops answering. @default '/v2/health/live' */
  readonly livenessPath?: string;
  /** How long the server may take to start (download and load the model) before it is restarted. @default Duration.minutes(10) */
  readonly startupTimeout?: Duration;
}

/** Props for {@link KubernetesInferenceEndpoint}. */
export interface KubernetesInferenceEndpointProps extends InferenceEndpointProps {
  /** Where the endpoint runs: `cluster.teamTarget('vision')` or any {@link IKubernetesTarget}. */
  readonly target: IKubernetesTarget;
  /** The model variants; each gets a Deployment, autoscaler and disruption budget. */
  readonly variants: KubernetesVariantProps[];
  /**
   * How the traffic strategy is realised: Gateway API (exact, supports shadow) or replica-proportional. Other
   * clients than the Gateway's proxies are admitted with `endpoint.connections.allowDefaultPortFrom(peer)`.
   */
  readonly routing: TrafficRouting;
  /** Namespace of Prometheus, admitted to the metrics port (through {@link KubernetesInferenceEndpoint.connections}). @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** Container port of the inference API (named `http`). @default 8080 (MLServer; Triton uses 8000) */
  readonly servingPort?: number;
  /** Container port of Prometheus metrics (named `metrics`). @default 8082 (MLServer; Triton uses 8002) */
  readonly metricsPort?: number;
  /** Path of the metrics endpoint. @default '/metrics' */
  readonly metricsPath?: string;
  /** @default - the v2 protocol health paths, 10 minutes to start */
  readonly probes?: ServingProbes;
  /** Size limit of the emptyDir the model is downloaded into (`MODEL_DIR`). @default Size.gibibytes(20) */
  readonly modelCacheSize?: Size;
  /** Non-root user id (and group) the server runs as. @default 1000 */
  readonly runAsUser?: number;
  /**
   * PriorityClass of the pods. Training clusters of this library create `ml-serving`; on other clusters
   * create it or name an existing one. @default 'ml-serving'
   */
  readonly priorityClassName?: string;
  /**
   * An existing secret in the endpoint's namespace whose keys become the model servers' environment (`envFrom`),
   * for clusters without cloud workload identity reading cloud artifacts: `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` for S3 (and S3-compatible stores), a `credentials.json` key (mounted as a file) for
   * Cloud Storage. @default - none
   */
  readonly credentialsSecret?: string;
  /**
   * The user the model servers log in to an authenticating registry (MLflow, for `models:/` artifacts) as; the
   * registry grants it READ on the served models and the servers get `MLFLOW_TRACKING_USERNAME` and
   * `MLFLOW_TRACKING_PASSWORD` (by secret reference). The registry's users secret needs the same password under
   * the user name. @default - user `<namespace>.<name>-serving`, password from key `password` of secret `<name>-mlflow`
   */
  readonly registryUser?: ModelRegistryUser;
  /**
   * The reference dataset and prediction log drift is measured between. A MonitoringStack with
   * `driftDetection` that watches this endpoint runs its drift CronJob and grants the job read access to both.
   * @default - none: no drift job runs (a watching MonitoringStack warns), drift alerts fire only on drift
   *   metrics the server publishes itself
   */
  readonly drift?: DriftInputs;
}

/**
 * An online inference endpoint on any Kubernetes cluster (EKS, GKE, on-prem, edge).
 *
 * Creates per variant a Deployment (hardened pods, digest-pinned image, v2-protocol probes, GPU scheduling
 * onto the target's matching pool), a HorizontalPodAutoscaler (autoscaling/v2) and a PodDisruptionBudget;
 * a NetworkPolicy that denies every connection to the pods but those its {@link connections} admit (the
 * Gateway's proxies on the serving port, the monitoring namespace on the metrics port, and whoever the app
 * admits with `endpoint.connections.allowDefaultPortFrom(Peer.namespace('web'))`); a WorkloadIdentity through
 * which the model registry and feature store grant read access; and the traffic split: a Gateway API HTTPRoute
 * over per-variant Services, or one Service over all variants with replicas proportional to the weights.
 */
export class KubernetesInferenceEndpoint extends Construct implements IInferenceEndpoint, IConnectable {
  public readonly endpointName: string;
  public readonly traffic: Traffic;
  public readonly routing: TrafficRouting;
  public readonly target: IKubernetesTarget;
  /** The service account and cloud identity the model servers run as. */
  public readonly identity: WorkloadIdentity;
  /** Per variant, by name. */
  public readonly variants: Record<string, KubernetesVariant> = {};
  /** The pods' default-deny NetworkPolicy; what is admitted has a policy of its own ({@link connections}). */
  public readonly networkPolicy: NetworkPolicyV1;
  /**
   * Who may reach the model servers: `allowDefaultPortFrom(peer)` admits a peer to the serving port. The routing
   * admits the Gateway's proxies and the endpoint the monitoring namespace (to the metrics port) here too.
   */
  public readonly connections: Connections;
  /** The HTTPRoute (Gateway API routing). */
  public readonly route?: Manifest;
  /** The one Service over all variants (replica-proportional routing). */
  public readonly service?: ServiceV1;
  private readonly props: KubernetesInferenceEndpointProps;
  private readonly usesGpus: boolean;

  constructor(scope: Construct, id: string, props: KubernetesInferenceEndpointProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const resolved = KubernetesInferenceEndpoint.validate(this, props);
    this.props = props;
    this.endpointName = props.name;
    this.traffic = props.traffic;
    this.routing = props.routing;
    this.target = props.target;
    this.usesGpus = resolved.some((r) => r.pool !== undefined);
    const name = props.name;
    const namespace = props.target.namespace;
    const servingPort = props.servingPort ?? 8080;
    const metricsPort = props.metricsPort ?? 8082;

    this.identity = new WorkloadIdentity(this, 'identity', {
      target: props.target,
      serviceAccountName: `${name}-serving`,
      cloudName: `inf-${name}`.slice(0, 24).replace(/-+$/, ''),
    });
    const modelAccess = this.grantModelAccess(resolved);
    props.featureStore?.grantRead(this.identity);
    Wiring.connect(this, props.featureStore, 'features');

    for (const variant of resolved) {
      this.variants[variant.props.name] = new KubernetesVariant(this, variant.props.name, variant, {
        endpointName: name,
        target: props.target,
        identity: this.identity,
        servingPort,
        metricsPort,
        readinessPath: props.probes?.readinessPath ?? '/v2/health/ready',
        livenessPath: props.probes?.livenessPath ?? '/v2/health/live',
        startupTimeout: props.probes?.startupTimeout ?? Duration.minutes(10),
        modelCacheSize: props.modelCacheSize ?? Size.gibibytes(20),
        runAsUser: props.runAsUser ?? 1000,
        priorityClassName: props.priorityClassName ?? PRIORITY_CLASSES.serving,
        credentialsSecret: props.credentialsSecret,
        modelAccess: modelAccess[variant.props.name],
        featureStoreEndpoint: props.featureStore?.onlineEndpoint,
      });
    }

    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'inference', [SERVING_LABELS.endpoint]: name };
    const podSelector = { [SERVING_LABELS.endpoint]: name };
    // Default deny: the pods take only what a policy of `connections` admits.
    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      provider: props.target.providerFor(this),
      dependsOn: props.target.dependablesFor(this),
      metadata: { name: `${name}-ingress`, namespace, labels },
      spec: { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'] },
    });
    this.connections = new Connections(this, {
      target: props.target,
      podSelector,
      defaultPort: servingPort,
      policyName: name,
      description: `inference endpoint ${name}`,
      labels,
      ownNamespaceAdmitted: false,
      isolatingPolicy: this.networkPolicy,
    });
    this.connections.allowFrom(Peer.namespace(props.monitoringNamespace ?? 'monitoring'), metricsPort);

    const routed = props.routing.bind(this, {
      endpointName: name,
      target: props.target,
      traffic: props.traffic,
      servingPort,
      labels,
      podSelector,
      variants: this.variants,
      connections: this.connections,
    });
    this.route = routed.route;
    this.service = routed.service;
    this.declareNeeds(resolved);
  }

  /** In-cluster URL of the shared Service (replica-proportional routing); under Gateway API, clients call the Gateway. */
  public get serviceUrl(): string | undefined {
    return this.service ? `http://${this.endpointName}.${this.target.namespace}.svc:${this.props.servingPort ?? 8080}` : undefined;
  }

  /** Watched by a MonitoringStack: one scrape job per variant on the `metrics` port, with the endpoint's SLOs. */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.INFERENCE_ENDPOINT,
      name: this.endpointName,
      clusterName: this.target.clusterName,
      scrape: Object.values(this.variants).map((v) => ({
        jobName: `inference-${v.objectName}`,
        namespace: this.target.namespace,
        podLabels: v.podLabels,
        portName: 'metrics',
        path: this.props.metricsPath ?? '/metrics',
        workload: v.deployment,
      })),
      slo: this.props.slo,
      drift: this.props.drift,
      usesGpus: this.usesGpus,
      attributes: {
        routing: this.routing.toString(),
        trafficStrategy: this.traffic.kind,
        variants: Object.keys(this.variants).join(','),
      },
    }];
  }

  /**
   * Each variant's source is asked for access (ModelArtifact.bind: an MLflow registry grants its user and returns
   * its env); sources that leave grants to the consumer are granted by registries that can, else from the URI:
   * S3 on EKS and GCS on GKE. Returns what each variant's containers need, by variant name.
   */
  private grantModelAccess(resolved: ResolvedVariant[]): Record<string, ModelAccess> {
    const access: Record<string, ModelAccess> = {};
    const sources = new Set<IReadableModelSource>();
    const s3: string[] = [];
    const keys: string[] = [];
    const gcs = new Set<string>();
    // A cluster without cloud identity (on-prem) reads cloud artifacts with the credentials secret; a cloud
    // registry cannot grant it anything. Registries reached over the network (MLflow) still grant.
    const viaSecret = (uri: string) => this.target.identity.kind === WorkloadIdentityKind.NONE && !!this.props.credentialsSecret
      && /^(s3|gs):\/\//.test(uri);
    for (const [i, { props: p }] of resolved.entries()) {
      const bound = p.model.bind(this.modelConsumer(`variants[${i}].model`));
      access[p.name] = bound;
      if (bound.granted) continue;
      if (canGrantRead(p.model.source) && !viaSecret(p.model.uri)) {
        sources.add(p.model.source);
        continue;
      }
      const uri = p.model.uri;
      if (uri.startsWith('s3://') && this.target.identity.kind === WorkloadIdentityKind.EKS_POD_IDENTITY) {
        s3.push(uri);
        if (p.model.kmsKeyArn) keys.push(p.model.kmsKeyArn);
      }
      const gs = /^gs:\/\/([^/]+)/.exec(uri);
      if (gs && this.target.identity.kind === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY) gcs.add(gs[1]);
    }
    for (const source of sources) source.grantRead(this.identity);
    for (const { props: p } of resolved) Wiring.connect(this, p.model.source, 'models');
    if (s3.length > 0) {
      const { DataAwsPartition } = requireProvider(this, 'the read grant on S3 model artifacts', () =>
        require('@cdktf/provider-aws/lib/data-aws-partition') as typeof import('@cdktf/provider-aws/lib/data-aws-partition'));
      const partition = new DataAwsPartition(this, 'partition').partition;
      this.identity.addAwsPolicy('read-model-artifacts', s3ReadStatements(partition, s3, keys));
    }
    if (gcs.size > 0) {
      const { StorageBucketIamMember } = requireProvider(this, 'the read grant on GCS model artifacts', () =>
        require('@cdktf/provider-google/lib/storage-bucket-iam-member') as typeof import('@cdktf/provider-google/lib/storage-bucket-iam-member'));
      [...gcs].sort().forEach((bucket, i) => {
        new StorageBucketIamMember(this, `model-bucket-read-${i}`, { bucket, role: 'roles/storage.objectViewer', member: this.identity.gcpMember! });
      });
    }
    return access;
  }

  /** The endpoint as a model consumer: its identity, credentials secret and registry user. */
  private modelConsumer(prop: string): ModelConsumer {
    const p = this.props;
    return {
      construct: this,
      prop,
      identity: this.identity,
      credentialsSecret: p.credentialsSecret,
      registryUser: p.registryUser ?? {
        username: `${p.target.namespace}.${this.identity.serviceAccountName}`,
        passwordSecret: { name: `${p.name}-mlflow`, key: 'password' },
      },
    };
  }

  /**
   * The wires this endpoint needs, as contracts checked at synth (lib/contracts): each variant reads its model
   * artifact with the endpoint's cloud identity, reaches the feature server, and fits the team's GPU quota and
   * its pool at max replicas plus the rollout surge (maxSurge 25%).
   */
  private declareNeeds(resolved: ResolvedVariant[]): void {
    const reader = { awsRole: this.identity.awsRole, gcpServiceAccount: this.identity.gcpServiceAccount };
    const server = this.props.featureStore?.onlineServer;
    for (const r of resolved) {
      const variant = this.variants[r.props.name];
      declareModelConsumer(this, { workload: variant.deployment, container: 'model-server', clusterName: this.target.clusterName, userEnv: Object.keys(r.props.env ?? {}) },
        this.props.credentialsSecret ? {} : reader, r.props.model);
      if (server && this.props.featureStore) {
        Contracts.network(this, {
          producer: this.props.featureStore as unknown as IConstruct, what: 'online features', client: variant.deployment, server: server.workload, port: server.port,
          fix: 'pass the store as featureStore (its grantRead admits the namespace and labels the pods), or label the pods with the store\'s clientLabels',
        });
      }
      if (r.pool && r.acceleratorCount > 0) {
        const surge = Math.ceil(r.maxReplicas * 0.25);
        Contracts.capacity(this, {
          producer: `cluster ${this.target.clusterName}`, what: `${r.acceleratorCount} × ${r.pool.accelerator.id} per replica of ${r.props.name}`,
          fix: 'raise the team quota or the pool\'s maxNodes, or lower maxReplicas',
          cluster: this.target.clusterName, namespace: this.target.namespace, resource: r.pool.accelerator.kubernetesResource,
          maxDemand: (r.maxReplicas + surge) * r.acceleratorCount, minDemand: r.minReplicas * r.acceleratorCount, pool: r.pool.pool,
        });
      }
    }
  }

  private static validate(self: Construct, props: KubernetesInferenceEndpointProps): ResolvedVariant[] {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { name, target, variants, traffic, routing }');
      v.throwIfAny();
    }
    checkEndpointProps(v, props);
    v.check(!!props.target && typeof props.target === 'object' && typeof props.target.providerFor === 'function', 'target', props.target,
      'is required: a Kubernetes target such as cluster.teamTarget("vision") or KubernetesTarget.fromKubeconfig(...)');
    const names = checkVariantNames(v, props.variants, 20);
    const trafficOk = checkTraffic(v, props.traffic, names);
    if (v.check(props.routing instanceof TrafficRouting, 'routing', props.routing,
      'must be TrafficRouting.gatewayApi({ gateway }) or TrafficRouting.replicaProportional({ minReplicas })')) {
      props.routing.validate(v, { traffic: trafficOk ? props.traffic : undefined, variants: Array.isArray(props.variants) ? props.variants : [] });
    }
    checkSecretName(v, 'credentialsSecret', props.credentialsSecret);
    if (props.registryUser !== undefined) {
      checkSecretKeyRef(v, 'registryUser.passwordSecret', props.registryUser?.passwordSecret, '{ name: "churn-mlflow", key: "password" }');
    }
    checkDrift(v, props.drift);
    checkResourceName(v, 'monitoringNamespace', props.monitoringNamespace, 63);
    v.integer('servingPort', props.servingPort, 1024, 65535, 'must be a port from 1024 to 65535 (the server runs as non-root)');
    v.integer('metricsPort', props.metricsPort, 1024, 65535, 'must be a port from 1024 to 65535 (the server runs as non-root)');
    v.check((props.servingPort ?? 8080) !== (props.metricsPort ?? 8082), 'metricsPort', props.metricsPort ?? 8082,
      'is the serving port too; give metrics their own port so the NetworkPolicy can tell them apart');
    v.integer('runAsUser', props.runAsUser, 1, 2147483647, 'must be a non-root user id (1 or above)');
    for (const [prop, path] of [['probes.readinessPath', props.probes?.readinessPath], ['probes.livenessPath', props.probes?.livenessPath], ['metricsPath', props.metricsPath]]) {
      v.matches(prop!, path, /^\/\S*$/, 'must be an HTTP path starting with "/"');
    }
    if (!v.ok && (!Array.isArray(props.variants) || !props.target)) v.throwIfAny();

    const placed = props.variants.map((p, i) => {
      const prop = `variants[${i}]`;
      if (!p || typeof p !== 'object') {
        v.add(prop, p, 'must be a variant: { name, model, image, ... }');
        return undefined;
      }
      checkModelArtifact(v, `${prop}.model`, p.model);
      checkImageDigest(v, `${prop}.image`, p.image, { required: true });
      v.integer(`${prop}.targetCpuUtilization`, p.targetCpuUtilization, 1, 100, 'must be a whole percent from 1 to 100');
      return { p, ...placeAccelerator(v, prop, p, props.target) };
    });
    v.throwIfAny();
    // The routing decides each variant's replicas: its own bounds (Gateway API) or its share of the total.
    return placed.map((x) => ({ props: x!.p, ...props.routing.replicasOf(x!.p, props.traffic), pool: x!.pool, acceleratorCount: x!.count }));
  }
}
