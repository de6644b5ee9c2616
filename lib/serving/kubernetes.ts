import { Construct, IConstruct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Accelerator } from '../core/accelerators/accelerator';
import { Validator } from '../core/errors';
import { AcceleratorNodes, IKubernetesTarget } from '../core/kubernetes-target';
import { DriftData, DriftInputs, MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { RequiredPodLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { requireProvider } from '../core/private/optional-provider';
import { qualifyProviderSources } from '../core/provider-sources';
import { Duration, Size } from '../core/units';
import { WorkloadIdentity, WorkloadIdentityKind } from '../core/workload-identity';
import { PRIORITY_CLASSES } from '../core/priority-classes';
import { checkImageDigest } from '../core/images';
import { checkEndpointProps, checkVariantNames, IInferenceEndpoint, InferenceEndpointProps } from './inference-endpoint';
import { checkClients, checkRouting, ClientSelector, TrafficRouting, TrafficRoutingKind } from './kubernetes-routing';
import { KubernetesVariant, KubernetesVariantProps, ResolvedVariant, SERVING_LABELS } from './kubernetes-variant';
import { Wiring } from '../core/wiring';
import { Contracts } from '../contracts/contracts';
import { declareModelConsumer } from '../contracts/needs';
import { bindModelSource, ModelAccess, ModelConsumer, ModelRegistryUser } from '../core/model-source';
import { canGrantRead, checkModelArtifact, IReadableModelSource, s3ReadStatements } from './model-source';
import { checkTraffic, replicasPerVariant, replicasToExpress, Traffic } from './traffic';

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
  /** How the traffic strategy is realised: Gateway API (exact, supports shadow) or replica-proportional. */
  readonly routing: TrafficRouting;
  /**
   * Pods admitted to the serving port, besides the Gateway's (Gateway API routing). NetworkPolicies add up:
   * a team namespace's same-namespace policy still admits that namespace's pods. @default - none
   */
  readonly allowedClients?: ClientSelector[];
  /** Namespace of Prometheus, admitted to the metrics port. @default 'monitoring' */
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
   * An existing Secret whose keys become environment variables, for clusters without cloud workload
   * identity (on-prem reading S3/GCS). @default - none
   */
  readonly credentialsSecretName?: string;
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

const DEFAULT_REPLICAS = { min: 2, max: 4 };

/**
 * An online inference endpoint on any Kubernetes cluster (EKS, GKE, on-prem, edge).
 *
 * Creates per variant a Deployment (hardened pods, digest-pinned image, v2-protocol probes, GPU scheduling
 * onto the target's matching pool), a HorizontalPodAutoscaler (autoscaling/v2) and a PodDisruptionBudget;
 * one NetworkPolicy that admits only declared clients on the serving port and the monitoring namespace on
 * the metrics port; a WorkloadIdentity through which the model registry and feature store grant read access;
 * and the traffic split: a Gateway API HTTPRoute over per-variant Services, or one Service over all variants
 * with replicas proportional to the weights.
 */
export class KubernetesInferenceEndpoint extends Construct implements IInferenceEndpoint {
  public readonly endpointName: string;
  public readonly traffic: Traffic;
  public readonly routing: TrafficRouting;
  public readonly target: IKubernetesTarget;
  /** The service account and cloud identity the model servers run as. */
  public readonly identity: WorkloadIdentity;
  /** Per variant, by name. */
  public readonly variants: Record<string, KubernetesVariant> = {};
  public readonly networkPolicy: NetworkPolicyV1;
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

    const gateway = props.routing.kind === TrafficRoutingKind.GATEWAY_API;
    for (const variant of resolved) {
      this.variants[variant.props.name] = new KubernetesVariant(this, variant.props.name, variant, {
        endpointName: name,
        target: props.target,
        serviceAccountName: this.identity.serviceAccountName,
        servingPort,
        metricsPort,
        readinessPath: props.probes?.readinessPath ?? '/v2/health/ready',
        livenessPath: props.probes?.livenessPath ?? '/v2/health/live',
        startupTimeout: props.probes?.startupTimeout ?? Duration.minutes(10),
        modelCacheSize: props.modelCacheSize ?? Size.gibibytes(20),
        runAsUser: props.runAsUser ?? 1000,
        priorityClassName: props.priorityClassName ?? PRIORITY_CLASSES.serving,
        credentialsSecretName: props.credentialsSecretName,
        modelAccess: modelAccess[variant.props.name],
        featureStoreEndpoint: props.featureStore?.onlineEndpoint,
        requiredPodLabels: () => RequiredPodLabels.of(this.identity),
        ownService: gateway,
      });
    }

    const common = { provider: props.target.providerFor(this), dependsOn: props.target.dependablesFor(this) };
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'inference', [SERVING_LABELS.endpoint]: name };
    const servingPeers = (props.allowedClients ?? []).map((c) => c.toPeer());
    if (gateway) {
      const g = props.routing.gatewayApiOptions!;
      servingPeers.push({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': g.gateway.namespace } },
        ...(g.gatewayPodLabels ? { podSelector: { matchLabels: g.gatewayPodLabels } } : {}),
      });
    }
    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-ingress`, namespace, labels },
      spec: {
        podSelector: { matchLabels: { [SERVING_LABELS.endpoint]: name } },
        policyTypes: ['Ingress'],
        ingress: [
          // An ingress rule without `from` admits everyone: only write the serving rule when someone is admitted.
          ...(servingPeers.length > 0 ? [{ ports: [{ port: String(servingPort), protocol: 'TCP' }], from: servingPeers }] : []),
          {
            ports: [{ port: String(metricsPort), protocol: 'TCP' }],
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.monitoringNamespace ?? 'monitoring' } } }],
          },
        ],
      },
    });

    if (gateway) {
      this.route = new Manifest(this, 'http-route', { ...common, manifest: this.httpRoute(servingPort, labels) });
    } else {
      this.service = new ServiceV1(this, 'service', {
        ...common,
        metadata: { name, namespace, labels },
        spec: {
          type: 'ClusterIP',
          selector: { [SERVING_LABELS.endpoint]: name },
          port: [{ name: 'http', port: servingPort, targetPort: 'http', protocol: 'TCP' }],
        },
      });
    }
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
        routing: this.routing.kind,
        trafficStrategy: this.traffic.kind,
        variants: Object.keys(this.variants).join(','),
      },
    }];
  }

  /** The HTTPRoute: one rule, weighted backendRefs per live variant, RequestMirror to the shadow. */
  private httpRoute(port: number, labels: Record<string, string>): Record<string, unknown> {
    const g = this.routing.gatewayApiOptions!;
    const service = (variant: string) => this.variants[variant].objectName;
    const rule: Record<string, unknown> = {
      matches: [{ path: { type: 'PathPrefix', value: g.pathPrefix ?? '/' } }],
      backendRefs: this.traffic.weights.map((w) => ({ name: service(w.variant), port, weight: w.weight })),
    };
    if (this.traffic.shadow) {
      rule.filters = [{ type: 'RequestMirror', requestMirror: { backendRef: { name: service(this.traffic.shadow), port } } }];
    }
    return {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: this.endpointName, namespace: this.target.namespace, labels },
      spec: {
        parentRefs: [{
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: g.gateway.name,
          namespace: g.gateway.namespace,
          ...(g.gateway.sectionName ? { sectionName: g.gateway.sectionName } : {}),
        }],
        ...(g.hostnames ? { hostnames: g.hostnames } : {}),
        rules: [rule],
      },
    };
  }

  /**
   * Each variant's source is asked for access (bindModelSource: an MLflow registry grants its user and returns
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
    const viaSecret = (uri: string) => this.target.identity.kind === WorkloadIdentityKind.NONE && !!this.props.credentialsSecretName
      && /^(s3|gs):\/\//.test(uri);
    for (const [i, { props: p }] of resolved.entries()) {
      const bound = bindModelSource(this.modelConsumer(`variants[${i}].model`), p.model.uri, p.model.source, p.model.model, p.model.version);
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
      credentialsSecret: p.credentialsSecretName,
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
        this.props.credentialsSecretName ? {} : reader, r.props.model);
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

  /** Drift inputs are DriftData of a scheme the drift job reads, and features are named. */
  private static checkDrift(v: Validator, drift: DriftInputs | undefined): void {
    if (drift === undefined) return;
    for (const key of ['referenceDataset', 'predictionLog'] as const) {
      const data = drift[key];
      if (v.check(data instanceof DriftData, `drift.${key}`, data, 'must be DriftData.fromStore(datasetStore, prefix) or DriftData.fromUri("s3://…")')) {
        v.check(data.hasKnownScheme, `drift.${key}`, data.uri, 'is not an s3:// or gs:// URI; drift jobs read object storage');
      }
    }
    (drift.features ?? []).forEach((f, i) => v.matches(`drift.features[${i}]`, f, /^[A-Za-z_][A-Za-z0-9_.-]*$/,
      'must be a feature name (letters, digits, "_", "." and "-"); it is passed comma-separated in ML_FEATURES'));
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
    const routingOk = checkRouting(v, props.routing);
    checkClients(v, props.allowedClients);
    KubernetesInferenceEndpoint.checkDrift(v, props.drift);
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

    const replicaSplit = trafficOk && routingOk ? KubernetesInferenceEndpoint.replicaSplit(v, props) : undefined;
    const resolved: ResolvedVariant[] = [];
    props.variants.forEach((p, i) => {
      const prop = `variants[${i}]`;
      if (!p || typeof p !== 'object') {
        v.add(prop, p, 'must be a variant: { name, model, image, ... }');
        return;
      }
      checkModelArtifact(v, `${prop}.model`, p.model);
      checkImageDigest(v, `${prop}.image`, p.image, { required: true });
      v.integer(`${prop}.targetCpuUtilization`, p.targetCpuUtilization, 1, 100, 'must be a whole percent from 1 to 100');
      let minReplicas = p.minReplicas ?? DEFAULT_REPLICAS.min;
      let maxReplicas = p.maxReplicas ?? Math.max(DEFAULT_REPLICAS.max, minReplicas);
      if (props.routing?.kind === TrafficRoutingKind.REPLICA_PROPORTIONAL) {
        for (const key of ['minReplicas', 'maxReplicas'] as const) {
          v.check(p[key] === undefined, `${prop}.${key}`, p[key],
            'is set per variant, but replica-proportional routing derives replicas from routing.minReplicas/maxReplicas and the weights; remove it');
        }
        if (replicaSplit) {
          minReplicas = replicaSplit.min[p.name];
          maxReplicas = replicaSplit.max[p.name];
        }
      } else {
        v.integer(`${prop}.minReplicas`, p.minReplicas, 1, 1000);
        v.integer(`${prop}.maxReplicas`, p.maxReplicas, 1, 1000);
        v.check(maxReplicas >= minReplicas, `${prop}.maxReplicas`, maxReplicas, `is below minReplicas (${minReplicas}); raise it`);
      }
      const { pool, count } = KubernetesInferenceEndpoint.placeAccelerator(v, prop, p, props.target);
      resolved.push({ props: p, minReplicas, maxReplicas, pool, acceleratorCount: count });
    });
    v.throwIfAny();
    return resolved;
  }

  /** Replica-proportional routing: total replicas per variant, or a problem saying how many are needed. */
  private static replicaSplit(v: Validator, props: KubernetesInferenceEndpointProps): { min: Record<string, number>; max: Record<string, number> } | undefined {
    if (props.routing.kind !== TrafficRoutingKind.REPLICA_PROPORTIONAL) return undefined;
    const traffic = props.traffic;
    if (traffic.shadow !== undefined) {
      v.add('traffic', traffic, 'needs request mirroring, which replica-proportional routing cannot do (a Service has no shadow copy); ' +
        'use routing: TrafficRouting.gatewayApi({ gateway }) or serve on SageMaker');
      return undefined;
    }
    const needed = replicasToExpress(traffic.weights);
    const split = traffic.weights.map((w) => `${w.variant}: ${w.weight}`).join(', ');
    const min = props.routing.replicaOptions!.minReplicas;
    const max = props.routing.replicaOptions!.maxReplicas ?? min * 2;
    let ok = true;
    for (const [prop, total] of [['routing.minReplicas', min], ['routing.maxReplicas', max]] as const) {
      ok = v.check(total % needed === 0, prop, total,
        `cannot express the split ${split} with equal replicas; use a multiple of ${needed} (at least ${needed}), or use TrafficRouting.gatewayApi for exact weights`) && ok;
    }
    return ok ? { min: replicasPerVariant(traffic.weights, min), max: replicasPerVariant(traffic.weights, max) } : undefined;
  }

  /** The pool an accelerator variant lands on: the first of the target's pools of that accelerator with enough per node. */
  private static placeAccelerator(v: Validator, prop: string, p: KubernetesVariantProps, target: IKubernetesTarget): { pool?: AcceleratorNodes; count: number } {
    if (p.accelerator === undefined) {
      v.check(p.acceleratorCount === undefined, `${prop}.acceleratorCount`, p.acceleratorCount, 'is set without an accelerator; set accelerator too or remove it');
      return { count: 0 };
    }
    if (!(p.accelerator instanceof Accelerator)) {
      v.add(`${prop}.accelerator`, p.accelerator, 'must be an Accelerator, e.g. Accelerator.NVIDIA_L4');
      return { count: 0 };
    }
    const count = p.acceleratorCount ?? 1;
    if (!v.integer(`${prop}.acceleratorCount`, count, 1, 16)) return { count };
    const nodes = target.acceleratorNodes ?? [];
    if (nodes.length === 0) {
      v.add(`${prop}.accelerator`, p.accelerator.id, `is requested but cluster ${target.clusterName} has no accelerator pools; ` +
        `add a pool of ${p.accelerator.id} to the cluster (or to KubernetesTarget acceleratorNodes), or serve this variant on CPU`);
      return { count };
    }
    const same = nodes.filter((n) => n.accelerator.id === p.accelerator!.id);
    if (same.length === 0) {
      const have = nodes.map((n) => `${n.pool} (${n.accelerator.id})`).join(', ');
      v.add(`${prop}.accelerator`, p.accelerator.id, `has no pool on cluster ${target.clusterName} (pools: ${have}); add a pool of it or request one the cluster has`);
      return { count };
    }
    const pool = same.find((n) => n.acceleratorsPerNode >= count);
    if (!pool) {
      const most = Math.max(...same.map((n) => n.acceleratorsPerNode));
      v.add(`${prop}.acceleratorCount`, count, `is more than any ${p.accelerator.id} pool has per node (${most}); lower it or add a pool with more per node`);
    }
    return { pool, count };
  }
}
