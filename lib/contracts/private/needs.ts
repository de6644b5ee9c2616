/**
 * The needs capabilities declare most often, spelled once: reading a model artifact by its URI.
 * Consumers call these where they wire a source; the grant that meets the need is the producer's business.
 */
import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { Contracts } from '../contracts';

/** What a consumer knows about the artifact it reads. */
export interface ArtifactRef {
  /** `s3://bucket/key`, `gs://bucket/key` (tokens are fine: they are compared as Terraform references). */
  readonly uri: string;
  /** The KMS key of the objects, when the consumer was told. @default - the bucket's default encryption key, read from the JSON */
  readonly kmsKeyArn?: string;
  /** What flows, for messages, e.g. `model artifacts of churn v12`. */
  readonly what: string;
  /** The producer (registry, bucket) for messages. */
  readonly producer: IConstruct | string;
  /** How to grant it. */
  readonly fix: string;
}

/** Who reads it. */
export interface ArtifactReader {
  /** An AWS role (`aws_iam_role`) that reads S3 artifacts. */
  readonly awsRole?: TerraformResource & { readonly arn: string };
  /** A Google service account that reads GCS artifacts. */
  readonly gcpServiceAccount?: TerraformResource & { readonly member: string };
}

/** Whether a URI names one object (an archive or file) rather than a prefix the reader syncs. */
function isObject(key: string): boolean {
  return /\.[A-Za-z0-9]{1,8}$/.test(key.split('/').pop() ?? '');
}

/**
 * Declares that `reader` must be able to read the artifact at `ref.uri`: `s3:GetObject` (and decrypt) for
 * S3 with an AWS role, `storage.objects.get` for GCS with a Google service account. A prefix is read object by
 * object, so the need is on `<prefix>/*`. Schemes or readers without a cloud identity declare nothing here
 * (their needs are configuration and network, declared by the consumer).
 */
export function declareArtifactRead(consumer: IConstruct, reader: ArtifactReader, ref: ArtifactRef): void {
  const s3 = /^s3:\/\/(.+)$/.exec(ref.uri);
  if (s3 && reader.awsRole) {
    const path = s3[1].replace(/\/+$/, '');
    Contracts.awsPermission(consumer, {
      producer: ref.producer, what: ref.what, fix: ref.fix, role: reader.awsRole,
      actions: ['s3:GetObject'],
      resources: [`arn:aws:s3:::${path}${isObject(path) ? '' : '/*'}`],
      ...(ref.kmsKeyArn ? { kmsKeyArn: ref.kmsKeyArn } : {}),
    });
  }
  const gs = /^gs:\/\/([^/]+)/.exec(ref.uri);
  if (gs && reader.gcpServiceAccount) {
    Contracts.gcpPermission(consumer, {
      producer: ref.producer, what: ref.what, fix: ref.fix, serviceAccount: reader.gcpServiceAccount,
      permissions: ['storage.objects.get'], resource: { type: 'bucket', id: gs[1] },
    });
  }
}

/** A model artifact as serving and edge name it (structurally: `ModelArtifact`, or a source + version). */
export interface ModelArtifactLike {
  readonly uri: string;
  readonly source?: { readonly registryName: string };
  readonly model?: string;
  readonly version?: string;
  readonly kmsKeyArn?: string;
}

/** Declares that `reader` reads one model artifact (see {@link declareArtifactRead}); the registry is the producer. */
export function declareModelArtifactRead(consumer: IConstruct, reader: ArtifactReader, artifact: ModelArtifactLike): void {
  const source = artifact.source as unknown as IConstruct | undefined;
  const isConstruct = !!source && typeof (source as IConstruct).node?.path === 'string';
  const what = artifact.model ? `model artifacts of ${artifact.model} v${artifact.version}` : `model artifacts at ${artifact.uri}`;
  declareArtifactRead(consumer, reader, {
    uri: artifact.uri,
    kmsKeyArn: artifact.kmsKeyArn ?? (artifact.source as { artifactKmsKeyArn?: string } | undefined)?.artifactKmsKeyArn,
    what,
    producer: isConstruct ? source! : consumer,
    fix: artifact.source
      ? `serve it with ModelArtifact.fromRegistry so ${artifact.source.registryName} grants the reader its objects and key (grantRead / grantReadToRole)`
      : 'grant the reader s3:GetObject / storage.objects.get on the artifact and kms:Decrypt on its key (pass kmsKeyArn to ModelArtifact.fromUri)',
  });
}

/** An MLflow-like registry, structurally: where its server runs and how consumers reach it. */
interface TrackingServer {
  readonly trackingUri: string;
  readonly externalUrl?: string;
  readonly deployment: TerraformResource;
  readonly target: { readonly clusterName: string };
}

function trackingServer(source: unknown): TrackingServer | undefined {
  const s = source as Partial<TrackingServer> | undefined;
  return s && typeof s.trackingUri === 'string' && s.deployment instanceof TerraformResource && typeof s.target?.clusterName === 'string'
    ? (s as TrackingServer) : undefined;
}

/** Where a model consumer's container runs. */
export interface ModelConsumerWorkload {
  /** The workload resource whose pods load the model. */
  readonly workload: TerraformResource;
  /** The container that reads the model. */
  readonly container: string;
  /** The consumer's cluster. */
  readonly clusterName: string;
  /** Variables the user set on the container themselves: their value is the user's call, only their presence is checked. */
  readonly userEnv?: readonly string[];
}

/**
 * Declares everything a workload needs to load one model artifact, by its URI scheme: cloud read permission
 * for `s3://` / `gs://` (with the reader's cloud identity), and for `models:/` from an MLflow registry the
 * tracking URI its location needs, a user and a password from a Secret, and (on the registry's own cluster)
 * the network path to the server.
 */
export function declareModelConsumer(consumer: IConstruct, at: ModelConsumerWorkload, reader: ArtifactReader, artifact: ModelArtifactLike): void {
  declareModelArtifactRead(consumer, reader, artifact);
  const server = artifact.uri.startsWith('models:/') ? trackingServer(artifact.source) : undefined;
  if (!server) return;
  const producer = artifact.source as unknown as IConstruct;
  const local = server.target.clusterName === at.clusterName;
  const what = `model ${artifact.model} v${artifact.version} from MLflow`;
  const fix = `serve it with ModelArtifact.fromRegistry(registry, …) so the registry binds the consumer (tracking URI, user, password secret${local ? ', NetworkPolicy' : ''})`;
  Contracts.configuration(consumer, {
    producer, what, fix, workload: at.workload, container: at.container,
    env: [
      { name: 'MLFLOW_TRACKING_URI', value: at.userEnv?.includes('MLFLOW_TRACKING_URI') ? undefined : local ? server.trackingUri : server.externalUrl },
      { name: 'MLFLOW_TRACKING_USERNAME' },
      { name: 'MLFLOW_TRACKING_PASSWORD', fromSecret: true },
    ],
  });
  if (local) Contracts.network(consumer, { producer, what, fix, client: at.workload, server: server.deployment, port: 'http' });
}
