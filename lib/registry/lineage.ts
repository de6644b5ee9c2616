import { Token } from 'cdktf';
import { MlPlatformValidationError, Validator } from '../core/errors';

/**
 * The lineage contract: the keys a training job writes on every model version it registers, so that a model
 * version names the exact dataset version and feature definitions it was trained on. The same keys are used
 * as MLflow model-version tags and as SageMaker model package `customer_metadata_properties`, so tooling
 * (audits, drift monitors, retraining) reads lineage the same way on every registry.
 */
export const LINEAGE_KEYS = {
  /** Where the training data lives, e.g. `s3://ml-datasets/churn/` or a DVC remote URL. */
  datasetUri: 'ml-platform.io/dataset-uri',
  /** The immutable version of that data: a DVC revision (git commit of the `.dvc` file), an object version id or a snapshot tag. */
  datasetVersion: 'ml-platform.io/dataset-version',
  /** The feature views (feature store definitions) the model consumes, space-separated, sorted. */
  featureViews: 'ml-platform.io/feature-views',
  /** The training run that produced the model (MLflow run id, SageMaker training job name, or a CI job URL). */
  trainingRun: 'ml-platform.io/training-run',
  /** The commit of the training code. */
  codeVersion: 'ml-platform.io/code-version',
} as const;

/** What a training job records about where a model version came from. */
export interface ModelLineageProps {
  /** Where the training data lives (`s3://…`, `gs://…`, a DVC remote URL). */
  readonly datasetUri: string;
  /** The immutable version of the data (DVC revision, object version id, snapshot tag). */
  readonly datasetVersion: string;
  /** Feature views the model consumes. @default - none (the model reads raw data only) */
  readonly featureViews?: string[];
  /** The run that produced the model (MLflow run id, SageMaker training job name, CI job URL). */
  readonly trainingRun: string;
  /** Commit of the training code. @default - not recorded */
  readonly codeVersion?: string;
}

/** One MLflow model-version tag, as `MlflowClient.set_model_version_tag` takes it. */
export interface MlflowTag {
  readonly key: string;
  readonly value: string;
}

// SageMaker CustomerMetadataProperties: keys 1-128 and values 1-256 characters of letters, digits, spaces and _.:/=+-@.
const SAGEMAKER_METADATA_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const FEATURE_VIEW_NAME = /^[A-Za-z0-9_][-A-Za-z0-9_.]*$/;

/**
 * A model version's lineage, validated once and rendered for each registry. A training job builds it and
 * writes `toMlflowTags()` with `MlflowClient.set_model_version_tag`, or passes `toSageMakerMetadata()` as
 * `CustomerMetadataProperties` to `CreateModelPackage`.
 *
 * ```ts
 * const lineage = ModelLineage.of({ datasetUri: store.uri('churn/'), datasetVersion: 'a1b2c3d', featureViews: ['customer_stats'], trainingRun: runId });
 * ```
 */
export class ModelLineage {
  /** Validates lineage; throws one error naming every bad field. */
  public static of(props: ModelLineageProps, path = 'ModelLineage'): ModelLineage {
    const v = new Validator(path);
    const text = (prop: keyof ModelLineageProps, value: string | undefined, required: boolean) => {
      if (value === undefined) {
        v.check(!required, prop, value, 'is required: the lineage contract needs it on every model version');
        return;
      }
      if (Token.isUnresolved(value)) return;
      if (!v.check(typeof value === 'string' && value.trim().length > 0, prop, value, 'must be a non-empty string')) return;
      // Lineage is written into Terraform (SageMaker metadata, MLflow tags in config); "${" and "%{" would be evaluated there.
      if (!v.check(!/[$%]\{/.test(value), prop, value,
        'contains "${" or "%{", which Terraform reads as an interpolation or template directive; record the literal value without it')) return;
      v.check(value.length <= 256, prop, value, `is ${value.length} characters long; SageMaker metadata values hold at most 256`);
      v.check(SAGEMAKER_METADATA_CHARS.test(value), prop, value,
        'contains characters SageMaker model package metadata refuses; use letters, digits, spaces and _ . : / = + - @');
    };
    text('datasetUri', props.datasetUri, true);
    text('datasetVersion', props.datasetVersion, true);
    text('trainingRun', props.trainingRun, true);
    text('codeVersion', props.codeVersion, false);
    (props.featureViews ?? []).forEach((f, i) => v.matches(`featureViews[${i}]`, f, FEATURE_VIEW_NAME,
      'is not a feature view name; use letters, digits, "_", "-" and "."'));
    v.throwIfAny();
    const featureViews = [...new Set(props.featureViews ?? [])].sort();
    const joined = featureViews.join(' ');
    if (joined.length > 256) {
      throw new MlPlatformValidationError([{ path, prop: 'featureViews', value: `${featureViews.length} views`,
        message: 'render to more than 256 characters; record a feature service name instead of each view' }]);
    }
    return new ModelLineage({ ...props, featureViews });
  }

  private constructor(public readonly props: ModelLineageProps) {}

  /** The lineage as key/value pairs under {@link LINEAGE_KEYS}; absent optional fields are left out. */
  public toRecord(): Record<string, string> {
    const p = this.props;
    return {
      [LINEAGE_KEYS.datasetUri]: p.datasetUri,
      [LINEAGE_KEYS.datasetVersion]: p.datasetVersion,
      ...(p.featureViews && p.featureViews.length ? { [LINEAGE_KEYS.featureViews]: p.featureViews.join(' ') } : {}),
      [LINEAGE_KEYS.trainingRun]: p.trainingRun,
      ...(p.codeVersion ? { [LINEAGE_KEYS.codeVersion]: p.codeVersion } : {}),
    };
  }

  /** MLflow model-version tags (`{ key, value }` as `MlflowClient.set_model_version_tag` takes them). */
  public toMlflowTags(): MlflowTag[] {
    return Object.entries(this.toRecord()).map(([key, value]) => ({ key, value }));
  }

  /** SageMaker `CustomerMetadataProperties` for `CreateModelPackage`. */
  public toSageMakerMetadata(): Record<string, string> {
    return this.toRecord();
  }
}
