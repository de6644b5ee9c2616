import { Annotations, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Contracts } from '../contracts/contracts';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { RequiredPodLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/provider-sources';
import { Cpu, Size } from '../core/units';
import { WorkloadIdentity, WorkloadIdentityKind } from '../core/workload-identity';
import { checkFeatureDefinitions, cronFor, FeatureDefinitions, FeatureStoreBackend, FeatureView } from './definitions';
import { renderFeastDefinitions, renderYaml, YamlMap } from './feast-render';
import type { FeastElastiCache, FeastMemorystore } from './feast-managed-redis';
import { buildOnlineStore, checkOnlineStore } from './feast-online-store';
import { FeastRedis } from './feast-redis';
import { FeastCloud, FeastOfflineStore, FeastOnlineStore, FeastRegistry } from './feast-stores';
import { IFeatureStore } from './feature-store';
import { uniqueIamMember } from '../core/private/bindings';
import { requireProvider } from '../core/private/optional-provider';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './hardening';
import { checkPinnedImage, defaultImage } from '../core/images';

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

/**
 * Feast on any Kubernetes target, from typed definitions.
 *
 * Creates: `feature_store.yaml` and the feature definitions rendered into a ConfigMap; a Job running
 * `feast apply` (replaced whenever the ConfigMap changes); the feature server Deployment (pinned image,
 * probes on `/health`, requests and limits, restricted security context with a read-only root filesystem),
 * a ClusterIP Service, a HorizontalPodAutoscaler, a PodDisruptionBudget and a NetworkPolicy admitting only
 * granted clients; one materialization CronJob per refresh interval (`feast materialize-incremental`,
 * concurrency Forbid); the online store (in-cluster Redis, ElastiCache or Memorystore); and two workload identities (server: registry
 * read; jobs: registry write + offline read), so no static cloud key is used where the target has workload
 * identity.
 */
export class FeastFeatureStore extends Construct implements IFeatureStore {
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
  public readonly networkPolicy: NetworkPolicyV1;
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
  public get onlineServer(): { readonly workload: DeploymentV1; readonly port: number } {
    return { workload: this.deployment, port: SERVER_PORT };
  }
  private readonly registry: FeastRegistry;
  private readonly offline: FeastOfflineStore;
  private readonly grantedNamespaces = new Set<string>();
  private grants = 0;

  constructor(scope: Construct, id: string, props: FeastFeatureStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const name = props.name ?? 'feast';
    const v = new Validator(this);
    checkResourceName(v, 'name', name, 20);
    checkFeatureDefinitions(v, props.definitions, FeatureStoreBackend.FEAST);
    v.check(props.registry instanceof FeastRegistry, 'registry', props.registry, 'must be a FeastRegistry, e.g. FeastRegistry.s3(bucket)');
    if (v.check(props.onlineStore instanceof FeastOnlineStore, 'onlineStore', props.onlineStore,
      'must be a FeastOnlineStore, e.g. FeastOnlineStore.inClusterRedis({ passwordSecret })')) checkOnlineStore(v, props.onlineStore, props.target);
    if (v.check(props.offlineStore instanceof FeastOfflineStore, 'offlineStore', props.offlineStore, 'must be a FeastOfflineStore, e.g. FeastOfflineStore.s3Files(bucket)')) {
      (props.definitions?.featureViews ?? []).forEach((view, i) => {
        if (view?.source?.kind === undefined) return;
        v.check(view.source.kind === props.offlineStore.sourceKind, `definitions.featureViews[${i}].source`, String(view.source),
          `does not match the offline store (it reads ${props.offlineStore.sourceKind} sources); move the data or choose a matching offline store`);
        // Feast writes temporary tables into the offline store's dataset, so every client gets dataEditor there:
        // a source table in that dataset would be writable by every reader.
        const bq = props.offlineStore.bigQuery;
        const [project, dataset] = String(view.source.location ?? '').split('.');
        v.check(!bq || project !== bq.project || dataset !== bq.dataset, `definitions.featureViews[${i}].source`, view.source.location,
          `is in ${bq?.project}.${bq?.dataset}, the dataset Feast writes its temporary tables to (its clients get roles/bigquery.dataEditor there); ` +
          'give FeastOfflineStore.bigQuery a staging dataset of its own');
      });
    }
    checkPinnedImage(v, 'image', props.image);
    const minReplicas = props.minReplicas ?? 2;
    const maxReplicas = props.maxReplicas ?? 6;
    v.integer('minReplicas', minReplicas, 1, 100);
    v.integer('maxReplicas', maxReplicas, 1, 100);
    v.check(maxReplicas >= minReplicas, 'maxReplicas', maxReplicas, `is below minReplicas (${minReplicas}); raise maxReplicas or lower minReplicas`);
    const identityCloud = cloudOf(props.target.identity.kind);
    for (const [prop, cloud] of [['registry', props.registry?.cloud], ['offlineStore', props.offlineStore?.cloud]] as const) {
      if (cloud && cloud !== FeastCloud.NONE && cloud !== identityCloud) {
        v.check(props.credentialsSecret !== undefined, 'credentialsSecret', props.credentialsSecret,
          `is required: the ${prop} is in ${cloud} but ${props.target.clusterName} has no ${cloud} workload identity; name an existing secret with credentials`);
      }
    }
    if (props.credentialsSecret !== undefined) checkResourceName(v, 'credentialsSecret', props.credentialsSecret, 253);
    v.throwIfAny();

    this.definitions = props.definitions;
    this.target = props.target;
    this.name = name;
    this.registry = props.registry;
    this.offline = props.offlineStore;
    const target = props.target;
    const ns = target.namespace;
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };
    const partOf = { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': name };
    this.clientLabels = { [`feast.ml-platform.io/${name}-client`]: 'true' };

    this.serverIdentity = new WorkloadIdentity(this, 'server-identity', { target, serviceAccountName: `${name}-server`, cloudName: `${name}-server` });
    this.jobIdentity = new WorkloadIdentity(this, 'job-identity', { target, serviceAccountName: `${name}-jobs`, cloudName: `${name}-jobs` });
    this.grantCloudAccess(this.serverIdentity, 'registry-read');
    this.grantCloudAccess(this.jobIdentity, 'registry-write');
    this.grantCloudAccess(this.jobIdentity, 'offline-read');

    const online = buildOnlineStore(this, props.onlineStore, target, name, partOf);
    this.redis = online.redis;
    this.elastiCache = online.elastiCache;
    this.memorystore = online.memorystore;
    const onlineConfig: YamlMap = { type: 'redis', redis_type: 'redis', connection_string: online.connection.connectionString };

    this.featureStoreYaml = renderYaml({
      project: props.definitions.project,
      provider: 'local',
      registry: props.registry.config,
      online_store: onlineConfig,
      offline_store: props.offlineStore.config,
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
      registryUrl: props.registry.urlSecret,
      credentialsSecret: props.credentialsSecret,
      // The bucket's own region (works across stacks: an on-prem stack needs no AWS provider of its own).
      awsRegion: [props.registry.cloud, props.offlineStore.cloud].includes(FeastCloud.AWS)
        ? (props.offlineStore.s3Bucket ?? props.registry.s3Bucket)?.bucket.region ?? awsProviderRegion(this)
        : undefined,
      googleCredentialsFile: identityCloud !== FeastCloud.GOOGLE && [props.registry.cloud, props.offlineStore.cloud].includes(FeastCloud.GOOGLE),
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
          spec: pod.spec(this.jobIdentity.serviceAccountName, 'apply', ['feast', '-c', REPO, 'apply'], Cpu.millis(500), true),
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
      ['feast', '-c', REPO, 'serve', '-h', '0.0.0.0', '-p', String(SERVER_PORT)], cpu, false);
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
    // Clients in this namespace that carry the client label; grants admit other namespaces.
    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-server-ingress`, namespace: ns, labels: serverLabels },
      spec: {
        podSelector: { matchLabels: serverLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: this.clientLabels } }], ports: [{ port: String(SERVER_PORT), protocol: 'TCP' }] }],
      },
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
      this.materializeJobs.push(new CronJobV1(this, `materialize-${every}`, {
        provider: target.providerFor(this),
        dependsOn: [...target.dependablesFor(this), this.applyJob],
        metadata: { name: `${name}-materialize-${every}`, namespace: ns, labels },
        spec: {
          schedule: cronFor(every)!,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 2,
              activeDeadlineSeconds: Math.max(seconds, 600),
              template: {
                metadata: { labels },
                // `$$(` is Kubernetes' escape for a literal `$(`: the shell, not the kubelet, runs `date`.
                spec: pod.spec(this.jobIdentity.serviceAccountName, 'materialize',
                  ['/bin/sh', '-c', `exec feast -c ${REPO} materialize-incremental "$$(date -u +%Y-%m-%dT%H:%M:%S)" ${viewArgs}`], Cpu.cores(1), true),
              },
            },
          },
        },
      }));
    }
  }

  /**
   * Lets a workload read features: network access to the feature server from its namespace, and read access
   * to the registry and offline store for historical retrieval where its cluster has the cloud's workload
   * identity. The feature server's NetworkPolicies admit pods by {@link clientLabels}: they are recorded for
   * the workload ({@link RequiredPodLabels.of}) and returned, to be put on the pod template of every pod that
   * runs as it (KubernetesInferenceEndpoint does so itself).
   * @returns the labels the workload's pods must carry (empty for a workload on another cluster, which no
   *   NetworkPolicy can admit)
   */
  public grantRead(workload: WorkloadIdentity): Record<string, string> {
    const labels = this.admit(workload);
    // Registry and offline files in one bucket: one read grant. Two would be inline policies of the same name
    // on one role (the bucket's grantRead names them after the bucket), and one would silently replace the other.
    if (!this.registryInOfflineBucket) this.grantCloudAccess(workload, 'registry-read');
    this.grantCloudAccess(workload, 'offline-read', this.registryInOfflineBucket);
    return labels;
  }

  /**
   * Lets a workload write features: everything {@link grantRead} gives, plus write access to the offline
   * store (the files or tables that materialization reads). The registry stays writable only by `feast apply`.
   * @returns the labels the workload's pods must carry, as {@link grantRead}
   */
  public grantWrite(workload: WorkloadIdentity): Record<string, string> {
    const labels = this.admit(workload);
    this.grantCloudAccess(workload, 'registry-read');
    this.grantCloudAccess(workload, 'offline-write');
    return labels;
  }

  /** Whether the registry file lives in the offline store's bucket. */
  private get registryInOfflineBucket(): boolean {
    const r = this.registry;
    const o = this.offline;
    return (r.s3Bucket !== undefined && r.s3Bucket === o.s3Bucket) || (r.gcsBucket !== undefined && r.gcsBucket === o.gcsBucket);
  }

  /**
   * Admits the workload's namespace to the feature server (this namespace is admitted by the server's own
   * policy) and records the client labels its pods must carry. A workload on another cluster cannot be
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
    if (ns === this.target.namespace || this.grantedNamespaces.has(ns)) return { ...this.clientLabels };
    this.grantedNamespaces.add(ns);
    const serverLabels = { 'app.kubernetes.io/name': 'feast', 'app.kubernetes.io/instance': this.name, 'app.kubernetes.io/component': 'feature-server' };
    new NetworkPolicyV1(this, `client-namespace-${ns}`, {
      provider: this.target.providerFor(this),
      dependsOn: this.target.dependablesFor(this),
      metadata: { name: `${this.name}-from-${ns}`.slice(0, 63), namespace: this.target.namespace, labels: serverLabels },
      spec: {
        podSelector: { matchLabels: serverLabels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: this.clientLabels } }],
          ports: [{ port: String(SERVER_PORT), protocol: 'TCP' }],
        }],
      },
    });
    return { ...this.clientLabels };
  }

  /** Cloud grants through the workload's identity; a cloud it has no identity for is reached with credentialsSecret instead. */
  private grantCloudAccess(workload: WorkloadIdentity, what: 'registry-read' | 'registry-write' | 'offline-read' | 'offline-write', coverRegistry = false): void {
    const cloud = cloudOf(workload.target.identity.kind);
    const write = what.endsWith('write');
    if (what.startsWith('registry')) {
      const r = this.registry;
      if (r.s3Bucket && cloud === FeastCloud.AWS) {
        const prefix = r.path!.slice(0, r.path!.lastIndexOf('/') + 1);
        if (write) r.s3Bucket.grantReadWrite(workload, prefix); else r.s3Bucket.grantRead(workload, prefix);
      }
      if (r.gcsBucket && cloud === FeastCloud.GOOGLE) {
        if (write) r.gcsBucket.grantReadWrite(workload); else r.gcsBucket.grantRead(workload);
      }
      return;
    }
    const o = this.offline;
    if (o.s3Bucket && cloud === FeastCloud.AWS) {
      // A reader whose registry shares the bucket gets one grant covering both (see grantRead).
      const prefix = coverRegistry ? commonPrefix(o.prefix, this.registry.path!) : o.prefix;
      if (write) o.s3Bucket.grantReadWrite(workload, o.prefix); else o.s3Bucket.grantRead(workload, prefix);
    }
    if (o.gcsBucket && cloud === FeastCloud.GOOGLE) {
      if (write) o.gcsBucket.grantReadWrite(workload); else o.gcsBucket.grantRead(workload);
    }
    if (o.bigQuery && cloud === FeastCloud.GOOGLE && workload.gcpMember) {
      const { grantBigQueryTables, grantProjectRole, BigqueryDatasetIamMember } = requireProvider(this, 'a BigQuery offline store grant', () => ({
        ...(require('./gcp-grants') as typeof import('./gcp-grants')),
        ...(require('@cdktf/provider-google/lib/bigquery-dataset-iam-member') as typeof import('@cdktf/provider-google/lib/bigquery-dataset-iam-member')),
      }));
      const member = workload.gcpMember;
      const id = `bq-${this.grants++}`;
      grantBigQueryTables(this, `${id}-table`, member, this.definitions.featureViews.map((fv) => fv.source),
        write ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer');
      // Feast stages entity dataframes and query results as temporary tables in its own staging dataset (which
      // holds no source table: checked at construction), and runs query jobs.
      uniqueIamMember(this, 'google_bigquery_dataset_iam_member', { project: o.bigQuery.project, datasetId: o.bigQuery.dataset, role: 'roles/bigquery.dataEditor', member },
        () => new BigqueryDatasetIamMember(this, `${id}-dataset`, { project: o.bigQuery!.project, datasetId: o.bigQuery!.dataset, role: 'roles/bigquery.dataEditor', member }));
      grantProjectRole(this, `${id}-jobs`, o.bigQuery.project, 'roles/bigquery.jobUser', member);
    }
  }
}

/** The region of `scope`'s AWS provider, read by a data source (provider-aws loads only when a store is on AWS). */
function awsProviderRegion(scope: Construct): string {
  const { DataAwsRegion } = requireProvider(scope, 'the AWS region lookup', () =>
    require('@cdktf/provider-aws/lib/data-aws-region') as typeof import('@cdktf/provider-aws/lib/data-aws-region'));
  return new DataAwsRegion(scope, 'region').region;
}

/** The longest key prefix two keys share, up to and including its last `/`. */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, a.lastIndexOf('/', i - 1) + 1);
}

function cloudOf(kind: WorkloadIdentityKind): FeastCloud {
  if (kind === WorkloadIdentityKind.EKS_POD_IDENTITY) return FeastCloud.AWS;
  if (kind === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY) return FeastCloud.GOOGLE;
  return FeastCloud.NONE;
}

interface PodFactoryProps {
  readonly image: string;
  readonly configMapName: string;
  readonly redisPassword: { readonly name: string; readonly key: string };
  /** The online store's CA certificate, mounted for TLS verification. */
  readonly redisCaFile?: { readonly secretName: string; readonly key: string; readonly mountDir: string };
  readonly registryUrl?: { readonly name: string; readonly key: string };
  readonly credentialsSecret?: string;
  readonly awsRegion?: string;
  /** Mount credentialsSecret's `credentials.json` for Google client libraries. */
  readonly googleCredentialsFile: boolean;
  readonly memory: string;
}

/** Builds the hardened pod spec every Feast pod (server, apply, materialize) shares. */
class FeastPodFactory {
  constructor(private readonly props: PodFactoryProps) {}

  public spec(serviceAccountName: string, container: string, command: string[], cpu: Cpu, job: boolean) {
    const p = this.props;
    const env = [
      { name: 'HOME', value: '/tmp' },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { name: 'FEAST_USAGE', value: 'False' },
      { name: 'FEAST_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: p.redisPassword.name, key: p.redisPassword.key } } },
      ...(p.registryUrl ? [{ name: 'FEAST_REGISTRY_URL', valueFrom: { secretKeyRef: { name: p.registryUrl.name, key: p.registryUrl.key } } }] : []),
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
      restartPolicy: job ? 'OnFailure' : 'Always',
      securityContext: restrictedPodSecurityContext(FEAST_UID),
      container: [{
        name: container,
        image: p.image,
        command,
        env,
        ...(p.credentialsSecret ? { envFrom: [{ secretRef: { name: p.credentialsSecret } }] } : {}),
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
        ...(p.redisCaFile ? [{ name: 'online-store-ca', secret: { secretName: p.redisCaFile.secretName, items: [{ key: p.redisCaFile.key, path: p.redisCaFile.key }] } }] : []),
      ],
    };
  }
}
