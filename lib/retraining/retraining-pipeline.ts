import { Accelerator } from '../core/accelerators/accelerator';
import { IReadableObjectStore } from '../core/monitoring-contract';
import { ModelRegistryUser } from '../core/model-source';
import { Cpu, Duration, Size } from '../core/units';
import { FeatureDefinitions } from '../features/definitions';
import { IFeatureStore } from '../features/feature-store';
import { IModelRegistry } from '../registry/model-registry';
import { ITrainingCluster } from '../training/training-cluster';
import { DataValidation } from './data-validation';
import { EvaluationGate } from './gates';

/** The data a pipeline trains on. */
export interface RetrainingDataset {
  /** The store (a DatasetStore, ObjectStore or secure bucket); it grants the training identity read access. */
  readonly store: IReadableObjectStore;
  /** Key prefix of the dataset in the store, e.g. `churn/`. @default '' (the whole store) */
  readonly prefix?: string;
  /**
   * The dataset version a run trains on unless the trigger passes another (workflow parameter
   * `dataset-version`): a DVC revision, object version id or snapshot tag, recorded as lineage.
   */
  readonly version: string;
}

/** The training step. */
export interface RetrainingTrainingStep {
  /** The cluster; the step runs in `team`'s namespace, on its quota. */
  readonly cluster: ITrainingCluster;
  /** A team declared on the cluster. */
  readonly team: string;
  /**
   * The training image, pinned by digest (`…@sha256:…`): the digest is the code version in the lineage.
   * It reads `ML_DATASET_URI`, `ML_DATASET_VERSION`, `ML_FEATURE_VIEWS`, trains, logs the model to MLflow and
   * writes the model's URI (e.g. `runs:/<run id>/model`) to `/tmp/outputs/model-uri`.
   */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default Cpu.cores(4) */
  readonly cpu?: Cpu;
  /** @default Size.gibibytes(16) */
  readonly memory?: Size;
  /** The accelerator; the cluster must have a pool of it. @default - CPU only */
  readonly accelerator?: Accelerator;
  /** Accelerators of the training pod, within the team quota and one node of the pool. @default 1 with an accelerator */
  readonly acceleratorCount?: number;
  /** Longest a training attempt may run. @default Duration.hours(6) */
  readonly timeout?: Duration;
}

/** The evaluation step. */
export interface RetrainingEvaluationStep {
  /**
   * The image that scores the candidate (`ML_MODEL_URI`) on held-out data and writes `metrics.json`
   * (on Argo to `/tmp/outputs/metrics.json`; on SageMaker to `ML_METRICS_PATH`, `/opt/ml/processing/evaluation/metrics.json`):
   * `{ "metrics": { "auc": 0.91 }, "fairness": { "<sensitive feature>": { "demographic_parity_difference": 0.04 } } }`
   * (Fairlearn's `fairlearn.metrics` computes the differences).
   */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** The gates; every one must pass for the candidate to be registered. */
  readonly gates: EvaluationGate[];
  /**
   * The image that runs the generated gate script (Python 3, standard library only). Argo only: SageMaker Pipelines
   * checks the gates in a ConditionStep, without a container. @default DEFAULT_GATE_IMAGE
   */
  readonly gateImage?: string;
}

/** The register step. */
export interface RetrainingRegistration {
  /** The registry; MLflow on the training cluster in this version. */
  readonly registry: IModelRegistry;
  /** The MLflow user the step logs in as (granted EDIT on the model) and the Secret key holding its password. */
  readonly registryUser: ModelRegistryUser;
  /** An image with the `mlflow` client, pinned. */
  readonly image: string;
}

/**
 * What every retraining pipeline declares, whatever runs it: the data and how it is validated, the gates a
 * candidate must pass, the lineage it carries, and what starts a run. Each target adds its own training step and
 * registry ({@link RetrainingPipelineProps} for Argo on Kubernetes, `SageMakerRetrainingPipelineProps` for
 * SageMaker Pipelines).
 */
export interface RetrainingDeclaration {
  /** Pipeline name, DNS-1123, at most 40 characters; names the workflow objects. */
  readonly name: string;
  /** The registered model the pipeline produces versions of. */
  readonly model: string;
  /** The data, validated then trained on. */
  readonly dataset: RetrainingDataset;
  /** Checks the data before training. */
  readonly dataValidation: DataValidation;
  /** The feature store the training step reads (granted read access). @default - none */
  readonly featureStore?: IFeatureStore;
  /**
   * Feature views the model consumes, recorded as lineage: their names, and each one's version (a hash of its
   * definition, `featureViewVersion`) when their definitions are known ({@link featureDefinitions}).
   * @default - none
   */
  readonly featureViews?: string[];
  /**
   * The definitions the {@link featureViews} are declared in (a feature store's `definitions`), so the registered
   * candidate records each view's version as well as its name (`ml-platform.io/feature-view-version/<view>`).
   * @default - the featureStore's definitions on Argo; without either, the views are recorded by name only (a warning)
   */
  readonly featureDefinitions?: FeatureDefinitions;
  readonly evaluation: RetrainingEvaluationStep;
  /**
   * The endpoints (their `workload` label) whose drift and staleness alerts start a run.
   * @default - [model]
   */
  readonly triggerWorkloads?: string[];
  /** Five-field cron schedule (UTC) of unconditional runs. @default '0 3 * * 1' (Mondays 03:00) */
  readonly schedule?: string;
}

/** The declaration with the Kubernetes training step and the MLflow registry: what {@link ArgoRetrainingPipeline} takes. */
export interface RetrainingPipelineProps extends RetrainingDeclaration {
  readonly training: RetrainingTrainingStep;
  readonly registration: RetrainingRegistration;
}

/** The gate image used unless `evaluation.gateImage` is set: the official Python image, pinned by tag. */
export const DEFAULT_GATE_IMAGE = 'docker.io/library/python:3.13.7-slim';

/** The MLflow alias the register step sets (defined beside the gates that refuse to compare against it). */
export { CHALLENGER_ALIAS } from './gates';
