import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { Duration } from '../../lib/core/units';
import { ModelLineage } from '../../lib/registry/lineage';
import { MlflowBackend } from '../../lib/registry/mlflow-backend';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { ObjectStore, ObjectStoreLocation } from '../../lib/registry/object-store';
import { errorOf, literalSecrets, synth } from '../util';
import { eksTarget, gkeTarget, MLFLOW_IMAGE, mlflowOnEks, mlflowOnPrem, onPremArtifacts, onPremTarget, rdsProps } from './fixtures';

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
    expect(sts.spec.persistent_volume_claim_retention_policy).toBeUndefined(); // Kubernetes' default: claims are retained
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
    expect(job.spec).toMatchObject({ schedule: '0 2 * * *', concurrency_policy: 'Forbid' });
    const pod = job.spec.job_template.spec.template.spec;
    expect(pod.init_container[0].command[2]).toBe('pg_dump --format=custom --file=/backup/mlflow.dump mlflow && pg_dump --format=custom --file=/backup/mlflow_auth.dump mlflow_auth');
    expect(pod.init_container[0].env).toContainEqual({ name: 'PGPASSWORD', value_from: { secret_key_ref: { name: 'mlflow-db', key: 'password' } } });
    expect(pod.container[0].command[2]).toBe('aws s3 cp --recursive /backup "s3://mlflow-artifacts/mlflow-db-backups/$(date -u +%Y%m%dT%H%M%SZ)/"');
    expect(pod.container[0].env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', value_from: { secret_key_ref: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' } } });
    expect(pod.container[0].security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true });
  });

  test('backups can be turned off, and need an S3 or S3-compatible store', () => {
    const off = synth((stack) => mlflowOnPrem(stack, onPremTarget(stack), { backend: MlflowBackend.inCluster({ passwordSecret: { secretName: 'mlflow-db' }, backups: false }) }));
    expect(off.resources('kubernetes_cron_job_v1')).toEqual([]);
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
      target: onPremTarget(s as any), image: MLFLOW_IMAGE, adminSecret: { secretName: 'mlflow-admin' },
      backend: MlflowBackend.inCluster({ passwordSecret: { secretName: 'mlflow-db' } }),
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
    expect(message).toMatch(/artifacts: location\.credentials \(undefined\) is required: name an existing Kubernetes secret/);
  });

  test('a workload on another cluster cannot be admitted by a NetworkPolicy', () => {
    expect(() => synth((stack) => {
      const registry = mlflowOnPrem(stack, onPremTarget(stack));
      const other = eksTarget(stack);
      registry.grantRead(new WorkloadIdentity(stack, 'reader', { target: other, serviceAccountName: 'reader', cloudName: 'reader' }));
    })).toThrow(/runs on cluster ml, MLflow on dc1; a NetworkPolicy cannot admit another cluster/);
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
