import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Peer } from '../../lib/core/connections';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { Duration } from '../../lib/core/units';
import { ModelLineage } from '../../lib/registry/lineage';
import { Construct, IConstruct } from 'constructs';
import { Validator } from '../../lib/core/errors';
import { InClusterPostgres } from '../../lib/registry/in-cluster-postgres';
import { MlflowBackend } from '../../lib/registry/mlflow-backend';
import { BackendContext, BackendPlacement, DatabaseConnection, IMlflowDatabase, PostgresSslMode } from '../../lib/registry/mlflow-database';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { MLFLOW_LAUNCHER, MLFLOW_MODEL_GRANTS_APPLY } from '../../lib/registry/private/mlflow-launcher';
import { ObjectStore, ObjectStoreLocation } from '../../lib/registry/object-store';
import { errorOf, literalSecrets, synth } from '../util';
import {
  eksTarget, gkeTarget, MLFLOW_IMAGE, mlflowAdmin, mlflowDbPassword, mlflowOnEks, mlflowOnGke, mlflowOnPrem, onPremArtifacts, onPremTarget, rdsProps,
} from './fixtures';

const podSpec = (d: any) => d.spec.template.spec;
const container = (d: any, name: string) => podSpec(d).container.find((c: any) => c.name === name);
const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.value_from]));

describe('MlflowModelRegistry on EKS with RDS', () => {
  let registry!: MlflowModelRegistry;
  const out = synth((stack) => {
    const target = eksTarget(stack);
    registry = mlflowOnEks(stack, target);
    const trainer = new WorkloadIdentity(stack, 'trainer', { target: target.inNamespace('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
    registry.grantPublish(trainer);
    registry.grantPublish(trainer);
  });
  const db = out.resources('aws_db_instance')[0];

  test('the database is encrypted with a CMK, private, and never holds a literal password', () => {
    expect(db).toMatchObject({
      engine: 'postgres', engine_version: '16', storage_encrypted: true, kms_key_id: expect.stringContaining('aws_kms_key.'),
      manage_master_user_password: true, master_user_secret_kms_key_id: expect.stringContaining('aws_kms_key.'),
      iam_database_authentication_enabled: true, publicly_accessible: false,
      performance_insights_enabled: true, performance_insights_kms_key_id: expect.stringContaining('aws_kms_key.'),
    });
    expect(db.password).toBeUndefined();
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('the database survives mistakes: deletion protection, prevent_destroy, 7 days of PITR, final snapshot, Multi-AZ', () => {
    expect(db).toMatchObject({
      deletion_protection: true, lifecycle: { prevent_destroy: true }, backup_retention_period: 7, copy_tags_to_snapshot: true,
      skip_final_snapshot: false, final_snapshot_identifier: 'mlflow-final', multi_az: true, delete_automated_backups: false,
    });
  });

  test('only the cluster security group reaches PostgreSQL, over TLS, from private subnets', () => {
    expect(out.resources('aws_vpc_security_group_ingress_rule')).toEqual([expect.objectContaining({
      referenced_security_group_id: 'sg-0123456789abcdef0', ip_protocol: 'tcp', from_port: 5432, to_port: 5432,
    })]);
    expect(out.resources('aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(out.resources('aws_db_subnet_group')[0].subnet_ids).toEqual(rdsProps.subnetIds);
    expect(out.resources('aws_db_parameter_group')[0]).toMatchObject({ family: 'postgres16', parameter: [{ name: 'rds.force_ssl', value: '1' }] });
    expect(env(container(out.resources('kubernetes_deployment_v1')[0], 'mlflow')).MLFLOW_DB_SSLMODE).toBe('require');
  });

  test('the server reads exactly its own password secret and writes only its artifact prefix', () => {
    const policies = out.resources('aws_iam_role_policy').map((p) => ({ name: p.name, doc: JSON.parse(p.policy) }));
    const creds = policies.find((p) => p.name === 'database-credentials')!.doc.Statement;
    expect(creds).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: expect.stringMatching(/aws_db_instance\..+\.master_user_secret\[0\]\.secret_arn/) },
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: expect.stringContaining('aws_kms_key.') },
    ]);
    const artifacts = policies.find((p) => p.name.startsWith('write-'))!.doc.Statement;
    expect(artifacts[1].Resource).toMatch(/\/mlflow-artifacts\/\*$/);
    expect(artifacts.every((s: any) => s.Resource !== '*')).toBe(true);
  });

  test('the pod is hardened: non-root, no escalation, all capabilities dropped, read-only root, in-memory credentials', () => {
    const d = out.resources('kubernetes_deployment_v1')[0];
    const c = container(d, 'mlflow');
    expect(podSpec(d)).toMatchObject({ automount_service_account_token: false, service_account_name: 'mlflow', security_context: { run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } } });
    expect(c.security_context).toEqual({ run_as_non_root: true, allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.image).toBe(MLFLOW_IMAGE);
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(podSpec(d).volume).toContainEqual({ name: 'run', empty_dir: { medium: 'Memory', size_limit: '1Mi' } });
    expect(podSpec(d).volume).toContainEqual({ name: 'tmp', empty_dir: { size_limit: '1Gi' } });
  });

  test('credentials reach the pod by reference only; the rotating RDS password is re-read after a failed liveness check', () => {
    const c = container(out.resources('kubernetes_deployment_v1')[0], 'mlflow');
    const e = env(c);
    expect(e.MLFLOW_DB_SECRET_ARN).toMatch(/master_user_secret\[0\]\.secret_arn/);
    expect(e.MLFLOW_ADMIN_PASSWORD).toEqual({ secret_key_ref: { name: 'mlflow-admin', key: 'password' } });
    expect(e.MLFLOW_FLASK_SERVER_SECRET_KEY).toEqual({ secret_key_ref: { name: 'mlflow-admin', key: 'flask-secret-key' } });
    expect(c.env.some((x: any) => /PASSWORD/.test(x.name) && x.value !== undefined)).toBe(false);
    expect(c.liveness_probe.exec.command.join(' ')).toContain('/run/mlflow/backend-uri');
    expect(c.command[2]).toContain("'--app-name', 'basic-auth'");
  });

  test('two replicas behind a ClusterIP Service with a PodDisruptionBudget and probes', () => {
    const d = out.resources('kubernetes_deployment_v1')[0];
    expect(d.spec.replicas).toBe('2');
    expect(container(d, 'mlflow').readiness_probe.http_get).toEqual({ path: '/health', port: 'http' });
    expect(out.resources('kubernetes_service_v1')[0].spec).toMatchObject({ type: 'ClusterIP', port: [{ port: 5000, target_port: 'http' }] });
    expect(out.resources('kubernetes_pod_disruption_budget_v1')[0].spec).toMatchObject({ max_unavailable: '1' });
  });

  test('the namespace reaches MLflow; a grant admits one more namespace, once', () => {
    const policies = out.resources('kubernetes_network_policy_v1');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['mlflow-from-vision', 'mlflow-same-namespace']);
    expect(policies.find((p) => p.metadata.name === 'mlflow-from-vision').spec.ingress[0].from).toEqual([
      { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'vision' } } },
    ]);
    expect(registry.trackingUri).toBe('http://mlflow.ml.svc:5000');
  });

  test('lineage renders as MLflow model-version tags', () => {
    const lineage = ModelLineage.of({ datasetUri: 's3://ml-datasets/churn/', datasetVersion: 'a1b2c3d', featureViews: ['customer_stats'], trainingRun: 'run-42' });
    expect(registry.lineageMetadata(lineage)).toEqual({
      'ml-platform.io/dataset-uri': 's3://ml-datasets/churn/', 'ml-platform.io/dataset-version': 'a1b2c3d',
      'ml-platform.io/feature-views': 'customer_stats', 'ml-platform.io/training-run': 'run-42',
    });
  });
});

describe('MlflowModelRegistry on-prem with in-cluster PostgreSQL and MinIO', () => {
  const out = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack)));
  const sts = out.resources('kubernetes_stateful_set_v1')[0];

  test('PostgreSQL keeps its data on a PersistentVolumeClaim, takes its password from the existing secret, and runs hardened', () => {
    expect(sts.spec.volume_claim_template[0].spec).toMatchObject({ access_modes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
    // Kubernetes' default, written out: the claims outlive the StatefulSet and a scale-down.
    expect(sts.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: 'Retain', when_scaled: 'Retain' }]);
    const pg = container(sts, 'postgres');
    expect(env(pg).POSTGRES_PASSWORD).toEqual({ secret_key_ref: { name: 'mlflow-db', key: 'password' } });
    expect(pg.security_context).toMatchObject({ run_as_non_root: true, allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pg.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(pg.image).toBe('postgres:16.9');
  });

  test('only the MLflow pods and the backup job reach PostgreSQL', () => {
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'mlflow-postgres-from-mlflow');
    expect(policy.spec.ingress).toEqual([{
      from: [
        { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow' } } },
        { pod_selector: { match_labels: { 'app.kubernetes.io/name': 'postgres-backup', 'app.kubernetes.io/instance': 'mlflow-postgres-backup' } } },
      ],
      ports: [{ port: '5432', protocol: 'TCP' }],
    }]);
  });

  test('both databases are dumped nightly to the artifact store, outside the artifact root', () => {
    const job = out.resources('kubernetes_cron_job_v1').find((j) => j.metadata.name === 'mlflow-postgres-backup');
    // The library's one CronJob shape: in UTC, never overlapping, a missed run skipped after 5 minutes, finished Jobs kept a day.
    expect(job.spec).toMatchObject({ schedule: '0 2 * * *', timezone: 'Etc/UTC', concurrency_policy: 'Forbid', starting_deadline_seconds: 300 });
    expect(job.spec.job_template.spec).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 3600 });
    expect(job.spec.job_template.spec.ttl_seconds_after_finished).toBeUndefined();
    expect(job.spec).toMatchObject({ successful_jobs_history_limit: 3, failed_jobs_history_limit: 3 });
    const pod = job.spec.job_template.spec.template.spec;
    expect(pod.init_container[0].command[2]).toBe('pg_dump --format=custom --file=/backup/mlflow.dump mlflow && pg_dump --format=custom --file=/backup/mlflow_auth.dump mlflow_auth');
    expect(pod.init_container[0].env).toContainEqual({ name: 'PGPASSWORD', value_from: { secret_key_ref: { name: 'mlflow-db', key: 'password' } } });
    expect(pod.container[0].command[2]).toBe('aws s3 cp --recursive /backup "s3://mlflow-artifacts/mlflow-db-backups/$(date -u +%Y%m%dT%H%M%SZ)/"');
    expect(pod.container[0].env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', value_from: { secret_key_ref: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' } } });
    expect(pod.container[0].security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true });
  });

  test('backups can be turned off, and need an S3 or S3-compatible store', () => {
    const off = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack), { backend: MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword, backups: false }) }));
    expect(off.resources('kubernetes_cron_job_v1')).toEqual([]);
    expect(errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), { backend: MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword }) })))
      .toBe('test/registry: backend.backups (undefined) needs an S3 or S3-compatible artifact store for its nightly dumps; ' +
        'on GKE use MlflowBackend.cloudSql({...}), or set backups: false and back the volume up yourself');
  });

  test('on an S3 store the backup runs as the server\'s identity, which may write the backup prefix, in the bucket\'s region', () => {
    const out = synth((stack) => mlflowOnEks(stack, eksTarget(stack), { backend: MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword }) }));
    const pod = out.resources('kubernetes_cron_job_v1')[0].spec.job_template.spec.template.spec;
    expect(pod.service_account_name).toBe('mlflow');
    expect(pod.container[0].env).toContainEqual({ name: 'AWS_REGION', value: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.region\}$/) });
    expect(pod.container[0].env.some((e: any) => /^AWS_(ACCESS|SECRET)/.test(e.name))).toBe(false);
    const writes = out.resources('aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement).filter((st: any) => ([] as string[]).concat(st.Action).includes('s3:PutObject'));
    expect(writes.map((st: any) => st.Resource.replace(/^.*\}\//, ''))).toEqual(['mlflow-artifacts/*', 'mlflow-db-backups/*']);
  });

  test('MinIO credentials come from the referenced secret; nothing literal is synthesized; no cloud identity is made', () => {
    const e = env(container(out.resources('kubernetes_deployment_v1')[0], 'mlflow'));
    expect(e.MLFLOW_S3_ENDPOINT_URL).toBe('https://minio.dc1.example.com');
    expect(e.AWS_SECRET_ACCESS_KEY).toEqual({ secret_key_ref: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' } });
    expect(e.MLFLOW_DB_PASSWORD).toEqual({ secret_key_ref: { name: 'mlflow-db', key: 'password' } });
    expect(e.MLFLOW_ARTIFACTS_DESTINATION).toBe('s3://mlflow-artifacts/mlflow-artifacts');
    expect(literalSecrets(out.json)).toEqual([]);
    expect(out.resources('aws_iam_role')).toEqual([]);
  });
});

describe('MlflowModelRegistry validation', () => {
  test('RDS with a GKE target says which backend to use instead', () => {
    expect(errorOf((s) => mlflowOnEks(s, gkeTarget(s as any)))).toMatch(
      /registry: backend \("rds"\) needs an EKS target .*; use MlflowBackend\.cloudSql\(\{\.\.\.\}\) on GKE, MlflowBackend\.inCluster\(\{\.\.\.\}\) on-prem, or run MLflow on an EKS cluster/);
  });

  test('an S3 bucket from an on-prem cluster is refused with the alternative', () => {
    const message = errorOf((s) => new MlflowModelRegistry(s, 'registry', {
      target: onPremTarget(s as any), image: MLFLOW_IMAGE, admin: mlflowAdmin,
      backend: MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword }),
      artifactStore: new ObjectStore(s, 'artifacts', { location: ObjectStoreLocation.s3({ bucketName: 'ml-artifacts' }) }),
    }));
    expect(message).toMatch(/registry: artifactStore \("test\/artifacts"\) is an S3 bucket, reached with EKS Pod Identity, but dc1 is not EKS; use ObjectStoreLocation\.s3Compatible/);
  });

  test('every bad prop is reported at once, each with what to do', () => {
    const message = errorOf((s) => mlflowOnEks(s, eksTarget(s as any), {
      image: 'mlflow:latest',
      backend: MlflowBackend.rds({ ...rdsProps, identifier: 'MLflow_DB', backupRetention: Duration.days(3), subnetIds: ['subnet-0123456789abcdef0'], clientSecurityGroupIds: [] }),
    }));
    expect(message).toMatch(/^5 problems:/);
    expect(message).toMatch(/registry: image \("mlflow:latest"\) must be registry\/repository with a version tag or @sha256 digest/);
    expect(message).toMatch(/registry: backend\.identifier \("MLflow_DB"\) is not a valid name; use lowercase letters/);
    expect(message).toMatch(/registry: backend\.backupRetention \(3d\) must be whole days from 7 to 35/);
    expect(message).toMatch(/registry: backend\.subnetIds \(\["subnet-0123456789abcdef0"\]\) must list subnets in at least two Availability Zones/);
    expect(message).toMatch(/registry: backend\.clientSecurityGroupIds \(\[\]\) must name the security group\(s\) of the nodes MLflow runs on/);
  });

  test('the in-cluster database needs a secret reference, never a literal', () => {
    expect(errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any), { backend: MlflowBackend.inCluster({} as any) })))
      .toMatch(/registry: backend\.passwordSecret \(undefined\) is required: name an existing Kubernetes secret/);
  });

  test('an on-prem endpoint without a credentials secret, or over plain HTTP, is refused', () => {
    const message = errorOf((s) => new ObjectStore(s, 'artifacts', {
      location: ObjectStoreLocation.s3Compatible({ endpointUrl: 'http://minio:9000', bucketName: 'b1-x', credentials: undefined as any }),
    }));
    expect(message).toMatch(/artifacts: location\.endpointUrl \("http:\/\/minio:9000"\) must be an https:\/\/ URL/);
    expect(message).toMatch(/artifacts: location\.credentials \(undefined\) is required: \{ accessKeyId, secretAccessKey \}, each \{ name, key \} of an existing Kubernetes secret/);
  });

  test('a workload on another cluster cannot be admitted by a NetworkPolicy', () => {
    expect(() => synth((stack) => {
      const registry = mlflowOnPrem(stack, onPremTarget(stack));
      const other = eksTarget(stack);
      registry.grantRead(new WorkloadIdentity(stack, 'reader', { target: other, serviceAccountName: 'reader', cloudName: 'reader' }));
    })).toThrow(/test\/registry: connections\.allowFrom \("ml .*\(test\/reader\)"\) runs on cluster ml, MLflow mlflow on dc1; a NetworkPolicy cannot admit another cluster/);
  });

  test('the on-prem store refuses IAM-style grants and says how to give access', () => {
    expect(() => synth((stack) => {
      const target = onPremTarget(stack);
      const store = new ObjectStore(stack, 'artifacts', { location: onPremArtifacts });
      store.grantRead(new WorkloadIdentity(stack, 'reader', { target, serviceAccountName: 'reader', cloudName: 'reader' }));
    })).toThrow(/is decided by the credentials in secret "minio-mlflow", not by Terraform/);
  });
});

test('an image with "${" is refused before it reaches Terraform', () => {
  expect(errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any), { image: 'registry.example.com/mlflow${var.x}:2.22.0' })))
    .toMatch(/registry: image \("registry\.example\.com\/mlflow\$\{var\.x\}:2\.22\.0"\) must be registry\/repository/);
});

// ---- Model consumers: the server creates their users and applies their grants at start ----
describe('MlflowModelRegistry: model grants, applied by the server as it starts', () => {
  /** The synthesized server's grants, with two consumers bound: an in-cluster endpoint's user and an edge fleet's. */
  function grantsEnv(): Record<string, string> {
    let registry!: MlflowModelRegistry;
    const out = synth((stack) => {
      const dc1 = onPremTarget(stack);
      registry = mlflowOnPrem(stack, dc1, { releasedVersions: { churn: ['3', '4', '5'] }, externalAccess: { url: 'https://mlflow.dc1.example.com', from: [Peer.namespace('ingress-nginx')] } });
      const serving = new WorkloadIdentity(stack, 'serving', { target: dc1.inNamespace('serving'), serviceAccountName: 'churn-serving', cloudName: 'churn' });
      const endpointUser = { username: 'serving.churn-serving', passwordSecret: { name: 'churn-mlflow', key: 'password' } };
      registry.bindModelConsumer({ construct: serving, prop: 'model', identity: serving, registryUser: endpointUser }, 'churn', '3');
      registry.bindModelConsumer({ construct: serving, prop: 'model', identity: serving, registryUser: endpointUser }, 'churn', '4');
      registry.bindModelConsumer({ construct: stack, prop: 'model.source', registryUser: { username: 'edge.churn', passwordSecret: { name: 'model-reader', key: 'MLFLOW_TRACKING_PASSWORD' } } }, 'churn', '5');
    });
    return env(container(out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'mlflow'), 'mlflow'));
  }

  /** Runs MLFLOW_MODEL_GRANTS_APPLY with python3 against a stub basic-auth store and a stub tracking database. */
  function applyGrants(serverEnv: Record<string, string>, passwords: Record<string, string>, before: Record<string, unknown> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-grants-'));
    try {
      const users = join(dir, 'users');
      mkdirSync(users);
      for (const [user, password] of Object.entries(passwords)) writeFileSync(join(users, user), password);
      const stub = (path: string, text: string) => { mkdirSync(join(dir, 'py', path, '..'), { recursive: true }); writeFileSync(join(dir, 'py', path), text); };
      stub('mlflow/__init__.py', '');
      stub('mlflow/exceptions.py', 'class MlflowException(Exception):\n    pass\n');
      stub('mlflow/server/__init__.py', '');
      stub('mlflow/server/auth/__init__.py', '');
      stub('mlflow/server/auth/sqlalchemy_store.py', [
        'import json, os',
        'from mlflow.exceptions import MlflowException',
        'STATE = json.loads(os.environ["STUB_STATE"])',
        'class SqlAlchemyStore(object):',
        '    def init_db(self, uri): STATE["init_db"] = uri',
        '    def has_user(self, u): return u in STATE["users"]',
        '    def create_user(self, u, p, is_admin=False):',
        '        if u in STATE["users"]: raise MlflowException("RESOURCE_ALREADY_EXISTS")',
        '        STATE["users"][u] = p',
        '    def update_user(self, u, password=None, is_admin=None):',
        '        if u not in STATE["users"]: raise MlflowException("RESOURCE_DOES_NOT_EXIST")',
        '        STATE["users"][u] = password',
        'def methods(kind):',
        '    def get(self, key, u):',
        '        if key + "|" + u not in STATE[kind]: raise MlflowException("RESOURCE_DOES_NOT_EXIST")',
        '    def create(self, key, u, p):',
        '        if u not in STATE["users"]: raise MlflowException("user does not exist")',
        '        if key + "|" + u in STATE[kind]: raise MlflowException("RESOURCE_ALREADY_EXISTS")',
        '        STATE[kind][key + "|" + u] = p',
        '    def update(self, key, u, p):',
        '        if key + "|" + u not in STATE[kind]: raise MlflowException("RESOURCE_DOES_NOT_EXIST")',
        '        STATE[kind][key + "|" + u] = p',
        '    setattr(SqlAlchemyStore, "get_" + kind + "_permission", get)',
        '    setattr(SqlAlchemyStore, "create_" + kind + "_permission", create)',
        '    setattr(SqlAlchemyStore, "update_" + kind + "_permission", update)',
        'methods("registered_model"); methods("experiment")',
      ].join('\n'));
      const harness = [
        MLFLOW_MODEL_GRANTS_APPLY,
        'import json, os, sys',
        'from mlflow.server.auth.sqlalchemy_store import STATE',
        '# The tracking database: churn 3 was registered from run r1 (experiment 7); churn 4 from a source in experiment 9; 5 is not registered.',
        'class Cursor(object):',
        '    def execute(self, sql, params):',
        '        self.sql, self.params = sql, params',
        '    def fetchone(self):',
        '        runs = {("churn", 3): "7"}; sources = {("churn", 4): "mlflow-artifacts:/9/0a1b/artifacts/model"}',
        '        if "JOIN runs" in self.sql: return (runs[self.params],) if self.params in runs else None',
        '        return (sources[self.params],) if self.params in sources else None',
        '    def close(self): pass',
        'class Connection(object):',
        '    autocommit = False',
        '    def cursor(self): return Cursor()',
        '    def close(self): STATE["tracking_closed"] = True',
        'apply_model_grants(dict(os.environ), "postgresql+psycopg2://mlflow@db/mlflow_auth", Connection)',
        'print(json.dumps(STATE))',
      ].join('\n');
      const state = { users: {}, registered_model: {}, experiment: {}, ...before };
      const r = spawnSync('python3', ['-c', harness], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, PYTHONPATH: join(dir, 'py'), STUB_STATE: JSON.stringify(state), ...serverEnv, MLFLOW_USERS_DIR: users } as any,
      });
      if (r.status !== 0) throw new Error(r.stderr);
      return { state: JSON.parse(r.stdout), log: r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the server creates each consumer\'s user and grants READ on the model and on the experiments of its versions', () => {
    const e = grantsEnv();
    expect(JSON.parse(e.MLFLOW_MODEL_GRANTS)).toEqual([
      { username: 'edge.churn', model: 'churn', versions: ['5'], permission: 'READ' },
      { username: 'serving.churn-serving', model: 'churn', versions: ['3', '4'], permission: 'READ' },
    ]);
    const { state, log } = applyGrants(e, { 'serving.churn-serving': 's3cret-serving', 'edge.churn': 's3cret-edge' });
    expect(state.init_db).toBe('postgresql+psycopg2://mlflow@db/mlflow_auth');
    expect(state.users).toEqual({ 'serving.churn-serving': 's3cret-serving', 'edge.churn': 's3cret-edge' });
    expect(state.registered_model).toEqual({ 'churn|serving.churn-serving': 'READ', 'churn|edge.churn': 'READ' });
    // Proxied artifact downloads are authorized by experiment: READ on the experiments holding versions 3 and 4.
    expect(state.experiment).toEqual({ '7|serving.churn-serving': 'READ', '9|serving.churn-serving': 'READ' });
    expect(log).toContain('churn version 5 is not registered: edge.churn cannot read its artifacts until a restart after it is');
    expect(state.tracking_closed).toBe(true);
  });

  test('a rotated password is applied, the model permission is reset to the declared one, a wider experiment permission is kept', () => {
    const { state } = applyGrants(grantsEnv(), { 'serving.churn-serving': 'rotated', 'edge.churn': 'x' }, {
      users: { 'serving.churn-serving': 'old' },
      registered_model: { 'churn|serving.churn-serving': 'MANAGE' },
      experiment: { '7|serving.churn-serving': 'EDIT' },
    });
    expect(state.users['serving.churn-serving']).toBe('rotated');
    expect(state.registered_model['churn|serving.churn-serving']).toBe('READ');
    expect(state.experiment['7|serving.churn-serving']).toBe('EDIT');
  });

  test('a consumer whose password is missing from the users secret is logged and skipped; the server still starts', () => {
    const { state, log } = applyGrants(grantsEnv(), { 'edge.churn': 'x' });
    expect(Object.keys(state.users)).toEqual(['edge.churn']);
    expect(log).toContain('no password for user serving.churn-serving (key serving.churn-serving of the users secret): it gets no access');
  });

  test('without consumers the grants are empty and nothing is touched', () => {
    const out = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack)));
    const e = env(container(out.resources('kubernetes_deployment_v1')[0], 'mlflow'));
    expect(e.MLFLOW_MODEL_GRANTS).toBe('[]');
    expect(applyGrants(e, {}).state).toEqual({ users: {}, registered_model: {}, experiment: {} });
  });

  test('the launcher, with the grants step, is valid Python', () => {
    const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: MLFLOW_LAUNCHER, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(MLFLOW_LAUNCHER).toContain('apply_model_grants(e, uri(auth_db),');
    expect(MLFLOW_LAUNCHER).not.toMatch(/\$\{|%\{/);
  });
});

describe('MlflowModelRegistry: external access for edge sites', () => {
  test('the ingress controller\'s pods are admitted through the registry\'s connections; the URL must be https', () => {
    let registry!: MlflowModelRegistry;
    const out = synth((stack) => {
      registry = mlflowOnPrem(stack, onPremTarget(stack), { externalAccess: { url: 'https://mlflow.dc1.example.com', from: [Peer.namespace('ingress-nginx')] } });
    });
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => p.metadata.name === 'mlflow-from-ingress-nginx');
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ port: '5000', protocol: 'TCP' }],
    }]);
    expect(registry.connections.allowed.map((a) => a.peer.namespace)).toEqual(['ingress-nginx']);
    expect(errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any), { externalAccess: { url: 'http://mlflow.dc1.example.com', from: [] } })))
      .toBe('2 problems:\n  - test/registry: externalAccess.url ("http://mlflow.dc1.example.com") must be an https:// URL: consumers send their MLflow credentials over it\n' +
        '  - test/registry: externalAccess.from ([]) must admit the ingress controller\'s pods, e.g. [Peer.namespace("ingress-nginx")]');
  });

  test('a namespace name where a Peer belongs is refused with the spelling to use', () => {
    expect(errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any), { externalAccess: { url: 'https://mlflow.dc1.example.com', from: ['ingress-nginx' as any] } })))
      .toBe('test/registry: externalAccess.from[0] ("ingress-nginx") must be a Peer, e.g. Peer.namespace("ingress-nginx") or ' +
        'Peer.podsInNamespace("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" })');
  });
});

describe('MlflowModelRegistry: connections, the one way in', () => {
  test('grants, model consumers and explicit peers all land in connections; the own namespace needs no policy', () => {
    let registry!: MlflowModelRegistry;
    const out = synth((stack) => {
      const dc1 = onPremTarget(stack);
      registry = mlflowOnPrem(stack, dc1, { releasedVersions: { churn: ['3'] } });
      const trainer = new WorkloadIdentity(stack, 'trainer', { target: dc1.inNamespace('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
      const notebook = new WorkloadIdentity(stack, 'notebook', { target: dc1, serviceAccountName: 'notebook', cloudName: 'notebook' });
      registry.grantPublish(trainer);
      registry.grantRead(trainer);
      registry.grantRead(notebook);
      registry.connections.allowDefaultPortFrom(Peer.namespace('monitoring'));
    });
    expect(registry.connections.allowed.map((a) => [a.peer.namespace, a.port, a.policy !== undefined])).toEqual([
      ['vision', 5000, true], ['ml', 5000, false], ['monitoring', 5000, true],
    ]);
    expect(out.resources('kubernetes_network_policy_v1').map((p) => p.metadata.name).sort())
      .toEqual(['mlflow-from-monitoring', 'mlflow-from-vision', 'mlflow-postgres-from-mlflow', 'mlflow-same-namespace']);
    // The grant's policy keeps its address and name: id from-<namespace> under the registry.
    expect(Object.keys(out.json.resource.kubernetes_network_policy_v1).filter((k) => /from-vision/.test(k))).toEqual([expect.stringMatching(/^registry_from-vision_/)]);
  });

  test('the in-cluster database admits more clients through its own connections', () => {
    const out = synth((stack) => {
      const registry = mlflowOnPrem(stack, onPremTarget(stack));
      (registry.database as InClusterPostgres).connections.allowDefaultPortFrom(Peer.podsInNamespace('dba', { app: 'pgadmin' }));
    });
    const policy = out.resources('kubernetes_network_policy_v1').find((p) => /^mlflow-postgres-from-dba-/.test(p.metadata.name));
    expect(policy.spec).toMatchObject({
      pod_selector: { match_labels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'mlflow-postgres' } },
      ingress: [{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'dba' } }, pod_selector: { match_labels: { app: 'pgadmin' } } }], ports: [{ port: '5432', protocol: 'TCP' }] }],
    });
  });
});

describe('MlflowModelRegistry: secrets by SecretKeyRef', () => {
  test('admin credentials may come from different secrets and keys', () => {
    const out = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack), {
      admin: { ...mlflowAdmin, password: { name: 'mlflow-admin-rotated', key: 'pw' } },
    }));
    const e = env(container(out.resources('kubernetes_deployment_v1')[0], 'mlflow'));
    expect(e.MLFLOW_ADMIN_USERNAME).toEqual({ secret_key_ref: { name: 'mlflow-admin', key: 'username' } });
    expect(e.MLFLOW_ADMIN_PASSWORD).toEqual({ secret_key_ref: { name: 'mlflow-admin-rotated', key: 'pw' } });
  });

  test('a reference without a key, or an old { secretName } shape, names the prop and the shape to use', () => {
    const message = errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any), {
      admin: { ...mlflowAdmin, password: { name: 'mlflow-admin' } as any },
      backend: MlflowBackend.inCluster({ passwordSecret: { secretName: 'mlflow-db' } as any }),
    }));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/registry: admin.password ({"name":"mlflow-admin"}) is required as { name, key } of an existing Kubernetes secret, ' +
      'e.g. { name: "mlflow-admin", key: "password" }');
    expect(message).toContain('test/registry: backend.passwordSecret ({"secretName":"mlflow-db"}) is required as { name, key }');
  });

  test('S3-compatible credentials are two SecretKeyRefs; a bad key is refused by name', () => {
    const message = errorOf((s) => new ObjectStore(s, 'artifacts', {
      location: ObjectStoreLocation.s3Compatible({
        endpointUrl: 'https://minio.dc1.example.com', bucketName: 'mlflow-artifacts',
        credentials: { accessKeyId: { name: 'minio', key: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { name: 'minio', key: 'secret key' } },
      }),
    }));
    expect(message).toBe('test/artifacts: location.credentials.secretAccessKey.key ("secret key") is not a valid secret key; use letters, digits, "-", "_" and "."');
  });
});

describe('MlflowBackend is a class that binds', () => {
  /** A database someone else runs: the server only needs to be told how to connect. */
  class ExternalPostgres extends MlflowBackend {
    public validated?: string;
    public validate(_scope: IConstruct, v: Validator, placement: BackendPlacement): void {
      this.validated = placement.name;
      v.check(placement.target.namespace === 'ml', 'backend', placement.target.namespace, 'must run beside the database');
    }
    public bind(scope: Construct, context: BackendContext): IMlflowDatabase {
      const db = new Construct(scope, 'database') as Construct & { connection: DatabaseConnection };
      db.connection = {
        host: `pg.${context.target.namespace}.svc`, port: 5433, database: 'tracking', username: 'mlflow', sslMode: PostgresSslMode.VERIFY_FULL,
        env: [{ name: 'MLFLOW_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg', key: 'password' } } }], rotatingCredentials: false,
      };
      return db;
    }
  }

  test('the registry validates and binds any backend, and never asks which kind it is', () => {
    const backend = new ExternalPostgres();
    const out = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack), { backend }));
    expect(backend.validated).toBe('mlflow');
    const e = env(container(out.resources('kubernetes_deployment_v1')[0], 'mlflow'));
    expect([e.MLFLOW_DB_HOST, e.MLFLOW_DB_PORT, e.MLFLOW_DB_NAME, e.MLFLOW_DB_SSLMODE]).toEqual(['pg.ml.svc', '5433', 'tracking', 'verify-full']);
    expect(out.resources('kubernetes_stateful_set_v1')).toEqual([]);
    expect(errorOf((s) => mlflowOnPrem(s, onPremTarget(s as any, 'other'), { backend: new ExternalPostgres() })))
      .toBe('test/registry: backend ("other") must run beside the database');
  });

  test('the factories return MlflowBackends with no kind to switch on', () => {
    const backend = MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword });
    expect(backend).toBeInstanceOf(MlflowBackend);
    expect((backend as any).kind).toBeUndefined();
  });
});
