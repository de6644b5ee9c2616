import { Construct } from 'constructs';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Validator } from '../core/errors';
import { checkPinnedImage, defaultImage } from '../core/images';
import { checkResourceName } from '../core/names';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security-context';
import { Cpu, Size } from '../core/units';
import { BackendContext, DatabaseConnection, IMlflowDatabase } from './mlflow-backend';
import { RETAIN_CLAIMS } from '../core/private/stateful';

/** The default PostgreSQL image (Docker official image; a pinned minor). Pass a digest to pin further. */
export const POSTGRES_IMAGE = 'postgres:16.9';

/** The `postgres` user of the official image, which owns the data directory. */
const POSTGRES_UID = 999;

/** The backup uploader: AWS CLI v2 (public.ecr.aws/aws-cli/aws-cli), which also speaks to S3-compatible stores. */
export const BACKUP_UPLOADER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.49';

/** An existing Kubernetes secret in the target namespace holding the database password. */
export interface PasswordSecretRef {
  readonly secretName: string;
  /** @default 'password' */
  readonly passwordKey?: string;
}

/** Props for an in-cluster PostgreSQL backend. */
export interface InClusterPostgresProps {
  /** The database password, from an existing secret (create it with your secret manager, e.g. External Secrets). */
  readonly passwordSecret: PasswordSecretRef;
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

/** Validates in-cluster props; problems land in `v` under `backend.…`. */
export function checkInClusterProps(v: Validator, p: InClusterPostgresProps): void {
  if (!v.check(!!p && typeof p === 'object', 'backend', p, 'must be MlflowBackend.inCluster({ passwordSecret: { secretName } })')) return;
  if (v.check(!!p.passwordSecret && typeof p.passwordSecret.secretName === 'string', 'backend.passwordSecret', p.passwordSecret,
    'is required: name an existing Kubernetes secret in the target namespace that holds the database password (never a literal)')) {
    checkResourceName(v, 'backend.passwordSecret.secretName', p.passwordSecret.secretName, 253);
  }
  v.check(p.storage === undefined || p.storage instanceof Size, 'backend.storage', p.storage, 'must be a Size, e.g. Size.gibibytes(50)');
  checkPinnedImage(v, 'backend.image', p.image, { fix: 'must name a tag or digest (not :latest), e.g. postgres:16.9' });
}

/**
 * PostgreSQL for MLflow inside the cluster, for on-prem and edge: a one-replica StatefulSet with a
 * PersistentVolumeClaim per pod (Kubernetes keeps claims from volumeClaimTemplates when the StatefulSet is
 * deleted, and so does Terraform, so the data survives `terraform destroy` of the workload), a headless
 * Service, and a NetworkPolicy admitting only the MLflow pods on 5432. The password comes from an existing
 * secret; the container runs as the image's `postgres` user (999) with a read-only root filesystem.
 * Take backups with your cluster's volume snapshots or a `pg_dump` CronJob: this construct does not.
 */
export class InClusterPostgres extends Construct implements IMlflowDatabase {
  public readonly statefulSet: StatefulSetV1;
  public readonly service: ServiceV1;
  public readonly networkPolicy: NetworkPolicyV1;
  public readonly connection: DatabaseConnection;
  /** The nightly backup, when on. */
  public backupJob?: CronJobV1;

  constructor(scope: Construct, id: string, props: InClusterPostgresProps, ctx: BackendContext) {
    super(scope, id);
    const namespace = ctx.target.namespace;
    const name = `${ctx.name}-postgres`;
    const labels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/part-of': ctx.name };
    const common = { provider: ctx.target.providerFor(this), dependsOn: ctx.target.dependablesFor(this) };
    const cpu = props.cpu ?? Cpu.millis(500);
    const memory = (props.memory ?? Size.gibibytes(1)).toKubernetes();
    const passwordKey = props.passwordSecret.passwordKey ?? 'password';

    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace, labels },
      spec: { clusterIp: 'None', selector: labels, port: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
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
              port: [{ name: 'postgres', containerPort: 5432 }],
              env: [
                { name: 'POSTGRES_USER', value: 'mlflow' },
                { name: 'POSTGRES_DB', value: 'mlflow' },
                { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.secretName, key: passwordKey } } },
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
            ...(this.backupLabels(props, ctx) ? [{ podSelector: { matchLabels: this.backupLabels(props, ctx)! } }] : []),
          ],
          ports: [{ port: '5432', protocol: 'TCP' }],
        }],
      },
    });
    if (this.backupLabels(props, ctx)) this.backups(props, ctx, name, passwordKey);

    this.connection = {
      host: `${name}.${namespace}.svc`,
      port: 5432,
      database: 'mlflow',
      username: 'mlflow',
      // The official image ships no server certificate; the hop stays inside the namespace, fenced by the NetworkPolicy.
      sslMode: 'prefer',
      env: [{ name: 'MLFLOW_DB_PASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.secretName, key: passwordKey } } }],
      awsStatements: [],
      rotatingCredentials: false,
    };
  }

  /** Labels of the backup job's pods, or undefined when backups are off or have nowhere to go. */
  private backupLabels(props: InClusterPostgresProps, ctx: BackendContext): Record<string, string> | undefined {
    if (props.backups === false || !ctx.backupStore) return undefined;
    return { 'app.kubernetes.io/name': 'postgres-backup', 'app.kubernetes.io/instance': `${ctx.name}-postgres-backup` };
  }

  /**
   * A nightly CronJob: an init container dumps both databases (`pg_dump --format=custom`) into a memory-backed
   * volume, the uploader copies them to `<prefix><timestamp>/`. Keep or expire old dumps with the bucket's
   * lifecycle rules; restore with `pg_restore --clean --dbname mlflow mlflow.dump`.
   */
  private backups(props: InClusterPostgresProps, ctx: BackendContext, host: string, passwordKey: string): void {
    const backup = ctx.backupStore!;
    const labels = this.backupLabels(props, ctx)!;
    const hardened = hardenedContainerSecurityContext();
    const region = backup.store.s3Bucket?.bucket.region;
    this.backupJob = new CronJobV1(this, 'backup', {
      provider: ctx.target.providerFor(this),
      dependsOn: ctx.target.dependablesFor(this),
      metadata: { name: `${ctx.name}-postgres-backup`, namespace: ctx.target.namespace, labels },
      spec: {
        schedule: props.backupSchedule ?? '0 2 * * *',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: backup.serviceAccountName,
                automountServiceAccountToken: false,
                securityContext: restrictedPodSecurityContext(POSTGRES_UID),
                initContainer: [{
                  name: 'dump',
                  image: props.image ?? defaultImage(this, POSTGRES_IMAGE),
                  command: ['/bin/sh', '-c', 'pg_dump --format=custom --file=/backup/mlflow.dump mlflow && pg_dump --format=custom --file=/backup/mlflow_auth.dump mlflow_auth'],
                  env: [
                    { name: 'PGHOST', value: `${host}.${ctx.target.namespace}.svc` },
                    { name: 'PGUSER', value: 'mlflow' },
                    { name: 'PGSSLMODE', value: 'prefer' },
                    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.secretName, key: passwordKey } } },
                  ],
                  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                  securityContext: hardened,
                  volumeMount: [{ name: 'backup', mountPath: '/backup' }],
                }],
                container: [{
                  name: 'upload',
                  image: props.backupUploaderImage ?? defaultImage(this, BACKUP_UPLOADER_IMAGE),
                  command: ['/bin/sh', '-c', `aws s3 cp --recursive /backup "${backup.store.uri(backup.prefix)}$(date -u +%Y%m%dT%H%M%SZ)/"`],
                  env: [
                    { name: 'HOME', value: '/tmp' },
                    ...(region ? [{ name: 'AWS_REGION', value: region }] : []),
                    ...backup.store.connectionEnv(),
                  ],
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                  securityContext: hardened,
                  volumeMount: [{ name: 'backup', mountPath: '/backup', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
                }],
                volume: [{ name: 'backup', emptyDir: { sizeLimit: '10Gi' } }, { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
              },
            },
          },
        },
      },
    });
  }
}
