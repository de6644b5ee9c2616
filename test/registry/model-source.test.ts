import { TerraformStack, Testing } from 'cdktf';
import { bindModelSource, ModelAccess, StaticModelSource, uriModelAccess } from '../../lib/core/model-source';
import { Peer } from '../../lib/core/connections';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ModelArtifact } from '../../lib/serving/model-source';
import { KubernetesInferenceEndpoint } from '../../lib/serving/kubernetes';
import { Traffic } from '../../lib/serving/traffic';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { errorOf, synth } from '../util';
import { eksTarget, mlflowOnPrem, onPremTarget } from './fixtures';
import { image } from '../serving/fixtures';

// Registries are model sources: serving and edge rings refer only to versions released in code.
describe('registries as model sources', () => {
  test('MLflow: released versions resolve to models:/ URIs; others are unknown', () => {
    let registry: ReturnType<typeof mlflowOnPrem> | undefined;
    synth((stack) => { registry = mlflowOnPrem(stack, onPremTarget(stack), { releasedVersions: { churn: ['3', '4'] } }); });
    expect(registry!.hasModelVersion('churn', '4')).toBe(true);
    expect(registry!.hasModelVersion('churn', '5')).toBe(false);
    expect(registry!.modelVersionUri('churn', '4')).toBe('models:/churn/4');
  });

  test('SageMaker: released versions resolve to the artifact layout in the registry bucket', () => {
    let registry: SageMakerModelRegistry | undefined;
    synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      registry = new SageMakerModelRegistry(stack, 'r', { groupName: 'churn-classifier', artifactBucketName: 'ml-churn-models', releasedVersions: { 'churn-classifier': ['12'] } });
    });
    expect(registry!.hasModelVersion('churn-classifier', '12')).toBe(true);
    expect(registry!.modelVersionUri('churn-classifier', '12')).toMatch(/^s3:\/\/.+\/models\/churn-classifier\/12\/model\.tar\.gz$/);
  });

  test('an endpoint pointing at a version the registry has not released fails with one clear error', () => {
    const message = errorOf((scope) => {
      const stack = scope as TerraformStack;
      const mlops = onPremTarget(stack);
      const registry = mlflowOnPrem(stack, mlops, { releasedVersions: { churn: ['3'] } });
      const target = mlops.inNamespace('serving');
      new KubernetesInferenceEndpoint(stack, 'endpoint', {
        name: 'churn', target, traffic: Traffic.single('v5'), routing: TrafficRouting.replicaProportional({ minReplicas: 2 }),
        variants: [{ name: 'v5', model: ModelArtifact.fromRegistry(registry, 'churn', '5'), image: image() }],
      });
    });
    expect(message).toBe('test/endpoint: variants[0].model.version ("churn@5") is not a version registry MLflow mlflow on dc1 has; ' +
      'register it first or pick a registered version');
  });

  test('released versions are validated', () => {
    expect(errorOf((scope) => mlflowOnPrem(scope, onPremTarget(scope as TerraformStack), { releasedVersions: { churn: ['latest'] } })))
      .toMatch(/releasedVersions\.churn\[0\] \("latest"\) must be a registry version number such as "3"/);
  });
});

// ---- One place knows what a model URI scheme needs: the source's binding (or the URI, for sources without one) ----
describe('model sources bind their consumers', () => {
  test('MLflow, in-cluster consumer: the in-cluster tracking URI, the user, the password by reference; namespace admitted, READ granted', () => {
    let access: ModelAccess | undefined;
    let registry!: MlflowModelRegistry;
    const out = synth((stack) => {
      const dc1 = onPremTarget(stack);
      registry = mlflowOnPrem(stack, dc1, { releasedVersions: { churn: ['3'] } });
      const identity = new WorkloadIdentity(stack, 'scorer', { target: dc1.inNamespace('batch'), serviceAccountName: 'scorer', cloudName: 'scorer' });
      access = registry.bindModelConsumer({
        construct: identity, prop: 'model', identity,
        registryUser: { username: 'batch.scorer', passwordSecret: { name: 'scorer-mlflow', key: 'password' } },
      }, 'churn', '3');
    });
    expect(access).toEqual({
      env: [
        { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.ml.svc:5000' },
        { name: 'MLFLOW_TRACKING_USERNAME', value: 'batch.scorer' },
        { name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'scorer-mlflow', key: 'password' } } },
      ],
      granted: true,
    });
    expect(registry.modelGrants).toEqual([{ username: 'batch.scorer', model: 'churn', versions: ['3'], permission: 'READ' }]);
    expect(out.resources('kubernetes_network_policy_v1').map((p) => p.metadata.name)).toContain('mlflow-from-batch');
  });

  test('MLflow refuses a consumer without a registry user, and a remote consumer when it has no external access', () => {
    const message = errorOf((stack) => {
      const registry = mlflowOnPrem(stack, onPremTarget(stack as TerraformStack), { releasedVersions: { churn: ['3'] } });
      registry.bindModelConsumer({ construct: stack, prop: 'model.source' }, 'churn', '3');
    });
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test: model.source.registryUser (undefined) is required to read MLflow mlflow on dc1: MLflow runs with basic auth and no default permission;');
    expect(message).toContain('test: model.source ("MLflow mlflow on dc1") is read over the network by test, which runs outside cluster dc1, but the registry has no externalAccess;');
  });

  test('MLflow, consumer on another cluster: the external URL, no NetworkPolicy (it could not admit another cluster)', () => {
    let access: ModelAccess | undefined;
    const out = synth((stack) => {
      const registry = mlflowOnPrem(stack, onPremTarget(stack), {
        releasedVersions: { churn: ['3'] }, externalAccess: { url: 'https://mlflow.dc1.example.com', from: [Peer.namespace('ingress-nginx')] },
      });
      const identity = new WorkloadIdentity(stack, 'scorer', { target: eksTarget(stack as TerraformStack, 'batch'), serviceAccountName: 'scorer', cloudName: 'scorer' });
      access = registry.bindModelConsumer({ construct: identity, prop: 'model', identity, registryUser: { username: 'eks.scorer', passwordSecret: { name: 'scorer-mlflow', key: 'password' } } }, 'churn', '3');
    });
    expect(access!.env[0]).toEqual({ name: 'MLFLOW_TRACKING_URI', value: 'https://mlflow.dc1.example.com' });
    expect(out.resources('kubernetes_network_policy_v1').map((p) => p.metadata.name).sort()).toEqual(['mlflow-from-ingress-nginx', 'mlflow-postgres-from-mlflow', 'mlflow-same-namespace']);
  });

  test('S3 and GCS URIs: nothing for cloud identities; an S3-compatible endpoint and a credentials file where needed; grants left to the consumer', () => {
    const remote = { construct: new TerraformStack(Testing.app(), 'edge'), prop: 'model.source', credentialsSecret: 'model-reader' };
    expect(uriModelAccess(remote, 's3://ml-models/churn/3/')).toEqual({ env: [], secretVolumes: [], granted: false });
    const minio = new StaticModelSource('minio', 's3://ml-models', { churn: ['3'] }, { s3EndpointUrl: 'https://minio.dc1.example.com' });
    expect(minio.bindModelConsumer(remote, 'churn', '3').env).toEqual([{ name: 'AWS_ENDPOINT_URL_S3', value: 'https://minio.dc1.example.com' }]);
    expect(bindModelSource(remote, 'gs://ml-models-eu/churn/3/')).toEqual({
      env: [
        { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/ml-platform/gcp/credentials.json' },
        { name: 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', value: '/var/run/secrets/ml-platform/gcp/credentials.json' },
      ],
      secretVolumes: [{ volumeName: 'gcp-credentials', credentialsSecret: 'model-reader', mountPath: '/var/run/secrets/ml-platform/gcp' }],
      granted: false,
    });
  });
});
