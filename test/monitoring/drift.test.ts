import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { DriftData, DriftInputs } from '../../lib/core/monitoring-contract';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { MonitoringStack, MonitoringStackProps } from '../../lib/monitoring/monitoring-stack';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { ObjectStoreLocation } from '../../lib/registry/object-store';
import { KubernetesInferenceEndpoint } from '../../lib/serving/kubernetes';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { ModelArtifact } from '../../lib/serving/model-source';
import { Traffic } from '../../lib/serving/traffic';
import { podsOf, reaches } from '../network';
import { errorOf, synth } from '../util';
import { routing } from './fakes';

const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-server@sha256:${'c'.repeat(64)}`;
const drift = { image: 'registry.example.com/ml/drift:1.2.0' };

/** A CPU endpoint `name` in `serving`, on the cluster of `target`. */
function endpoint(scope: Construct, target: KubernetesTarget, name: string, driftInputs?: DriftInputs): KubernetesInferenceEndpoint {
  return new KubernetesInferenceEndpoint(scope, name, {
    name, target: target.inNamespace('serving') as KubernetesTarget,
    variants: [{ name: 'v1', model: ModelArtifact.fromUri(`s3://ml-models/${name}/1/`), image }],
    traffic: Traffic.single('v1'), routing: TrafficRouting.gatewayApi({ gateway: { name: 'inference', namespace: 'gateways' } }),
    drift: driftInputs,
  });
}

/** The MonitoringStack that discovers everything declared in `stack` so far. */
function monitoring(stack: Construct, target: KubernetesTarget, props: Partial<MonitoringStackProps> = {}): MonitoringStack {
  return new MonitoringStack(stack, 'monitoring', {
    target: target.inNamespace('monitoring'), watch: MonitoringStack.discover(stack),
    alerting: routing, grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } }, driftDetection: drift, ...props,
  });
}

function eks(stack: Construct): KubernetesTarget {
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const kube = KubernetesTarget.fromKubeconfig(stack, 'ml', { clusterName: 'ml' });
  return KubernetesTarget.fromProvider(kube.provider, { clusterName: 'ml', identity: WorkloadIdentityMode.eksPodIdentity('ml') });
}

const envOf = (cron: any) => Object.fromEntries(cron.spec.job_template.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value]));
const warnings = (c: Construct) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));

describe('Drift detection for a KubernetesInferenceEndpoint on EKS', () => {
  const out = synth((stack) => {
    const target = eks(stack);
    const datasets = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'ml-datasets' }) });
    endpoint(stack, target, 'churn', {
      referenceDataset: DriftData.fromStore(datasets, 'churn/train/'),
      predictionLog: DriftData.fromUri('s3://ml-logs/churn/predictions/'),
      features: ['tenure', 'plan'],
    });
    monitoring(stack, target);
  });
  const driftRole = (p: any) => String(p.role).includes('drift-identity');

  test('the discovering MonitoringStack runs the endpoint\'s drift CronJob with its inputs, as the drift identity', () => {
    const [cron] = out.resources('kubernetes_cron_job_v1');
    expect(cron.metadata).toMatchObject({ name: 'drift-churn', namespace: 'monitoring' });
    expect(envOf(cron)).toMatchObject({
      ML_WORKLOAD: 'churn',
      ML_REFERENCE_DATASET_URI: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.datasets_bucket_\w+\.bucket\}\/churn\/train\/$/),
      ML_PREDICTION_LOG_URI: 's3://ml-logs/churn/predictions/',
      ML_FEATURES: 'tenure,plan',
    });
    expect(cron.spec.job_template.spec.template.spec.service_account_name).toBe('ml-drift');
    expect(out.resources('aws_eks_pod_identity_association')).toContainEqual(expect.objectContaining({ namespace: 'monitoring', service_account: 'ml-drift' }));
  });

  test('the drift identity may read the reference dataset (through the store, with its key) and the prediction log (its prefix only)', () => {
    const statements = out.resources('aws_iam_role_policy').filter(driftRole).flatMap((p) => JSON.parse(p.policy).Statement);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/datasets_bucket_\w+\.arn\}\/churn\/train\/\*$/) });
    expect(statements).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['kms:Decrypt']) }));
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [expect.stringMatching(/:s3:::ml-logs\/churn\/predictions\/\*$/)] });
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('Put'))).toEqual([]);
    const names = out.resources('aws_iam_role_policy').filter(driftRole).map((p) => p.name);
    expect(names).toEqual([...new Set(names)]);
  });

  test('the job reaches the Pushgateway through the monitoring namespace\'s policies', () => {
    const pushgateway = out.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'pushgateway');
    const policies = out.resources('kubernetes_network_policy_v1');
    expect(reaches(policies, podsOf(out.resources('kubernetes_cron_job_v1')[0]), podsOf(pushgateway), 9091)).toBe(true);
  });
});

describe('Drift detection: inputs elsewhere, and endpoints without them', () => {
  test('on GKE, gs:// inputs are read as roles/storage.objectViewer on their buckets, by the drift identity only', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      const kube = KubernetesTarget.fromKubeconfig(stack, 'ml', { clusterName: 'ml' });
      const target = KubernetesTarget.fromProvider(kube.provider, { clusterName: 'ml', identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123') });
      endpoint(stack, target, 'churn', { referenceDataset: DriftData.fromUri('gs://ml-data/churn/train/'), predictionLog: DriftData.fromUri('gs://ml-logs/churn/') });
      monitoring(stack, target);
    });
    const members = out.resources('google_storage_bucket_iam_member').filter((m) => String(m.member).includes('drift-identity'));
    expect(members.map((m) => [m.bucket, m.role]).sort()).toEqual([['ml-data', 'roles/storage.objectViewer'], ['ml-logs', 'roles/storage.objectViewer']]);
  });

  test('on-prem, a store the cluster has no identity for needs the credentials secret, and says so', () => {
    const message = errorOf((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      const datasets = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'ml-datasets' }) });
      endpoint(stack, target, 'churn', { referenceDataset: DriftData.fromStore(datasets, 'churn/'), predictionLog: DriftData.fromStore(datasets, 'logs/churn/') });
      monitoring(stack, target);
    });
    expect(message).toContain('test/monitoring: driftDetection.credentialsSecret (undefined) is required: endpoint churn reads its referenceDataset ' +
      'from store test/datasets under churn/, and dc1 has no workload identity for that cloud to grant; name an existing Secret with credentials');
  });

  test('on-prem with the credentials secret: the job reads with it, and nothing is granted', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      const datasets = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'ml-datasets' }) });
      endpoint(stack, target, 'churn', { referenceDataset: DriftData.fromStore(datasets, 'churn/'), predictionLog: DriftData.fromUri('s3://ml-logs/churn/') });
      monitoring(stack, target, { driftDetection: { ...drift, credentialsSecret: 'drift-aws-credentials' } });
    });
    const [cron] = out.resources('kubernetes_cron_job_v1');
    expect(cron.spec.job_template.spec.template.spec.container[0].env_from).toEqual([{ secret_ref: { name: 'drift-aws-credentials' } }]);
    expect(out.resources('aws_iam_role_policy')).toEqual([]);
  });

  test('a credentials secret that is not a secret name is refused, naming the prop', () => {
    expect(errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      monitoring(stack, target, { driftDetection: { ...drift, credentialsSecret: 'Drift_AWS' } });
    })).toMatch(/test\/monitoring: driftDetection\.credentialsSecret \("Drift_AWS"\) must be the name of an existing Kubernetes secret/);
  });

  test('an endpoint that declares no drift inputs gets no CronJob, and the MonitoringStack warns, naming it', () => {
    let stackConstruct!: MonitoringStack;
    const out = synth((stack) => {
      const target = eks(stack);
      endpoint(stack, target, 'churn', { referenceDataset: DriftData.fromUri('s3://ml-data/churn/'), predictionLog: DriftData.fromUri('s3://ml-logs/churn/') });
      endpoint(stack, target, 'fraud');
      stackConstruct = monitoring(stack, target);
    });
    expect(out.resources('kubernetes_cron_job_v1').map((c) => c.metadata.name)).toEqual(['drift-churn']);
    expect(warnings(stackConstruct)).toEqual([expect.stringMatching(/^test\/monitoring: no drift job for fraud: the endpoint declares no reference dataset and prediction log/)]);
  });

  test('without driftDetection, an endpoint\'s declared inputs are reported as unused', () => {
    let stackConstruct!: MonitoringStack;
    const out = synth((stack) => {
      const target = eks(stack);
      endpoint(stack, target, 'churn', { referenceDataset: DriftData.fromUri('s3://ml-data/churn/'), predictionLog: DriftData.fromUri('s3://ml-logs/churn/') });
      stackConstruct = monitoring(stack, target, { driftDetection: undefined });
    });
    expect(out.resources('kubernetes_cron_job_v1')).toEqual([]);
    expect(stackConstruct.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => String(m.data)))
      .toEqual([expect.stringMatching(/churn declare drift inputs, but driftDetection is not set/)]);
  });

  test('an endpoint refuses drift inputs a job cannot read, saying what to use', () => {
    const message = errorOf((stack) => {
      const target = eks(stack);
      endpoint(stack, target, 'churn', {
        referenceDataset: 's3://ml-data/churn/' as unknown as DriftData, predictionLog: DriftData.fromUri('ftp://logs/churn/'), features: ['tenure', 'plan,tier'],
      });
    });
    expect(message).toContain('test/churn: drift.referenceDataset ("s3://ml-data/churn/") must be DriftData.fromStore(datasetStore, prefix) or DriftData.fromUri("s3://…")');
    expect(message).toContain('test/churn: drift.predictionLog ("ftp://logs/churn/") is not an s3:// or gs:// URI');
    expect(message).toContain('test/churn: drift.features[1] ("plan,tier") must be a feature name');
  });
});
