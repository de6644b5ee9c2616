import { Lazy, Token } from 'cdktf';
import { Contracts } from '../contracts/contracts';
import { Construct } from 'constructs';
import { IModelSource, ModelAccess, ModelConsumer } from '../core/model-source';
import { checkReleasedVersions, isReleased, ReleasedModelVersions } from './model-versions';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Connections, IConnectable, Peer } from '../core/connections';
import { Validator } from '../core/errors';
import { checkPinnedImage } from '../core/images';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { checkResourceName } from '../core/names';
import { SecretKeyRef } from '../core/secrets';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext } from '../core/private/security-context';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Cpu, Size } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { ModelLineage } from './lineage';
import { MlflowBackend } from './mlflow-backend';
import { IMlflowDatabase } from './mlflow-database';
import { IModelRegistry, ModelRegistryKind } from './model-registry';
import { ObjectStore } from './object-store';
import { MLFLOW_DB_LIVENESS, MLFLOW_LAUNCHER } from './private/mlflow-launcher';
import { checkSecretKeyRef, secretEnv } from '../core/private/secrets';

/** MLflow basic-auth permission given to users on resources they did not create. */
export enum MlflowPermission {
  NO_PERMISSIONS = 'NO_PERMISSIONS',
  READ = 'READ',
  EDIT = 'EDIT',
  MANAGE = 'MANAGE',
}

/**
 * MLflow's admin user and Flask secret key, as keys of existing Kubernetes secrets in the target namespace
 * (usually one secret, e.g. `mlflow-admin` with keys `username`, `password` and `flask-secret-key`).
 */
export interface MlflowAdminCredentials {
  /** The admin user's name, e.g. `{ name: 'mlflow-admin', key: 'username' }`. */
  readonly username: SecretKeyRef;
  /** The admin user's password, e.g. `{ name: 'mlflow-admin', key: 'password' }`. */
  readonly password: SecretKeyRef;
  /**
   * Flask's secret key (CSRF protection; the same for every replica), e.g.
   * `{ name: 'mlflow-admin', key: 'flask-secret-key' }`.
   */
  readonly flaskSecretKey: SecretKeyRef;
}

/**
 * How clients outside the cluster (edge sites) reach MLflow: through an Ingress (or Gateway) you run, which
 * terminates TLS. The registry only admits the ingress controller's pods to the server (through its
 * `connections`); it does not create the Ingress.
 */
export interface MlflowExternalAccess {
  /** The external URL, `https://…` (credentials cross the network: plain HTTP is refused). */
  readonly url: string;
  /**
   * The ingress controller's pods that forward to MLflow, e.g. `[Peer.namespace('ingress-nginx')]`; each is
   * admitted with `connections.allowDefaultPortFrom`.
   */
  readonly from: Peer[];
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
  readonly admin: MlflowAdminCredentials;
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
  readonly usersSecret?: string;
  /** Clients outside the cluster (edge sites) and how they get in. @default - in-cluster clients only */
  readonly externalAccess?: MlflowExternalAccess;
}

const PORT = 5000;
/** Where the users secret is mounted; the launcher reads one file per user. */
const USERS_DIR = '/etc/mlflow/users';
/** MLflow user names are keys of the users secret. */
const USERNAME = /^[A-Za-z0-9]([-._A-Za-z0-9]{0,251}[A-Za-z0-9])?$/;

/**
 * MLflow tracking server and model registry on any Kubernetes target.
 *
 * Creates: the backend database (RDS, Cloud SQL or an in-cluster StatefulSet), a WorkloadIdentity for the server
 * (its only cloud access: the artifact bucket, and on RDS / Cloud SQL its own password secret), a Deployment (pinned image,
 * non-root, read-only root filesystem with in-memory emptyDirs, all capabilities dropped, probes, requests and
 * limits, spread across nodes), a ClusterIP Service, a PodDisruptionBudget and a NetworkPolicy admitting only
 * the namespace (`connections` admits more; `grantPublish`, `grantRead` and `bindModelConsumer` use it). Authentication is MLflow's own `basic-auth` app:
 * clients authenticate with `MLFLOW_TRACKING_USERNAME`/`PASSWORD`, users and permissions live in the
 * `<db>_auth` database, the admin comes from a referenced secret. Chosen over an oauth2-proxy sidecar because
 * training jobs and CI talk to MLflow through its Python client, which speaks basic auth and not OIDC.
 */
export class MlflowModelRegistry extends Construct implements IModelRegistry, IModelSource, IConnectable {
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
  /** The server's own policy: every pod of its namespace, on the HTTP port. */
  public readonly networkPolicy: NetworkPolicyV1;
  /** Who else may reach the server (grants, model consumers and the external ingress are admitted here). */
  public readonly connections: Connections;
  /** The URL clients outside the cluster use, when {@link MlflowModelRegistryProps.externalAccess} is set. */
  public readonly externalUrl?: string;
  /** The secret the server reads consumers' passwords from. */
  public readonly usersSecret: string;
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
    this.usersSecret = props.usersSecret ?? `${name}-users`;
    this.externalUrl = props.externalAccess?.url;
    this.podLabels = { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': name };
    const labels = { ...this.podLabels, 'app.kubernetes.io/component': 'model-registry', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };

    this.identity = new WorkloadIdentity(this, 'identity', { target, serviceAccountName: name, cloudName: name });
    const artifactEnv = props.artifactStore.bindWorkload(this.identity, { prefix: this.artifactPrefix, write: true });
    this.database = props.backend.bind(this, {
      target, name, artifactStore: props.artifactStore, serverPodLabels: this.podLabels, identity: this.identity,
    });
    const db = this.database.connection;

    const admin = props.admin;
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
                ...artifactEnv,
                secretEnv('MLFLOW_ADMIN_USERNAME', admin.username),
                secretEnv('MLFLOW_ADMIN_PASSWORD', admin.password),
                secretEnv('MLFLOW_FLASK_SERVER_SECRET_KEY', admin.flaskSecretKey),
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
              { name: 'users', secret: { secretName: this.usersSecret, optional: true, defaultMode: '0440' } },
            ],
          },
        },
      },
    });
    const dbEndpoint = this.database.inClusterEndpoint;
    if (dbEndpoint) {
      Contracts.network(this, {
        producer: this.database, what: `the tracking database of ${this.registryName}`, client: this.deployment, server: dbEndpoint.workload,
        port: dbEndpoint.port, fix: `keep the server's pods labelled ${JSON.stringify(this.podLabels)}: the database's NetworkPolicy admits them`,
      });
    }

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
    this.connections = new Connections(this, {
      target, podSelector: this.podLabels, defaultPort: PORT, policyName: name, labels: this.podLabels,
      description: `MLflow ${name}`, ownNamespaceAdmitted: true,
    });
    for (const peer of props.externalAccess?.from ?? []) this.connections.allowDefaultPortFrom(peer);
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
    this.connections.allowDefaultPortFrom(Peer.workload(workload));
  }

  /** Lets the workload's namespace reach the server (read permission is MLflow's `READ`). */
  public grantRead(workload: WorkloadIdentity): void {
    this.connections.allowDefaultPortFrom(Peer.workload(workload));
  }

  /**
   * Gives a model consumer access to one version: the namespace of a consumer on the registry's cluster is
   * admitted through {@link connections} and gets the in-cluster URL; any other consumer (an edge site, a workload on
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
          `must be letters, digits, "-", "_" and "." (it is a key of secret ${this.usersSecret}), e.g. "serving.churn"`);
      }
    }
    const local = consumer.identity !== undefined && consumer.identity.target.clusterName === this.target.clusterName;
    v.check(local || this.externalUrl !== undefined, consumer.prop, this.registryName,
      `is read over the network by ${consumer.construct.node.path}, which runs outside cluster ${this.target.clusterName}, but the registry has no ` +
      'externalAccess; set externalAccess: { url: "https://mlflow.example.com", from: [Peer.namespace("ingress-nginx")] } on the registry and publish it through that Ingress');
    v.throwIfAny();
    if (local) this.connections.allowDefaultPortFrom(Peer.workload(consumer.identity!));
    this.grantModelPermission(user!.username, model, [version], MlflowPermission.READ);
    return {
      env: [
        { name: 'MLFLOW_TRACKING_URI', value: local ? this.trackingUri : this.externalUrl! },
        { name: 'MLFLOW_TRACKING_USERNAME', value: user!.username },
        secretEnv('MLFLOW_TRACKING_PASSWORD', user!.passwordSecret),
      ],
      granted: true,
    };
  }

  /**
   * Lets an MLflow user (password under its name in {@link usersSecret}) use a registered model: the server
   * creates or updates the user and sets the permission at every start. Reading versions also needs READ on
   * the experiments holding their artifacts (artifacts are proxied by experiment), which the server grants
   * for the listed versions that exist.
   */
  public grantModelPermission(username: string, model: string, versions: string[], permission: MlflowPermission = MlflowPermission.READ): void {
    const v = new Validator(this);
    v.matches('grantModelPermission.username', username, USERNAME, `must be letters, digits, "-", "_" and "." (a key of secret ${this.usersSecret})`);
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

  private static validate(self: Construct, props: MlflowModelRegistryProps): void {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { target, image, backend, artifactStore, admin }');
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
    if (v.check(!!props.admin && typeof props.admin === 'object', 'admin', props.admin,
      'is required: { username, password, flaskSecretKey }, each { name, key } of an existing Kubernetes secret (never literal values)')) {
      checkSecretKeyRef(v, 'admin.username', props.admin.username, '{ name: "mlflow-admin", key: "username" }');
      checkSecretKeyRef(v, 'admin.password', props.admin.password, '{ name: "mlflow-admin", key: "password" }');
      checkSecretKeyRef(v, 'admin.flaskSecretKey', props.admin.flaskSecretKey, '{ name: "mlflow-admin", key: "flask-secret-key" }');
    }
    const storeOk = v.check(props.artifactStore instanceof ObjectStore, 'artifactStore', props.artifactStore, 'must be an ObjectStore or DatasetStore');

    if (v.check(props.backend instanceof MlflowBackend, 'backend', props.backend,
      'must be MlflowBackend.rds({...}), MlflowBackend.cloudSql({...}) or MlflowBackend.inCluster({...})')) {
      props.backend.validate(self, v, { target: props.target, name, artifactStore: props.artifactStore });
    }
    if (storeOk && props.target) props.artifactStore.checkReachableFrom(v, 'artifactStore', props.target);
    checkReleasedVersions(v, 'releasedVersions', props.releasedVersions);
    checkResourceName(v, 'usersSecret', props.usersSecret, 253);
    if (props.externalAccess !== undefined) {
      const ext = props.externalAccess;
      v.matches('externalAccess.url', ext?.url, /^https:\/\/[^\s/]+(:\d+)?(\/\S*)?$/,
        'must be an https:// URL: consumers send their MLflow credentials over it');
      v.check(typeof ext?.url === 'string', 'externalAccess.url', ext?.url, 'is required: the https:// URL of the Ingress in front of MLflow');
      // Without an admitted ingress the URL would lead nowhere: the server's policy admits only its namespace.
      if (v.nonEmpty('externalAccess.from', ext?.from, 'must admit the ingress controller\'s pods, e.g. [Peer.namespace("ingress-nginx")]')) {
        ext.from.forEach((peer, i) => v.check(peer instanceof Peer, `externalAccess.from[${i}]`, peer,
          'must be a Peer, e.g. Peer.namespace("ingress-nginx") or Peer.podsInNamespace("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" })'));
      }
    }
    v.throwIfAny();
  }
}
