import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PipesPipe } from '@cdktf/provider-aws/lib/pipes-pipe';
import { SagemakerPipeline } from '@cdktf/provider-aws/lib/sagemaker-pipeline';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Contracts } from '../contracts/contracts';
import { declareArtifactRead } from '../contracts/private/needs';
import { AwsRoleGrantee } from '../core/aws-grantee';
import { policyDocument, PolicyStatement } from '../core/iam';
import { ecrRepository } from '../core/images';
import { ScrapeTarget } from '../core/monitoring-contract';
import { Wiring } from '../core/wiring';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration, Size } from '../core/units';
import { AlertReceiver, IRetrainingTrigger } from '../monitoring/receivers';
import { AlertRuleGroup } from '../monitoring/rules';
import { SAGEMAKER_MODEL_PREFIX, SageMakerModelRegistry } from '../registry/sagemaker';
import { pipelineDefinition } from './private/sagemaker-definition';
import { alertTrigger, scheduleTrigger } from './private/sagemaker-triggers';
import { validateSageMakerPipeline } from './private/sagemaker-validation';
import { RetrainingDeclaration } from './retraining-pipeline';

/** The training step as a SageMaker training job. */
export interface SageMakerTrainingStep {
  /**
   * The training image in Amazon ECR, pinned by digest (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:…`):
   * the digest is the code version in the lineage. It reads `ML_DATASET_URI` at `ML_DATASET_VERSION` (and
   * `ML_FEATURE_VIEWS`), trains, and writes the model to `/opt/ml/model`, which SageMaker uploads as `model.tar.gz`.
   */
  readonly image: string;
  /** ML instance type, e.g. `ml.g5.2xlarge`. */
  readonly instanceType: string;
  /** Instances of the job (distributed training); traffic between them is encrypted. @default 1 */
  readonly instanceCount?: number;
  /** ML storage volume per instance. @default Size.gibibytes(50) */
  readonly volumeSize?: Size;
  /** Longest the training job may run (at most 28 days). @default Duration.hours(6) */
  readonly timeout?: Duration;
}

/** Where the challenger is registered. */
export interface SageMakerRegistration {
  /** The model package group (its name must be the pipeline's `model`); it grants the pipeline CreateModelPackage and its artifact bucket. */
  readonly registry: SageMakerModelRegistry;
  /** The inference image the package names, in ECR and pinned by digest: what an endpoint serving the version runs. */
  readonly inferenceImage: string;
  /** Request content types the model accepts. @default ['application/json'] */
  readonly contentTypes?: string[];
  /** Response MIME types the model returns. @default ['application/json'] */
  readonly responseTypes?: string[];
}

/** Private subnets and security groups for the pipeline's jobs. */
export interface SageMakerPipelineVpc {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** Props for {@link SageMakerRetrainingPipeline}: the shared declaration with a SageMaker training step and registry. */
export interface SageMakerRetrainingPipelineProps extends RetrainingDeclaration {
  readonly training: SageMakerTrainingStep;
  readonly registration: SageMakerRegistration;
  /** Instance type of the validation and evaluation processing jobs. @default 'ml.m5.xlarge' */
  readonly processingInstanceType?: string;
  /** Run the jobs in these private subnets. @default - SageMaker's managed network */
  readonly vpc?: SageMakerPipelineVpc;
}

/** The processing instance type used unless `processingInstanceType` is set. */
export const DEFAULT_PROCESSING_INSTANCE_TYPE = 'ml.m5.xlarge';

/**
 * The retraining loop on Amazon SageMaker Pipelines: the same declaration as {@link ArgoRetrainingPipeline}
 * (dataset, Great Expectations validation, training, metric and Fairlearn fairness gates, lineage) rendered as an
 * `aws_sagemaker_pipeline` whose definition runs `ValidateData` (Processing) → `Train` (Training) → `Evaluate`
 * (Processing, writing the `EvaluationMetrics` property file) → one Condition step per gate, each failing the run in
 * a Fail step that names it → `CheckGates`, which registers the candidate in the model package group with
 * `PendingManualApproval` (the challenger) and its lineage as `CustomerMetadataProperties`.
 *
 * Also creates the execution role (trusted by `sagemaker.amazonaws.com` from this account) with exactly what the jobs
 * need: the dataset's objects and key (granted by the store), the registry's artifact prefix and `CreateModelPackage`
 * (granted by the registry), pulls of the images' ECR repositories, job logs and `iam:PassRole` on itself; an
 * EventBridge Scheduler schedule (`schedule`); and the alert path: an SNS topic Amazon Managed Service for Prometheus
 * publishes retrain alerts to (list the pipeline in `AmpMonitoring`'s `alerting.retrainingPipelines`), an SQS queue
 * and an EventBridge Pipe that starts a run for each firing alert.
 *
 * The pipeline never approves: promotion is a reviewed change (the registry's `releasedVersions`, an endpoint).
 */
export class SageMakerRetrainingPipeline extends Construct implements IRetrainingTrigger {
  public readonly name: string;
  public readonly model: string;
  /** The role SageMaker Pipelines and every job run as. */
  public readonly executionRole: IamRole;
  /** Its own policy: jobs, image pulls, logs, PassRole. */
  public readonly executionPolicy: IamRolePolicy;
  /** The role as a grantee: the dataset store and the registry grant their objects here. */
  public readonly executionGrants: AwsRoleGrantee;
  /** The pipeline (escape hatch: `pipeline.addOverride('pipeline_definition', …)`). */
  public readonly pipeline: SagemakerPipeline;
  /** The definition as rendered into `pipeline_definition`, before Terraform resolves its references. */
  public readonly definition: Record<string, unknown>;
  /** The scheduled runs. */
  public readonly schedule: SchedulerSchedule;
  /** Where Alertmanager publishes this pipeline's retrain alerts. */
  public readonly alertTopic: SnsTopic;
  /** Starts a run for each firing alert on the topic. */
  public readonly alertPipe: PipesPipe;
  public readonly triggerName: string;
  public readonly triggerReceiver: AlertReceiver;
  public readonly triggerWorkloads: string[];
  /** None: the runs' outcome is in SageMaker, not in Prometheus. */
  public readonly triggerRuleGroups: AlertRuleGroup[] = [];
  public readonly triggerScrapeTargets: ScrapeTarget[] = [];

  constructor(scope: Construct, id: string, props: SageMakerRetrainingPipelineProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const { bucket, cron, featureVersions } = validateSageMakerPipeline(this, props);
    this.name = props.name;
    this.model = props.model;
    const registry = props.registration.registry;
    // For the platform diagram: training data in, the challenger out.
    Wiring.connect(this, props.dataset.store, 'training data');
    Wiring.connect(registry, this, 'challenger');
    const partition = new DataAwsPartition(this, 'partition').partition;
    const region = new DataAwsRegion(this, 'region').region;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;

    // ---- the execution role and its grants ----
    this.executionRole = new IamRole(this, 'execution-role', {
      name: `${props.name}-sagemaker-pipeline`,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      }]),
    });
    this.executionPolicy = new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.name,
      name: 'run-pipeline',
      policy: policyDocument(this.executionStatements(props, partition, region, account)),
    });
    this.executionGrants = new AwsRoleGrantee(this, 'execution-grants', this.executionRole);
    const prefix = props.dataset.prefix ?? '';
    bucket.grantRead(this.executionGrants, prefix);
    registry.grantPublish(this.executionGrants);

    // ---- the wires, checked at synth by the IAM evaluator ----
    const datasetUri = bucket.uri(prefix);
    const outputPrefix = `${SAGEMAKER_MODEL_PREFIX}${props.model}/pipeline`;
    declareArtifactRead(this, { awsRole: this.executionRole }, {
      uri: datasetUri, kmsKeyArn: bucket.kmsKey.key.arn, what: `training data of ${props.model}`, producer: props.dataset.store,
      fix: 'let the store grant the execution role its objects and key: dataset.store.grantRead(pipeline.executionGrants, prefix)',
    });
    const publishFix = 'pass the group as registration.registry, which grants the execution role (registry.grantPublish(pipeline.executionGrants))';
    Contracts.awsPermission(this, {
      producer: registry, what: `model artifacts and evaluation reports of ${props.model}`, fix: publishFix, role: this.executionRole,
      actions: ['s3:PutObject'], resources: [`arn:aws:s3:::${registry.artifactBucket.bucket.bucket}/${outputPrefix}/*`],
      kmsKeyArn: registry.kmsKey.key.arn, kmsActions: ['kms:GenerateDataKey'],
    });
    Contracts.awsPermission(this, {
      producer: registry, what: `challenger versions of ${props.model}`, fix: publishFix, role: this.executionRole,
      actions: ['sagemaker:CreateModelPackage'], resources: [`arn:${partition}:sagemaker:${region}:${account}:model-package/${registry.groupName}/*`],
    });

    // ---- the pipeline ----
    const t = props.training;
    this.definition = pipelineDefinition({
      model: props.model,
      roleArn: this.executionRole.arn,
      datasetUri,
      datasetVersion: props.dataset.version,
      featureViews: [...new Set(props.featureViews ?? [])].sort().join(' '),
      featureViewVersions: featureVersions,
      codeVersion: t.image.slice(t.image.indexOf('@') + 1),
      processingInstanceType: props.processingInstanceType ?? DEFAULT_PROCESSING_INSTANCE_TYPE,
      validation: { image: props.dataValidation.image, entrypoint: props.dataValidation.command() },
      training: {
        image: t.image, instanceType: t.instanceType, instanceCount: t.instanceCount ?? 1,
        volumeSizeGiB: (t.volumeSize ?? Size.gibibytes(50)).toGibibytes(), maxRuntimeSeconds: (t.timeout ?? Duration.hours(6)).toSeconds(),
      },
      evaluation: { image: props.evaluation.image, entrypoint: props.evaluation.command },
      gates: props.evaluation.gates,
      registration: {
        groupName: registry.groupName, inferenceImage: props.registration.inferenceImage,
        contentTypes: props.registration.contentTypes ?? ['application/json'], responseTypes: props.registration.responseTypes ?? ['application/json'],
      },
      outputUri: registry.artifactBucket.uri(outputPrefix),
      outputKmsKeyArn: registry.kmsKey.key.arn,
      vpc: props.vpc,
    });
    const grants = () => [this.executionPolicy, ...this.executionGrants.dependables];
    this.pipeline = new SagemakerPipeline(this, 'pipeline', {
      pipelineName: props.name,
      pipelineDisplayName: props.name,
      pipelineDescription: `Retraining of ${props.model}: validate, train, gate, register the challenger`,
      roleArn: this.executionRole.arn,
      pipelineDefinition: JSON.stringify(this.definition),
      dependsOn: grants(),
    });
    Contracts.order(this, {
      producer: this.executionGrants, what: 'the execution role\'s grants', resource: this.pipeline, after: grants,
      fix: 'create the pipeline after the role\'s policies (dependsOn), so no run starts without them',
    });

    // ---- the triggers ----
    const ctx = { name: props.name, pipelineArn: this.pipeline.arn, partition, account };
    this.schedule = scheduleTrigger(this, ctx, cron).schedule;
    const alerts = alertTrigger(this, ctx);
    this.alertTopic = alerts.topic;
    this.alertPipe = alerts.pipe;
    this.triggerName = `retrain-${props.name}`;
    this.triggerReceiver = AlertReceiver.sns(this.alertTopic.arn);
    this.triggerWorkloads = [...new Set(props.triggerWorkloads ?? [props.model])].sort();
  }

  /** Nothing to admit: the topic's policy lets Amazon Managed Service for Prometheus publish, and no pod reaches the pipeline. */
  public admitAlertmanager(): void {}

  /** Not on Google Cloud: a SageMaker pipeline starts from SNS (AmpMonitoring), never from a Pub/Sub subscription. */
  public consumePubSub(): void {
    throw new Error(`${this.node.path}: a SageMakerRetrainingPipeline cannot consume Cloud Monitoring's Pub/Sub notifications; `
      + 'list it in AmpMonitoring alerting.retrainingPipelines, and use an ArgoRetrainingPipeline on GKE with GmpMonitoring');
  }

  /**
   * What SageMaker Pipelines needs to run the jobs as this role (it creates them with the role's credentials and
   * passes the role to them), and what the jobs need beyond the stores' grants: image pulls and logs.
   */
  private executionStatements(props: SageMakerRetrainingPipelineProps, partition: string, region: string, account: string): PolicyStatement[] {
    const arn = (resource: string) => `arn:${partition}:sagemaker:${region}:${account}:${resource}`;
    const images = [props.dataValidation.image, props.training.image, props.evaluation.image];
    const repositories = [...new Set(images.map((i) => ecrRepository(i, partition)).filter((r): r is string => r !== undefined))].sort();
    const statements: PolicyStatement[] = [
      {
        Sid: 'RunPipelineJobs', Effect: 'Allow',
        Action: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob',
          'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
        Resource: [arn('processing-job/*'), arn('training-job/*')],
      },
      {
        Sid: 'PassRoleToJobs', Effect: 'Allow', Action: 'iam:PassRole', Resource: this.executionRole.arn,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
      { Sid: 'PullStepImages', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: repositories },
      // GetAuthorizationToken has no resource-level permissions.
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'JobLogs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: ['ProcessingJobs', 'TrainingJobs'].map((g) => `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/${g}:*`),
      },
    ];
    if (props.vpc) {
      statements.push({
        // The documented VPC permissions for jobs with a VpcConfig; the Describe calls have no resource-level scope.
        Sid: 'VpcNetworkInterfaces', Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
        Resource: '*',
      });
    }
    return statements;
  }
}
