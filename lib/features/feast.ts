import { Annotations, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Contracts } from '../contracts/contracts';
import { Connections, IConnectable, Peer } from '../core/connections';
import { Validator } from '../core/errors';
import { checkPinnedImage, defaultImage } from '../core/images';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { RequiredPodLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { checkSecretName, secretEnv, secretEnvFrom } from '../core/private/secrets';
import { scheduledJob } from '../core/private/workloads';
import { qualifyProviderSources } from '../core/private/provider-sources';
import type { SecretKeyRef } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/private/security-context';
import { Cpu, Size } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { checkFeatureDefinitions, cronFor, FeatureDefinitions, FeatureStoreBackend, FeatureView } from './definitions';
import type { FeastElastiCache, FeastMemorystore, SecretFileMount } from './feast-managed-redis';
import { type FeastRedis, REDIS_PORT } from './feast-redis';
import { FeastOfflineStore, FeastOnlineStore, FeastRegistry, FeastStoreContext, YamlMap } from './feast-stores';
import { IFeatureStore } from './feature-store';
import { renderFeastDefinitions, renderYaml } from './private/render';

/**
 * The Feast feature server image this library is tested with: the release the Feast operator pins
 * (`infra/feast-operator/config/overlays/rhoai/params.env`, Feast 0.53.0). It runs as UID 1001 (UBI Python).
 */
export const DEFAULT_FEAST_IMAGE = 'quay.io/feastdev/feature-server:0.53.0';
const FEAST_UID = 1001;
const SERVER_PORT = 6566;
const REPO = '/feature_repo';

/** Props for {@link FeastFeatureStore}. */
export interface FeastFeatureStoreProps {
  /** The cluster and namespace Feast runs in (EKS, GKE, on-prem or edge). */
  readonly target: IKubernetesTarget;
  /** Prefix of every Kubernetes object and cloud identity, e.g. `feast`. At most 20 characters. @default 'feast' */
  readonly name?: string;
  /** The entities, sources and feature views to serve. */
  readonly definitions: FeatureDefinitions;
  /** Where `feast apply` keeps the registry. */
  readonly registry: FeastRegistry;
  /** Where historical values are read from; every view's source must be of its kind. */
  readonly offlineStore: FeastOfflineStore;
  /** Where the latest values are served from. */
  readonly onlineStore: FeastOnlineStore;
  /** Feature server image, pinned by tag or digest. @default DEFAULT_FEAST_IMAGE, through the app's RegistryMirrors */
  readonly image?: string;
  /** Fewest feature server replicas. @default 2 */
  readonly minReplicas?: number;
  /** Most feature server replicas (HorizontalPodAutoscaler, 70% CPU). @default 6 */
  readonly maxReplicas?: number;
  /** CPU request per feature server replica (the limit is twice it). @default Cpu.millis(500) */
  readonly cpu?: Cpu;
  /** Memory request and limit per feature server replica and job. @default Size.gibibytes(1) */
  readonly memory?: Size;
  /**
   * An existing secret with cloud credentials, for clouds the target has no workload identity for (on-prem,
   * edge, or S3 from GKE): its keys become environment variables (`AWS_ACCESS_KEY_ID`,
   * `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`), and its `credentials.json` key, if any, is mounted as
   * `GOOGLE_APPLICATION_CREDENTIALS`.
   * @default - none; required when the registry or offline store is in a cloud the target has no identity for
   */
  readonly credentialsSecret?: string;
}

/** The feature server's pods and the container port online clients use. */
export interface FeastOnlineServer {
  /** The feature server Deployment. */
  readonly workload: DeploymentV1;
  /** Its HTTP port. */
  readonly port: number;
}

/**
 * Feast on any Kubernetes target, from typed definitions.
 *
 * Creates: `feature_store.yaml` and the feature definitions rendered into a ConfigMap; a Job running
 * `feast apply` (replaced whenever the ConfigMap changes); the feature server Deployment (pinned image,
 * probes on `/health`, requests and limits, restricted security context with a read-only root filesystem),
 * a ClusterIP Service, a HorizontalPodAutoscaler, a PodDisruptionBudget and a NetworkPolicy admitting only
 * labelled clients (other namespaces through {@link connections}); one materialization CronJob per refresh interval
 * (`feast materialize-incremental`, concurrency Forbid, in UTC); the online store (in-cluster Redis, ElastiCache or Memorystore); and two workload identities (server: registry
 * read; jobs: registry write + offline read), so no static cloud key is used where the target has workload
 * identity.
 */
export class FeastFeatureStore extends Construct implements IFeatureStore, IConnectable {
  public readonly backend = FeatureStoreBackend.FEAST;
  public readonly definitions: FeatureDefinitions;
  public readonly target: IKubernetesTarget;
  /** The Kubernetes object name prefix. */
  public readonly name: string;
  /** The generated `feature_store.yaml`. */
  public readonly featureStoreYaml: string;
  /** The generated Python feature definitions. */
  public readonly definitionsPython: string;
  public readonly configMap: ConfigMapV1;
  public readonly applyJob: JobV1;
  public readonly deployment: DeploymentV1;
  public readonly service: ServiceV1;
  public readonly autoscaler: HorizontalPodAutoscalerV2;
  public readonly disruptionBudget: PodDisruptionBudgetV1;
  /** The feature server's own policy: admits pods of its namespace that carry {@link clientLabels}. */
  public readonly networkPolicy: NetworkPolicyV1;
  /**
   * Who may reach the feature server (port 6566) from other namespaces: `grantRead` / `grantWrite` admit the
   * workload's namespace here (pods with {@link clientLabels}); policies are named `<name>-from-<peer>`.
   */
  public readonly connections: Connections;
  public readonly materializeJobs: CronJobV1[] = [];
  /** The in-cluster Redis, when the online store is one. */
  public readonly redis?: FeastRedis;
  /** The ElastiCache replication group, when the online store is one. */
  public readonly elastiCache?: FeastElastiCache;
  /** The Memorystore instance, when the online store is one. */
  public readonly memorystore?: FeastMemorystore;
  /** The identity of the feature server pods. */
  public readonly serverIdentity: WorkloadIdentity;
  /** The identity of the apply and materialization jobs. */
  public readonly jobIdentity: WorkloadIdentity;
  /**
   * Labels a client pod must carry to reach the feature server. Do not copy them: `grantRead` /
   * `grantWrite` admit the workload's namespace and return them (also `RequiredPodLabels.of(workload)`).
   */
  public readonly clientLabels: Record<string, string>;
  /** `http://host:port` of the feature server inside the cluster. */
  public readonly endpoint: string;

  /** The feature server's URL, as an InferenceEndpoint's `FEATURE_STORE_ENDPOINT`. */
  public get onlineEndpoint(): string {
    return this.endpoint;
  }

  /** The pods online clients connect to and the container port they use (for network contracts). */
  public get onlineServer(): FeastOnlineServer {
    return { workload: this.deployment, port: SERVER_PORT };
  }
  private readonly registry: FeastRegistry;
  private readonly offline: FeastOfflineStore;
  private readonly storeContext: FeastStoreContext;

  constructor(scope: Construct, id: string, props: FeastFeatureStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const name = props.name ?? 'feast';
    const v = new Validator(this);
    checkResourceName(v, 'name', name, 20);
    checkFeatureDefinitions(v, props.definitions, FeatureStoreBackend.FEAST);
    const target = props.target;
    const partOf = { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': name };
    const storeContext: FeastStoreContext = { target, definitions: props.definitions, credentialsSecret: props.credentialsSecret };
    const onlineContext = { target, name, clientSelector: partOf };
    if (v.check(props.registry instanceof FeastRegistry, 'registry', props.registry, 'must be a FeastRegistry, e.g. FeastRegistry.s3(bucket)')) {
      props.registry.validate(this, v, storeContext);
    }
    if (v.check(props.onlineStore instanceof FeastOnlineStore, 'onlineStore', props.onlineStore,
      'must be a FeastOnlineStore, e.g. FeastOnlineStore.inClusterRedis({ passwordSecret })')) props.onlineStore.validate(this, v, onlineContext);
    if (v.check(props.offlineStore instanceof FeastOfflineStore, 'offlineStore', props.offlineStore, 'must be a FeastOfflineStore, e.g. FeastOfflineStore.s3Files(bucket)')) {
      props.offlineStore.validate(this, v, storeContext);
    }
    checkPinnedImage(v, 'image', props.image);
    const minReplicas = props.minReplicas ?? 2;
    const maxReplicas = props.maxReplicas ?? 6;
    v.integer('minReplicas', minReplicas, 1, 100);
    v.integer('maxReplicas', maxReplicas, 1, 100);
    v.check(maxReplicas >= minReplicas, 'maxReplicas', maxReplicas, `is below minReplicas (${minReplicas}); raise maxReplicas or lower minReplicas`);
    checkSecretName(v, 'credentialsSecret', props.credentialsSecret);
    v.throwIfAny();

    this.definitions = props.definitions;
    this.target = props.target;
    this.name = name;
    this.registry = props.registry;
    this.offline = props.offlineStore;
    this.storeContext = storeContext;
    const ns = target.namespace;
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };
    this.clientLabels = { [`feast.ml-platform.io/${name}-client`]: 'true' };

    this.serverIdentity = new WorkloadIdentity(this, 'server-identity', { target, serviceAccountName: `${name}-server`, cloudName: `${name}-server` });
    this.jobIdentity = new WorkloadIdentity(this, 'job-identity', { target, serviceAccountName: `${name}-jobs`, cloudName: `${name}-jobs` });
    this.registry.grantRead(this, this.serverIdentity, storeContext);
    this.registry.grantReadWrite(this, this.jobIdentity, storeContext);
    this.offline.grantRead(this, this.jobIdentity, storeContext);

    const online = props.onlineStore.bind(this, onlineContext);
    this.redis = online.redis;
    this.elastiCache = online.elastiCache;
    this.memorystore = online.memorystore;
    const onlineConfig: YamlMap = { type: 'redis', redis_type: 'redis', connection_string: online.connection.connectionString };
    const registryConfig = this.registry.bind(this, storeContext);
    const offlineConfig = this.offline.bind(this, storeContext);

    this.featureStoreYaml = renderYaml({
      project: props.definitions.project,
      provider: 'local',
      registry: registryConfig.yaml,
      online_store: onlineConfig,
      offline_store: offlineConfig.yaml,
      entity_key_serialization_version: 3,
    });
    this.definitionsPython = renderFeastDefinitions(props.definitions);
    this.configMap = new ConfigMapV1(this, 'config', {
      ...common,
      metadata: { name: `${name}-repo`, namespace: ns, labels: partOf },
      data: { 'feature_store.yaml': this.featureStoreYaml, 'features.py': this.definitionsPython },
    });

    const pod = new FeastPodFactory({
      image: props.image ?? defaultImage(this, DEFAULT_FEAST_IMAGE),
      configMapName: `${name}-repo`,
      redisPassword: online.connection.passwordSecret,
      redisCaFile: online.connection.caFile,
      secretEnv: { ...registryConfig.secretEnv, ...offlineConfig.secretEnv },
      credentialsSecret: props.credentialsSecret,
      // The bucket's own region (works across stacks: an on-prem stack needs no AWS provider of its own).
      awsRegion: offlineConfig.awsRegion ?? registryConfig.awsRegion,
      googleCredentialsFile: !!(registryConfig.mountGoogleCredentials || offlineConfig.mountGoogleCredentials),
      memory: (props.memory ?? Size.gibibytes(1)).toKubernetes(),
    });

    this.applyJob = new JobV1(this, 'apply', {
      provider: target.providerFor(this),
      // The jobs' cloud access (service account, Pod Identity / Workload Identity binding, bucket and table
      // grants) must exist before `feast apply` writes the registry, or its first run fails with 403s.
      dependsOn: [...target.dependablesFor(this), this.configMap, ...online.connection.dependables, ...this.jobIdentity.dependables],
      metadata: { name: `${name}-apply`, namespace: ns, labels: { ...partOf, 'app.kubernetes.io/component': 'apply' } },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: { ...partOf, 'app.kubernetes.io/component': 'apply' } },
          spec: pod.spec(this.jobIdentity.serviceAccountName, 'apply', ['feast', '-c', REPO, 'apply'], Cpu.millis(500), 'job'),
        },
      },
      waitForCompletion: true,
      timeouts: { create: '15m', update: '15m' },
      // A changed repository is applied again: the Job is replaced whenever the ConfigMap changes.
      lifecycle: { replaceTriggeredBy: [this.configMap] },
    });
    Contracts.order(this, {
      producer: this.jobIdentity, what: 'the jobs\' cloud access (service account, identity binding, grants)', resource: this.applyJob,
      after: () => this.jobIdentity.dependables,
      fix: 'add the grant to the apply Job\'s dependsOn (FeastFeatureStore waits for the grants it makes itself; grant before constructing the store)',
    });

    const serverLabels = { ...partOf, 'app.kubernetes.io/component': 'feature-server' };
    const cpu = props.cpu ?? Cpu.millis(500);
    const serverSpec = pod.spec(this.serverIdentity.serviceAccountName, 'feature-server',
      ['feast', '-c', REPO, 'serve', '-h', '0.0.0.0', '-p', String(SERVER_PORT)], cpu, 'server');
    this.deployment = new DeploymentV1(this, 'deployment', {
      provider: target.providerFor(this),
      dependsOn: [...target.dependablesFor(this), this.applyJob],
      metadata: { name: `${name}-server`, namespace: ns, labels: serverLabels },
      spec: {
        replicas: String(minReplicas),
        selector: { matchLabels: serverLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0', maxSurge: '1' } },
        template: {
          // A changed feature_store.yaml rolls the pods.
          metadata: { labels: serverLabels, annotations: { 'ml-platform.io/config-sha256': Fn.sha256(Fn.jsonencode(this.configMap.data)) } },
          spec: {
            ...serverSpec,
            container: [{
              ...serverSpec.container[0],
              port: [{ name: 'http', containerPort: SERVER_PORT }],
              readinessProbe: { httpGet: { path: '/health', port: String(SERVER_PORT) }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { httpGet: { path: '/health', port: String(SERVER_PORT) }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
            }],
          },
        },
      },
      // The autoscaler owns the replica count after creation.
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
    });
    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name: `${name}-server`, namespace: ns, labels: serverLabels },
      spec: { type: 'ClusterIP', selector: serverLabels, port: [{ name: 'http', port: SERVER_PORT, targetPort: String(SERVER_PORT) }] },
    });
    this.endpoint = `http://${name}-server.${ns}.svc.cluster.local:${SERVER_PORT}`;
    this.autoscaler = new HorizontalPodAutoscalerV2(this, 'autoscaler', {
      ...common,
      metadata: { name: `${name}-server`, namespace: ns, labels: serverLabels },
      spec: {
        minReplicas,
        maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-server` },
        metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
    this.disruptionBudget = new PodDisruptionBudgetV1(this, 'disruption-budget', {
      ...common,
      metadata: { name: `${name}-server`, namespace: ns, labels: serverLabels },
      spec: { maxUnavailable: '1', selector: { matchLabels: serverLabels } },
    });
    // Clients in this namespace that carry the client label; grants admit other namespaces through connections.
    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-server-ingress`, namespace: ns, labels: serverLabels },
      spec: {
        podSelector: { matchLabels: serverLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: this.clientLabels } }], ports: [{ port: String(SERVER_PORT), protocol: 'TCP' }] }],
      },
    });
    this.connections = new Connections(this, {
      target, podSelector: serverLabels, defaultPort: SERVER_PORT, policyName: name, labels: serverLabels,
      description: `the Feast feature server ${name} on cluster ${target.clusterName}`,
    });

    const byInterval = new Map<number, FeatureView[]>();
    for (const view of props.definitions.featureViews.filter((fv) => fv.online)) {
      const s = view.materializeEvery.toSeconds();
      byInterval.set(s, [...(byInterval.get(s) ?? []), view]);
    }
    for (const [seconds, views] of [...byInterval.entries()].sort(([a], [b]) => a - b)) {
      const every = views[0].materializeEvery;
      const labels = { ...partOf, 'app.kubernetes.io/component': 'materialize' };
      const viewArgs = views.map((fv) => `-v ${fv.name}`).join(' ');
      this.materializeJobs.push(scheduledJob(this, `materialize-${every}`, {
        target,
        dependsOn: [...target.dependablesFor(this), this.applyJob],
        name: `${name}-materialize-${every}`,
        labels,
        schedule: cronFor(every)!,
        activeDeadlineSeconds: Math.max(seconds, 600),
        // `$$(` is Kubernetes' escape for a literal `$(`: the shell, not the kubelet, runs `date`.
        pod: pod.spec(this.jobIdentity.serviceAccountName, 'materialize',
          ['/bin/sh', '-c', `exec feast -c ${REPO} materialize-incremental "$$(date -u +%Y-%m-%dT%H:%M:%S)" ${viewArgs}`], Cpu.cores(1), 'scheduled'),
      }));
    }
    // The server reads the in-cluster online store and the materialize jobs write it, through Redis' NetworkPolicy.
    if (this.redis) {
      for (const client of [this.deployment, ...this.materializeJobs]) {
        Contracts.network(this, {
          producer: this.redis, what: `the online store of Feast ${name}`, client, server: this.redis.statefulSet, port: REDIS_PORT,
          fix: `keep the Feast pods labelled ${JSON.stringify(partOf)}: the Redis NetworkPolicy admits them`,
        });
      }
    }
  }

  /**
   * Lets a workload read features: network access to the feature server from its namespace (through
   * {@link connections}), and read access to the registry and offline store for historical retrieval where its
   * cluster has the cloud's workload identity. The feature server admits pods by {@link clientLabels}: they are
   * recorded for the workload ({@link RequiredPodLabels.of}) and returned, to be put on the pod template of every pod
   * that runs as it (KubernetesInferenceEndpoint does so itself).
   * @returns the labels the workload's pods must carry (empty for a workload on another cluster, which no
   *   NetworkPolicy can admit)
   */
  public grantRead(workload: WorkloadIdentity): Record<string, string> {
    const labels = this.admit(workload);
    // Registry and offline files in one bucket: one read grant covers both.
    if (!this.offline.sharesStorageWith(this.registry)) this.registry.grantRead(this, workload, this.storeContext);
    this.offline.grantRead(this, workload, this.storeContext, this.registry);
    return labels;
  }

  /**
   * Lets a workload write features: everything {@link grantRead} gives, plus write access to the offline
   * store (the files or tables that materialization reads). The registry stays writable only by `feast apply`.
   * @returns the labels the workload's pods must carry, as {@link grantRead}
   */
  public grantWrite(workload: WorkloadIdentity): Record<string, string> {
    const labels = this.admit(workload);
    this.registry.grantRead(this, workload, this.storeContext);
    this.offline.grantReadWrite(this, workload, this.storeContext);
    return labels;
  }

  /**
   * Admits the workload's labelled pods to the feature server (those of this namespace are admitted by the server's
   * own policy) and records the client labels they must carry. A workload on another cluster cannot be
   * admitted: a namespace selector here would admit this cluster's namespace of the same name instead.
   */
  private admit(workload: WorkloadIdentity): Record<string, string> {
    if (workload.target.clusterName !== this.target.clusterName) {
      Annotations.of(this).addWarning(`${this.node.path}: ${workload.node.path} runs on cluster ${workload.target.clusterName}, the feature ` +
        `server on ${this.target.clusterName}: it was granted offline (historical) access only. Online lookups cannot reach ${this.endpoint}; ` +
        'run the reader on this cluster or expose the feature server through an internal load balancer with TLS');
      return {};
    }
    RequiredPodLabels.add(workload, this.clientLabels, this);
    const ns = workload.target.namespace;
    if (ns !== this.target.namespace) this.connections.allowDefaultPortFrom(Peer.podsInNamespace(ns, this.clientLabels));
    return { ...this.clientLabels };
  }
}

interface PodFactoryProps {
  readonly image: string;
  readonly configMapName: string;
  readonly redisPassword: SecretKeyRef;
  /** The online store's CA certificate, mounted for TLS verification. */
  readonly redisCaFile?: SecretFileMount;
  /** Variables read from secret keys (the SQL registry's URL). */
  readonly secretEnv: Record<string, SecretKeyRef>;
  readonly credentialsSecret?: string;
  readonly awsRegion?: string;
  /** Mount credentialsSecret's `credentials.json` for Google client libraries. */
  readonly googleCredentialsFile: boolean;
  readonly memory: string;
}

/** Builds the hardened pod spec every Feast pod (server, apply, materialize) shares. */
class FeastPodFactory {
  constructor(private readonly props: PodFactoryProps) {}

  /** `role` decides the restart policy: the server restarts its container, the apply Job retries in place, a scheduled run's failed pod is kept for its logs. */
  public spec(serviceAccountName: string, container: string, command: string[], cpu: Cpu, role: 'server' | 'job' | 'scheduled') {
    const p = this.props;
    const env = [
      { name: 'HOME', value: '/tmp' },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { name: 'FEAST_USAGE', value: 'False' },
      secretEnv('FEAST_REDIS_PASSWORD', p.redisPassword),
      ...Object.entries(p.secretEnv).map(([name, ref]) => secretEnv(name, ref)),
      ...(p.awsRegion ? [{ name: 'AWS_REGION', value: p.awsRegion }] : []),
      ...(p.credentialsSecret && p.googleCredentialsFile ? [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/feast-cloud/credentials.json' }] : []),
    ];
    const volumeMount = [
      { name: 'repo', mountPath: `${REPO}/feature_store.yaml`, subPath: 'feature_store.yaml', readOnly: true },
      { name: 'repo', mountPath: `${REPO}/features.py`, subPath: 'features.py', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      ...(p.credentialsSecret && p.googleCredentialsFile ? [{ name: 'cloud-credentials', mountPath: '/var/run/secrets/feast-cloud', readOnly: true }] : []),
      ...(p.redisCaFile ? [{ name: 'online-store-ca', mountPath: p.redisCaFile.mountDir, readOnly: true }] : []),
    ];
    return {
      serviceAccountName,
      // Feast never calls the Kubernetes API; EKS Pod Identity and GKE Workload Identity need no mounted token.
      automountServiceAccountToken: false,
      ...(role === 'scheduled' ? {} : { restartPolicy: role === 'job' ? 'OnFailure' : 'Always' }),
      securityContext: restrictedPodSecurityContext(FEAST_UID),
      container: [{
        name: container,
        image: p.image,
        command,
        env,
        ...secretEnvFrom(p.credentialsSecret),
        resources: {
          requests: { cpu: cpu.toKubernetes(), memory: p.memory },
          limits: { cpu: Cpu.millis(cpu.toMillis() * 2).toKubernetes(), memory: p.memory },
        },
        securityContext: restrictedContainerSecurityContext(FEAST_UID),
        volumeMount,
      }],
      volume: [
        { name: 'repo', configMap: { name: p.configMapName } },
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
        ...(p.credentialsSecret && p.googleCredentialsFile ? [{ name: 'cloud-credentials', secret: { secretName: p.credentialsSecret, optional: true } }] : []),
        ...(p.redisCaFile ? [{ name: 'online-store-ca', secret: { secretName: p.redisCaFile.secret.name, items: [{ key: p.redisCaFile.secret.key, path: p.redisCaFile.secret.key }] } }] : []),
      ],
    };
  }
}
