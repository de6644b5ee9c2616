import { TerraformStack, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsRoleGrantee } from '../../lib/core/aws-grantee';
import { Duration } from '../../lib/core/units';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { ModelArtifact } from '../../lib/serving/model-source';
import { SageMakerInferenceEndpoint, SageMakerInferenceEndpointProps, SageMakerVariantProps } from '../../lib/serving/sagemaker';
import { SageMakerDeployment } from '../../lib/serving/sagemaker-deployment';
import { Traffic } from '../../lib/serving/traffic';
import { errorOf, literalSecrets, synth, Synth, synthApp } from '../util';
import { FakeFeatureStore, FakeRegistry, image } from './fixtures';

const registry = new FakeRegistry('churn-registry', { churn: ['3', '4'] });
const variant = (name: string, version: string, extra: Partial<SageMakerVariantProps> = {}): SageMakerVariantProps => ({
  name, model: ModelArtifact.fromRegistry(registry, 'churn', version), image: image(), instanceType: 'ml.c6i.xlarge', ...extra,
});
const base: SageMakerInferenceEndpointProps = {
  name: 'churn',
  variants: [variant('stable', '3'), variant('canary', '4')],
  traffic: Traffic.canary('stable', 'canary', 10),
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  securityGroupIds: ['sg-0123456789abcdef0'],
  slo: { latencyP99Ms: 200, errorRatePercent: 2 },
};

function sagemaker(props: Partial<SageMakerInferenceEndpointProps> = {}) {
  return synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new SageMakerInferenceEndpoint(stack, 'endpoint', { ...base, ...props });
  });
}
const sagemakerError = (props: Partial<SageMakerInferenceEndpointProps>) =>
  errorOf((stack) => new SageMakerInferenceEndpoint(stack, 'endpoint', { ...base, ...props } as SageMakerInferenceEndpointProps));

describe('SageMakerInferenceEndpoint: traffic strategies', () => {
  test('canary: two production variants weighted 90/10', () => {
    const config = sagemaker().resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.production_variants.map((v: any) => [v.variant_name, v.initial_variant_weight, v.initial_instance_count, v.instance_type]))
      .toEqual([['stable', 90, 2, 'ml.c6i.xlarge'], ['canary', 10, 2, 'ml.c6i.xlarge']]);
    expect(config.production_variants[0].model_name).toMatch(/^\$\{aws_sagemaker_model\..+\.name\}$/);
    expect(config.shadow_production_variants).toBeUndefined();
  });

  test('A/B test: one production variant per weight', () => {
    const config = sagemaker({ traffic: Traffic.abTest([{ variant: 'stable', weight: 50 }, { variant: 'canary', weight: 50 }]) }).resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.production_variants.map((v: any) => v.initial_variant_weight)).toEqual([50, 50]);
  });

  test('champion-challenger: the challenger is a shadow variant mirroring every request', () => {
    const out = sagemaker({ variants: [variant('champion', '3'), variant('challenger', '4')], traffic: Traffic.championChallenger('champion', 'challenger') });
    const config = out.resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.production_variants.map((v: any) => [v.variant_name, v.initial_variant_weight])).toEqual([['champion', 100]]);
    expect(config.shadow_production_variants.map((v: any) => [v.variant_name, v.initial_variant_weight])).toEqual([['challenger', 100]]);
    // Only live variants roll back deployments and autoscale.
    expect(out.resources('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name).sort()).toEqual(['churn-champion-5xx-error-rate', 'churn-champion-p99-latency']);
    expect(out.resources('aws_appautoscaling_target')).toHaveLength(1);
  });

  test('single: one production variant taking all traffic', () => {
    const config = sagemaker({ variants: [variant('stable', '3')], traffic: Traffic.single('stable') }).resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.production_variants).toHaveLength(1);
    expect(config.production_variants[0].initial_variant_weight).toBe(100);
  });
});

describe('SageMakerInferenceEndpoint: blue/green updates with auto-rollback', () => {
  const out = sagemaker();
  const endpoint = out.resources('aws_sagemaker_endpoint')[0];

  test('the default is a 10% canary baking 10 minutes, within an hour', () => {
    expect(endpoint.deployment_config.blue_green_update_policy).toEqual({
      traffic_routing_configuration: { type: 'CANARY', wait_interval_in_seconds: 600, canary_size: { type: 'CAPACITY_PERCENT', value: 10 } },
      maximum_execution_timeout_in_seconds: 3600,
      termination_wait_in_seconds: 300,
    });
  });

  test('linear and all-at-once policies', () => {
    const linear = sagemaker({ deployment: SageMakerDeployment.linear(20, Duration.minutes(5)) }).resources('aws_sagemaker_endpoint')[0];
    expect(linear.deployment_config.blue_green_update_policy.traffic_routing_configuration)
      .toEqual({ type: 'LINEAR', wait_interval_in_seconds: 300, linear_step_size: { type: 'CAPACITY_PERCENT', value: 20 } });
    const all = sagemaker({ deployment: SageMakerDeployment.allAtOnce(Duration.minutes(15)) }).resources('aws_sagemaker_endpoint')[0];
    expect(all.deployment_config.blue_green_update_policy.traffic_routing_configuration).toEqual({ type: 'ALL_AT_ONCE', wait_interval_in_seconds: 900 });
  });

  test('rollback watches a 5XX error-rate and a p99 latency alarm per production variant, thresholds from the SLO', () => {
    expect(endpoint.deployment_config.auto_rollback_configuration.alarms).toHaveLength(4);
    const alarms = out.resources('aws_cloudwatch_metric_alarm');
    const latency = alarms.find((a) => a.alarm_name === 'churn-stable-p99-latency');
    expect(latency).toMatchObject({ namespace: 'AWS/SageMaker', metric_name: 'ModelLatency', extended_statistic: 'p99', threshold: 200000, dimensions: { EndpointName: 'churn', VariantName: 'stable' } });
    const errors = alarms.find((a) => a.alarm_name === 'churn-canary-5xx-error-rate');
    expect(errors.threshold).toBe(2);
    expect(errors.metric_query.map((q: any) => q.metric?.metric_name ?? q.expression)).toEqual(['IF(invocations > 0, 100 * errors / invocations, 0)', 'Invocation5XXErrors', 'Invocations']);
  });

  test('each production variant autoscales on invocations per instance', () => {
    const target = out.resources('aws_appautoscaling_target').find((t) => t.resource_id.endsWith('/variant/canary'));
    expect(target).toMatchObject({ service_namespace: 'sagemaker', scalable_dimension: 'sagemaker:variant:DesiredInstanceCount', min_capacity: 2, max_capacity: 4 });
    expect(target.resource_id).toMatch(/^endpoint\/\$\{aws_sagemaker_endpoint\..+\.name\}\/variant\/canary$/);
    const policy = out.resources('aws_appautoscaling_policy')[0];
    expect(policy.policy_type).toBe('TargetTrackingScaling');
    expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: 100, predefined_metric_specification: { predefined_metric_type: 'SageMakerVariantInvocationsPerInstance' } });
  });
});

describe('SageMakerInferenceEndpoint: secure by default', () => {
  const out = sagemaker();

  test('models are network-isolated in private subnets with the artifact and digest-pinned image', () => {
    for (const m of out.resources('aws_sagemaker_model')) {
      expect(m.enable_network_isolation).toBe(true);
      expect(m.vpc_config).toEqual({ subnets: base.subnetIds, security_group_ids: base.securityGroupIds });
      expect(m.primary_container.image).toBe(image());
    }
    expect(out.resources('aws_sagemaker_model').map((m) => m.primary_container.model_data_url).sort()).toEqual(['s3://ml-models/churn/3/', 's3://ml-models/churn/4/']);
  });

  test('the execution role trusts only SageMaker from this account and reads only the artifacts and repositories used', () => {
    const trust = JSON.parse(out.resources('aws_iam_role').find((r) => r.name === 'churn-sagemaker').assume_role_policy);
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': expect.stringContaining('data.aws_caller_identity') } } }]);
    const policy = JSON.parse(out.resources('aws_iam_role_policy')[0].policy);
    const by = (sid: string) => policy.Statement.find((s: any) => s.Sid === sid);
    expect(policy.Statement[0]).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/3/*', 'churn/4/*'] } } });
    expect(policy.Statement[1]).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [expect.stringMatching(/:s3:::ml-models\/churn\/3\/\*$/), expect.stringMatching(/:s3:::ml-models\/churn\/4\/\*$/)] });
    expect(by('PullServingImages').Resource).toEqual([expect.stringMatching(/:ecr:us-east-1:123456789012:repository\/triton$/)]);
    expect(by('WriteDataCapture').Resource).toMatch(/\/churn\/\*$/);
    expect(policy.Statement.some((s: any) => s.Action === '*' || (Array.isArray(s.Action) && s.Action.includes('*')))).toBe(false);
  });

  test('volumes are encrypted with a customer-managed key and captures go to a KMS-encrypted bucket', () => {
    const config = out.resources('aws_sagemaker_endpoint_configuration')[0];
    expect(config.kms_key_arn).toMatch(/aws_kms_key\..+\.arn/);
    expect(config.name_prefix).toBe('churn-');
    expect(config.lifecycle.create_before_destroy).toBe(true);
    expect(config.data_capture_config).toMatchObject({
      enable_capture: true, initial_sampling_percentage: 20, kms_key_id: expect.stringMatching(/aws_kms_key\..+\.arn/),
      destination_s3_uri: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\..+\.bucket\}\/churn\/$/),
      capture_options: [{ capture_mode: 'Input' }, { capture_mode: 'Output' }],
    });
    const algorithms = out.resources('aws_s3_bucket_server_side_encryption_configuration').map((c) => c.rule[0].apply_server_side_encryption_by_default.sse_algorithm);
    expect(algorithms).toContain('aws:kms');
  });

  test('instance types with local NVMe storage get no volume key (SageMaker rejects it; the governance test checks the suppression)', () => {
    const o = sagemaker({ variants: [variant('stable', '3', { instanceType: 'ml.g5.xlarge' }), variant('canary', '4')] });
    expect(o.resources('aws_sagemaker_endpoint_configuration')[0].kms_key_arn).toBeUndefined();
  });

  test('no literal secret and identical output on every synth', () => {
    expect(literalSecrets(out.json)).toEqual([]);
    expect(sagemaker().text).toBe(out.text);
  });
});

describe('SageMakerInferenceEndpoint: validation says what to do', () => {
  test('a non-ECR image, a tag instead of a digest, a non-S3 artifact and a missing registry version', () => {
    const message = sagemakerError({
      variants: [
        { ...variant('stable', '3'), image: `quay.io/acme/triton@sha256:${'b'.repeat(64)}` },
        { ...variant('canary', '9') },
        { ...variant('extra', '3'), image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/triton:1.0', model: ModelArtifact.fromUri('gs://b/m') },
      ],
      traffic: Traffic.abTest([{ variant: 'stable', weight: 50 }, { variant: 'canary', weight: 25 }, { variant: 'extra', weight: 25 }]),
    });
    expect(message).toMatch(/^4 problems:/);
    expect(message).toContain('variants[0].image ("quay.io/acme/triton@sha256:');
    expect(message).toContain('is not an Amazon ECR image; SageMaker pulls from ECR');
    expect(message).toContain('test/endpoint: variants[1].model.version ("churn@9") is not a version registry churn-registry has');
    expect(message).toContain('test/endpoint: variants[2].image ("123456789012.dkr.ecr.us-east-1.amazonaws.com/triton:1.0") is not pinned by digest; use 123456789012.dkr.ecr.us-east-1.amazonaws.com/triton@sha256:<64 hex digest>');
    expect(message).toContain('test/endpoint: variants[2].model ("gs://b/m") is not an S3 URI');
  });

  test('canary above 50% and a blue/green canary above 50% of capacity', () => {
    expect(sagemakerError({ traffic: Traffic.canary('stable', 'canary', 51), deployment: SageMakerDeployment.canary(60, Duration.minutes(5)) }))
      .toBe('2 problems:\n  - test/endpoint: traffic.canaryPercent (51) is above 50%: a canary takes the minority of traffic; promote it with Traffic.single(canary) or use Traffic.abTest' +
        '\n  - test/endpoint: deployment.percent (60) must be a whole percent of capacity from 1 to 50');
  });

  test('a feature store cannot be granted to a network-isolated SageMaker model', () => {
    expect(sagemakerError({ featureStore: new FakeFeatureStore() })).toMatch(/^test\/endpoint: featureStore \("set"\) is not supported on SageMaker/);
  });

  test('a name too long for the default capture bucket', () => {
    expect(sagemakerError({ name: 'a'.repeat(31) })).toMatch(/name \("a{31}"\) is 31 characters long; use at most 30/);
  });
});

describe('SageMakerInferenceEndpoint: serving a SageMakerModelRegistry version', () => {
  const statementsOf = (policy: any) => JSON.parse(policy.policy).Statement as any[];
  /** Every statement of every inline policy on the execution role, whatever policy it lands in. */
  const roleStatements = (out: Synth) => out.resources('aws_iam_role_policy')
    .filter((p) => /aws_iam_role\.endpoint_execution-role_\w+\.name/.test(p.role))
    .flatMap(statementsOf);
  const allows = (statements: any[], action: string, resource: RegExp) => statements.some((s) => s.Effect === 'Allow'
    && [].concat(s.Action).includes(action as never) && [].concat(s.Resource).some((r: string) => resource.test(r)));

  function withRegistry(stack: TerraformStack): SageMakerModelRegistry {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    return new SageMakerModelRegistry(stack, 'registry', { groupName: 'churn', artifactBucketName: 'ml-churn-models', releasedVersions: { churn: ['3', '4'] } });
  }
  const registryVariants = (registry: SageMakerModelRegistry) => [
    variant('stable', '3', { model: ModelArtifact.fromRegistry(registry, 'churn', '3') }),
    variant('canary', '4', { model: ModelArtifact.fromRegistry(registry, 'churn', '4') }),
  ];

  test('given a registry version, the execution role may read exactly those artifacts and decrypt them with the registry key', () => {
    const out = synth((stack) => {
      const registry = withRegistry(stack);
      new SageMakerInferenceEndpoint(stack, 'endpoint', { ...base, variants: registryVariants(registry) });
    });
    const statements = roleStatements(out);
    const objects = /^\$\{aws_s3_bucket\.registry_artifacts_bucket_\w+\.arn\}\/models\/churn\/[34]\/\*$/;
    expect(allows(statements, 's3:GetObject', objects)).toBe(true);
    const read = statements.find((s) => [].concat(s.Action).includes('s3:GetObject' as never));
    expect(read.Resource).toEqual([expect.stringMatching(/\/models\/churn\/3\/\*$/), expect.stringMatching(/\/models\/churn\/4\/\*$/)]);
    expect(allows(statements, 'kms:Decrypt', /^\$\{aws_kms_key\.registry_kms_key_\w+\.arn\}$/)).toBe(true);
    // The models wait for the grant: CreateModel checks the role can read model_data_url.
    const grant = out.resources('aws_iam_role_policy').find((p) => statementsOf(p).some((s) => [].concat(s.Action).includes('kms:Decrypt' as never)));
    const grantAddress = Object.entries(out.json.resource.aws_iam_role_policy).find(([, p]: any) => p.policy === grant.policy)![0];
    for (const m of out.resources('aws_sagemaker_model')) expect(m.depends_on).toContain(`aws_iam_role_policy.${grantAddress}`);
  });

  test('the registry key policy delegates to the account\'s IAM (so the role policy counts) and the bucket policy denies only plain HTTP', () => {
    const out = synth((stack) => {
      const registry = withRegistry(stack);
      new SageMakerInferenceEndpoint(stack, 'endpoint', { ...base, variants: registryVariants(registry) });
    });
    const key = Object.entries(out.json.resource.aws_kms_key).find(([address]) => address.startsWith('registry_kms_key'))![1] as any;
    expect(JSON.parse(key.policy).Statement).toContainEqual({
      Sid: 'AccountIamAdministers', Effect: 'Allow', Principal: { AWS: expect.stringMatching(/^arn:\$\{data\.aws_partition\.registry_kms_partition_\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.registry_kms_caller_\w+\.account_id\}:root$/) },
      Action: 'kms:*', Resource: '*',
    });
    const bucketPolicy = out.resources('aws_s3_bucket_policy').find((p) => /registry_artifacts_bucket_/.test(p.bucket));
    const denies = JSON.parse(bucketPolicy.policy).Statement.filter((s: any) => s.Effect === 'Deny');
    expect(denies).toEqual([expect.objectContaining({ Sid: 'DenyInsecureTransport', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  test('given the registry in another stack, the grant reads its bucket and key through remote state', () => {
    const stacks = synthApp((app) => {
      const models = new TerraformStack(app, 'models');
      const registry = withRegistry(models);
      const serving = new TerraformStack(app, 'serving');
      new AwsProvider(serving, 'aws', { region: 'us-east-1' });
      new SageMakerInferenceEndpoint(serving, 'endpoint', { ...base, variants: registryVariants(registry) });
    });
    const statements = roleStatements(stacks.serving);
    expect(allows(statements, 's3:GetObject', /^\$\{data\.terraform_remote_state\.[^}]+\}\/models\/churn\/3\/\*$/)).toBe(true);
    expect(allows(statements, 'kms:Decrypt', /^\$\{data\.terraform_remote_state\.[^}]+\}$/)).toBe(true);
    expect(Object.keys(stacks.models.json.output ?? {}).length).toBeGreaterThanOrEqual(2);
    expect(stacks.models.resources('aws_iam_role_policy')).toEqual([]);
  });

  test('a model whose S3 location is only known at apply time, from a source that cannot grant, is refused', () => {
    const message = sagemakerError({
      variants: [variant('stable', '3', { model: ModelArtifact.fromUri(Token.asString({ Ref: 'bucket' }) + '/churn/3/') }), variant('canary', '4')],
    });
    expect(message).toMatch(/test\/endpoint: variants\[0\]\.model \(.+\) is only known at apply time, so no s3:GetObject grant can be derived from it; serve it with ModelArtifact\.fromRegistry/);
  });
});

describe('AwsRoleGrantee', () => {
  test('two different grants from one registry to one role keep both policies, under distinct names', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const registry = new SageMakerModelRegistry(stack, 'registry', { groupName: 'churn', artifactBucketName: 'ml-churn-models', releasedVersions: { churn: ['3', '4'] } });
      const role = new IamRole(stack, 'role', { assumeRolePolicy: '{}' });
      const grantee = new AwsRoleGrantee(stack, 'grants', role);
      registry.grantReadToRole(grantee, [{ model: 'churn', version: '3' }]);
      registry.grantReadToRole(grantee, [{ model: 'churn', version: '3' }]);
      registry.grantReadToRole(grantee, [{ model: 'churn', version: '4' }]);
    });
    const policies = out.resources('aws_iam_role_policy').map((p) => [p.name, JSON.parse(p.policy).Statement[1].Resource]).sort();
    expect(policies).toEqual([
      ['read-artifacts-registry', [expect.stringMatching(/\/models\/churn\/3\/\*$/)]],
      ['read-artifacts-registry-2', [expect.stringMatching(/\/models\/churn\/4\/\*$/)]],
    ]);
  });
});
