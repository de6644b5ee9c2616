import { LINEAGE_KEYS } from '../../registry/lineage';
import { featureViewVersionKey, featureViewVersionsEnv } from '../feature-lineage';
import { EvaluationGate, GateDirection } from '../gates';

/*
 * The SageMaker Model Building Pipeline definition (version 2020-12-01) of a retraining pipeline, as the JSON
 * CreatePipeline takes. The shapes follow the SageMaker Python SDK, which is the reference serializer of this
 * format (aws/sagemaker-python-sdk, src/sagemaker/workflow/):
 *  - a step is `{ Name, Type, Arguments, DependsOn?, Description? }` (steps.py `Step.to_request`); the Arguments of
 *    Processing, Training and RegisterModel steps are the CreateProcessingJob, CreateTrainingJob and
 *    CreateModelPackage requests without the job name;
 *  - a Processing step lists its property files as `PropertyFiles: [{ PropertyFileName, OutputName, FilePath }]`
 *    (steps.py `ProcessingStep.to_request`, properties.py `PropertyFile.expr`);
 *  - a step's properties are its Describe* response, read as `{ "Get": "Steps.<name>.<path>" }` (properties.py): a
 *    Training step's model is `Steps.<name>.ModelArtifacts.S3ModelArtifacts` (DescribeTrainingJob `ModelArtifacts`,
 *    "the path of the S3 object that contains the model artifacts", SageMaker API reference), its job name
 *    `Steps.<name>.TrainingJobName`;
 *  - `{ "Std:JsonGet": { "PropertyFile": { "Get": "Steps.<step>.PropertyFiles.<name>" }, "Path": "<json path>" } }` reads
 *    a value from a property file and `{ "Std:Join": { "On", "Values" } }` joins strings (functions.py);
 *    `{ "Get": "Parameters.<name>" }` and `{ "Get": "Execution.PipelineExecutionId" }` read a parameter and the run id
 *    (parameters.py, execution_variables.py);
 *  - a Condition step is `{ Conditions, IfSteps, ElseSteps }`, the If steps running when every condition holds
 *    (condition_step.py); conditions are `{ Type: GreaterThanOrEqualTo | LessThanOrEqualTo, LeftValue, RightValue }`;
 *  - a Fail step is `{ ErrorMessage }`; reaching it fails the execution with that message (fail_step.py).
 *
 * The published JSON schema (aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema @ b4012b0)
 * allows only Training, Processing, Transform, RegisterModel and Fail steps inside a Condition step's branches, so
 * the gates are not chained: each gate is its own Condition step whose Else branch is a Fail step naming it, and one
 * more Condition step holding every gate registers the candidate when all of them hold. A failing gate therefore
 * fails the run under its own name, and no path registers a candidate that missed a gate.
 */

/** Step names, stable: they name the jobs, appear in the console and are read by `Get` expressions. */
export const STEP = {
  validate: 'ValidateData',
  train: 'Train',
  evaluate: 'Evaluate',
  gates: 'CheckGates',
  register: 'RegisterChallenger',
} as const;

/** Pipeline parameters a run can override (StartPipelineExecution `PipelineParameters`). */
export const PARAMETER = {
  datasetVersion: 'DatasetVersion',
  reason: 'RetrainReason',
} as const;

/** Where the evaluation step writes the metrics and how the gates find them. */
export const EVALUATION = {
  outputName: 'evaluation',
  localPath: '/opt/ml/processing/evaluation',
  modelPath: '/opt/ml/processing/model',
  propertyFile: 'EvaluationMetrics',
  fileName: 'metrics.json',
} as const;

/** Everything the definition is made of, resolved by the construct (values may be Terraform references). */
export interface DefinitionInput {
  readonly model: string;
  readonly roleArn: string;
  readonly datasetUri: string;
  readonly datasetVersion: string;
  readonly featureViews: string;
  /** Each feature view's version, `{ view: version }` (featureViewVersion). */
  readonly featureViewVersions: Readonly<Record<string, string>>;
  /** The training image's digest: the code version in the lineage. */
  readonly codeVersion: string;
  readonly processingInstanceType: string;
  readonly validation: { readonly image: string; readonly entrypoint: string[] };
  readonly training: {
    readonly image: string;
    readonly instanceType: string;
    readonly instanceCount: number;
    readonly volumeSizeGiB: number;
    readonly maxRuntimeSeconds: number;
  };
  readonly evaluation: { readonly image: string; readonly entrypoint?: string[] };
  readonly gates: readonly EvaluationGate[];
  readonly registration: {
    readonly groupName: string;
    readonly inferenceImage: string;
    readonly contentTypes: string[];
    readonly responseTypes: string[];
  };
  /** `s3://<artifact bucket>/models/<model>/pipeline`: training output and evaluation reports go below it. */
  readonly outputUri: string;
  /** The key the outputs are encrypted with (the registry's artifact key). */
  readonly outputKmsKeyArn: string;
  readonly vpc?: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
}

type Json = Record<string, unknown>;

const get = (path: string): Json => ({ Get: path });
const join = (on: string, values: unknown[]): Json => ({ 'Std:Join': { On: on, Values: values } });

/** Where a gate's value is in metrics.json, as a JSON path (names are restricted to `[A-Za-z_][A-Za-z0-9_]*`). */
export function gatePath(gate: EvaluationGate): string {
  return gate.valuePath;
}

/** The Condition step name of gate `i` (0-based), at most 64 characters of `[A-Za-z0-9-_]`. */
export function gateStepName(gate: EvaluationGate, i: number): string {
  // `metrics.auc` → `auc`, `fairness.sex.demographic_parity_difference` → `sex-demographic_parity_difference`.
  const what = gate.valuePath.split('.').slice(1).join('-');
  return `Gate${i + 1}-${what}`.slice(0, 64);
}

/** The Fail step name of gate `i`. */
export function gateFailStepName(i: number): string {
  return `Gate${i + 1}Failed`;
}

function condition(gate: EvaluationGate): Json {
  return {
    Type: gate.direction === GateDirection.AT_LEAST ? 'GreaterThanOrEqualTo' : 'LessThanOrEqualTo',
    LeftValue: {
      'Std:JsonGet': { PropertyFile: get(`Steps.${STEP.evaluate}.PropertyFiles.${EVALUATION.propertyFile}`), Path: gatePath(gate) },
    },
    RightValue: gate.threshold,
  };
}

/** The definition, as an object; `JSON.stringify` it for `pipeline_definition`. */
export function pipelineDefinition(d: DefinitionInput): Json {
  const executionPrefix = (what: string) => join('/', [`${d.outputUri}/${what}`, get('Execution.PipelineExecutionId')]);
  const lineageEnv: Record<string, unknown> = {
    ML_MODEL_NAME: d.model,
    ML_DATASET_URI: d.datasetUri,
    ML_DATASET_VERSION: get(`Parameters.${PARAMETER.datasetVersion}`),
    ...(d.featureViews ? { ML_FEATURE_VIEWS: d.featureViews } : {}),
    ...(Object.keys(d.featureViewVersions).length > 0 ? { ML_FEATURE_VIEW_VERSIONS: featureViewVersionsEnv(d.featureViewVersions) } : {}),
    ML_CODE_VERSION: d.codeVersion,
    ML_RETRAIN_REASON: get(`Parameters.${PARAMETER.reason}`),
  };
  const network = d.vpc ? { VpcConfig: { Subnets: d.vpc.subnetIds, SecurityGroupIds: d.vpc.securityGroupIds } } : undefined;
  const cluster = { InstanceCount: 1, InstanceType: d.processingInstanceType, VolumeSizeInGB: 30 };

  const validate = {
    Name: STEP.validate,
    Type: 'Processing',
    Description: 'Runs the Great Expectations Checkpoint on the dataset; a broken expectation fails the run before training.',
    Arguments: {
      ProcessingResources: { ClusterConfig: cluster },
      AppSpecification: { ImageUri: d.validation.image, ContainerEntrypoint: d.validation.entrypoint },
      RoleArn: d.roleArn,
      Environment: lineageEnv,
      ...(network ? { NetworkConfig: network } : {}),
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  };

  const train = {
    Name: STEP.train,
    Type: 'Training',
    Description: 'Trains the candidate; the image writes the model to /opt/ml/model, which SageMaker uploads as model.tar.gz.',
    // Training reads nothing another step produces, so the order after validation is explicit.
    DependsOn: [STEP.validate],
    Arguments: {
      // No input channel: the image reads ML_DATASET_URI at ML_DATASET_VERSION itself, as it does on Argo.
      AlgorithmSpecification: { TrainingImage: d.training.image, TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: `${d.outputUri}/training`, KmsKeyId: d.outputKmsKeyArn },
      ResourceConfig: { InstanceCount: d.training.instanceCount, InstanceType: d.training.instanceType, VolumeSizeInGB: d.training.volumeSizeGiB },
      StoppingCondition: { MaxRuntimeInSeconds: d.training.maxRuntimeSeconds },
      RoleArn: d.roleArn,
      Environment: lineageEnv,
      ...(d.training.instanceCount > 1 ? { EnableInterContainerTrafficEncryption: true } : {}),
      ...(network ? { VpcConfig: network.VpcConfig } : {}),
    },
  };

  const modelArtifacts = get(`Steps.${STEP.train}.ModelArtifacts.S3ModelArtifacts`);
  const trainingRun = get(`Steps.${STEP.train}.TrainingJobName`);
  const evaluate = {
    Name: STEP.evaluate,
    Type: 'Processing',
    Description: `Scores the candidate and writes ${EVALUATION.fileName} (metrics and Fairlearn fairness differences) for the gates.`,
    Arguments: {
      ProcessingResources: { ClusterConfig: cluster },
      AppSpecification: { ImageUri: d.evaluation.image, ...(d.evaluation.entrypoint ? { ContainerEntrypoint: d.evaluation.entrypoint } : {}) },
      RoleArn: d.roleArn,
      Environment: {
        ...lineageEnv,
        ML_TRAINING_RUN: trainingRun,
        ML_MODEL_URI: modelArtifacts,
        ML_MODEL_DIR: EVALUATION.modelPath,
        ML_METRICS_PATH: `${EVALUATION.localPath}/${EVALUATION.fileName}`,
      },
      ProcessingInputs: [{
        InputName: 'model',
        S3Input: { S3Uri: modelArtifacts, LocalPath: EVALUATION.modelPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
      }],
      ProcessingOutputConfig: {
        Outputs: [{
          OutputName: EVALUATION.outputName,
          S3Output: { S3Uri: executionPrefix('evaluation'), LocalPath: EVALUATION.localPath, S3UploadMode: 'EndOfJob' },
        }],
        KmsKeyId: d.outputKmsKeyArn,
      },
      ...(network ? { NetworkConfig: network } : {}),
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
    PropertyFiles: [{ PropertyFileName: EVALUATION.propertyFile, OutputName: EVALUATION.outputName, FilePath: EVALUATION.fileName }],
  };

  const register = {
    Name: STEP.register,
    Type: 'RegisterModel',
    Description: 'Registers the candidate as a model package pending manual approval: the challenger. Promotion is a reviewed change.',
    Arguments: {
      ModelPackageGroupName: d.registration.groupName,
      ModelPackageDescription: `Challenger of ${d.model}, registered by its retraining pipeline`,
      // Never Approved: approving (and serving) a version stays a reviewed change.
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: d.registration.inferenceImage, ModelDataUrl: modelArtifacts }],
        SupportedContentTypes: d.registration.contentTypes,
        SupportedResponseMIMETypes: d.registration.responseTypes,
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: { ContentType: 'application/json', S3Uri: join('/', [executionPrefix('evaluation'), EVALUATION.fileName]) },
        },
      },
      // The lineage contract (LINEAGE_KEYS), as SageMaker stores it: CustomerMetadataProperties.
      CustomerMetadataProperties: {
        [LINEAGE_KEYS.datasetUri]: d.datasetUri,
        [LINEAGE_KEYS.datasetVersion]: get(`Parameters.${PARAMETER.datasetVersion}`),
        ...(d.featureViews ? { [LINEAGE_KEYS.featureViews]: d.featureViews } : {}),
        [LINEAGE_KEYS.trainingRun]: trainingRun,
        [LINEAGE_KEYS.codeVersion]: d.codeVersion,
        // One entry per feature view: the version of the definition it was trained on.
        ...Object.fromEntries(Object.keys(d.featureViewVersions).sort().map((view) => [featureViewVersionKey(view), d.featureViewVersions[view]])),
      },
    },
  };

  const gateSteps = d.gates.map((gate, i) => ({
    Name: gateStepName(gate, i),
    Type: 'Condition',
    Description: `Gate ${i + 1}: ${gate} (${EVALUATION.fileName} ${gatePath(gate)})`,
    Arguments: {
      Conditions: [condition(gate)],
      IfSteps: [],
      ElseSteps: [{
        Name: gateFailStepName(i),
        Type: 'Fail',
        Description: `Gate ${i + 1} failed: ${gate}`,
        Arguments: {
          ErrorMessage: `${d.model}: evaluation gate ${i + 1} failed: ${gate} (${EVALUATION.fileName} ${gatePath(gate)}); the candidate is not registered`,
        },
      }],
    },
  }));

  const allGates = {
    Name: STEP.gates,
    Type: 'Condition',
    Description: `Registers the candidate when all ${d.gates.length} gates hold; each failing gate fails the run in its own step.`,
    Arguments: { Conditions: d.gates.map(condition), IfSteps: [register], ElseSteps: [] },
  };

  return {
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [
      { Name: PARAMETER.datasetVersion, Type: 'String', DefaultValue: d.datasetVersion },
      { Name: PARAMETER.reason, Type: 'String', DefaultValue: 'manual' },
    ],
    Steps: [validate, train, evaluate, allGates, ...gateSteps],
  };
}
