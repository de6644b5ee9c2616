import { IConstruct } from 'constructs';
import { WorkloadIdentity } from '../core/workload-identity';
import { FeatureDefinitions, FeatureStoreBackend } from './definitions';

/**
 * A feature store: the same {@link FeatureDefinitions} served by Feast on any Kubernetes target, by SageMaker
 * Feature Store or by Vertex AI Feature Store. Grants give one workload exactly what it needs on this store
 * only, whichever backend it is.
 */
export interface IFeatureStore extends IConstruct {
  /** Which backend serves the definitions. */
  readonly backend: FeatureStoreBackend;
  /** The validated definitions. */
  readonly definitions: FeatureDefinitions;
  /**
   * Lets a serving or training workload read features: online lookups and the offline (historical) data of
   * this store, nothing else. A store whose online server admits clients by pod labels (Feast's
   * NetworkPolicies) records the labels for the workload: put `RequiredPodLabels.of(workload)` on the pod
   * template of every pod that runs as it.
   */
  grantRead(workload: WorkloadIdentity): void;
  /** Lets an ingestion workload write feature values into this store (and read them back); records pod labels as {@link grantRead}. */
  grantWrite(workload: WorkloadIdentity): void;
}
