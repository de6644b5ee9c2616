import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import type { SecretKeyRef } from './secrets';
import type { WorkloadIdentity } from './workload-identity';
import { WorkloadIdentityKind } from './workload-identity-mode';

/** Where a {@link ContainerEnv}'s value comes from when it is not a literal: one key of an existing secret. */
export interface ContainerEnvSource {
  /** The secret key holding the value, in the consumer's namespace. */
  readonly secretKeyRef: SecretKeyRef;
}

/** An environment variable for a container, as the kubernetes provider takes it (literal or from a secret key). */
export interface ContainerEnv {
  /** The variable's name. */
  readonly name: string;
  /** A literal value; never a secret. @default - none: {@link valueFrom} gives the value */
  readonly value?: string;
  /** The secret key the value is read from at pod start. @default - none: {@link value} gives the value */
  readonly valueFrom?: ContainerEnvSource;
}

/**
 * A whole existing secret mounted into a container as files (e.g. the `credentials.json` of a consumer's
 * `credentialsSecret` for Google client libraries). It is the mount of a whole-secret reference, not a second
 * secret-reference shape: a single value is a {@link SecretKeyRef}, and the secret's name comes from the
 * consumer's `credentialsSecret` prop.
 */
export interface SecretVolumeMount {
  /** The pod volume's name. */
  readonly volumeName: string;
  /** The existing secret, in the consumer's namespace (the consumer's `credentialsSecret`). */
  readonly credentialsSecret: string;
  /** Where its keys appear as files. */
  readonly mountPath: string;
}

/**
 * The user a model consumer logs in to a registry as (MLflow basic auth). The name is not a secret: it is
 * rendered as `MLFLOW_TRACKING_USERNAME` and it is what the registry grants permissions to, so both ends of
 * the wire can be checked in the synthesized JSON. The password stays in an existing secret.
 */
export interface ModelRegistryUser {
  /** The user name: letters, digits, `-`, `_` and `.` (it is also a key of the registry's users secret). */
  readonly username: string;
  /** The key of an existing secret, in the consumer's namespace, that holds the password. */
  readonly passwordSecret: SecretKeyRef;
}

/** Who reads model versions from a source: what a source needs to know to give access. */
export interface ModelConsumer {
  /** The consuming construct (an endpoint, an edge fleet): errors name its path. */
  readonly construct: IConstruct;
  /** The consumer's prop that names the model, for errors (`variants[0].model`, `model.source`). */
  readonly prop: string;
  /**
   * The identity the consumer's pods run as, for consumers in a cluster: cloud grants land on it and in-cluster
   * registries admit its namespace. @default - none: a remote consumer (an edge site) that reaches the source
   * over the network with credentials from {@link credentialsSecret}
   */
  readonly identity?: WorkloadIdentity;
  /**
   * An existing secret in the consumer's namespace with the credentials it reads cloud artifacts with where it
   * has no cloud identity: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` for S3 (and S3-compatible stores), a
   * `credentials.json` key (service account key or workload identity federation config) for Cloud Storage.
   * @default - none
   */
  readonly credentialsSecret?: string;
  /** The user it logs in to an authenticating registry (MLflow) as. @default - none: such registries refuse the consumer */
  readonly registryUser?: ModelRegistryUser;
}

/** What a consumer's containers need to read a model version: what {@link IModelSource.bindModelConsumer} returns. */
export interface ModelAccess {
  /** Environment for every container that reads the model (the model server, the edge fetcher); secrets by reference only. */
  readonly env: ContainerEnv[];
  /** Secrets to mount as files. @default - none */
  readonly secretVolumes?: SecretVolumeMount[];
  /**
   * Whether the source made every grant the consumer needs (registry permission, NetworkPolicy, cloud IAM).
   * When false, the consumer grants itself from the artifact URI where its identity allows (S3 on EKS, GCS on GKE).
   */
  readonly granted: boolean;
}

/**
 * Where model versions come from. A ModelRegistry implements this; so can anything that can name a model
 * version's artifact and say whether it exists, so serving and edge rollouts refer to versions that exist.
 */
export interface IModelSource {
  /** A name for messages, e.g. the registry's name. */
  readonly registryName: string;
  /** The artifact URI of one model version (`s3://…`, `gs://…`, `models:/name/3`). */
  modelVersionUri(model: string, version: string): string;
  /** Whether the source knows this version; rollouts pointing elsewhere fail validation. */
  hasModelVersion(model: string, version: string): boolean;
  /**
   * Gives `consumer` access to one model version and returns what its containers need: e.g. an MLflow registry
   * admits the consumer's namespace, grants its user READ on the model and returns `MLFLOW_TRACKING_URI` and
   * the credentials by secret reference. Throws a validation error naming the consumer when it cannot be served.
   * Sources without it are read from their artifact URI ({@link uriModelAccess}). @default - from the URI
   */
  bindModelConsumer?(consumer: ModelConsumer, model: string, version: string): ModelAccess;
}

/** Options of {@link StaticModelSource}. */
export interface StaticModelSourceOptions {
  /**
   * The endpoint of an S3-compatible store (MinIO, Ceph RGW) holding the `s3://` artifacts; consumers get it as
   * `AWS_ENDPOINT_URL_S3`. @default - AWS S3
   */
  readonly s3EndpointUrl?: string;
}

/**
 * A fixed list of model versions under one artifact prefix, for sources Terraform does not manage (an
 * existing bucket, a registry run elsewhere). Versions must be listed so rollouts can be validated.
 */
export class StaticModelSource implements IModelSource {
  /**
   * @param registryName a name for messages
   * @param uriPrefix artifact prefix; a version's URI is `<uriPrefix>/<model>/<version>`
   * @param versions model name -> known versions
   */
  constructor(
    public readonly registryName: string,
    private readonly uriPrefix: string,
    private readonly versions: Record<string, string[]>,
    private readonly options: StaticModelSourceOptions = {},
  ) {}

  public modelVersionUri(model: string, version: string): string {
    return `${this.uriPrefix.replace(/\/+$/, '')}/${model}/${version}`;
  }

  public hasModelVersion(model: string, version: string): boolean {
    return (this.versions[model] ?? []).includes(version);
  }

  /** What the artifact URI needs (plus the S3-compatible endpoint); grants are left to the consumer. */
  public bindModelConsumer(consumer: ModelConsumer, model: string, version: string): ModelAccess {
    return uriModelAccess(consumer, this.modelVersionUri(model, version), { s3EndpointUrl: this.options.s3EndpointUrl });
  }
}

/** Where a remote consumer's Google credentials file is mounted (key `credentials.json` of its credentials secret). */
export const GCP_CREDENTIALS_DIR = '/var/run/secrets/ml-platform/gcp';

/**
 * What a consumer needs to read an artifact URI directly, the one place that knows it per scheme:
 * - `s3://`: nothing on EKS (the consumer's Pod Identity role is granted); elsewhere the AWS keys of the
 *   credentials secret; `AWS_ENDPOINT_URL_S3` for an S3-compatible store.
 * - `gs://`: nothing on GKE (Workload Identity); elsewhere the credentials secret mounted at
 *   {@link GCP_CREDENTIALS_DIR}, named by `GOOGLE_APPLICATION_CREDENTIALS` (client libraries) and
 *   `CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE` (gcloud).
 * - anything else: nothing this library can provide.
 * Grants are the consumer's to make (`granted: false`).
 */
export function uriModelAccess(consumer: ModelConsumer, uri: string, options: StaticModelSourceOptions = {}): ModelAccess {
  const env: ContainerEnv[] = [];
  const secretVolumes: SecretVolumeMount[] = [];
  const cloud = consumer.identity?.target.identity.kind;
  if (!Token.isUnresolved(uri) && uri.startsWith('s3://') && options.s3EndpointUrl) {
    env.push({ name: 'AWS_ENDPOINT_URL_S3', value: options.s3EndpointUrl });
  }
  if (!Token.isUnresolved(uri) && uri.startsWith('gs://') && cloud !== WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY && consumer.credentialsSecret) {
    const file = `${GCP_CREDENTIALS_DIR}/credentials.json`;
    secretVolumes.push({ volumeName: 'gcp-credentials', credentialsSecret: consumer.credentialsSecret, mountPath: GCP_CREDENTIALS_DIR });
    env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: file }, { name: 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', value: file });
  }
  return { env, secretVolumes, granted: false };
}

/**
 * The one entry point consumers call: the source's own binding where it has one, else {@link uriModelAccess}.
 * @param uri the artifact URI (used when the source has no binding, or for plain URIs without a source)
 */
export function bindModelSource(consumer: ModelConsumer, uri: string, source?: IModelSource, model?: string, version?: string): ModelAccess {
  if (source && typeof source.bindModelConsumer === 'function' && model !== undefined && version !== undefined) {
    return source.bindModelConsumer(consumer, model, version);
  }
  return uriModelAccess(consumer, uri);
}
