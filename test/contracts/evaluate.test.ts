import { ContractRecord } from '../../lib/contracts/contract';
import { evaluateContracts } from '../../lib/contracts/evaluate';

/** A stack's JSON with contracts recorded the way the ledger writes them. */
function stack(json: Record<string, unknown>, records: ContractRecord[] = []): Record<string, unknown> {
  const contracts: Record<string, ContractRecord> = {};
  records.forEach((r, i) => { contracts[`c${String(i).padStart(4, '0')}`] = r; });
  return { ...json, '//': { ml_platform: { contracts } } };
}
const ends = { consumer: 'app/serving/churn', producer: 'app/aws/registry', what: 'model artifacts of churn v12', fix: 'call registry.grantRead(role)' };
const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('permission contracts across stacks', () => {
  const producer = (keyPolicy: unknown[]) => ({
    resource: {
      aws_s3_bucket: { models: { bucket: 'acme-models' } },
      aws_kms_key: { models: { policy: policy(keyPolicy) } },
    },
    output: {
      'cross-stack-output-aws_kms_keymodelsarn': { value: '${aws_kms_key.models.arn}', sensitive: true },
      'cross-stack-output-aws_s3_bucketmodelsarn': { value: '${aws_s3_bucket.models.arn}', sensitive: true },
    },
  });
  const remote = '${data.terraform_remote_state.cross-stack-reference-input-app--aws.outputs.';
  const consumer = (statements: unknown[]) => stack({
    data: { terraform_remote_state: { 'cross-stack-reference-input-app--aws': { backend: 'local', config: { path: '/x/terraform.aws.tfstate' } } } },
    resource: {
      aws_iam_role: { endpoint: { name: 'churn-endpoint' } },
      aws_iam_role_policy: { read: { role: '${aws_iam_role.endpoint.name}', policy: policy(statements) } },
    },
  }, [{
    kind: 'aws-permission', ...ends, principal: '${aws_iam_role.endpoint.arn}', principalResource: { stack: 'serving', address: 'aws_iam_role.endpoint' },
    actions: ['s3:GetObject'], resources: [`${remote}cross-stack-output-aws_s3_bucketmodelsarn}/models/churn/12/model.tar.gz`],
    kmsKey: `${remote}cross-stack-output-aws_kms_keymodelsarn}`,
  }]);
  const delegate = [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.current.account_id}:root' }, Action: 'kms:*', Resource: '*' }];
  const readModels = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::acme-models/models/*' };
  const decrypt = { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: `${remote}cross-stack-output-aws_kms_keymodelsarn}` };

  test('given the grant and a delegating key policy, the contract holds (references followed through remote state)', () => {
    const r = evaluateContracts([{ name: 'aws', json: producer(delegate) }, { name: 'serving', json: consumer([readModels, decrypt]) }]);
    expect(r.evaluated).toBe(1);
    expect(r.findings).toEqual([]);
  });

  test('without kms:Decrypt the finding names both ends, the action and the key', () => {
    const r = evaluateContracts([{ name: 'aws', json: producer(delegate) }, { name: 'serving', json: consumer([readModels]) }]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ ruleId: 'contract-permission', severity: 'error', address: 'aws_iam_role.endpoint', stack: 'serving' });
    expect(r.findings[0].message).toMatch(/app\/serving\/churn → app\/aws\/registry \(model artifacts of churn v12\): role aws_iam_role.endpoint is not allowed kms:Decrypt on key aws_kms_key.models \(stack aws\): no identity policy and no statement of the resource policy allows it/);
    expect(r.findings[0].remediation).toBe('call registry.grantRead(role)');
  });

  test('a key policy that does not delegate to the account makes the identity grant useless', () => {
    const adminsOnly = [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/admin' }, Action: 'kms:*', Resource: '*' }];
    const r = evaluateContracts([{ name: 'aws', json: producer(adminsOnly) }, { name: 'serving', json: consumer([readModels, decrypt]) }]);
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/key policy neither allows the role nor delegates/);
  });

  test('a grant on another prefix does not satisfy it', () => {
    const r = evaluateContracts([{ name: 'aws', json: producer(delegate) }, { name: 'serving', json: consumer([{ ...readModels, Resource: 'arn:aws:s3:::acme-models/datasets/*' }, decrypt]) }]);
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/not allowed s3:GetObject on arn:aws:s3:::acme-models\/models\/churn\/12\/model.tar.gz/);
  });
});

describe('Google Cloud permission contracts', () => {
  const json = (role: string, scope: 'bucket' | 'project') => stack({
    resource: {
      google_service_account: { reader: { account_id: 'reader' } },
      google_storage_bucket: { models: { name: 'acme-models' } },
      ...(scope === 'bucket'
        ? { google_storage_bucket_iam_member: { read: { bucket: '${google_storage_bucket.models.name}', role, member: '${google_service_account.reader.member}' } } }
        : { google_project_iam_member: { read: { project: 'acme-prod', role, member: 'serviceAccount:${google_service_account.reader.email}' } } }),
    },
  }, [{
    kind: 'gcp-permission', ...ends, member: '${google_service_account.reader.member}', memberResource: { stack: 'gcp', address: 'google_service_account.reader' },
    permissions: ['storage.objects.get'], resource: { type: 'bucket', id: '${google_storage_bucket.models.name}', project: 'acme-prod' },
  }]);

  test('objectViewer on the bucket, or on its project, grants storage.objects.get', () => {
    expect(evaluateContracts([{ name: 'gcp', json: json('roles/storage.objectViewer', 'bucket') }]).findings).toEqual([]);
    expect(evaluateContracts([{ name: 'gcp', json: json('roles/storage.objectViewer', 'project') }]).findings).toEqual([]);
  });

  test('objectCreator does not; a role the table does not know is a warning, not a pass', () => {
    const creator = evaluateContracts([{ name: 'gcp', json: json('roles/storage.objectCreator', 'bucket') }]).findings;
    expect(creator).toHaveLength(1);
    expect(creator[0]).toMatchObject({ severity: 'error', ruleId: 'contract-permission' });
    expect(creator[0].message).toMatch(/lacks storage.objects.get on bucket acme-models; it holds roles\/storage.objectCreator/);
    expect(evaluateContracts([{ name: 'gcp', json: json('roles/custom.reader', 'bucket') }]).findings[0].severity).toBe('warning');
  });
});

describe('configuration, order and capacity contracts', () => {
  const deployment = (env: unknown[]) => ({
    metadata: { name: 'churn', namespace: 'serving' },
    spec: { template: { metadata: { labels: { app: 'churn' } }, spec: { container: [{ name: 'server', env }] } } },
  });
  const configured = (env: unknown[]) => stack({ resource: { kubernetes_deployment_v1: { churn: deployment(env) } } }, [{
    kind: 'configuration', ...ends, workload: { stack: 's', address: 'kubernetes_deployment_v1.churn' }, container: 'server',
    env: [{ name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc:5000' }, { name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true }],
  }]);

  test('configuration: present, equal and from a Secret passes; missing, different or literal credentials fail', () => {
    const good = [{ name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc:5000' }, { name: 'MLFLOW_TRACKING_PASSWORD', value_from: { secret_key_ref: { name: 'mlflow-churn', key: 'password' } } }];
    expect(evaluateContracts([{ name: 's', json: configured(good) }]).findings).toEqual([]);
    const messages = evaluateContracts([{ name: 's', json: configured([{ name: 'MLFLOW_TRACKING_URI', value: 'http://localhost:5000' }, { name: 'MLFLOW_TRACKING_PASSWORD', value: 'hunter2' }]) }])
      .findings.map((f) => f.message).join('\n');
    expect(messages).toMatch(/sets MLFLOW_TRACKING_URI to "http:\/\/localhost:5000", not "http:\/\/mlflow.mlflow.svc:5000"/);
    expect(messages).toMatch(/sets MLFLOW_TRACKING_PASSWORD as a literal; it is a credential and must come from a Secret/);
    expect(evaluateContracts([{ name: 's', json: configured([]) }]).findings.map((f) => f.message).join('\n')).toMatch(/has no MLFLOW_TRACKING_URI/);
  });

  test('configuration of an Argo WorkflowTemplate step: containers are named by their template', () => {
    const template = (env: unknown[]) => stack({
      resource: {
        kubernetes_manifest: {
          wt: {
            manifest: {
              apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'retrain', namespace: 'mlops' },
              spec: { podMetadata: { labels: { app: 'retrain' } }, templates: [{ name: 'pipeline', dag: { tasks: [] } }, { name: 'register', container: { name: 'main', image: 'x', env } }] },
            },
          },
        },
      },
    }, [{ kind: 'configuration', ...ends, workload: { stack: 's', address: 'kubernetes_manifest.wt' }, container: 'register', env: [{ name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true }] }]);
    expect(evaluateContracts([{ name: 's', json: template([{ name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'u', key: 'p' } } }]) }]).findings).toEqual([]);
    expect(evaluateContracts([{ name: 's', json: template([]) }]).findings.map((f) => f.message).join('\n')).toMatch(/container register of kubernetes_manifest.wt has no MLFLOW_TRACKING_PASSWORD/);
  });

  test('order: a dependency through depends_on or a reference chain satisfies it; none fails', () => {
    const json = (job: Record<string, unknown>) => stack({
      resource: {
        aws_iam_role_policy: { grant: { role: 'r', policy: '{}' } },
        kubernetes_service_account_v1: { sa: { metadata: { name: 'feast' }, depends_on: ['aws_iam_role_policy.grant'] } },
        kubernetes_job_v1: { apply: job },
      },
    }, [{ kind: 'order', ...ends, resource: { stack: 's', address: 'kubernetes_job_v1.apply' }, after: [{ stack: 's', address: 'aws_iam_role_policy.grant' }] }]);
    expect(evaluateContracts([{ name: 's', json: json({ depends_on: ['aws_iam_role_policy.grant'] }) }]).findings).toEqual([]);
    expect(evaluateContracts([{ name: 's', json: json({ spec: { sa: '${kubernetes_service_account_v1.sa.metadata[0].name}' } }) }]).findings).toEqual([]);
    const f = evaluateContracts([{ name: 's', json: json({}) }]).findings;
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/kubernetes_job_v1.apply can be created before aws_iam_role_policy.grant, which it uses/);
  });

  const capacity = (quota: string, maxSize: number, minNodes = 0) => stack({
    resource: {
      kubernetes_resource_quota_v1: { vision: { metadata: { namespace: 'vision' }, spec: { hard: { 'requests.nvidia.com/gpu': quota } } } },
      aws_eks_node_group: { l4: { scaling_config: { min_size: minNodes, max_size: maxSize, desired_size: minNodes } } },
    },
  }, [
    { kind: 'capacity-supply', producer: 'app/cluster', cluster: 'c', pool: 'l4', resource: 'nvidia.com/gpu', perNode: 4, minNodes, maxNodes: maxSize, nodeGroup: { stack: 's', address: 'aws_eks_node_group.l4' } },
    { kind: 'capacity', ...ends, cluster: 'c', namespace: 'vision', resource: 'nvidia.com/gpu', maxDemand: 10, minDemand: 2, pool: 'l4' },
  ]);

  test('capacity: demand within quota and pool passes (a pool that keeps its minimum gets no warning)', () => {
    expect(evaluateContracts([{ name: 's', json: capacity('12', 3, 1) }]).findings).toEqual([]);
  });

  test('capacity: a quota below demand, a pool below demand, a budget above the cluster, a scale-to-zero pool held up', () => {
    const quota = evaluateContracts([{ name: 's', json: capacity('8', 3, 1) }]).findings;
    expect(quota.map((f) => f.message)).toEqual([expect.stringMatching(/namespace vision may use 8 nvidia.com\/gpu .* but app\/serving\/churn \(model artifacts of churn v12\) needs up to 10: 10 in all/)]);
    const pool = evaluateContracts([{ name: 's', json: capacity('12', 2, 1) }]).findings.map((f) => f.message).join('\n');
    expect(pool).toMatch(/pool l4 of c holds at most 8 nvidia.com\/gpu \(2 nodes × 4\)/);
    expect(pool).toMatch(/may use 12 nvidia.com\/gpu \(requests.nvidia.com\/gpu\), more than the 8 all pools of cluster c can ever hold/);
    const zero = evaluateContracts([{ name: 's', json: capacity('12', 3, 0) }]).findings;
    expect(zero).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/declared to scale to zero, but app\/serving\/churn \(model artifacts of churn v12\) keeps 2 nvidia.com\/gpu at all times/) })]);
  });
});
