import { Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { IModelSource, ModelAccess, ModelConsumer } from '../core/model-source';
import { checkReleasedVersions, isReleased, ReleasedModelVersions } from './model-versions';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Validator } from '../core/errors';
import { checkPinnedImage } from '../core/images';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { checkResourceName } from '../core/names';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security-context';
import { qualifyProviderSources } from '../core/provider-sources';
import { Cpu, Size } from '../core/units';
import { WorkloadIdentity, WorkloadIdentityKind } from '../core/workload-identity';
import type { CloudSqlPostgresProps } from './cloud-sql-postgres';
import { checkInClusterProps, InClusterPostgres, InClusterPostgresProps } from './in-cluster-postgres';
import { ModelLineage } from './lineage';
import { BackendContext, IMlflowDatabase, MlflowBackend, MlflowBackendKind } from './mlflow-backend';
import { MLFLOW_DB_LIVENESS, MLFLOW_LAUNCHER } from './mlflow-launcher';
import { IModelRegistry, ModelRegistryKind } from './model-registry';
import { ObjectStore, ObjectStoreKind } from './object-store';
import type { RdsPostgresProps } from './rds-postgres';
import { requireProvider } from '../core/private/optional-provider';

/** MLflow basic-auth permission given to users on resources they did not create. */
export enum MlflowPermission {
  NO_PERMISSIONS = 'NO_PERMISSIONS',
  READ = 'READ',
  EDIT = 'EDIT',
  MANAGE = 'MANAGE',
}

/** An existing Kubernetes secret (in the target namespace) with MLflow's admin user and Flask secret key. */
export interface MlflowAdminSecretRef {
  readonly secretName: string;
  /** @default 'username' */
  readonly usernameKey?: string;
  /** @default 'password' */
  readonly passwordKey?: string;
  /** Key of the Flask secret key (CSRF protection; the same for every replica). @default 'flask-secret-key' */
  readonly flaskSecretKeyKey?: string;
}

/**
 * How clients outside the cluster (edge sites) reach MLflow: through an Ingress (or Gateway) you run, which
 * terminates TLS. The registry only admits the ingress controller's pods to the server; it does not create
 * the Ingress.
 */
export interface MlflowExternalAccess {
  /** The external URL, `https://…` (credentials cross the network: plain HTTP is refused). */
  readonly url: string;
  /** Namespaces of the ingress controller pods that forward to MLflow, admitted by a NetworkPolicy. */
  readonly fromNamespaces: string[];
}

/** One permission the server applies at start for a model consumer (see {@link MlflowModelRegistry.modelGrants}). */
export interface MlflowModelGrant {
  /** The consumer's MLflow user. */
  readonly username: string;
  /** The registered model. */
  readonly model: string;
  /** The versions the consumer reads: READ on the experiments holding their artifacts is granted too. */
  readonly versions: string[];
  readonly permission: MlflowPermission;
}

/** Props for {@link MlflowModelRegistry}. */
export interface MlflowModelRegistryProps {
  /** The cluster and namespace it runs in. */
  readonly target: IKubernetesTarget;
  /**
   * The server image, pinned by tag or (better) digest. The upstream `ghcr.io/mlflow/mlflow` images ship
   * neither psycopg2 nor boto3 / google-cloud-storage (mlflow/mlflow#9513), so build one
   * `FROM ghcr.io/mlflow/mlflow:v2.22.0` with `pip install psycopg2-binary boto3` and push it to your registry.
   */
  readonly image: string;
  /** Name of the Deployment, Service and service account. @default 'mlflow' */
  readonly name?: string;
  /** The tracking/registry database. */
  readonly backend: MlflowBackend;
  /** Where artifacts go; the server proxies them (`--serve-artifacts`), so clients need no bucket access. */
  readonly artifactStore: ObjectStore;
  /** Key prefix for artifacts in the store. @default 'mlflow-artifacts/' */
  readonly artifactPrefix?: string;
  /** Admin credentials and Flask secret key, by reference. */
  readonly adminSecret: MlflowAdminSecretRef;
  /** @default MlflowPermission.NO_PERMISSIONS (users see what they created or were granted) */
  readonly defaultPermission?: MlflowPermission;
  /** @default 2 */
  readonly replicas?: number;
  /** Gunicorn workers per replica. @default 2 */
  readonly workers?: number;
  /** CPU request (the limit is twice it). @default Cpu.millis(500) */
  readonly cpu?: Cpu;
  /** Memory request and limit. @default Size.gibibytes(2) */
  readonly memory?: Size;
  /**
   * Registered model versions released for deployment (`{ churn: ['3', '4'] }`); endpoints and edge rings may
   * only use these. @default - none released
   */
  readonly releasedVersions?: ReleasedModelVersions;
  /**
   * An existing secret in the registry's namespace holding the passwords of model consumers' MLflow users: one
   * key per user name (`serving.churn-serving`, `edge.defects`), the same password as the consumer's own
   * secret. At every start the server creates or updates those users and applies their grants
   * ({@link MlflowModelRegistry.modelGrants}); a user without a key is logged and gets no access.
   * @default '<name>-users'
   */
  readonly usersSecretName?: string;
  /** Clients outside the cluster (edge sites) and how they get in. @default - in-cluster clients only */
  readonly externalAccess?: MlflowExternalAccess;
}

const PORT = 5000;
/** Where the users secret is mounted; the launcher reads one file per user. */
const USERS_DIR = '/etc/mlflow/users';
/** MLflow user names are keys of the users secret. */
const USERNAME = /^[A-Za-z0-9]([-._A-Za-z0-9]{0,251}[A-Za-z0-9])?$/;
/** Where an in-cluster database's nightly dumps go in the artifact store (outside the artifact root). */
const BACKUP_PREFIX = 'mlflow-db-backups/';

/**
 * MLflow tracking server and model registry on any Kubernetes target.
 *
 * Creates: the backend database (RDS, Cloud SQL or an in-cluster StatefulSet), a WorkloadIdentity for the server
 * (its only cloud access: the artifact bucket, and on RDS / Cloud SQL its own password secret), a Deployment (pinned image,
 * non-root, read-only root filesystem with in-memory emptyDirs, all capabilities dropped, probes, requests and
 * limits, spread across nodes), a ClusterIP Service, a PodDisruptionBudget and a NetworkPolicy admitting only
 * the namespace (`grantPublish`/`grantRead` admit more). Authentication is MLflow's own `basic-auth` app:
 * clients authenticate with `MLFLOW_TRACKING_USERNAME`/`PASSWORD`, users and permissions live in the
 * `<db>_auth` database, the admin comes from a referenced secret. Chosen over an oauth2-proxy sidecar because
 * training jobs and CI talk to MLflow through its Python client, which speaks basic auth and not OIDC.
 */
export class MlflowModelRegistry extends Construct implements IModelRegistry, IModelSource {
  /** Versions released for deployment. */
  public readonly releasedVersions?: ReleasedModelVersions;
  public readonly kind = ModelRegistryKind.MLFLOW;
  public readonly name: string;
  public readonly target: IKubernetesTarget;
  public readonly identity: WorkloadIdentity;
  public readonly database: IMlflowDatabase;
  public readonly artifactStore: ObjectStore;
  public readonly deployment: DeploymentV1;
  public readonly service: ServiceV1;
  public readonly podDisruptionBudget: PodDisruptionBudgetV1;
  public readonly networkPolicy: NetworkPolicyV1;
  /** NetworkPolicies added by grants, by namespace. */
  public readonly grantPolicies: Record<string, NetworkPolicyV1> = {};
  /** The URL clients outside the cluster use, when {@link MlflowModelRegistryProps.externalAccess} is set. */
  public readonly externalUrl?: string;
  /** The secret the server reads consumers' passwords from. */
  public readonly usersSecretName: string;
  private readonly podLabels: Record<string, string>;
  private readonly artifactPrefix: string;
  private readonly grants = new Map<string, { username: string; model: string; versions: Set<string>; permission: MlflowPermission }>();

  constructor(scope: Construct, id: string, props: MlflowModelRegistryProps) {
    super(scope, id);
    qualifyProviderSources(this);
    MlflowModelRegistry.validate(this, props);
    const name = props.name ?? 'mlflow';
    const target = props.target;
    const namespace = target.namespace;
    this.name = name;
    this.releasedVersions = props.releasedVersions;
    this.target = target;
    this.artifactStore = props.artifactStore;
    this.artifactPrefix = props.artifactPrefix ?? 'mlflow-artifacts/';
    this.usersSecretName = props.usersSecretName ?? `${name}-users`;
    this.externalUrl = props.externalAccess?.url;
    this.podLabels = { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': name };
    const labels = { ...this.podLabels, 'app.kubernetes.io/component': 'model-registry', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };

    const inCluster = props.backend.kind === MlflowBackendKind.IN_CLUSTER;
    const backupsOn = inCluster && (props.backend.props as InClusterPostgresProps).backups !== false;
    const ctx: BackendContext = {
      target, name, serverPodLabels: this.podLabels,
      ...(backupsOn ? { backupStore: { store: props.artifactStore, prefix: BACKUP_PREFIX, serviceAccountName: name } } : {}),
    };
    switch (props.backend.kind) {
      case MlflowBackendKind.RDS: {
        const { RdsPostgres } = rdsPostgres(this);
        this.database = new RdsPostgres(this, 'database', props.backend.props as RdsPostgresProps, ctx);
        break;
      }
      case MlflowBackendKind.CLOUD_SQL: {
        const { CloudSqlPostgres } = cloudSqlPostgres(this);
        this.database = new CloudSqlPostgres(this, 'database', props.backend.props as CloudSqlPostgresProps, ctx);
        break;
      }
      default:
        this.database = new InClusterPostgres(this, 'database', props.backend.props as InClusterPostgresProps, ctx);
    }
    const db = this.database.connection;

    this.identity = new WorkloadIdentity(this, 'identity', { target, serviceAccountName: name, cloudName: name });
    if (props.artifactStore.kind !== ObjectStoreKind.S3_COMPATIBLE) props.artifactStore.grantReadWrite(this.identity, this.artifactPrefix);
    if (backupsOn && props.artifactStore.kind === ObjectStoreKind.S3) props.artifactStore.grantReadWrite(this.identity, BACKUP_PREFIX);
    if (db.awsStatements.length) this.identity.addAwsPolicy('database-credentials', db.awsStatements);
    this.database.grantCredentials?.(this.identity);

    const admin = props.adminSecret;
    const fromSecret = (envName: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: admin.secretName, key } } });
    const cpu = props.cpu ?? Cpu.millis(500);
    const memory = (props.memory ?? Size.gibibytes(2)).toKubernetes();
    const health = { httpGet: { path: '/health', port: 'http' } };

    this.deployment = new DeploymentV1(this, 'deployment', {
      ...common,
      dependsOn: [...target.dependablesFor(this), this.identity.serviceAccount],
      metadata: { name, namespace, labels },
      spec: {
        replicas: String(props.replicas ?? 2),
        selector: { matchLabels: this.podLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0', maxSurge: '1' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.identity.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(10001),
            topologySpreadConstraint: [{
              maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: [{ matchLabels: this.podLabels }],
            }],
            container: [{
              name: 'mlflow',
              image: props.image,
              command: ['python', '-c', MLFLOW_LAUNCHER],
              port: [{ name: 'http', containerPort: PORT }],
              env: [
                { name: 'HOME', value: '/tmp' },
                { name: 'MLFLOW_PORT', value: String(PORT) },
                { name: 'MLFLOW_WORKERS', value: String(props.workers ?? 2) },
                { name: 'MLFLOW_ARTIFACTS_DESTINATION', value: props.artifactStore.uri(this.artifactPrefix).replace(/\/$/, '') },
                { name: 'MLFLOW_DEFAULT_PERMISSION', value: props.defaultPermission ?? MlflowPermission.NO_PERMISSIONS },
                { name: 'MLFLOW_DB_HOST', value: db.host },
                { name: 'MLFLOW_DB_PORT', value: String(db.port) },
                { name: 'MLFLOW_DB_NAME', value: db.database },
                { name: 'MLFLOW_DB_USER', value: db.username },
                { name: 'MLFLOW_DB_SSLMODE', value: db.sslMode },
                ...db.env,
                ...props.artifactStore.connectionEnv(),
                fromSecret('MLFLOW_ADMIN_USERNAME', admin.usernameKey ?? 'username'),
                fromSecret('MLFLOW_ADMIN_PASSWORD', admin.passwordKey ?? 'password'),
                fromSecret('MLFLOW_FLASK_SERVER_SECRET_KEY', admin.flaskSecretKeyKey ?? 'flask-secret-key'),
                // Consumers bind after the registry is declared: the grants are read at synth.
                { name: 'MLFLOW_MODEL_GRANTS', value: Lazy.stringValue({ produce: () => JSON.stringify(this.modelGrants) }) },
                { name: 'MLFLOW_USERS_DIR', value: USERS_DIR },
              ],
              // Database migrations run on first start; give them up to 10 minutes.
              startupProbe: { ...health, periodSeconds: 10, failureThreshold: 60 },
              readinessProbe: { ...health, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: db.rotatingCredentials
                ? { exec: { command: ['python', '-c', MLFLOW_DB_LIVENESS] }, periodSeconds: 60, timeoutSeconds: 15, failureThreshold: 3 }
                : { ...health, periodSeconds: 20, failureThreshold: 3 },
              resources: {
                requests: { cpu: cpu.toKubernetes(), memory },
                limits: { cpu: Cpu.millis(cpu.toMillis() * 2).toKubernetes(), memory },
              },
              securityContext: hardenedContainerSecurityContext(),
              volumeMount: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'run', mountPath: '/run/mlflow' },
                { name: 'users', mountPath: USERS_DIR, readOnly: true },
              ],
            }],
            volume: [
              { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
              // Credentials the launcher renders: in memory only.
              { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
              // Optional: without consumers nothing needs it, and a missing user is logged, not fatal.
              { name: 'users', secret: { secretName: this.usersSecretName, optional: true, defaultMode: '0440' } },
            ],
          },
        },
      },
    });

    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace, labels },
      spec: { type: 'ClusterIP', selector: this.podLabels, port: [{ name: 'http', port: PORT, targetPort: 'http' }] },
    });
    this.podDisruptionBudget = new PodDisruptionBudgetV1(this, 'pdb', {
      ...common,
      metadata: { name, namespace, labels },
      spec: { maxUnavailable: '1', selector: { matchLabels: this.podLabels } },
    });
    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-same-namespace`, namespace, labels },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }], ports: [{ port: String(PORT), protocol: 'TCP' }] }],
      },
    });
    for (const ns of props.externalAccess?.fromNamespaces ?? []) this.admitNamespaceByName(ns);
  }

  /** Registry name for messages. */
  public get registryName(): string {
    return `MLflow ${this.name} on ${this.target.clusterName}`;
  }

  /** `models:/<model>/<version>`: MLflow clients and MLflow-aware servers resolve it with `MLFLOW_TRACKING_URI`. */
  public modelVersionUri(model: string, version: string): string {
    return `models:/${model}/${version}`;
  }

  /** Whether the version is declared in `releasedVersions`. */
  public hasModelVersion(model: string, version: string): boolean {
    return isReleased(this.releasedVersions, model, version);
  }

  /** `http://<name>.<namespace>.svc:5000`, the in-cluster `MLFLOW_TRACKING_URI`. */
  public get trackingUri(): string {
    return `http://${this.name}.${this.target.namespace}.svc:${PORT}`;
  }

  public get artifactUri(): string {
    return this.artifactStore.uri(this.artifactPrefix);
  }

  /**
   * Lets the workload's namespace reach the server. Publishing itself is an MLflow permission (`EDIT` on
   * the registered model, or `MANAGE` on models the user creates) of the MLflow user the workload logs in as;
   * artifacts go through the server, so the workload needs no bucket access.
   */
  public grantPublish(workload: WorkloadIdentity): void {
    this.admitNamespace(workload);
  }

  /** Lets the workload's namespace reach the server (read permission is MLflow's `READ`). */
  public grantRead(workload: WorkloadIdentity): void {
    this.admitNamespace(workload);
  }

  /**
   * Gives a model consumer access to one version: the namespace of a consumer on the registry's cluster is
   * admitted by a NetworkPolicy and gets the in-cluster URL; any other consumer (an edge site, a workload on
   * another cluster) gets the external URL and comes through {@link MlflowModelRegistryProps.externalAccess}. The
   * consumer's MLflow user gets READ on the registered model and on the experiments holding the versions'
   * artifacts (applied by the server at start, {@link modelGrants}), and the consumer receives
   * `MLFLOW_TRACKING_URI` (in-cluster URL or external URL), `MLFLOW_TRACKING_USERNAME` and
   * `MLFLOW_TRACKING_PASSWORD` (a secretKeyRef to the consumer's own secret).
   */
  public bindModelConsumer(consumer: ModelConsumer, model: string, version: string): ModelAccess {
    const v = new Validator(consumer.construct);
    const user = consumer.registryUser;
    if (v.check(!!user && typeof user.username === 'string' && !!user.passwordSecret, `${consumer.prop}.registryUser`, user,
      `is required to read ${this.registryName}: MLflow runs with basic auth and no default permission; name the user and the secret key ` +
      'holding its password, e.g. { username: "serving.churn", passwordSecret: { name: "churn-mlflow", key: "password" } }')) {
      if (!Token.isUnresolved(user!.username)) {
        v.check(USERNAME.test(user!.username), `${consumer.prop}.registryUser.username`, user!.username,
          `must be letters, digits, "-", "_" and "." (it is a key of secret ${this.usersSecretName}), e.g. "serving.churn"`);
      }
    }
    const local = consumer.identity !== undefined && consumer.identity.target.clusterName === this.target.clusterName;
    v.check(local || this.externalUrl !== undefined, consumer.prop, this.registryName,
      `is read over the network by ${consumer.construct.node.path}, which runs outside cluster ${this.target.clusterName}, but the registry has no ` +
      'externalAccess; set externalAccess: { url: "https://mlflow.example.com", fromNamespaces: ["ingress-nginx"] } on the registry and publish it through that Ingress');
    v.throwIfAny();
    if (local) this.admitNamespace(consumer.identity!);
    this.grantModelPermission(user!.username, model, [version], MlflowPermission.READ);
    return {
      env: [
        { name: 'MLFLOW_TRACKING_URI', value: local ? this.trackingUri : this.externalUrl! },
        { name: 'MLFLOW_TRACKING_USERNAME', value: user!.username },
        { name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: user!.passwordSecret.name, key: user!.passwordSecret.key } } },
      ],
      granted: true,
    };
  }

  /**
   * Lets an MLflow user (password under its name in {@link usersSecretName}) use a registered model: the server
   * creates or updates the user and sets the permission at every start. Reading versions also needs READ on
   * the experiments holding their artifacts (artifacts are proxied by experiment), which the server grants
   * for the listed versions that exist.
   */
  public grantModelPermission(username: string, model: string, versions: string[], permission: MlflowPermission = MlflowPermission.READ): void {
    const v = new Validator(this);
    v.matches('grantModelPermission.username', username, USERNAME, `must be letters, digits, "-", "_" and "." (a key of secret ${this.usersSecretName})`);
    v.check(typeof model === 'string' && model.length > 0, 'grantModelPermission.model', model, 'is required: the registered model name');
    v.check(Array.isArray(versions), 'grantModelPermission.versions', versions, 'must list version numbers, e.g. ["3"]');
    v.check(Object.values(MlflowPermission).includes(permission), 'grantModelPermission.permission', permission, `must be one of ${Object.values(MlflowPermission).join(', ')}`);
    v.throwIfAny();
    const key = `${username}\u0000${model}`;
    const grant = this.grants.get(key);
    if (!grant) {
      this.grants.set(key, { username, model, versions: new Set(versions), permission });
      return;
    }
    versions.forEach((ver) => grant.versions.add(ver));
    const rank = Object.values(MlflowPermission);
    if (rank.indexOf(permission) > rank.indexOf(grant.permission)) grant.permission = permission;
  }

  /** The grants the server applies at start (its `MLFLOW_MODEL_GRANTS`), sorted by user and model. */
  public get modelGrants(): MlflowModelGrant[] {
    return [...this.grants.values()]
      .map((g) => ({ username: g.username, model: g.model, versions: [...g.versions].sort((a, b) => Number(a) - Number(b)), permission: g.permission }))
      .sort((a, b) => (a.username === b.username ? a.model.localeCompare(b.model) : a.username.localeCompare(b.username)));
  }

  /** MLflow model-version tags, as `MlflowClient.set_model_version_tag(name, version, key, value)` takes them. */
  public lineageMetadata(lineage: ModelLineage): Record<string, string> {
    return lineage.toRecord();
  }

  private admitNamespace(workload: WorkloadIdentity): void {
    if (workload.target.clusterName !== this.target.clusterName) {
      throw new Error(`${this.node.path}: workload ${workload.node.path} runs on cluster ${workload.target.clusterName}, MLflow on ` +
        `${this.target.clusterName}; a NetworkPolicy cannot admit another cluster. Expose MLflow through an internal Ingress with TLS instead`);
    }
    this.admitNamespaceByName(workload.target.namespace);
  }

  private admitNamespaceByName(ns: string): void {
    if (ns === this.target.namespace || this.grantPolicies[ns]) return;
    this.grantPolicies[ns] = new NetworkPolicyV1(this, `from-${ns}`, {
      provider: this.target.providerFor(this),
      dependsOn: this.target.dependablesFor(this),
      metadata: { name: `${this.name}-from-${ns}`.slice(0, 63), namespace: this.target.namespace, labels: this.podLabels },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }],
          ports: [{ port: String(PORT), protocol: 'TCP' }],
        }],
      },
    });
  }

  private static validate(self: Construct, props: MlflowModelRegistryProps): void {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { target, image, backend, artifactStore, adminSecret }');
      v.throwIfAny();
    }
    const name = props.name ?? 'mlflow';
    checkResourceName(v, 'name', name, 24);
    v.check(typeof name !== 'string' || name.length >= 3, 'name', name, 'must be at least 3 characters (it names the cloud identity too)');
    v.check(!!props.target && typeof props.target.namespace === 'string', 'target', props.target, 'is required: an IKubernetesTarget (e.g. cluster.teamTarget("ml"))');
    if (v.check(typeof props.image === 'string', 'image', props.image,
      'is required: an MLflow image with psycopg2 and your cloud SDK, e.g. registry.example.com/mlflow@sha256:<digest>')) {
      checkPinnedImage(v, 'image', props.image, {
        explicitRegistry: true,
        fix: 'must be registry/repository with a version tag or @sha256 digest (not :latest), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlflow:2.22.0',
      });
    }
    v.integer('replicas', props.replicas, 1, 20);
    v.integer('workers', props.workers, 1, 32);
    v.check(props.defaultPermission === undefined || Object.values(MlflowPermission).includes(props.defaultPermission), 'defaultPermission',
      props.defaultPermission, `must be one of ${Object.values(MlflowPermission).join(', ')}`);
    v.matches('artifactPrefix', props.artifactPrefix, /^([A-Za-z0-9!_.*'()-]+\/)+$/, 'must be a key prefix ending in "/", e.g. "mlflow-artifacts/"');
    if (v.check(!!props.adminSecret && typeof props.adminSecret.secretName === 'string', 'adminSecret', props.adminSecret,
      'is required: name an existing Kubernetes secret with the admin username, password and flask-secret-key (never literal values)')) {
      checkResourceName(v, 'adminSecret.secretName', props.adminSecret.secretName, 253);
    }
    v.check(props.artifactStore instanceof ObjectStore, 'artifactStore', props.artifactStore, 'must be an ObjectStore or DatasetStore');

    const identity = props.target?.identity?.kind;
    const platform = props.target?.clusterName ?? 'the target';
    if (v.check(props.backend instanceof MlflowBackend, 'backend', props.backend,
      'must be MlflowBackend.rds({...}), MlflowBackend.cloudSql({...}) or MlflowBackend.inCluster({...})')) {
      if (props.backend.kind === MlflowBackendKind.RDS) {
        rdsPostgres(self).checkRdsProps(v, props.backend.props as RdsPostgresProps);
        v.check(identity === undefined || identity === WorkloadIdentityKind.EKS_POD_IDENTITY, 'backend', 'rds',
          `needs an EKS target (the server reads the RDS-managed password with EKS Pod Identity), but ${platform} is not EKS; ` +
          'use MlflowBackend.cloudSql({...}) on GKE, MlflowBackend.inCluster({...}) on-prem, or run MLflow on an EKS cluster');
      } else if (props.backend.kind === MlflowBackendKind.CLOUD_SQL) {
        cloudSqlPostgres(self).checkCloudSqlProps(v, props.backend.props as CloudSqlPostgresProps);
        v.check(identity === undefined || identity === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY, 'backend', 'cloud-sql',
          `needs a GKE target (the server reads its password from Secret Manager with GKE Workload Identity and reaches the private IP ` +
          `in the cluster's VPC), but ${platform} is not GKE; use MlflowBackend.rds({...}) on EKS, MlflowBackend.inCluster({...}) on-prem, ` +
          'or run MLflow on a GKE cluster');
      } else if (props.backend.kind === MlflowBackendKind.IN_CLUSTER) {
        checkInClusterProps(v, props.backend.props as InClusterPostgresProps);
        const p = props.backend.props as InClusterPostgresProps;
        v.check(p.backups === false || !(props.artifactStore instanceof ObjectStore) || props.artifactStore.kind !== ObjectStoreKind.GCS,
          'backend.backups', p.backups, 'needs an S3 or S3-compatible artifact store for its nightly dumps; on GKE use MlflowBackend.cloudSql({...}), ' +
          'or set backups: false and back the volume up yourself');
        v.matches('backend.backupSchedule', p.backupSchedule, /^(\S+\s+){4}\S+$/, 'must be a five-field cron schedule such as "0 2 * * *"');
      }
    }
    if (props.artifactStore instanceof ObjectStore && identity !== undefined) {
      const kind = props.artifactStore.kind;
      v.check(kind !== ObjectStoreKind.S3 || identity === WorkloadIdentityKind.EKS_POD_IDENTITY, 'artifactStore', props.artifactStore.node.path,
        `is an S3 bucket, reached with EKS Pod Identity, but ${platform} is not EKS; use ObjectStoreLocation.s3Compatible({...}) with credentials from a secret`);
      v.check(kind !== ObjectStoreKind.GCS || identity === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY, 'artifactStore', props.artifactStore.node.path,
        `is a Cloud Storage bucket, reached with GKE Workload Identity, but ${platform} is not GKE; use an S3 or S3-compatible store`);
    }
    checkReleasedVersions(v, 'releasedVersions', props.releasedVersions);
    checkResourceName(v, 'usersSecretName', props.usersSecretName, 253);
    if (props.externalAccess !== undefined) {
      const ext = props.externalAccess;
      v.matches('externalAccess.url', ext?.url, /^https:\/\/[^\s/]+(:\d+)?(\/\S*)?$/,
        'must be an https:// URL: consumers send their MLflow credentials over it');
      v.check(typeof ext?.url === 'string', 'externalAccess.url', ext?.url, 'is required: the https:// URL of the Ingress in front of MLflow');
      v.nonEmpty('externalAccess.fromNamespaces', ext?.fromNamespaces, 'must name the ingress controller\'s namespace(s), e.g. ["ingress-nginx"]');
      (ext?.fromNamespaces ?? []).forEach((ns, i) => checkResourceName(v, `externalAccess.fromNamespaces[${i}]`, ns, 63));
    }
    v.throwIfAny();
  }
}

/** The RDS backend, loaded when used: it needs provider-aws, which a Google-only or on-prem app does not install. */
function rdsPostgres(scope: Construct): typeof import('./rds-postgres') {
  return requireProvider(scope, 'the MLflow RDS backend', () => require('./rds-postgres') as typeof import('./rds-postgres'));
}

/** The Cloud SQL backend, loaded when used: it needs provider-google, which an AWS-only or on-prem app does not install. */
function cloudSqlPostgres(scope: Construct): typeof import('./cloud-sql-postgres') {
  return requireProvider(scope, 'the MLflow Cloud SQL backend', () => require('./cloud-sql-postgres') as typeof import('./cloud-sql-postgres'));
}
