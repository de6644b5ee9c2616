import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../../core/errors';
import { IKubernetesTarget } from '../../core/kubernetes-target';
import { requireProvider } from '../../core/private/optional-provider';
import { DriftData, DriftInputs, IReadableObjectStore, MonitoredKind, MonitoredWorkload } from '../../core/monitoring-contract';
import { WorkloadIdentity, WorkloadIdentityKind } from '../../core/workload-identity';
import { parseS3Uri, s3ReadStatements } from '../../serving/private/s3-read';
import { DRIFT_ATTRIBUTES } from '../metrics';

/** An inference endpoint a drift job runs for, with what it compares. */
export interface DriftEndpoint {
  readonly name: string;
  readonly inputs: DriftInputs;
}

/** How the drift job reaches one input. */
enum ReadPath {
  /** Through a grant to the drift identity (the store's, or one made from the URI). */
  GRANT = 'grant',
  /** With `driftDetection.credentialsSecret`. */
  SECRET = 'secret',
  /** Nothing can grant it: reported, not granted. */
  NONE = 'none',
}

/** One input of one endpoint, and how the drift job reaches it. */
export interface DriftRead {
  readonly endpoint: string;
  readonly data: DriftData;
  readonly path: ReadPath;
}

/** The drift inputs of an inference endpoint: declared (`drift`), or the legacy URI attributes. */
export function driftInputsOf(w: MonitoredWorkload): DriftInputs | undefined {
  if (w.kind !== MonitoredKind.INFERENCE_ENDPOINT) return undefined;
  if (w.drift) return w.drift;
  const reference = w.attributes?.[DRIFT_ATTRIBUTES.referenceDatasetUri];
  const log = w.attributes?.[DRIFT_ATTRIBUTES.predictionLogUri];
  return reference && log ? { referenceDataset: DriftData.fromUri(reference), predictionLog: DriftData.fromUri(log) } : undefined;
}

/** The object-storage scheme a cluster's workload identity can be granted on. */
function grantableScheme(kind: WorkloadIdentityKind): string | undefined {
  if (kind === WorkloadIdentityKind.EKS_POD_IDENTITY) return 's3';
  if (kind === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY) return 'gs';
  return undefined;
}

/**
 * Decides how the drift jobs read each input, collecting problems in `v`: a store on a cloud the cluster has
 * no workload identity for cannot grant, so it needs `credentialsSecret`. A plain URI that cannot be
 * granted is reported by {@link grantDriftReads} instead (it may be readable some other way).
 */
export function planDriftReads(v: Validator, target: IKubernetesTarget, credentialsSecret: string | undefined,
  endpoints: readonly DriftEndpoint[]): DriftRead[] {
  const clusterScheme = grantableScheme(target.identity.kind);
  const reads: DriftRead[] = [];
  for (const { name, inputs } of endpoints) {
    for (const key of ['referenceDataset', 'predictionLog'] as const) {
      const data = inputs[key];
      const prop = `drift.${key} of endpoint ${name}`;
      if (!v.check(data instanceof DriftData, prop, data, 'must be DriftData.fromStore(store, prefix) or DriftData.fromUri("s3://…")')) continue;
      v.check(data.hasKnownScheme, prop, data.uri, 'is not an s3:// or gs:// URI; drift jobs read object storage');
      const scheme = /^(s3|gs):\/\//.exec(data.uri)?.[1];
      let path = ReadPath.NONE;
      if (scheme !== undefined && scheme === clusterScheme) path = ReadPath.GRANT;
      else if (credentialsSecret !== undefined) path = ReadPath.SECRET;
      else if (data.store) {
        v.add('driftDetection.credentialsSecret', credentialsSecret,
          `is required: endpoint ${name} reads its ${key} from ${describe(data)}, and ${target.clusterName} has no workload identity ` +
          'for that cloud to grant; name an existing Secret with credentials for it in the monitoring namespace');
      }
      reads.push({ endpoint: name, data, path });
    }
  }
  return reads;
}

/**
 * Grants the drift identity read access to every input it reads through a grant: each store once, on the
 * prefix its inputs share (a store names its read grant after itself, so a second grant to one role would
 * replace the first); S3 URIs in one IAM policy on their prefixes; GCS URIs as `roles/storage.objectViewer` on
 * their buckets. Inputs nothing can grant are reported as a warning on `scope`.
 */
export function grantDriftReads(scope: Construct, identity: WorkloadIdentity, reads: readonly DriftRead[]): void {
  const stores = new Map<IReadableObjectStore, string[]>();
  const s3: string[] = [];
  const gcs = new Set<string>();
  const ungranted: DriftRead[] = reads.filter((r) => r.path === ReadPath.NONE);
  for (const r of reads.filter((x) => x.path === ReadPath.GRANT)) {
    if (r.data.store) {
      stores.set(r.data.store, [...(stores.get(r.data.store) ?? []), r.data.prefix ?? '']);
      continue;
    }
    const gs = /^gs:\/\/([^/]+)/.exec(r.data.uri);
    if (gs) gcs.add(gs[1]);
    else if (parseS3Uri(r.data.uri)) s3.push(r.data.uri);
    else ungranted.push(r);
  }
  for (const [store, prefixes] of stores) store.grantRead(identity, sharedPrefix(prefixes));
  if (s3.length > 0) {
    const { DataAwsPartition } = requireProvider(scope, 'the drift jobs\' read grant on S3', () =>
      require('@cdktf/provider-aws/lib/data-aws-partition') as typeof import('@cdktf/provider-aws/lib/data-aws-partition'));
    const partition = new DataAwsPartition(scope, 'drift-partition').partition;
    identity.addAwsPolicy('read-drift-inputs', s3ReadStatements(partition, [...new Set(s3)].sort()));
  }
  if (gcs.size > 0) {
    const { StorageBucketIamMember } = requireProvider(scope, 'the drift jobs\' read grant on GCS', () =>
      require('@cdktf/provider-google/lib/storage-bucket-iam-member') as typeof import('@cdktf/provider-google/lib/storage-bucket-iam-member'));
    [...gcs].sort().forEach((bucket, i) => {
      new StorageBucketIamMember(scope, `drift-bucket-read-${i}`, { bucket, role: 'roles/storage.objectViewer', member: identity.gcpMember! });
    });
  }
  if (ungranted.length > 0) {
    Annotations.of(scope).addWarning(`${scope.node.path}: the drift jobs cannot be granted read access to ` +
      `${ungranted.map((r) => `${describe(r.data)} (endpoint ${r.endpoint})`).join(', ')}: ${identity.target.clusterName} has no workload identity ` +
      'for their cloud, or the URI is only known at apply. Declare them with DriftData.fromStore(store, prefix), or set ' +
      'driftDetection.credentialsSecret to an existing Secret with credentials');
  }
}

/** Data as a reader recognises it: the store's construct path (its URI may be a token), or the URI. */
function describe(data: DriftData): string {
  return data.store ? `store ${data.store.node.path}${data.prefix ? ` under ${data.prefix}` : ''}` : data.uri;
}

/** The longest key prefix every one of `prefixes` starts with, up to and including a `/`. */
function sharedPrefix(prefixes: readonly string[]): string {
  let shared = prefixes[0] ?? '';
  for (const p of prefixes.slice(1)) {
    let i = 0;
    while (i < shared.length && i < p.length && shared[i] === p[i]) i++;
    shared = shared.slice(0, i);
  }
  return prefixes.every((p) => p === shared) ? shared : shared.slice(0, shared.lastIndexOf('/') + 1);
}
