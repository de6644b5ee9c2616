import { IConstruct } from 'constructs';
import { WorkloadIdentity } from '../core/workload-identity';
import { ModelLineage } from './lineage';

/** Where a model registry runs. */
export enum ModelRegistryKind {
  /** MLflow tracking server + model registry on a Kubernetes target. */
  MLFLOW = 'mlflow',
  /** Amazon SageMaker Model Registry (a model package group). */
  SAGEMAKER = 'sagemaker',
}

/**
 * A model registry on any target. Training jobs publish model versions with their lineage; serving reads
 * them. Later constructs (InferenceEndpoint, MlPlatform) take this interface, not a concrete class.
 */
export interface IModelRegistry extends IConstruct {
  readonly kind: ModelRegistryKind;
  /**
   * What clients point at: MLflow's in-cluster URL (`MLFLOW_TRACKING_URI`), or the SageMaker model package
   * group ARN.
   */
  readonly trackingUri: string;
  /** Where model artifacts are stored (`s3://…`, `gs://…`). */
  readonly artifactUri: string;
  /** Lets a workload register model versions (and read them). */
  grantPublish(workload: WorkloadIdentity): void;
  /** Lets a workload read model versions and their artifacts. */
  grantRead(workload: WorkloadIdentity): void;
  /** The lineage a model version carries, rendered as this registry stores it (MLflow tags / SageMaker metadata). */
  lineageMetadata(lineage: ModelLineage): Record<string, string>;
}
