import { TerraformResource, Token } from 'cdktf';
import { Validator } from '../core/errors';
import { bindModelSource, IModelSource, ModelAccess, ModelConsumer, uriModelAccess } from '../core/model-source';
import { WorkloadIdentity } from '../core/workload-identity';

/**
 * A model source (lib/core/model-source.ts) that can also grant a serving workload read access to its
 * artifacts: a ModelRegistry. Sources without `grantRead` (e.g. `StaticModelSource`) are granted from the
 * artifact URI instead, where the target can (S3 on EKS, GCS on GKE).
 */
export interface IReadableModelSource extends IModelSource {
  /** Lets a serving workload read the registry's model artifacts (and their keys). */
  grantRead(workload: WorkloadIdentity): void;
}

/** The in-cluster server of a feature store: the pods clients call and their container port. */
export interface OnlineFeatureServer {
  /** The workload resource (Deployment) whose pods serve online features. */
  readonly workload: TerraformResource;
  /** Its container port: a number or the port's name. */
  readonly port: number | string;
}

/**
 * What an endpoint needs from a feature store for online lookups. A `FeatureStore` satisfies it
 * structurally.
 */
export interface IFeatureReader {
  /** Lets a serving workload read online features. */
  grantRead(workload: WorkloadIdentity): void;
  /** The online store's address, passed to the model server as `FEATURE_STORE_ENDPOINT`. @default - none */
  readonly onlineEndpoint?: string;
  /**
   * The in-cluster pods clients call and their container port, where the store runs its own server (Feast):
   * the endpoint declares a network contract to it. @default - none (managed stores are reached over the cloud API)
   */
  readonly onlineServer?: OnlineFeatureServer;
}

/** Options for {@link ModelArtifact.fromUri}. */
export interface ModelUriOptions {
  /** The KMS key the S3 objects are encrypted with, so readers are granted `kms:Decrypt`. @default - none */
  readonly kmsKeyArn?: string;
}

/**
 * The model a variant serves: `ModelArtifact.fromRegistry(registry, 'churn', '3')` (checked against the
 * registry, access granted through it) or `ModelArtifact.fromUri('s3://bucket/churn/3/')` (access granted
 * by the endpoint from the URI, where the target can).
 */
export abstract class ModelArtifact {
  /** A version of a model held by a registry (any `IModelSource`; checked with `hasModelVersion` at synth). */
  public static fromRegistry(source: IModelSource, model: string, version: string): ModelArtifact {
    return new RegistryModelArtifact(source, model, version);
  }

  /** A plain artifact URI: `s3://…`, `gs://…`, `oci://…`, `pvc://…`, `hf://…`, `https://…`, `models://…`. */
  public static fromUri(uri: string, options: ModelUriOptions = {}): ModelArtifact {
    return new UriModelArtifact(uri, options?.kmsKeyArn);
  }

  protected constructor(
    /** The registry, for registry artifacts. @default - none: a plain URI */
    public readonly source?: IModelSource,
    /** The model name, for registry artifacts. @default - none */
    public readonly model?: string,
    /** The model version, for registry artifacts. @default - none */
    public readonly version?: string,
    /** The KMS key of a plain S3 URI's objects. @default - none */
    public readonly kmsKeyArn?: string,
  ) {}

  /** The artifact URI the model server loads. */
  public abstract get uri(): string;

  /**
   * Adds every problem with the artifact to `v`, under `prop` (the consumer's prop that names it).
   * @returns whether the artifact is usable
   */
  public abstract validate(v: Validator, prop: string): boolean;

  /**
   * Gives `consumer` access to the artifact and returns what its containers need: the registry's own binding where
   * it has one (an MLflow registry grants the consumer's user and returns its env), else what the URI needs.
   */
  public abstract bind(consumer: ModelConsumer): ModelAccess;
}

class RegistryModelArtifact extends ModelArtifact {
  constructor(source: IModelSource, model: string, version: string) {
    super(source, model, version);
  }

  public get uri(): string {
    return this.source!.modelVersionUri(this.model!, this.version!);
  }

  public validate(v: Validator, prop: string): boolean {
    const { source, model, version } = this;
    v.check(!!source && typeof source.modelVersionUri === 'function', `${prop}.source`, source,
      'is required: a model registry (an IModelSource such as MlflowModelRegistry or StaticModelSource)');
    const named = v.check(typeof model === 'string' && model.length > 0, `${prop}.model`, model, 'is required: the registered model name')
      && v.check(typeof version === 'string' && version.length > 0, `${prop}.version`, version, 'is required: the model version to serve');
    if (!named || !source) return false;
    if (typeof source.hasModelVersion !== 'function') return true;
    return v.check(source.hasModelVersion(model!, version!), `${prop}.version`, `${model}@${version}`,
      `is not a version registry ${source.registryName} has; register it first or pick a registered version`);
  }

  public bind(consumer: ModelConsumer): ModelAccess {
    return bindModelSource(consumer, this.uri, this.source, this.model, this.version);
  }

  public toString(): string {
    return `${this.source?.registryName}:${this.model}@${this.version}`;
  }
}

const URI_SCHEMES = /^(s3|gs|oci|pvc|hf|https|models):\/\//;

class UriModelArtifact extends ModelArtifact {
  constructor(private readonly plainUri: string, kmsKeyArn?: string) {
    super(undefined, undefined, undefined, kmsKeyArn);
  }

  public get uri(): string {
    return this.plainUri;
  }

  public validate(v: Validator, prop: string): boolean {
    const uri = this.plainUri;
    return Token.isUnresolved(uri) || v.check(typeof uri === 'string' && URI_SCHEMES.test(uri), prop, uri,
      'is not a model URI; use s3://, gs://, oci://, pvc://, hf://, https:// or models:// (or ModelArtifact.fromRegistry)');
  }

  public bind(consumer: ModelConsumer): ModelAccess {
    return uriModelAccess(consumer, this.plainUri);
  }

  public toString(): string {
    return String(this.plainUri);
  }
}

// lib/monitoring/private/drift-inputs.ts reads these S3 helpers from here; they live in ./private/s3-read.
