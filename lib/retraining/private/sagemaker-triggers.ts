import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PipesPipe } from '@cdktf/provider-aws/lib/pipes-pipe';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Contracts } from '../../contracts/contracts';
import { policyDocument, PolicyStatement } from '../../core/iam';
import { suppress } from '../../governance/suppressions';
import { AwsKmsKey } from '../../storage/aws-kms-key';
import { PARAMETER } from './sagemaker-definition';

/** What both triggers need to know about the pipeline. */
export interface TriggerContext {
  readonly name: string;
  readonly pipelineArn: string;
  readonly partition: string;
  readonly account: string;
}

/** A role a service assumes on behalf of this account only (`aws:SourceAccount` closes the confused-deputy hole). */
function serviceRole(scope: Construct, id: string, name: string, service: string, account: string, statements: PolicyStatement[]): { role: IamRole; policy: IamRolePolicy } {
  const role = new IamRole(scope, id, {
    name: name.slice(0, 64),
    assumeRolePolicy: policyDocument([{
      Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': account } },
    }]),
  });
  const policy = new IamRolePolicy(scope, `${id}-policy`, { role: role.name, name: 'start-pipeline', policy: policyDocument(statements) });
  return { role, policy };
}

const startPipeline = (ctx: TriggerContext): PolicyStatement => ({
  Sid: 'StartRetrainingPipeline', Effect: 'Allow', Action: 'sagemaker:StartPipelineExecution', Resource: ctx.pipelineArn,
});

/**
 * The wires of a trigger, checked at synth: its role may start the pipeline (and, for the Pipe, read and decrypt the
 * queue), and the trigger is created after the role's policy (Pipes and Scheduler check the role when they start).
 */
function declareTriggerWires(scope: Construct, ctx: TriggerContext, trigger: SchedulerSchedule | PipesPipe, role: IamRole, policy: IamRolePolicy,
  what: string, source?: { queue: SqsQueue; key: AwsKmsKey }): void {
  const fix = `keep the ${what}'s role policy (${policy.friendlyUniqueId}) granting sagemaker:StartPipelineExecution on the pipeline`
    + (source ? ' and sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes on the queue with kms:Decrypt on its key' : '');
  Contracts.awsPermission(scope, {
    producer: scope, what: `the ${what} starting runs of ${ctx.name}`, fix, role,
    actions: ['sagemaker:StartPipelineExecution'], resources: [ctx.pipelineArn],
  });
  if (source) {
    Contracts.awsPermission(scope, {
      producer: scope, what: `retrain alerts queued for ${ctx.name}`, fix, role,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], resources: [source.queue.arn],
      kmsKeyArn: source.key.key.arn, kmsActions: ['kms:Decrypt'], kmsViaService: 'sqs',
    });
  }
  Contracts.order(scope, {
    producer: scope, what: `the ${what}'s role policy`, resource: trigger, after: [policy],
    fix: `create the ${what} after its role policy (dependsOn): it checks the role when it starts`,
  });
}

/** The scheduled trigger's resources. */
export interface ScheduleTrigger {
  readonly role: IamRole;
  readonly schedule: SchedulerSchedule;
}

/**
 * An EventBridge Scheduler schedule that starts the pipeline with `RetrainReason=schedule`, through the templated
 * target for SageMaker StartPipelineExecution: the target is the pipeline ARN and `sagemaker_pipeline_parameters` its
 * parameters (EventBridge Scheduler API reference, `SageMakerPipelineParameters`: "The templated target type for the
 * Amazon SageMaker StartPipelineExecution API operation").
 */
export function scheduleTrigger(scope: Construct, ctx: TriggerContext, expression: string): ScheduleTrigger {
  const { role, policy } = serviceRole(scope, 'schedule-role', `${ctx.name}-retrain-schedule`, 'scheduler.amazonaws.com', ctx.account, [startPipeline(ctx)]);
  const schedule = new SchedulerSchedule(scope, 'schedule', {
    name: `${ctx.name}-retrain`,
    description: `Unconditional retraining runs of ${ctx.name}`,
    scheduleExpression: expression,
    scheduleExpressionTimezone: 'UTC',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: ctx.pipelineArn,
      roleArn: role.arn,
      sagemakerPipelineParameters: { pipelineParameter: [{ name: PARAMETER.reason, value: 'schedule' }] },
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
    },
    dependsOn: [policy],
  });
  declareTriggerWires(scope, ctx, schedule, role, policy, 'schedule');
  return { role, schedule };
}

/** The alert trigger's resources. */
export interface AlertTrigger {
  readonly key: AwsKmsKey;
  readonly topic: SnsTopic;
  readonly queue: SqsQueue;
  readonly role: IamRole;
  readonly pipe: PipesPipe;
}

/**
 * The drift alert path, as far as Terraform reaches: Alertmanager (Amazon Managed Service for Prometheus, whose only
 * receiver is SNS) publishes the retrain alerts routed to this pipeline to an SNS topic; the topic delivers them to an
 * SQS queue; an EventBridge Pipe reads the queue and starts the pipeline with `RetrainReason=alert` for firing
 * notifications only. No code runs anywhere: SNS cannot start a pipeline itself, a Pipe can (SQS source, SageMaker
 * pipeline target), and a Pipe filter drops the resolved notifications.
 *
 * Firing is recognised by the SNS subject Alertmanager's default template writes: `sns.default.subject` is
 * `[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] …`, so a firing
 * notification's subject starts with `[FIRING` (prometheus/alertmanager template/default.tmpl). SNS delivers to SQS in
 * its JSON envelope (raw delivery off), whose `Subject` field the Pipe filters on (EventBridge user guide, "Event
 * filtering in Amazon EventBridge Pipes": data properties are the fields of the event body).
 */
export function alertTrigger(scope: Construct, ctx: TriggerContext): AlertTrigger {
  // One key for the topic and the queue. Key policies delegate to IAM for this account's roles; the two services
  // that encrypt on behalf of no role need statements of their own: AMP publishing to an encrypted topic (AMP user
  // guide, "Giving Amazon Managed Service for Prometheus permission to send messages to your Amazon SNS topic") and
  // SNS delivering to an encrypted queue. Both are limited to this account (the topic ARN would make a cycle).
  const key = new AwsKmsKey(scope, 'alert-key', {
    description: `Retraining pipeline ${ctx.name}: retrain alerts in flight (SNS topic and SQS queue)`,
    alias: `ml-retraining/${ctx.name}-alerts`,
    protectFromDeletion: false,
    extraStatements: [
      {
        Sid: 'AmpPublishesAlerts', Effect: 'Allow', Principal: { Service: 'aps.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': ctx.account } },
      },
      {
        Sid: 'SnsDeliversToTheQueue', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': ctx.account } },
      },
    ],
  });
  suppress(key.key, 'ml-stateful-resource-protected', {
    reason: 'It encrypts only alert notifications in flight (SNS, and SQS for at most a day); losing it loses no record',
  });

  const topic = new SnsTopic(scope, 'alert-topic', { name: `${ctx.name}-retrain-alerts`, kmsMasterKeyId: key.key.arn });
  new SnsTopicPolicy(scope, 'alert-topic-policy', {
    arn: topic.arn,
    policy: policyDocument([
      {
        Sid: 'AmpPublishesRetrainAlerts', Effect: 'Allow', Principal: { Service: 'aps.amazonaws.com' },
        Action: ['sns:Publish', 'sns:GetTopicAttributes'], Resource: topic.arn, Condition: { StringEquals: { 'aws:SourceAccount': ctx.account } },
      },
      {
        Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: topic.arn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]),
  });

  const queue = new SqsQueue(scope, 'alert-queue', {
    name: `${ctx.name}-retrain-alerts`,
    kmsMasterKeyId: key.key.arn,
    // An alert not acted on within a day is stale: Alertmanager repeats a firing retrain alert daily.
    messageRetentionSeconds: 86400,
  });
  const queuePolicy = new SqsQueuePolicy(scope, 'alert-queue-policy', {
    queueUrl: queue.url,
    policy: policyDocument([{
      Sid: 'TopicDeliversAlerts', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage', Resource: queue.arn, Condition: { ArnEquals: { 'aws:SourceArn': topic.arn } },
    }]),
  });
  new SnsTopicSubscription(scope, 'alert-subscription', {
    topicArn: topic.arn, protocol: 'sqs', endpoint: queue.arn, rawMessageDelivery: false, dependsOn: [queuePolicy],
  });

  const { role, policy } = serviceRole(scope, 'alert-pipe-role', `${ctx.name}-retrain-alerts`, 'pipes.amazonaws.com', ctx.account, [
    { Sid: 'ReadAlerts', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: queue.arn },
    { Sid: 'DecryptAlerts', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.key.arn },
    startPipeline(ctx),
  ]);
  const pipe = new PipesPipe(scope, 'alert-pipe', {
    name: `${ctx.name}-retrain-alerts`,
    description: `Firing retrain alerts start ${ctx.name}`,
    roleArn: role.arn,
    source: queue.arn,
    target: ctx.pipelineArn,
    sourceParameters: {
      sqsQueueParameters: { batchSize: 1 },
      filterCriteria: { filter: [{ pattern: JSON.stringify({ body: { Subject: [{ prefix: '[FIRING' }] } }) }] },
    },
    targetParameters: { sagemakerPipelineParameters: { pipelineParameter: [{ name: PARAMETER.reason, value: 'alert' }] } },
    dependsOn: [policy],
  });
  declareTriggerWires(scope, ctx, pipe, role, policy, 'alert pipe', { queue, key });
  return { key, topic, queue, role, pipe };
}
