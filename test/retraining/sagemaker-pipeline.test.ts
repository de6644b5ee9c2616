import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { evaluateContracts } from '../../lib/contracts/evaluate';
import { Duration, Size } from '../../lib/core/units';
import { AmpMonitoring } from '../../lib/monitoring/amp';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { LINEAGE_KEYS } from '../../lib/registry/lineage';
import { ObjectStoreLocation } from '../../lib/registry/object-store';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { DataValidation, greatExpectationsScript } from '../../lib/retraining/data-validation';
import { EvaluationGate, FairnessMetric, GateDirection } from '../../lib/retraining/gates';
import { eventBridgeCron } from '../../lib/retraining/private/eventbridge-cron';
import { RetrainingDeclaration } from '../../lib/retraining/retraining-pipeline';
import { SageMakerRetrainingPipeline, SageMakerRetrainingPipelineProps } from '../../lib/retraining/sagemaker';
import { parse, Synth } from '../util';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const TRAIN = `${ECR}/churn-train@sha256:${'7'.repeat(64)}`;
const SERVE = `${ECR}/churn-serve@sha256:${'8'.repeat(64)}`;
const GATES = [
  EvaluationGate.metricAtLeast('auc', 0.85),
  EvaluationGate.metricAtMost('log_loss', 0.4),
  EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1),
  EvaluationGate.fairness(FairnessMetric.EQUALIZED_ODDS_DIFFERENCE, 'sex', 0.1),
];

/** The target-independent declaration, as the Argo pipeline takes it too. */
function declaration(datasets: DatasetStore): RetrainingDeclaration {
  return {
    name: 'churn', model: 'churn',
    dataset: { store: datasets, prefix: 'churn/', version: 'a1b2c3d' },
    dataValidation: DataValidation.greatExpectations({ image: `${ECR}/churn-gx:1.4.0`, checkpoint: 'churn_training_data' }),
    featureViews: ['customer_stats'],
    evaluation: { image: `${ECR}/churn-eval:2.1.0`, gates: GATES },
  };
}

interface AwsWorld {
  readonly stack: TerraformStack;
  readonly datasets: DatasetStore;
  readonly registry: SageMakerModelRegistry;
  pipeline(overrides?: Partial<SageMakerRetrainingPipelineProps>): SageMakerRetrainingPipeline;
}

function awsWorld(): AwsWorld {
  const stack = new TerraformStack(Testing.app(), 'sagemaker');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const datasets = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-datasets' }) });
  const registry = new SageMakerModelRegistry(stack, 'registry', { groupName: 'churn', artifactBucketName: 'acme-churn-models' });
  return {
    stack, datasets, registry,
    pipeline: (overrides = {}) => new SageMakerRetrainingPipeline(stack, 'churn-retraining', {
      ...declaration(datasets),
      training: { image: TRAIN, instanceType: 'ml.g5.2xlarge', volumeSize: Size.gibibytes(100), timeout: Duration.hours(4) },
      registration: { registry, inferenceImage: SERVE, contentTypes: ['text/csv'] },
      ...overrides,
    }),
  };
}

const synthesize = (w: AwsWorld): Synth => parse(Testing.synth(w.stack, true));
const definitionOf = (out: Synth): any => JSON.parse(out.resources('aws_sagemaker_pipeline')[0].pipeline_definition);
const policyOf = (p: any) => JSON.parse(p.policy);
const errorOf = (build: () => void): string => {
  try { build(); } catch (e) { return (e as Error).message; }
  throw new Error('expected the construct to throw');
};

/** Every step of a definition, the branches of Condition steps included. */
function allSteps(steps: any[]): any[] {
  return steps.flatMap((s) => [s, ...(s.Type === 'Condition' ? allSteps([...s.Arguments.IfSteps, ...s.Arguments.ElseSteps]) : [])]);
}

/** Every `Get` path in a value. */
function getPaths(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(getPaths);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [...(typeof o.Get === 'string' ? [o.Get] : []), ...Object.values(o).flatMap(getPaths)];
  }
  return [];
}

/**
 * Runs the definition's control flow the way SageMaker Pipelines does for a given metrics.json: every top-level step
 * runs, a Condition step runs its If steps when all its conditions hold and its Else steps otherwise, `Std:JsonGet`
 * reads the evaluation's property file (a path with no value is an error, as it is for the service). Returns the
 * steps reached, in order.
 */
function run(definition: any, metrics: unknown): any[] {
  const reached: any[] = [];
  const read = (v: any): number => {
    if (typeof v === 'number') return v;
    const path: string = v['Std:JsonGet'].Path;
    const value = path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), metrics);
    if (typeof value !== 'number') throw new Error(`JsonGet ${path}: no number in metrics.json`);
    return value;
  };
  const holds = (c: any): boolean => {
    if (c.Type === 'GreaterThanOrEqualTo') return read(c.LeftValue) >= read(c.RightValue);
    if (c.Type === 'LessThanOrEqualTo') return read(c.LeftValue) <= read(c.RightValue);
    throw new Error(`condition type ${c.Type} not simulated`);
  };
  const visit = (step: any): void => {
    reached.push(step);
    if (step.Type !== 'Condition') return;
    (step.Arguments.Conditions.every(holds) ? step.Arguments.IfSteps : step.Arguments.ElseSteps).forEach(visit);
  };
  definition.Steps.forEach(visit);
  return reached;
}

const passing = { metrics: { auc: 0.91, log_loss: 0.3 }, fairness: { sex: { demographic_parity_difference: 0.04, equalized_odds_difference: 0.07 } } };

describe('SageMakerRetrainingPipeline: the pipeline definition', () => {
  const w = awsWorld();
  w.pipeline();
  const out = synthesize(w);
  const definition = definitionOf(out);
  const steps = allSteps(definition.Steps);
  const byName = (name: string) => steps.find((s) => s.Name === name);

  test('is an aws_sagemaker_pipeline whose definition is version 2020-12-01 with the dataset version and run reason as parameters', () => {
    const pipeline = out.resources('aws_sagemaker_pipeline')[0];
    expect(pipeline).toMatchObject({ pipeline_name: 'churn', pipeline_display_name: 'churn', role_arn: expect.stringMatching(/^\$\{aws_iam_role\.churn-retraining_execution-role_\w+\.arn\}$/) });
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Parameters).toEqual([
      { Name: 'DatasetVersion', Type: 'String', DefaultValue: 'a1b2c3d' },
      { Name: 'RetrainReason', Type: 'String', DefaultValue: 'manual' },
    ]);
  });

  test('validates the data with the Great Expectations Checkpoint (the same script as on Argo), then trains, then evaluates', () => {
    expect(definition.Steps.slice(0, 3).map((s: any) => [s.Name, s.Type])).toEqual([['ValidateData', 'Processing'], ['Train', 'Training'], ['Evaluate', 'Processing']]);
    expect(byName('ValidateData').Arguments.AppSpecification).toEqual({
      ImageUri: `${ECR}/churn-gx:1.4.0`, ContainerEntrypoint: ['python3', '-c', greatExpectationsScript('churn_training_data', '/gx')],
    });
    // Train waits for validation explicitly (no data flows between them); Evaluate and the gates follow by data.
    expect(byName('Train').DependsOn).toEqual(['ValidateData']);
    expect(byName('Train').Arguments).toMatchObject({
      AlgorithmSpecification: { TrainingImage: TRAIN, TrainingInputMode: 'File' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.2xlarge', VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 14400 },
      OutputDataConfig: { S3OutputPath: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.registry_artifacts_bucket_\w+\.bucket\}\/models\/churn\/pipeline\/training$/), KmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\.registry_kms_key_\w+\.arn\}$/) },
    });
    expect(byName('Evaluate').Arguments.ProcessingInputs[0].S3Input.S3Uri).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
  });

  test('every step gets the lineage environment; the dataset version and run reason come from the run\'s parameters', () => {
    for (const name of ['ValidateData', 'Train', 'Evaluate']) {
      expect(byName(name).Arguments.Environment).toMatchObject({
        ML_MODEL_NAME: 'churn', ML_DATASET_URI: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.datasets_bucket_\w+\.bucket\}\/churn\/$/),
        ML_DATASET_VERSION: { Get: 'Parameters.DatasetVersion' }, ML_FEATURE_VIEWS: 'customer_stats',
        ML_CODE_VERSION: `sha256:${'7'.repeat(64)}`, ML_RETRAIN_REASON: { Get: 'Parameters.RetrainReason' },
      });
    }
    expect(byName('Evaluate').Arguments.Environment).toMatchObject({
      ML_MODEL_URI: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, ML_METRICS_PATH: '/opt/ml/processing/evaluation/metrics.json',
    });
  });

  test('the evaluation writes metrics.json as a property file, which every gate reads by JSON path', () => {
    const evaluate = byName('Evaluate');
    expect(evaluate.PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationMetrics', OutputName: 'evaluation', FilePath: 'metrics.json' }]);
    expect(evaluate.Arguments.ProcessingOutputConfig.Outputs[0]).toMatchObject({ OutputName: 'evaluation', S3Output: { LocalPath: '/opt/ml/processing/evaluation', S3UploadMode: 'EndOfJob' } });
    const paths = steps.filter((s) => s.Type === 'Condition').flatMap((s) => s.Arguments.Conditions.map((c: any) => c.LeftValue['Std:JsonGet']));
    expect(new Set(paths.map((p: any) => p.PropertyFile.Get))).toEqual(new Set(['Steps.Evaluate.PropertyFiles.EvaluationMetrics']));
    expect([...new Set(paths.map((p: any) => p.Path))].sort()).toEqual([
      'fairness.sex.demographic_parity_difference', 'fairness.sex.equalized_odds_difference', 'metrics.auc', 'metrics.log_loss',
    ]);
  });

  test('is well formed: unique step names SageMaker accepts, every Get names a step, parameter or property file that exists', () => {
    const names = steps.map((s) => s.Name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9\-_]{1,64}$/);
    const parameters = definition.Parameters.map((p: any) => p.Name);
    for (const path of getPaths(definition)) {
      const [root, name, kind, file] = path.split('.');
      if (root === 'Parameters') expect(parameters).toContain(name);
      else if (root === 'Execution') expect(name).toBe('PipelineExecutionId');
      else {
        expect(root).toBe('Steps');
        expect(names).toContain(name);
        if (kind === 'PropertyFiles') expect(byName(name).PropertyFiles.map((p: any) => p.PropertyFileName)).toContain(file);
      }
    }
    for (const s of steps) for (const d of s.DependsOn ?? []) expect(names).toContain(d);
    // The property file's output exists on its step (what the SDK checks for JsonGet before CreatePipeline).
    expect(byName('Evaluate').Arguments.ProcessingOutputConfig.Outputs.map((o: any) => o.OutputName)).toContain('evaluation');
  });

  test('registers the candidate PendingManualApproval (the challenger) with the lineage contract as CustomerMetadataProperties', () => {
    const register = byName('RegisterChallenger');
    expect(register.Type).toBe('RegisterModel');
    expect(register.Arguments).toMatchObject({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: SERVE, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } }],
        SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['application/json'],
      },
    });
    expect(register.Arguments.CustomerMetadataProperties).toEqual({
      [LINEAGE_KEYS.datasetUri]: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.datasets_bucket_\w+\.bucket\}\/churn\/$/),
      [LINEAGE_KEYS.datasetVersion]: { Get: 'Parameters.DatasetVersion' },
      [LINEAGE_KEYS.featureViews]: 'customer_stats',
      [LINEAGE_KEYS.trainingRun]: { Get: 'Steps.Train.TrainingJobName' },
      [LINEAGE_KEYS.codeVersion]: `sha256:${'7'.repeat(64)}`,
    });
    expect(JSON.stringify(definition)).not.toMatch(/"Approved"/);
  });
});

describe('SageMakerRetrainingPipeline: the gates', () => {
  const w = awsWorld();
  w.pipeline();
  const definition = definitionOf(synthesize(w));
  const names = (reached: any[]) => reached.map((s) => s.Name);

  test('given metrics that meet every gate, the candidate is registered and no Fail step runs', () => {
    const reached = run(definition, passing);
    expect(names(reached)).toContain('RegisterChallenger');
    expect(reached.filter((s) => s.Type === 'Fail')).toEqual([]);
  });

  test.each(GATES.map((g, i) => [String(g), i] as const))('given %s missed, the run ends in that gate\'s Fail step, which names it, and nothing is registered', (gate, i) => {
    const metrics = JSON.parse(JSON.stringify(passing));
    const g = GATES[i];
    const missed = g.direction === 'at-least' ? g.threshold - 0.01 : g.threshold + 0.01;
    if (g.sensitiveFeature !== undefined) metrics.fairness[g.sensitiveFeature][g.metric] = missed;
    else metrics.metrics[g.metric] = missed;
    const reached = run(definition, metrics);
    expect(names(reached)).not.toContain('RegisterChallenger');
    const fails = reached.filter((s) => s.Type === 'Fail');
    expect(fails.map((s) => s.Name)).toEqual([`Gate${i + 1}Failed`]);
    expect(fails[0].Arguments.ErrorMessage).toContain(`evaluation gate ${i + 1} failed: ${gate}`);
    expect(fails[0].Arguments.ErrorMessage).toMatch(/the candidate is not registered$/);
  });

  test('given every gate missed, each fails under its own name and nothing is registered', () => {
    const reached = run(definition, { metrics: { auc: 0.5, log_loss: 0.9 }, fairness: { sex: { demographic_parity_difference: 0.5, equalized_odds_difference: 0.5 } } });
    expect(reached.filter((s) => s.Type === 'Fail').map((s) => s.Name)).toEqual(['Gate1Failed', 'Gate2Failed', 'Gate3Failed', 'Gate4Failed']);
    expect(names(reached)).not.toContain('RegisterChallenger');
  });

  test('a value exactly at the threshold passes (at least / at most are inclusive, as on Argo)', () => {
    const reached = run(definition, { metrics: { auc: 0.85, log_loss: 0.4 }, fairness: { sex: { demographic_parity_difference: 0.1, equalized_odds_difference: 0.1 } } });
    expect(names(reached)).toContain('RegisterChallenger');
  });

  test('no path to the register step bypasses a gate: it is reached only through the step holding every gate', () => {
    const holders = allSteps(definition.Steps).filter((s) => s.Type === 'Condition' && s.Arguments.IfSteps.some((x: any) => x.Type === 'RegisterModel'));
    expect(holders.map((s) => s.Name)).toEqual(['CheckGates']);
    expect(holders[0].Arguments.Conditions).toHaveLength(GATES.length);
    expect(definition.Steps.some((s: any) => s.Type === 'RegisterModel')).toBe(false);
  });

  test('a metric missing from metrics.json cannot register the candidate (JsonGet fails the run)', () => {
    expect(() => run(definition, { metrics: { auc: 0.9 }, fairness: {} })).toThrow(/JsonGet metrics\.log_loss/);
  });
});

describe('SageMakerRetrainingPipeline: the execution role', () => {
  const w = awsWorld();
  const pipeline = w.pipeline();
  const out = synthesize(w);
  const roles = out.resources('aws_iam_role');
  const policies = out.resources('aws_iam_role_policy');
  const executionPolicies = policies.filter((p) => /churn-retraining_execution-role_\w+\.name/.test(p.role));

  test('is trusted only by sagemaker.amazonaws.com on behalf of this account', () => {
    const role = roles.find((r) => r.name === 'churn-sagemaker-pipeline');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\$\{data\.aws_caller_identity\.churn-retraining_caller_\w+\.account_id\}$/) } },
    }]);
  });

  test('reads the dataset prefix and decrypts with its key, writes the artifact prefix, creates model packages in its group, passes only itself', () => {
    const statements = executionPolicies.flatMap((p) => policyOf(p).Statement);
    const allowing = (action: string) => statements.filter((s: any) => [s.Action].flat().includes(action));
    expect(allowing('s3:GetObject').flatMap((s: any) => [s.Resource].flat())).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\$\{aws_s3_bucket\.datasets_bucket_\w+\.arn\}\/churn\/\*$/),
    ]));
    expect(allowing('kms:Decrypt').flatMap((s: any) => [s.Resource].flat())).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\$\{aws_kms_key\.datasets_bucket_kms_key_\w+\.arn\}$/),
    ]));
    expect(allowing('s3:PutObject').flatMap((s: any) => [s.Resource].flat())).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.registry_artifacts_bucket_\w+\.arn\}\/models\/\*$/)]);
    expect(allowing('sagemaker:CreateModelPackage').flatMap((s: any) => [s.Resource].flat())).toEqual([expect.stringMatching(/:model-package\/churn\/\*$/)]);
    expect(allowing('iam:PassRole')).toEqual([{
      Sid: 'PassRoleToJobs', Effect: 'Allow', Action: 'iam:PassRole', Resource: expect.stringMatching(/^\$\{aws_iam_role\.churn-retraining_execution-role_\w+\.arn\}$/),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }]);
    expect(allowing('ecr:BatchGetImage')[0].Resource).toEqual(['churn-eval', 'churn-gx', 'churn-train']
      .map((repo) => expect.stringMatching(new RegExp(`:ecr:eu-west-1:123456789012:repository/${repo}$`))));
    // Nothing beyond that: no wildcard action, and "*" resources only where IAM has no resource-level scope.
    expect(statements.filter((s: any) => [s.Action].flat().some((a: string) => a.includes('*')))).toEqual([]);
    expect(statements.filter((s: any) => s.Resource === '*').map((s: any) => s.Action)).toEqual(['ecr:GetAuthorizationToken']);
  });

  test('declares its wires, and they hold in the IAM evaluator: dataset read (and key), artifact write (and key), CreateModelPackage, pipeline after its grants', () => {
    const json = JSON.parse(JSON.stringify(w.stack.toTerraform()));
    const contracts = Object.values<any>(json['//'].ml_platform.contracts).filter((c) => c.consumer === pipeline.node.path);
    expect(contracts.map((c) => [c.kind, c.actions])).toEqual([
      ['aws-permission', ['s3:GetObject']], ['aws-permission', ['s3:PutObject']], ['aws-permission', ['sagemaker:CreateModelPackage']], ['order', undefined],
      // The schedule's role, then the alert Pipe's role (its queue and key), each trigger after its role policy.
      ['aws-permission', ['sagemaker:StartPipelineExecution']], ['order', undefined],
      ['aws-permission', ['sagemaker:StartPipelineExecution']],
      ['aws-permission', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']], ['order', undefined],
    ]);
    expect(contracts[0]).toMatchObject({ producer: 'sagemaker/datasets', resources: [expect.stringMatching(/\/churn\/\*$/)], kmsKey: expect.stringMatching(/datasets_bucket_kms_key/) });
    const result = evaluateContracts([{ name: 'sagemaker', json }]);
    expect(result.findings).toEqual([]);
    expect(result.evaluated).toBe(9);
  });
});

describe('a broken grant fails synth, naming the role, the wire and the fix', () => {
  const readPolicy = (w: AwsWorld) => w.stack.node.findAll().find((c) => c.node.path === 'sagemaker/churn-retraining/execution-grants/policy-read-bucket') as any;

  test('the dataset grant removed: s3:GetObject is refused on the dataset prefix', () => {
    const w = awsWorld();
    w.pipeline();
    readPolicy(w).addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [] }));
    const message = errorOf(() => Testing.synth(w.stack, true));
    expect(message).toMatch(/contract-permission/);
    expect(message).toMatch(/sagemaker\/churn-retraining → sagemaker\/datasets \(training data of churn\): role aws_iam_role\.churn-retraining_execution-role_\w+ is not allowed s3:GetObject on arn:aws:s3:::/);
    expect(message).toMatch(/dataset\.store\.grantRead\(pipeline\.executionGrants, prefix\)/);
  });

  const triggerPolicy = (w: AwsWorld, id: string) => w.stack.node.findAll().find((c) => c.node.path === `sagemaker/churn-retraining/${id}`) as any;

  test('the schedule\'s role loses StartPipelineExecution: the schedule could never start a run', () => {
    const w = awsWorld();
    w.pipeline();
    triggerPolicy(w, 'schedule-role-policy').addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [] }));
    expect(errorOf(() => Testing.synth(w.stack, true)))
      .toMatch(/contract-permission .*\(the schedule starting runs of churn\): role aws_iam_role\.churn-retraining_schedule-role_\w+ is not allowed sagemaker:StartPipelineExecution/);
  });

  test('the alert Pipe\'s role cannot read the queue, or cannot decrypt it', () => {
    const w = awsWorld();
    w.pipeline();
    const pipePolicy = triggerPolicy(w, 'alert-pipe-role-policy');
    const start = { Effect: 'Allow', Action: 'sagemaker:StartPipelineExecution', Resource: '*' };
    pipePolicy.addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [start, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }));
    expect(errorOf(() => Testing.synth(w.stack, true)))
      .toMatch(/contract-permission .*\(retrain alerts queued for churn\): role aws_iam_role\.churn-retraining_alert-pipe-role_\w+ is not allowed sqs:ReceiveMessage/);
    pipePolicy.addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [start, { Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
    expect(errorOf(() => Testing.synth(w.stack, true))).toMatch(/contract-permission .* is not allowed kms:Decrypt on key aws_kms_key\.churn-retraining_alert-key_\w+/);
  });

  test('a trigger created before its role policy fails the order contract', () => {
    const w = awsWorld();
    w.pipeline();
    (w.stack.node.findAll().find((c) => c.node.path === 'sagemaker/churn-retraining/alert-pipe') as any).dependsOn = [];
    expect(errorOf(() => Testing.synth(w.stack, true))).toMatch(/contract-order .*alert pipe's role policy/);
  });

  test('a grant without kms:Decrypt is caught on the dataset\'s key', () => {
    const w = awsWorld();
    w.pipeline();
    readPolicy(w).addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }));
    expect(errorOf(() => Testing.synth(w.stack, true))).toMatch(/contract-permission .* is not allowed kms:Decrypt on key aws_kms_key\.datasets_bucket_kms_key_\w+/);
  });
});

describe('SageMakerRetrainingPipeline: what starts a run', () => {
  const w = awsWorld();
  const pipeline = w.pipeline({ schedule: '30 2 * * 1-5' });
  const out = synthesize(w);
  const roleNamed = (name: string) => out.resources('aws_iam_role').find((r) => r.name === name);
  const policyOfRole = (roleId: RegExp) => out.resources('aws_iam_role_policy').filter((p) => roleId.test(p.role)).flatMap((p) => policyOf(p).Statement);

  test('a schedule on EventBridge Scheduler: the cron keeps its weekdays, the templated SageMaker target passes RetrainReason=schedule', () => {
    const schedule = out.resources('aws_scheduler_schedule')[0];
    expect(schedule).toMatchObject({
      name: 'churn-retrain', schedule_expression: 'cron(30 2 ? * MON-FRI *)', schedule_expression_timezone: 'UTC', flexible_time_window: { mode: 'OFF' },
      target: {
        arn: expect.stringMatching(/^\$\{aws_sagemaker_pipeline\.churn-retraining_pipeline_\w+\.arn\}$/),
        sagemaker_pipeline_parameters: { pipeline_parameter: [{ name: 'RetrainReason', value: 'schedule' }] },
      },
    });
    expect(JSON.parse(roleNamed('churn-retrain-schedule').assume_role_policy).Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(policyOfRole(/schedule-role/)).toEqual([{
      Sid: 'StartRetrainingPipeline', Effect: 'Allow', Action: 'sagemaker:StartPipelineExecution', Resource: expect.stringMatching(/aws_sagemaker_pipeline\.churn-retraining_pipeline_\w+\.arn/),
    }]);
  });

  test('the alert path: an encrypted SNS topic AMP may publish to, an SQS queue only the topic feeds, a Pipe that starts a run for firing alerts only', () => {
    const topic = out.resources('aws_sns_topic')[0];
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.churn-retraining_alert-key_\w+\.arn\}$/);
    const topicPolicy = policyOf(out.resources('aws_sns_topic_policy')[0]).Statement;
    expect(topicPolicy[0]).toMatchObject({ Principal: { Service: 'aps.amazonaws.com' }, Action: ['sns:Publish', 'sns:GetTopicAttributes'], Condition: { StringEquals: { 'aws:SourceAccount': expect.any(String) } } });
    expect(policyOf(out.resources('aws_sqs_queue_policy')[0]).Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': expect.stringMatching(/alert-topic_\w+\.arn/) } },
    })]);
    expect(out.resources('aws_sns_topic_subscription')[0]).toMatchObject({ protocol: 'sqs', raw_message_delivery: false });
    const pipe = out.resources('aws_pipes_pipe')[0];
    expect(pipe).toMatchObject({
      source: expect.stringMatching(/alert-queue_\w+\.arn/), target: expect.stringMatching(/aws_sagemaker_pipeline\.churn-retraining_pipeline_\w+\.arn/),
      target_parameters: { sagemaker_pipeline_parameters: { pipeline_parameter: [{ name: 'RetrainReason', value: 'alert' }] } },
    });
    const pattern = JSON.parse(pipe.source_parameters.filter_criteria.filter[0].pattern);
    expect(pattern).toEqual({ body: { Subject: [{ prefix: '[FIRING' }] } });
    expect(policyOfRole(/alert-pipe-role/).map((s: any) => s.Action)).toEqual([
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'kms:Decrypt', 'sagemaker:StartPipelineExecution',
    ]);
    // The key lets the two services that encrypt without a role of this account use it, for this account only.
    const key = out.resources('aws_kms_key').find((k) => /retrain alerts in flight/.test(k.description));
    const services = JSON.parse(key.policy).Statement.filter((s: any) => s.Principal?.Service).map((s: any) => [s.Principal.Service, s.Condition]);
    expect(services.map((s: any) => s[0])).toEqual(['aps.amazonaws.com', 'sns.amazonaws.com']);
    for (const [, condition] of services) expect(condition).toEqual({ StringEquals: { 'aws:SourceAccount': expect.any(String) } });
    expect(pipeline.triggerReceiver).toBeInstanceOf(AlertReceiver);
    expect(pipeline.triggerWorkloads).toEqual(['churn']);
  });

  test('listed in AmpMonitoring, its endpoint\'s retrain alerts are routed to the pipeline\'s topic', () => {
    const w2 = awsWorld();
    const p = w2.pipeline();
    new AmpMonitoring(w2.stack, 'monitoring', {
      workspaceAlias: 'ml', gpuMetrics: false, grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] },
      alerting: { critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:oncall')], retrainingPipelines: [p] },
    });
    const o = synthesize(w2);
    const config = JSON.parse(JSON.parse(o.resources('aws_prometheus_alert_manager_definition')[0].definition).alertmanager_config);
    expect(config.route.routes[0]).toMatchObject({ receiver: 'retrain-churn', matchers: ['ml_action="retrain"', 'workload=~"churn"'], continue: true });
    expect(config.receivers.find((r: any) => r.name === 'retrain-churn').sns_configs[0].topic_arn).toMatch(/aws_sns_topic\.churn-retraining_alert-topic_\w+\.arn/);
  });
});

describe('SageMakerRetrainingPipeline output is deterministic', () => {
  test('two synths of the same declaration are byte-identical', () => {
    const text = () => {
      const w = awsWorld();
      w.pipeline();
      return Testing.synth(w.stack, true);
    };
    expect(text()).toBe(text());
  });
});

describe('the schedule, as EventBridge Scheduler reads it', () => {
  test.each([
    ['0 3 * * 1', 'cron(0 3 ? * MON *)'],
    ['0 3 * * 0', 'cron(0 3 ? * SUN *)'],
    ['0 3 * * 7', 'cron(0 3 ? * SUN *)'],
    ['0 3 * * 1-5', 'cron(0 3 ? * MON-FRI *)'],
    ['0 3 * * mon,thu', 'cron(0 3 ? * MON,THU *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['0 4 1 * *', 'cron(0 4 1 * ? *)'],
    ['0 0 */2 * *', 'cron(0 0 1/2 * ? *)'],
  ])('%s becomes %s', (unix, expected) => {
    expect(eventBridgeCron(unix)).toEqual({ expression: expected });
  });

  test.each([
    ['0 3 1 * 1', /both day-of-month and day-of-week/],
    ['0 3 * * 1/2', /day-of-week EventBridge Scheduler cannot express/],
    ['0 3 * * 5-7', /day-of-week EventBridge Scheduler cannot express/],
    ['@daily', /five-field cron/],
    ['0 3 L * *', /cron syntax EventBridge Scheduler cannot express/],
  ])('%s is refused', (unix, message) => {
    expect((eventBridgeCron(unix) as { error: string }).error).toMatch(message);
  });
});

describe('SageMakerRetrainingPipeline refuses props that cannot work, naming the construct path, the prop, the value and the fix', () => {
  test('a training image pinned by tag, not digest', () => {
    const w = awsWorld();
    expect(errorOf(() => w.pipeline({ training: { image: `${ECR}/churn-train:1.0.0`, instanceType: 'ml.g5.2xlarge' } }))).toBe(
      `sagemaker/churn-retraining: training.image ("${ECR}/churn-train:1.0.0") must be pinned by digest (…@sha256:<64 hex>): ` +
      'the digest is recorded as the code version of every model it trains');
  });

  test('an image outside ECR, which the execution role cannot be granted', () => {
    const w = awsWorld();
    expect(errorOf(() => w.pipeline({ evaluation: { image: 'docker.io/acme/churn-eval:2.1.0', gates: GATES } })))
      .toMatch(/^sagemaker\/churn-retraining: evaluation\.image \("docker\.io\/acme\/churn-eval:2\.1\.0"\) must be an Amazon ECR image .*: the execution role is granted pulls of exactly these repositories$/);
  });

  test('a schedule EventBridge Scheduler cannot express', () => {
    const w = awsWorld();
    expect(errorOf(() => w.pipeline({ schedule: '0 3 1 * 1' })))
      .toBe('sagemaker/churn-retraining: schedule ("0 3 1 * 1") sets both day-of-month and day-of-week, which EventBridge Scheduler cannot combine (one of them must be "?"); schedule on one of them');
  });

  test('a gate metric a JSON path would split', () => {
    const w = awsWorld();
    expect(errorOf(() => w.pipeline({ evaluation: { image: `${ECR}/churn-eval:2.1.0`, gates: [EvaluationGate.metricAtLeast('roc.auc', 0.8)] } })))
      .toMatch(/evaluation\.gates\[0\]\.metric \("roc\.auc"\) must be letters, digits and "_" on SageMaker, where the gate reads it with a JSON path; rename it in metrics\.json/);
  });

  test('a beat-the-champion gate, which a pipeline definition cannot compute honestly', () => {
    const w = awsWorld();
    const gate = EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: 0.01 });
    expect(errorOf(() => w.pipeline({ evaluation: { image: `${ECR}/churn-eval:2.1.0`, gates: [...GATES, gate] } }))).toBe(
      `sagemaker/churn-retraining: evaluation.gates[${GATES.length}] ("auc >= champion + 0.01") compares with the champion, which SageMakerRetrainingPipeline cannot do honestly: ` +
      'a pipeline definition has no arithmetic for minImprovement and no step that reads the approved model package\'s metrics, and scheduled and alert runs start with fixed parameters. ' +
      'Use an absolute gate (EvaluationGate.metricAtLeast / metricAtMost) on SageMaker, or run the pipeline on Argo (ArgoRetrainingPipeline)');
  });

  test('a model that is not the registry\'s package group', () => {
    const w = awsWorld();
    expect(errorOf(() => w.pipeline({ model: 'churn-v2' })))
      .toMatch(/model \("churn-v2"\) is not the registry's model package group "churn": the group is the registered model on SageMaker; set model to "churn"/);
  });

  test('a dataset on Google Cloud Storage', () => {
    const w = awsWorld();
    const gcs = new DatasetStore(w.stack, 'gcs-datasets', { location: ObjectStoreLocation.gcs({ project: 'acme', bucketName: 'acme-gcs-datasets', location: 'EU' }) });
    expect(errorOf(() => w.pipeline({ dataset: { store: gcs, version: 'v1' } })))
      .toMatch(/dataset\.store \("sagemaker\/gcs-datasets"\) must be an S3 DatasetStore, ObjectStore or SecureS3Bucket/);
  });

  test('every problem at once, one per line', () => {
    const w = awsWorld();
    const message = errorOf(() => w.pipeline({
      name: 'Churn_Pipeline', processingInstanceType: 'm5.xlarge',
      training: { image: TRAIN, instanceType: 'g5.2xlarge', timeout: Duration.days(30) },
    }));
    expect(message.split('\n')[0]).toBe('4 problems:');
    expect(message).toContain('sagemaker/churn-retraining: name ("Churn_Pipeline") must be a DNS-1123 label');
    expect(message).toContain('training.instanceType ("g5.2xlarge") must be an ML instance type such as "ml.g5.2xlarge"');
    expect(message).toContain('training.timeout (30d) must be a Duration from 1 second to 28 days');
    expect(message).toContain('processingInstanceType ("m5.xlarge") must be an ML instance type such as "ml.m5.xlarge"');
  });
});
