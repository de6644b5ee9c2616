import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ModelArtifact } from '../../lib/serving/model-source';
import { KubernetesInferenceEndpoint } from '../../lib/serving/kubernetes';
import { Traffic } from '../../lib/serving/traffic';
import { TrafficRouting } from '../../lib/serving/kubernetes-routing';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { errorOf, synth } from '../util';
import { mlflowOnPrem, onPremTarget } from './fixtures';
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
