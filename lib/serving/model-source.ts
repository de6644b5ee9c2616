import { TerraformResource, Token } from 'cdktf';
import { Validator } from '../core/errors';
import { PolicyStatement } from '../core/iam';
import { IModelSource } from '../core/model-source';
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

/** True when `source` can grant read access itself. */
export function canGrantRead(source: IModelSource | undefined): source is IReadableModelSource {
  return !!source && typeof (source as Partial<IReadableModelSource>).grantRead === 'function';
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
  readonly onlineServer?: { readonly workload: TerraformResource; readonly port: number | string };
}

/** Where a model artifact comes from: a registry version or a plain URI. */
export enum ModelArtifactKind {
  REGISTRY = 'registry',
  URI = 'uri',
}

/**
 * The model a variant serves: `ModelArtifact.fromRegistry(registry, 'churn', '3')` (checked against the
 * registry, access granted through it) or `ModelArtifact.fromUri('s3://bucket/churn/3/')` (access granted
 * by the endpoint from the URI, where the target can).
 */
export class ModelArtifact {
  /** A version of a model held by a registry (any `IModelSource`; checked with `hasModelVersion` at synth). */
  public static fromRegistry(source: IModelSource, model: string, version: string): ModelArtifact {
    return new ModelArtifact(ModelArtifactKind.REGISTRY, source, model, version);
  }

  /**
   * A plain artifact URI: `s3://…`, `gs://…`, `oci://…`, `pvc://…`, `https://…`.
   * @param options.kmsKeyArn the KMS key the S3 objects are encrypted with, so readers are granted kms:Decrypt
   */
  public static fromUri(uri: string, options: { readonly kmsKeyArn?: string } = {}): ModelArtifact {
    return new ModelArtifact(ModelArtifactKind.URI, undefined, undefined, undefined, uri, options.kmsKeyArn);
  }

  private constructor(
    public readonly kind: ModelArtifactKind,
    /** The registry, for REGISTRY artifacts. */
    public readonly source?: IModelSource,
    /** The model name, for REGISTRY artifacts. */
    public readonly model?: string,
    /** The model version, for REGISTRY artifacts. */
    public readonly version?: string,
    private readonly plainUri?: string,
    /** The KMS key of a plain S3 URI's objects. */
    public readonly kmsKeyArn?: string,
  ) {}

  /** The artifact URI the model server loads. */
  public get uri(): string {
    return this.source ? this.source.modelVersionUri(this.model!, this.version!) : this.plainUri!;
  }

  public toString(): string {
    return this.source ? `${this.source.registryName}:${this.model}@${this.version}` : String(this.plainUri);
  }
}

const URI_SCHEMES = /^(s3|gs|oci|pvc|hf|https|models):\/\//;

/** Checks one variant's artifact: the registry has the version, or the URI has a known scheme. */
export function checkModelArtifact(v: Validator, prop: string, artifact: ModelArtifact | undefined): boolean {
  if (!(artifact instanceof ModelArtifact)) {
    v.add(prop, artifact, 'must be ModelArtifact.fromRegistry(registry, model, version) or ModelArtifact.fromUri("s3://…")');
    return false;
  }
  if (artifact.kind === ModelArtifactKind.URI) {
    const uri = artifact.uri;
    return Token.isUnresolved(uri) || v.check(typeof uri === 'string' && URI_SCHEMES.test(uri), prop, uri,
      'is not a model URI; use s3://, gs://, oci://, pvc://, hf://, https:// or models:// (or ModelArtifact.fromRegistry)');
  }
  const { source, model, version } = artifact;
  const named = v.check(typeof model === 'string' && model.length > 0, `${prop}.model`, model, 'is required: the registered model name')
    && v.check(typeof version === 'string' && version.length > 0, `${prop}.version`, version, 'is required: the model version to serve');
  if (!named || !source || typeof source.hasModelVersion !== 'function') return named;
  return v.check(source.hasModelVersion(model!, version!), `${prop}.version`, `${model}@${version}`,
    `is not a version registry ${source.registryName} has; register it first or pick a registered version`);
}

/** Splits `s3://bucket/key/prefix` into bucket and key prefix; undefined for other schemes or tokens. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  if (Token.isUnresolved(uri)) return undefined;
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  return m ? { bucket: m[1], prefix: m[2] ?? '' } : undefined;
}

/**
 * IAM statements to read the objects under each `s3://bucket/prefix` (listing only those prefixes) and
 * decrypt them with the given keys.
 */
export function s3ReadStatements(partition: string, uris: readonly string[], kmsKeyArns: readonly string[] = []): PolicyStatement[] {
  const parsed = uris.map(parseS3Uri).filter((x): x is { bucket: string; prefix: string } => x !== undefined);
  const buckets = [...new Set(parsed.map((p) => p.bucket))].sort();
  const keys = [...new Set(kmsKeyArns)];
  return [
    ...buckets.map((bucket): PolicyStatement => ({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': parsed.filter((p) => p.bucket === bucket).map((p) => `${p.prefix}*`) } },
    })),
    ...(parsed.length ? [{ Effect: 'Allow' as const, Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: parsed.map((p) => `arn:${partition}:s3:::${p.bucket}/${p.prefix}*`) }] : []),
    ...(keys.length ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: keys }] : []),
  ];
}
