import { spawnSync } from 'child_process';
import { TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { ObjectStore, ObjectStoreLocation } from '../../lib/registry/object-store';
import { Duration } from '../../lib/core/units';
import { MlflowBackend } from '../../lib/registry/mlflow-backend';
import { MLFLOW_GCP_SECRET_FETCH, MLFLOW_LAUNCHER } from '../../lib/registry/private/mlflow-launcher';
import { errorOf, literalSecrets, synth } from '../util';
import { cloudSqlProps, eksTarget, gkeTarget, mlflowOnEks, mlflowOnGke, rdsProps } from './fixtures';

const container = (d: any) => d.spec.template.spec.container.find((c: any) => c.name === 'mlflow');
const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.value_from]));

describe('MlflowModelRegistry on GKE with Cloud SQL', () => {
  const out = synth((stack) => { mlflowOnGke(stack, gkeTarget(stack)); });
  const instance = out.resources('google_sql_database_instance')[0];
  const settings = instance.settings;

  test('PostgreSQL 16 with a private IP only in the cluster VPC, TLS required, regional HA', () => {
    expect(instance).toMatchObject({ database_version: 'POSTGRES_16', region: 'europe-west4', project: 'ml-prod-123', name: 'mlflow' });
    expect(settings.ip_configuration).toEqual({ ipv4_enabled: false, private_network: 'projects/ml-prod-123/global/networks/ml', ssl_mode: 'ENCRYPTED_ONLY' });
    expect(settings).toMatchObject({ tier: 'db-custom-2-7680', edition: 'ENTERPRISE', availability_type: 'REGIONAL', disk_type: 'PD_SSD', disk_autoresize: true });
    expect(env(container(out.resources('kubernetes_deployment_v1')[0])).MLFLOW_DB_SSLMODE).toBe('require');
    expect(env(container(out.resources('kubernetes_deployment_v1')[0])).MLFLOW_DB_HOST).toMatch(/^\$\{google_sql_database_instance\.\w+\.private_ip_address\}$/);
  });

  test('the database survives mistakes: deletion protection twice, prevent_destroy, daily backups with 7 days of PITR, kept in region and on delete', () => {
    expect(instance).toMatchObject({ deletion_protection: true, lifecycle: { prevent_destroy: true } });
    expect(settings).toMatchObject({ deletion_protection_enabled: true, retain_backups_on_delete: true });
    expect(settings.backup_configuration).toEqual({
      enabled: true, point_in_time_recovery_enabled: true, transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 14, retention_unit: 'COUNT' }, location: 'europe-west4', start_time: '02:00',
    });
  });

  test('disks and backups use a CMEK key in the instance region that the Cloud SQL service agent may use', () => {
    expect(instance.encryption_key_name).toMatch(/^\$\{google_kms_crypto_key\.\w+\.id\}$/);
    expect(out.resources('google_kms_key_ring')[0]).toMatchObject({ location: 'europe-west4', project: 'ml-prod-123' });
    const agent = out.resources('google_kms_crypto_key_iam_member').find((m) => m.member.includes('gcp-sa-cloud-sql'));
    expect(agent).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/) });
    expect(instance.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]));
  });

  test('databases mlflow and mlflow_auth, and a built-in user whose password is a reference to the existing secret, never a literal', () => {
    expect(out.resources('google_sql_database').map((d) => [d.name, d.deletion_policy]).sort()).toEqual([['mlflow', 'ABANDON'], ['mlflow_auth', 'ABANDON']]);
    expect(out.data('google_secret_manager_secret_version')).toEqual([{ project: 'ml-prod-123', secret: 'mlflow-db-password' }]);
    const user = out.resources('google_sql_user')[0];
    expect(user).toMatchObject({ name: 'mlflow', type: 'BUILT_IN', password: expect.stringMatching(/^\$\{data\.google_secret_manager_secret_version\.\w+\.secret_data\}$/) });
    // The data source's `secret` attribute is the secret's id (asserted above), not its value.
    const secretId = /^\$\.data\.google_secret_manager_secret_version\.\w+\.secret$/;
    expect(literalSecrets(out.json).filter((p) => !secretId.test(p))).toEqual([]);
    expect(out.text).not.toMatch(/"password": "[^$]/);
  });

  test('the server reads exactly that secret with its own Google service account, and gets its name, not its value', () => {
    const grants = out.resources('google_secret_manager_secret_iam_member');
    expect(grants).toEqual([{
      project: 'ml-prod-123', secret_id: 'mlflow-db-password', role: 'roles/secretmanager.secretAccessor',
      member: expect.stringMatching(/^\$\{google_service_account\.[\w-]+\.member\}$/),
    }]);
    const c = container(out.resources('kubernetes_deployment_v1')[0]);
    const e = env(c);
    expect(e.MLFLOW_DB_GCP_SECRET).toBe('projects/ml-prod-123/secrets/mlflow-db-password');
    expect(e.MLFLOW_DB_PASSWORD).toBeUndefined();
    expect(c.liveness_probe.exec.command.join(' ')).toContain('/run/mlflow/backend-uri');
    expect(c.command[2]).toContain("'Metadata-Flavor': 'Google'");
    expect(out.resources('aws_iam_role_policy')).toEqual([]);
  });
});

describe('the launcher reads the Cloud SQL password with the standard library only', () => {
  const python = spawnSync('python3', ['--version']).status === 0;
  // Runs the fetch block against a stubbed urlopen: what it requests, and what it decodes.
  const harness = `
import io, json, os, urllib.request
calls = []
def urlopen(req, timeout=None):
    calls.append((req.full_url, dict(req.header_items())))
    if 'metadata.google.internal' in req.full_url:
        body = {'access_token': 'ya29.token'}
    else:
        body = {'payload': {'data': 'czNjcjN0IHB3'}}
    return io.BytesIO(json.dumps(body).encode())
urllib.request.urlopen = urlopen
e = {'MLFLOW_DB_GCP_SECRET': 'projects/ml-prod-123/secrets/mlflow-db-password'}
password = ''
${MLFLOW_GCP_SECRET_FETCH}
print(json.dumps({'password': password, 'calls': calls}))
`;

  (python ? test : test.skip)('token from the metadata server, then versions/latest:access, base64 payload decoded', () => {
    const run = spawnSync('python3', ['-c', harness], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout);
    expect(result.password).toBe('s3cr3t pw');
    expect(result.calls).toEqual([
      ['http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token', { 'Metadata-flavor': 'Google' }],
      ['https://secretmanager.googleapis.com/v1/projects/ml-prod-123/secrets/mlflow-db-password/versions/latest:access', { Authorization: 'Bearer ya29.token' }],
    ]);
  });

  test('the fetch is part of the launcher and imports nothing outside the standard library', () => {
    expect(MLFLOW_LAUNCHER).toContain(MLFLOW_GCP_SECRET_FETCH);
    expect(MLFLOW_GCP_SECRET_FETCH).toMatch(/import base64, urllib\.request/);
    expect(MLFLOW_GCP_SECRET_FETCH).not.toMatch(/google\.cloud|requests/);
  });
});

describe('Cloud SQL validation', () => {
  test('Cloud SQL with an EKS target says which backend to use instead', () => {
    expect(errorOf((s) => mlflowOnEks(s, eksTarget(s as any), { backend: MlflowBackend.cloudSql(cloudSqlProps) }))).toMatch(
      /registry: backend \("cloud-sql"\) needs a GKE target .* but ml is not GKE; use MlflowBackend\.rds\(\{\.\.\.\}\) on EKS/);
  });

  test('RDS on GKE points at Cloud SQL', () => {
    expect(errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), { backend: MlflowBackend.rds(rdsProps) })))
      .toMatch(/backend \("rds"\) needs an EKS target .*use MlflowBackend\.cloudSql\(\{\.\.\.\}\) on GKE/);
  });

  test('backup retention and the PITR window are bounded, and PITR must be shorter than retention', () => {
    const short = errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), {
      backend: MlflowBackend.cloudSql({ ...cloudSqlProps, backupRetention: Duration.days(3), pointInTimeRecoveryWindow: Duration.days(8) }),
    }));
    expect(short).toMatch(/registry: backend\.backupRetention \(3d\) must be whole days from 7 to 365/);
    expect(short).toMatch(/registry: backend\.pointInTimeRecoveryWindow \(8d\) must be whole days from 1 to 7 \(35 only on Enterprise Plus tiers/);
    expect(errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), {
      backend: MlflowBackend.cloudSql({ ...cloudSqlProps, backupRetention: Duration.days(400) }),
    }))).toMatch(/backupRetention \(400d\) must be whole days from 7 to 365/);
    expect(errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), {
      backend: MlflowBackend.cloudSql({ ...cloudSqlProps, backupRetention: Duration.days(7), pointInTimeRecoveryWindow: Duration.days(7) }),
    }))).toMatch(/pointInTimeRecoveryWindow \(7d\) must be shorter than backupRetention \(7d\)/);
  });

  test('Enterprise Plus tiers allow 35 days of PITR', () => {
    const out = synth((stack) => {
      mlflowOnGke(stack, gkeTarget(stack), {
        backend: MlflowBackend.cloudSql({ ...cloudSqlProps, tier: 'db-perf-optimized-N-2', backupRetention: Duration.days(60), pointInTimeRecoveryWindow: Duration.days(35) }),
      });
    });
    expect(out.resources('google_sql_database_instance')[0].settings).toMatchObject({
      edition: 'ENTERPRISE_PLUS', backup_configuration: { transaction_log_retention_days: 35, backup_retention_settings: { retained_backups: 60 } },
    });
  });

  test('every bad prop at once: a password instead of a secret id, a zone, a bad network, a bad name', () => {
    const message = errorOf((s) => mlflowOnGke(s, gkeTarget(s as any), {
      backend: MlflowBackend.cloudSql({ ...cloudSqlProps, instanceName: 'MLflow', region: 'europe-west4-a', privateNetwork: 'ml', passwordSecretId: 'hunter2 is my password' }),
    }));
    expect(message).toMatch(/^4 problems:/);
    expect(message).toContain('registry: backend.instanceName ("MLflow") is not a valid name');
    expect(message).toContain('registry: backend.region ("europe-west4-a") must be a region such as europe-west4');
    expect(message).toContain('registry: backend.privateNetwork ("ml") must be a VPC as projects/<project>/global/networks/<vpc>');
    expect(message).toContain('registry: backend.passwordSecretId ("hunter2 is my password") must be a Secret Manager secret id');
  });

  test('turning deletion protection off is explicit and turns off all three protections', () => {
    const out = synth((stack) => {
      mlflowOnGke(stack, gkeTarget(stack), { backend: MlflowBackend.cloudSql({ ...cloudSqlProps, deletionProtection: false, highAvailability: false }) });
    });
    const instance = out.resources('google_sql_database_instance')[0];
    expect(instance).toMatchObject({ deletion_protection: false, lifecycle: { prevent_destroy: false }, settings: { deletion_protection_enabled: false, availability_type: 'ZONAL' } });
  });
});

describe('project and region come from the stack\'s Google provider unless given', () => {
  /** A GKE target in a stack whose Google provider sets `settings`. */
  function gkeStack(stack: TerraformStack, settings: { project?: string; region?: string }) {
    new GoogleProvider(stack, 'google', settings);
    const provider = new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config' });
    return KubernetesTarget.fromProvider(provider, {
      clusterName: 'ml', namespace: 'ml', platform: KubernetesPlatform.GKE, identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123'),
    });
  }
  const { project: _p, region: _r, ...withoutPlacement } = cloudSqlProps;
  const gcsWithoutProject = ObjectStoreLocation.gcs({ bucketName: 'ml-inherited-artifacts', location: 'europe-west4' });

  test('Cloud SQL, its key, its secret grant and the artifact bucket inherit them', () => {
    const out = synth((stack) => {
      const target = gkeStack(stack as TerraformStack, { project: 'ml-stack-123', region: 'europe-west1' });
      mlflowOnGke(stack, target, {
        backend: MlflowBackend.cloudSql(withoutPlacement),
        artifactStore: new ObjectStore(stack, 'inherited-artifacts', { location: gcsWithoutProject }),
      });
    });
    expect(out.resources('google_sql_database_instance')[0]).toMatchObject({ project: 'ml-stack-123', region: 'europe-west1' });
    expect(out.resources('google_kms_key_ring').map((r) => [r.project, r.location]))
      .toEqual(expect.arrayContaining([['ml-stack-123', 'europe-west1'], ['ml-stack-123', 'europe-west4']]));
    expect(out.resources('google_secret_manager_secret_iam_member')[0].project).toBe('ml-stack-123');
    expect(out.resources('google_storage_bucket').find((b) => b.name === 'ml-inherited-artifacts').project).toBe('ml-stack-123');
    const e = env(container(out.resources('kubernetes_deployment_v1')[0]));
    expect(e.MLFLOW_DB_GCP_SECRET).toBe('projects/ml-stack-123/secrets/mlflow-db-password');
  });

  test('a prop given wins over the provider', () => {
    const out = synth((stack) => {
      mlflowOnGke(stack, gkeStack(stack as TerraformStack, { project: 'ml-stack-123', region: 'europe-west1' }));
    });
    expect(out.resources('google_sql_database_instance')[0]).toMatchObject({ project: 'ml-prod-123', region: 'europe-west4' });
  });

  test('without either, the error names each prop and both ways to set it', () => {
    const message = errorOf((s) => mlflowOnGke(s, gkeStack(s as TerraformStack, {}), { backend: MlflowBackend.cloudSql(withoutPlacement) }));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/registry: backend.project (undefined) is required: set backend.project, or place the construct in a stack whose Google provider sets project');
    expect(message).toContain('test/registry: backend.region (undefined) is required: set backend.region, or place the construct in a stack whose Google provider sets region');
    expect(errorOf((s) => { gkeStack(s as TerraformStack, {}); new ObjectStore(s, 'artifacts', { location: gcsWithoutProject }); }))
      .toMatch(/^test\/artifacts: location\.project \(undefined\) is required: set location\.project, or place the construct in a stack whose Google provider sets project/);
  });
});
