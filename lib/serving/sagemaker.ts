import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { SagemakerEndpointConfiguration } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { AwsRoleGrantee, canGrantReadToRole, IAwsModelArtifactSource, ModelVersionRef } from '../core/aws-grantee';
import { Validator } from '../core/errors';
import { policyDocument, PolicyStatement } from '../core/iam';
import { MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration } from '../core/units';
import { suppress } from '../governance/suppressions';
import { AwsKmsKey } from '../storage/aws-kms-key';
import { SecureS3Bucket } from '../storage/s3-bucket';
import { checkImageDigest, ECR_IMAGE, ecrRepository } from '../core/images';
import { IInferenceEndpoint, InferenceEndpointProps } from './inference-endpoint';
import { Wiring } from '../core/wiring';
import { declareModelArtifactRead } from '../contracts/private/needs';
import { ModelArtifact } from './model-source';
import { checkDeployment } from './private/deployment-checks';
import { checkEndpointProps, checkVariantNames } from './private/endpoint-checks';
import { checkModelArtifact } from './private/model-access';
import { parseS3Uri, s3ReadStatements } from './private/s3-read';
import { checkTraffic } from './private/traffic-checks';
import { SageMakerDeployment } from './sagemaker-deployment';
import { Traffic } from './traffic';

/** One production (or shadow) variant of a {@link SageMakerInferenceEndpoint}. */
export interface SageMakerVariantProps {
  /**
   * Variant name, at most 20 characters. Blue/green guardrails apply only while names stay the same between
   * updates: keep stable names (`stable`/`canary`, `champion`/`challenger`) and change the model behind them.
   */
  readonly name: string;
  /** The model; its URI must be `s3://…` (SageMaker's `model_data_url`). */
  readonly model: ModelArtifact;
  /** The inference image in ECR, pinned by digest: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex>`. */
  readonly image: string;
  /** ML instance type, e.g. `ml.g5.xlarge`. */
  readonly instanceType: string;
  /** Instances at rest (also the initial count). @default 2 (one per AZ) */
  readonly minInstances?: number;
  /** Instances at peak. @default 4 */
  readonly maxInstances?: number;
  /** Invocations per instance per minute that autoscaling keeps. @default 100 */
  readonly targetInvocationsPerInstance?: number;
  /** Container environment (never secrets). @default - none */
  readonly environment?: Record<string, string>;
}

/** Props for {@link SageMakerInferenceEndpoint}. */
export interface SageMakerInferenceEndpointProps extends InferenceEndpointProps {
  /** The variants. Champion-challenger's challenger becomes a shadow variant. */
  readonly variants: SageMakerVariantProps[];
  /** Private subnets the model containers' ENIs land in. */
  readonly subnetIds: string[];
  /** Security groups of those ENIs. */
  readonly securityGroupIds: string[];
  /** Blue/green update policy. @default SageMakerDeployment.canary(10, Duration.minutes(10)) */
  readonly deployment?: SageMakerDeployment;
  /** Longest an update may take before it is rolled back. @default Duration.hours(1) */
  readonly maximumExecutionTimeout?: Duration;
  /** How long the old fleet is kept after an update completes. @default Duration.minutes(5) */
  readonly terminationWait?: Duration;
  /**
   * Key for the instances' ML storage volumes. Instance types with local NVMe storage (g4dn, g5, g6, p4d, p5,
   * …) are hardware-encrypted and SageMaker refuses a key for them. @default - a new customer-managed key
   */
  readonly kmsKey?: AwsKmsKey;
  /** Capture requests and responses to S3 (SSE-KMS). @default - on, 20% sampled, to a new SecureS3Bucket */
  readonly dataCapture?: SageMakerDataCaptureProps;
}

/** The two CloudWatch alarms of one production variant that roll a blue/green update back. */
export interface SageMakerRollbackAlarms {
  /** The variant's 5XX error rate against the SLO. */
  readonly errorRate: CloudwatchMetricAlarm;
  /** The variant's p99 model latency against the SLO. */
  readonly latency: CloudwatchMetricAlarm;
}

/** Request/response capture of a SageMaker endpoint. */
export interface SageMakerDataCaptureProps {
  /** @default true */
  readonly enabled?: boolean;
  /** Percent of requests captured, 1 to 100. @default 20 */
  readonly samplingPercentage?: number;
  /** Where captures go (under `<endpoint name>/`). @default - a new SecureS3Bucket `<name>-capture-<account id>` */
  readonly bucket?: SecureS3Bucket;
}

/** Instance families with NVMe instance store, for which CreateEndpointConfig rejects KmsKeyId. Best effort, from the EC2 instance-store table. */
const LOCAL_STORAGE_FAMILIES = /^ml\.(c5d|c6id|m5d|m6id|r5d|r6id|g4dn|g5|g6|g6e|gr6|p3dn|p4d|p4de|p5|p5e|p5en|p6-b200|trn1|trn1n|trn2)\./;

/**
 * An online inference endpoint on Amazon SageMaker.
 *
 * Creates per variant an `aws_sagemaker_model` (network isolation, VPC config in private subnets), one
 * execution role trusted only by `sagemaker.amazonaws.com` from this account with read access to exactly the
 * model artifacts and ECR repositories used, the endpoint configuration (production variants with the
 * traffic weights; the champion-challenger's challenger as a shadow variant; data capture to a KMS-encrypted
 * bucket; volume KMS key), the endpoint with a blue/green update policy that rolls back on CloudWatch alarms
 * (5XX error rate and p99 model latency per variant, from the SLOs), and Application Auto Scaling on
 * invocations per instance for each production variant.
 */
export class SageMakerInferenceEndpoint extends Construct implements IInferenceEndpoint {
  public readonly endpointName: string;
  public readonly traffic: Traffic;
  public readonly executionRole: IamRole;
  public readonly executionPolicy: IamRolePolicy;
  /**
   * The execution role as a grantee: registries that serve the variants grant their artifacts to it here
   * (`IAwsModelArtifactSource.grantReadToRole`), and the models wait for those grants.
   */
  public readonly executionGrants: AwsRoleGrantee;
  /** Per variant, by name. */
  public readonly models: Record<string, SagemakerModel> = {};
  public readonly endpointConfiguration: SagemakerEndpointConfiguration;
  public readonly endpoint: SagemakerEndpoint;
  /** Rollback alarms, per production variant. */
  public readonly alarms: Record<string, SageMakerRollbackAlarms> = {};
  /** Autoscaling targets, per production variant. */
  public readonly scalingTargets: Record<string, AppautoscalingTarget> = {};
  public readonly kmsKey: AwsKmsKey;
  /** Where captured requests go, when data capture is on. */
  public readonly captureBucket?: SecureS3Bucket;
  private readonly slo: InferenceEndpointProps['slo'];
  private readonly usesGpus: boolean;

  constructor(scope: Construct, id: string, props: SageMakerInferenceEndpointProps) {
    super(scope, id);
    qualifyProviderSources(this);
    SageMakerInferenceEndpoint.validate(this, props);
    this.endpointName = props.name;
    this.traffic = props.traffic;
    this.slo = props.slo;
    this.usesGpus = props.variants.some((v) => /^ml\.(g|p)\d/.test(v.instanceType));
    for (const v of props.variants) Wiring.connect(this, v.model.source, 'models');
    const name = props.name;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;
    const region = new DataAwsRegion(this, 'region').region;
    const byName = new Map(props.variants.map((v) => [v.name, v]));

    this.kmsKey = props.kmsKey ?? this.volumeKey(name);
    const capture = props.dataCapture ?? {};
    if (capture.enabled ?? true) {
      this.captureBucket = capture.bucket ?? new SecureS3Bucket(this, 'capture-bucket', { bucketName: `${name}-capture-${account}` });
    }

    this.executionRole = new IamRole(this, 'execution-role', {
      name: `${name}-sagemaker`.slice(0, 64),
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      }]),
    });
    this.executionPolicy = new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.name,
      name: 'serve-model',
      policy: policyDocument(this.executionStatements(props, partition, region, account)),
    });
    // A registry grants its own artifacts (bucket prefix and key), whatever stack it lives in; the URI of a
    // registry version names a bucket that is usually a token, so nothing can be derived from it here.
    this.executionGrants = new AwsRoleGrantee(this, 'execution-grants', this.executionRole);
    const modelAccess: ITerraformDependable[] = [this.executionPolicy];
    for (const [source, versions] of registryVersions(props.variants)) {
      modelAccess.push(source.grantReadToRole(this.executionGrants, versions));
    }

    for (const v of props.variants) {
      // The need, independent of how it is granted: the execution role reads this artifact (and its key).
      declareModelArtifactRead(this, { awsRole: this.executionRole }, v.model);
      this.models[v.name] = new SagemakerModel(this, `model-${v.name}`, {
        executionRoleArn: this.executionRole.arn,
        enableNetworkIsolation: true,
        primaryContainer: {
          image: v.image,
          modelDataUrl: v.model.uri,
          environment: { ...(v.model.model ? { MODEL_NAME: v.model.model } : {}), ...(v.model.version ? { MODEL_VERSION: v.model.version } : {}), ...v.environment },
        },
        vpcConfig: { subnets: props.subnetIds, securityGroupIds: props.securityGroupIds },
        // Models are replaced on every change; the new one must exist before the config that names it.
        lifecycle: { createBeforeDestroy: true },
        dependsOn: modelAccess,
      });
    }

    const variantBlock = (v: SageMakerVariantProps, weight: number) => ({
      variantName: v.name,
      modelName: this.models[v.name].name,
      instanceType: v.instanceType,
      initialInstanceCount: v.minInstances ?? 2,
      initialVariantWeight: weight,
    });
    const localStorage = props.variants.some((v) => LOCAL_STORAGE_FAMILIES.test(v.instanceType));
    this.endpointConfiguration = new SagemakerEndpointConfiguration(this, 'config', {
      namePrefix: `${name}-`,
      ...(localStorage ? {} : { kmsKeyArn: this.kmsKey.key.arn }),
      productionVariants: props.traffic.weights.map((w) => variantBlock(byName.get(w.variant)!, w.weight)),
      // A shadow variant's weight relative to production is the share of requests mirrored: 100 mirrors all.
      ...(props.traffic.shadow ? { shadowProductionVariants: [variantBlock(byName.get(props.traffic.shadow)!, 100)] } : {}),
      ...(this.captureBucket ? {
        dataCaptureConfig: {
          enableCapture: true,
          initialSamplingPercentage: capture.samplingPercentage ?? 20,
          destinationS3Uri: `s3://${this.captureBucket.bucket.bucket}/${name}/`,
          kmsKeyId: this.captureBucket.kmsKey.key.arn,
          captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
        },
      } : {}),
      // Endpoint configurations are immutable: a change creates a new one, the endpoint moves to it, then the old goes.
      lifecycle: { createBeforeDestroy: true },
    });
    if (localStorage) {
      suppress(this.endpointConfiguration, 'aws-sagemaker-endpoint-config-encrypted', {
        reason: 'Instance types with local NVMe storage encrypt it in hardware and SageMaker rejects KmsKeyId for them (CreateEndpointConfig API reference)',
      });
    }

    for (const w of props.traffic.weights) this.alarms[w.variant] = this.rollbackAlarms(name, w.variant);
    const deployment = props.deployment ?? SageMakerDeployment.canary(10, Duration.minutes(10));
    this.endpoint = new SagemakerEndpoint(this, 'endpoint', {
      name,
      endpointConfigName: this.endpointConfiguration.name,
      deploymentConfig: {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: deployment.toTrafficRoutingConfiguration(),
          maximumExecutionTimeoutInSeconds: (props.maximumExecutionTimeout ?? Duration.hours(1)).toSeconds(),
          terminationWaitInSeconds: (props.terminationWait ?? Duration.minutes(5)).toSeconds(),
        },
        autoRollbackConfiguration: {
          alarms: Object.values(this.alarms).flatMap((a) => [{ alarmName: a.errorRate.alarmName }, { alarmName: a.latency.alarmName }]),
        },
      },
    });

    for (const w of props.traffic.weights) {
      const v = byName.get(w.variant)!;
      const resourceId = `endpoint/${this.endpoint.name}/variant/${v.name}`;
      const target = new AppautoscalingTarget(this, `scaling-target-${v.name}`, {
        serviceNamespace: 'sagemaker',
        scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        resourceId,
        minCapacity: v.minInstances ?? 2,
        maxCapacity: v.maxInstances ?? Math.max(4, v.minInstances ?? 2),
      });
      new AppautoscalingPolicy(this, `scaling-policy-${v.name}`, {
        name: `${name}-${v.name}-invocations`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: v.targetInvocationsPerInstance ?? 100,
          predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      });
      this.scalingTargets[v.name] = target;
    }
  }

  /** Watched by a MonitoringStack: a managed endpoint (CloudWatch metrics, no scrape targets). */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.INFERENCE_ENDPOINT,
      name: this.endpointName,
      slo: this.slo,
      // SageMaker hosts report GPU use to CloudWatch (/aws/sagemaker/Endpoints GPUUtilization), not through DCGM:
      // Prometheus GPU rules would watch series that never exist. Latency and errors are the CloudWatch alarms
      // this endpoint creates (they also roll deployments back); Prometheus watches drift and model staleness.
      usesGpus: false,
      attributes: {
        platform: 'sagemaker', trafficStrategy: this.traffic.kind, variants: this.traffic.variants.join(','),
        cloudWatchNamespace: 'AWS/SageMaker', gpuInstances: String(this.usesGpus),
      },
    }];
  }

  /** 5XX error ratio above the SLO and p99 ModelLatency (microseconds) above it, each for 3 of 3 minutes. */
  /** The key of the instances' ML storage volumes, which live and die with the endpoint: nothing of record. */
  private volumeKey(name: string): AwsKmsKey {
    const key = new AwsKmsKey(this, 'kms', { description: `SageMaker endpoint ${name}: ML storage volumes`, alias: `sagemaker/${name}`, protectFromDeletion: false });
    suppress(key.key, 'ml-stateful-resource-protected', {
      reason: 'It encrypts only the endpoint instances\' ML storage volumes, which SageMaker discards with the instances; the capture bucket has its own protected key',
    });
    return key;
  }

  private rollbackAlarms(endpoint: string, variant: string): SageMakerRollbackAlarms {
    const dimensions = { EndpointName: endpoint, VariantName: variant };
    const metric = (id: string, metricName: string) => ({
      id,
      metric: { namespace: 'AWS/SageMaker', metricName, dimensions, period: 60, stat: 'Sum' },
    });
    const errorRate = new CloudwatchMetricAlarm(this, `alarm-${variant}-5xx`, {
      alarmName: `${endpoint}-${variant}-5xx-error-rate`,
      alarmDescription: `SageMaker ${endpoint}/${variant}: 5XX errors above ${this.slo?.errorRatePercent ?? 1}% of invocations (rolls back deployments)`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: this.slo?.errorRatePercent ?? 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'rate', expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', label: '5XX error rate (%)', returnData: true },
        metric('errors', 'Invocation5XXErrors'),
        metric('invocations', 'Invocations'),
      ],
    });
    const latency = new CloudwatchMetricAlarm(this, `alarm-${variant}-latency`, {
      alarmName: `${endpoint}-${variant}-p99-latency`,
      alarmDescription: `SageMaker ${endpoint}/${variant}: p99 model latency above ${this.slo?.latencyP99Ms ?? 1000} ms (rolls back deployments)`,
      namespace: 'AWS/SageMaker',
      metricName: 'ModelLatency',
      dimensions,
      extendedStatistic: 'p99',
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: 'GreaterThanThreshold',
      // ModelLatency is reported in microseconds.
      threshold: (this.slo?.latencyP99Ms ?? 1000) * 1000,
      treatMissingData: 'notBreaching',
    });
    return { errorRate, latency };
  }

  /**
   * Read the artifacts given by URI and pull the images (nothing else), manage VPC ENIs, write logs and
   * captures. Registry versions are granted by their registry (`executionGrants`).
   */
  private executionStatements(props: SageMakerInferenceEndpointProps, partition: string, region: string, account: string): PolicyStatement[] {
    const byUri = props.variants.filter((v) => !canGrantReadToRole(v.model.source));
    const uris = byUri.map((v) => v.model.uri);
    const keys = byUri.flatMap((v) => (v.model.kmsKeyArn ? [v.model.kmsKeyArn] : []));
    const repositories = [...new Set(props.variants.map((v) => ecrRepository(v.image, partition)!))].sort();
    const statements: PolicyStatement[] = [
      ...s3ReadStatements(partition, uris, keys),
      { Sid: 'PullServingImages', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: repositories },
      // GetAuthorizationToken has no resource-level permissions.
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'EndpointLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${props.name}:*`,
      },
      {
        // Documented VPC permissions for models with vpc_config; the Describe calls have no resource-level scope.
        Sid: 'VpcNetworkInterfaces',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
        Resource: '*',
      },
    ];
    if (this.captureBucket) {
      statements.push(
        { Sid: 'WriteDataCapture', Effect: 'Allow', Action: 's3:PutObject', Resource: `${this.captureBucket.bucket.arn}/${props.name}/*` },
        { Sid: 'EncryptDataCapture', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Encrypt'], Resource: this.captureBucket.kmsKey.key.arn },
      );
    }
    return statements;
  }

  private static validate(self: Construct, props: SageMakerInferenceEndpointProps): void {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { name, variants, traffic, subnetIds, securityGroupIds }');
      v.throwIfAny();
    }
    const ownBucket = (props.dataCapture?.enabled ?? true) && !props.dataCapture?.bucket;
    // "<name>-capture-<12-digit account>" must leave room for SecureS3Bucket's "-access-logs" log bucket (51 characters).
    checkEndpointProps(v, props, ownBucket ? 30 : 40);
    const names = checkVariantNames(v, props.variants, 20);
    checkTraffic(v, props.traffic, names);
    checkDeployment(v, props.deployment);
    v.nonEmpty('subnetIds', props.subnetIds, 'must list the private subnets the model containers run in');
    v.nonEmpty('securityGroupIds', props.securityGroupIds, 'must list the security groups of the model containers');
    v.check(props.featureStore === undefined, 'featureStore', 'set',
      'is not supported on SageMaker: models run with network isolation and feature store grants go to Kubernetes workload identities; ' +
      'serve feature-dependent models with KubernetesInferenceEndpoint, or send features in the request');
    const timeout = props.maximumExecutionTimeout?.toSeconds();
    if (timeout !== undefined) v.integer('maximumExecutionTimeout', timeout, 600, 28800, 'must be from 10 minutes to 8 hours');
    const termination = props.terminationWait?.toSeconds();
    if (termination !== undefined) v.integer('terminationWait', termination, 0, 3600, 'must be from 0 seconds to 1 hour');
    v.integer('dataCapture.samplingPercentage', props.dataCapture?.samplingPercentage, 1, 100, 'must be a whole percent from 1 to 100');
    (props.variants ?? []).forEach((p, i) => {
      const prop = `variants[${i}]`;
      if (!p || typeof p !== 'object') return;
      if (checkModelArtifact(v, `${prop}.model`, p.model)) {
        const uri = p.model.uri;
        v.check(Token.isUnresolved(uri) || parseS3Uri(uri) !== undefined, `${prop}.model`, uri,
          'is not an S3 URI; SageMaker loads model_data_url from S3, so publish the artifact to s3://bucket/prefix');
        // The execution role's s3:GetObject comes from the registry's grant or from the URI; a token URI from a
        // source that cannot grant would leave the role without access and CreateModel failing at apply.
        v.check(!Token.isUnresolved(uri) || canGrantReadToRole(p.model.source), `${prop}.model`, uri,
          `is only known at apply time, so no s3:GetObject grant can be derived from it; serve it with ModelArtifact.fromRegistry ` +
          'from a registry that grants read itself (SageMakerModelRegistry), or pass a literal s3://bucket/prefix to ModelArtifact.fromUri with its kmsKeyArn');
      }
      if (checkImageDigest(v, `${prop}.image`, p.image, { required: true }) && typeof p.image === 'string' && !Token.isUnresolved(p.image)) {
        v.check(ECR_IMAGE.test(p.image), `${prop}.image`, p.image,
          'is not an Amazon ECR image; SageMaker pulls from ECR: push it to <account>.dkr.ecr.<region>.amazonaws.com/<repo> and pin the digest');
      }
      v.matches(`${prop}.instanceType`, p.instanceType, /^ml\.[a-z0-9-]+\.[a-z0-9]+$/, 'must be a SageMaker ML instance type, e.g. ml.g5.xlarge');
      const min = p.minInstances ?? 2;
      v.integer(`${prop}.minInstances`, p.minInstances, 1, 1000);
      v.integer(`${prop}.maxInstances`, p.maxInstances, 1, 1000);
      if (p.maxInstances !== undefined) v.check(p.maxInstances >= min, `${prop}.maxInstances`, p.maxInstances, `is below minInstances (${min}); raise it`);
      if (p.targetInvocationsPerInstance !== undefined) {
        v.check(p.targetInvocationsPerInstance > 0, `${prop}.targetInvocationsPerInstance`, p.targetInvocationsPerInstance, 'must be above 0');
      }
    });
    v.throwIfAny();
  }
}

/** The versions each registry that grants read itself serves, in variant order. */
function registryVersions(variants: SageMakerVariantProps[]): Map<IAwsModelArtifactSource, ModelVersionRef[]> {
  const bySource = new Map<IAwsModelArtifactSource, ModelVersionRef[]>();
  for (const v of variants) {
    const source = v.model.source;
    if (!canGrantReadToRole(source)) continue;
    bySource.set(source, [...(bySource.get(source) ?? []), { model: v.model.model!, version: v.model.version! }]);
  }
  return bySource;
}
