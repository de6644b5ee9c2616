import { Construct } from 'constructs';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Connections, IConnectable } from '../core/connections';
import { Validator } from '../core/errors';
import { checkPinnedImage, defaultImage } from '../core/images';
import { SecretKeyRef } from '../core/secrets';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext } from '../core/private/security-context';
import { Cpu, Size } from '../core/units';
import { BackendContext, BackendPlacement, DatabaseConnection, IMlflowDatabase, InClusterDatabaseEndpoint, PostgresSslMode } from './mlflow-database';
import { Contracts } from '../contracts/contracts';
import { ObjectStore } from './object-store';
import { checkSecretKeyRef, secretEnv } from '../core/private/secrets';
import { RETAIN_CLAIMS } from '../core/private/stateful';
import { scheduledJob } from '../core/private/workloads';

/** The default PostgreSQL image (Docker official image; a pinned minor). Pass a digest to pin further. */
export const POSTGRES_IMAGE = 'postgres:16.9';

/** The `postgres` user of the official image, which owns the data directory. */
const POSTGRES_UID = 999;

/** The backup uploader: AWS CLI v2 (public.ecr.aws/aws-cli/aws-cli), which also speaks to S3-compatible stores. */
export const BACKUP_UPLOADER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.49';

const POSTGRES_PORT = 5432;

/** Where the nightly dumps go in the artifact store (outside MLflow's artifact root). */
const BACKUP_PREFIX = 'mlflow-db-backups/';

/** Props for an in-cluster PostgreSQL backend. */
export interface InClusterPostgresProps {
  /**
   * The database password: a key of an existing secret in the target namespace (create it with your secret
   * manager, e.g. External Secrets), e.g. `{ name: 'mlflow-db', key: 'password' }`.
   */
  readonly passwordSecret: SecretKeyRef;
  /** Volume size. @default Size.gibibytes(20) */
  readonly storage?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default POSTGRES_IMAGE, through the app's RegistryMirrors */
  readonly image?: string;
  /** CPU request (the limit is twice it). @default Cpu.millis(500) */
  readonly cpu?: Cpu;
  /** Memory request and limit. @default Size.gibibytes(1) */
  readonly memory?: Size;
  /**
   * Nightly `pg_dump` of both databases to the artifact store under `mlflow-db-backups/` (S3 or S3-compatible
   * stores; on GKE use `MlflowBackend.cloudSql`). Turning it off is an explicit choice. @default true
   */
  readonly backups?: boolean;
  /** Cron schedule of the backups (UTC). @default '0 2 * * *' */
  readonly backupSchedule?: string;
  /** The uploader image (AWS CLI v2). @default BACKUP_UPLOADER_IMAGE, through the app's RegistryMirrors */
  readonly backupUploaderImage?: string;
}

/** Validates in-cluster props against where the server runs; problems land in `v` under `backend.…`. */
export function checkInClusterProps(v: Validator, p: InClusterPostgresProps, placement: BackendPlacement): void {
  if (!v.check(!!p && typeof p === 'object', 'backend', p, 'must be MlflowBackend.inCluster({ passwordSecret: { name, key } })')) return;
  if (v.check(p.passwordSecret !== undefined, 'backend.passwordSecret', p.passwordSecret,
    'is required: name an existing Kubernetes secret in the target namespace that holds the database password (never a literal), ' +
    'e.g. { name: "mlflow-db", key: "password" }')) {
    checkSecretKeyRef(v, 'backend.passwordSecret', p.passwordSecret, '{ name: "mlflow-db", key: "password" }');
  }
  v.check(p.storage === undefined || p.storage instanceof Size, 'backend.storage', p.storage, 'must be a Size, e.g. Size.gibibytes(50)');
  checkPinnedImage(v, 'backend.image', p.image, { fix: 'must name a tag or digest (not :latest), e.g. postgres:16.9' });
  if (p.backups === false) return;
  const store = placement.artifactStore;
  v.check(!(store instanceof ObjectStore) || store.supportsS3Api, 'backend.backups', p.backups,
    'needs an S3 or S3-compatible artifact store for its nightly dumps; on GKE use MlflowBackend.cloudSql({...}), ' +
    'or set backups: false and back the volume up yourself');
  v.matches('backend.backupSchedule', p.backupSchedule, /^(\S+\s+){4}\S+$/, 'must be a five-field cron schedule such as "0 2 * * *"');
}

/** The backup CronJob's name: at most 40 characters, as server names have at most 24 (a CronJob's may have 52). */
function backupJobName(serverName: string): string {
  return `${serverName}-postgres-backup`;
}

/**
 * PostgreSQL for MLflow inside the cluster, for on-prem and edge: a one-replica StatefulSet with a
 * PersistentVolumeClaim per pod (Kubernetes keeps claims from volumeClaimTemplates when the StatefulSet is
 * deleted, and so does Terraform, so the data survives `terraform destroy` of the workload), a headless
 * Service, and a NetworkPolicy admitting only the MLflow pods and the backup job on 5432 (`connections` admits
 * more, e.g. a DBA's tools). The password comes from an existing secret; the container runs as the image's
 * `postgres` user (999) with a read-only root filesystem. A nightly CronJob dumps both databases to the
 * artifact store (`backups: false` opts out).
 */
export class InClusterPostgres extends Construct implements IMlflowDatabase, IConnectable {
  public readonly statefulSet: StatefulSetV1;
  public readonly service: ServiceV1;
  /** The database's own policy: only the MLflow server's pods and the backup job's. */
  public readonly networkPolicy: NetworkPolicyV1;
  /** Who else may connect on 5432 (each admitted peer gets its own NetworkPolicy). */
  public readonly connections: Connections;
  public readonly connection: DatabaseConnection;
  public readonly inClusterEndpoint: InClusterDatabaseEndpoint;
  /** The nightly backup, when on. */
  public readonly backupJob?: CronJobV1;

  constructor(scope: Construct, id: string, props: InClusterPostgresProps, ctx: BackendContext) {
    super(scope, id);
    const namespace = ctx.target.namespace;
    const name = `${ctx.name}-postgres`;
    const labels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/part-of': ctx.name };
    const common = { provider: ctx.target.providerFor(this), dependsOn: ctx.target.dependablesFor(this) };
    const cpu = props.cpu ?? Cpu.millis(500);
    const memory = (props.memory ?? Size.gibibytes(1)).toKubernetes();
    const backupLabels = props.backups === false ? undefined
      : { 'app.kubernetes.io/name': 'postgres-backup', 'app.kubernetes.io/instance': backupJobName(ctx.name) };

    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace, labels },
      spec: { clusterIp: 'None', selector: labels, port: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }] },
    });

    this.statefulSet = new StatefulSetV1(this, 'statefulset', {
      ...common,
      metadata: { name, namespace, labels },
      spec: {
        serviceName: name,
        replicas: '1',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(POSTGRES_UID, { fsGroupChangePolicy: 'OnRootMismatch' }),
            container: [{
              name: 'postgres',
              image: props.image ?? defaultImage(this, POSTGRES_IMAGE),
              port: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
              env: [
                { name: 'POSTGRES_USER', value: 'mlflow' },
                { name: 'POSTGRES_DB', value: 'mlflow' },
                secretEnv('POSTGRES_PASSWORD', props.passwordSecret),
                // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', 'mlflow', '-d', 'mlflow'] }, periodSeconds: 10 },
              livenessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', 'mlflow', '-d', 'mlflow'] }, initialDelaySeconds: 30, periodSeconds: 30, failureThreshold: 6 },
              resources: {
                requests: { cpu: cpu.toKubernetes(), memory },
                limits: { cpu: Cpu.millis(cpu.toMillis() * 2).toKubernetes(), memory },
              },
              securityContext: hardenedContainerSecurityContext(),
              volumeMount: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volume: [
              { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
              { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            ],
          },
        },
        persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
        volumeClaimTemplate: [{
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storageClassName,
            resources: { requests: { storage: (props.storage ?? Size.gibibytes(20)).toKubernetes() } },
          },
        }],
      },
    });

    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-from-mlflow`, namespace, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { podSelector: { matchLabels: ctx.serverPodLabels } },
            ...(backupLabels ? [{ podSelector: { matchLabels: backupLabels } }] : []),
          ],
          ports: [{ port: String(POSTGRES_PORT), protocol: 'TCP' }],
        }],
      },
    });
    this.connections = new Connections(this, {
      target: ctx.target, podSelector: labels, defaultPort: POSTGRES_PORT, policyName: name, labels,
      description: `PostgreSQL ${name}`,
    });
    this.inClusterEndpoint = { workload: this.statefulSet, port: POSTGRES_PORT };
    if (backupLabels) {
      this.backupJob = this.backups(props, ctx, name, backupLabels);
      Contracts.network(this, {
        producer: this, what: `the nightly dump of PostgreSQL ${name}`, client: this.backupJob, server: this.statefulSet, port: POSTGRES_PORT,
        fix: `keep the backup job's pods labelled ${JSON.stringify(backupLabels)} and admitted by policy ${name}-from-mlflow`,
      });
    }

    this.connection = {
      host: `${name}.${namespace}.svc`,
      port: POSTGRES_PORT,
      database: 'mlflow',
      username: 'mlflow',
      // The official image ships no server certificate; the hop stays inside the namespace, fenced by the NetworkPolicy.
      sslMode: PostgresSslMode.PREFER,
      env: [secretEnv('MLFLOW_DB_PASSWORD', props.passwordSecret)],
      rotatingCredentials: false,
    };
  }

  /**
   * A nightly CronJob, run as the server's identity: an init container dumps both databases (`pg_dump
   * --format=custom`) into a memory-backed volume, the uploader copies them to `mlflow-db-backups/<timestamp>/` in
   * the artifact store, which gives the identity access to that prefix. Keep or expire old dumps with the bucket's
   * lifecycle rules; restore with `pg_restore --clean --dbname mlflow mlflow.dump`.
   */
  private backups(props: InClusterPostgresProps, ctx: BackendContext, host: string, labels: Record<string, string>): CronJobV1 {
    const store = ctx.artifactStore;
    const hardened = hardenedContainerSecurityContext();
    const region = store.s3Bucket?.bucket.region;
    const storeEnv = store.bindWorkload(ctx.identity, { prefix: BACKUP_PREFIX, write: true });
    return scheduledJob(this, 'backup', {
      target: ctx.target,
      name: backupJobName(ctx.name),
      labels,
      schedule: props.backupSchedule ?? '0 2 * * *',
      activeDeadlineSeconds: 3600,
      pod: {
        serviceAccountName: ctx.identity.serviceAccountName,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(POSTGRES_UID),
        initContainer: [{
          name: 'dump',
          image: props.image ?? defaultImage(this, POSTGRES_IMAGE),
          command: ['/bin/sh', '-c', 'pg_dump --format=custom --file=/backup/mlflow.dump mlflow && pg_dump --format=custom --file=/backup/mlflow_auth.dump mlflow_auth'],
          env: [
            { name: 'PGHOST', value: `${host}.${ctx.target.namespace}.svc` },
            { name: 'PGUSER', value: 'mlflow' },
            { name: 'PGSSLMODE', value: PostgresSslMode.PREFER },
            secretEnv('PGPASSWORD', props.passwordSecret),
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          securityContext: hardened,
          volumeMount: [{ name: 'backup', mountPath: '/backup' }],
        }],
        container: [{
          name: 'upload',
          image: props.backupUploaderImage ?? defaultImage(this, BACKUP_UPLOADER_IMAGE),
          command: ['/bin/sh', '-c', `aws s3 cp --recursive /backup "${store.uri(BACKUP_PREFIX)}$(date -u +%Y%m%dT%H%M%SZ)/"`],
          env: [
            { name: 'HOME', value: '/tmp' },
            ...(region ? [{ name: 'AWS_REGION', value: region }] : []),
            ...storeEnv,
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          securityContext: hardened,
          volumeMount: [{ name: 'backup', mountPath: '/backup', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
        }],
        volume: [{ name: 'backup', emptyDir: { sizeLimit: '10Gi' } }, { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
      },
    });
  }
}
