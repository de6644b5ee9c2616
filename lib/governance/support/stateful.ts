import { GovernedResource } from '../model';
import { RuleContext } from '../rule';
import { manifestObject } from './kubernetes-manifest';
import { MANIFEST_TYPE, namespaceOf } from './workloads';
import { block, blocks, bool, hasOwn, isUnknown, path, str } from '../values';

/**
 * The resource types that hold data, what deleting one loses, and what protects it. One table for the two rules that
 * read it: `stateful-resource-protected` (a configuration protects its data) and `plan-stateful-resource-destroyed`
 * (a plan does not delete it).
 *
 * "Protected" means Terraform cannot delete the data by accident: `lifecycle { prevent_destroy = true }` for every
 * type, or the provider's own guard where one exists and is on (cited from the provider schemas in
 * node_modules/@cdktf/provider-{aws,google,kubernetes}, AWS 6.25 and Google 6.50):
 * - `deletion_protection` (RDS, Aurora: default false; Cloud SQL instance and BigQuery table: default true);
 * - `deletion_protection_enabled` (CloudWatch log group, DynamoDB table: default false; Memorystore Redis cluster:
 *   "Default value is true");
 * - `deletion_policy = "ABANDON"` (Cloud SQL database: Terraform forgets it instead of dropping it; default DELETE);
 * - `force_destroy` unset or false (S3 and GCS buckets, Vertex AI feature online store and featurestore): deleting a
 *   non-empty store fails, so the data survives a destroy;
 * - `delete_contents_on_destroy` unset or false (BigQuery dataset: "destroying the resource will fail if tables are
 *   present");
 * - Kubernetes: a PersistentVolume with reclaim policy Retain (Terraform's default), a StatefulSet whose claim
 *   templates are retained on deletion (`persistent_volume_claim_retention_policy.when_deleted`, default Retain).
 */
interface StatefulType {
  /** What a delete loses. */
  readonly loses: string;
  /**
   * The provider's own protection: true when on, false when off, UNKNOWN-checked; undefined when the type has none
   * (only prevent_destroy protects it).
   */
  readonly guard?: (values: Readonly<Record<string, unknown>>) => boolean;
  /** How to protect it, for the remediation text. */
  readonly fix: string;
}

const PREVENT_DESTROY = 'lifecycle { prevent_destroy = true }';
const flag = (key: string, dflt: boolean) => (v: Readonly<Record<string, unknown>>): boolean => {
  const b = bool(v[key]);
  if (isUnknown(b)) return true;
  return typeof b === 'boolean' ? b : dflt;
};
const notForced = (key: string) => (v: Readonly<Record<string, unknown>>): boolean => {
  const b = bool(v[key]);
  if (isUnknown(b)) return true;
  return b !== true;
};

const CLAIM_LOST = 'the volume claimed (deleted with the claim when its reclaim policy is Delete)';
const PV_LOST = 'the volume (its reclaim policy is not Retain)';
const STS_LOST = 'the volumes of its claim templates (persistent_volume_claim_retention_policy when_deleted = Delete)';
const NS_LOST = 'every persistent volume claim in the namespace';

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  aws_s3_bucket: { loses: 'the objects in the bucket', guard: notForced('force_destroy'), fix: `${PREVENT_DESTROY}; no force_destroy` },
  aws_db_instance: { loses: 'the database', guard: flag('deletion_protection', false), fix: `deletion_protection = true and ${PREVENT_DESTROY}` },
  aws_rds_cluster: { loses: 'the database cluster', guard: flag('deletion_protection', false), fix: `deletion_protection = true and ${PREVENT_DESTROY}` },
  aws_elasticache_replication_group: { loses: 'the cached data', fix: PREVENT_DESTROY },
  aws_elasticache_cluster: { loses: 'the cached data', fix: PREVENT_DESTROY },
  aws_ebs_volume: { loses: 'the volume', fix: PREVENT_DESTROY },
  aws_efs_file_system: { loses: 'the file system', fix: PREVENT_DESTROY },
  aws_fsx_lustre_file_system: { loses: 'the file system', fix: PREVENT_DESTROY },
  aws_fsx_ontap_file_system: { loses: 'the file system', fix: PREVENT_DESTROY },
  aws_fsx_openzfs_file_system: { loses: 'the file system', fix: PREVENT_DESTROY },
  aws_fsx_windows_file_system: { loses: 'the file system', fix: PREVENT_DESTROY },
  aws_dynamodb_table: { loses: 'the table', guard: flag('deletion_protection_enabled', false), fix: `deletion_protection_enabled = true or ${PREVENT_DESTROY}` },
  aws_kms_key: { loses: 'every piece of data encrypted with the key (it becomes unreadable)', fix: PREVENT_DESTROY },
  aws_cloudwatch_log_group: { loses: 'the logs', guard: flag('deletion_protection_enabled', false), fix: `deletion_protection_enabled = true or ${PREVENT_DESTROY}` },
  aws_sagemaker_feature_group: { loses: 'the features (offline and online store)', fix: PREVENT_DESTROY },
  aws_sagemaker_model_package_group: { loses: 'the registered model versions', fix: PREVENT_DESTROY },
  aws_prometheus_workspace: { loses: 'the metrics', fix: PREVENT_DESTROY },
  google_storage_bucket: { loses: 'the objects in the bucket', guard: notForced('force_destroy'), fix: `${PREVENT_DESTROY}; no force_destroy` },
  google_sql_database_instance: { loses: 'the database instance and every database in it', guard: flag('deletion_protection', true), fix: `deletion_protection = true (the provider default) and ${PREVENT_DESTROY}` },
  google_sql_database: { loses: 'the database', guard: (v) => { const p = str(v.deletion_policy); return p === undefined ? false : p.toUpperCase() === 'ABANDON'; }, fix: `deletion_policy = "ABANDON" or ${PREVENT_DESTROY}` },
  google_redis_instance: { loses: 'the cached data', fix: PREVENT_DESTROY },
  google_redis_cluster: { loses: 'the cached data', guard: flag('deletion_protection_enabled', true), fix: 'deletion_protection_enabled = true (the provider default)' },
  google_bigquery_dataset: { loses: 'the dataset and its tables', guard: notForced('delete_contents_on_destroy'), fix: 'no delete_contents_on_destroy' },
  google_bigquery_table: { loses: 'the table', guard: flag('deletion_protection', true), fix: 'deletion_protection = true (the provider default)' },
  google_kms_crypto_key: { loses: 'every piece of data encrypted with the key (its versions are destroyed)', fix: PREVENT_DESTROY },
  google_vertex_ai_featurestore: { loses: 'the features', guard: notForced('force_destroy'), fix: `no force_destroy, or ${PREVENT_DESTROY}` },
  google_vertex_ai_feature_online_store: { loses: 'the online features', guard: notForced('force_destroy'), fix: `no force_destroy, or ${PREVENT_DESTROY}` },
  kubernetes_persistent_volume_claim: { loses: CLAIM_LOST, fix: PREVENT_DESTROY },
  kubernetes_persistent_volume_claim_v1: { loses: CLAIM_LOST, fix: PREVENT_DESTROY },
  kubernetes_persistent_volume: { loses: PV_LOST, fix: 'persistent_volume_reclaim_policy = "Retain"' },
  kubernetes_persistent_volume_v1: { loses: PV_LOST, fix: 'persistent_volume_reclaim_policy = "Retain"' },
  kubernetes_stateful_set: { loses: STS_LOST, fix: 'persistent_volume_claim_retention_policy { when_deleted = "Retain" }' },
  kubernetes_stateful_set_v1: { loses: STS_LOST, fix: 'persistent_volume_claim_retention_policy { when_deleted = "Retain" }' },
  kubernetes_namespace: { loses: NS_LOST, fix: PREVENT_DESTROY },
  kubernetes_namespace_v1: { loses: NS_LOST, fix: PREVENT_DESTROY },
};

/** `kubernetes_manifest` kinds that hold data, with what is lost (same conditions as the typed resources). */
const STATEFUL_KINDS: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: CLAIM_LOST,
  PersistentVolume: PV_LOST,
  StatefulSet: 'the volumes of its claim templates (persistentVolumeClaimRetentionPolicy.whenDeleted = Delete)',
  Namespace: NS_LOST,
};

/** Every type the table names, and kubernetes_manifest (whose kind decides). */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [...Object.keys(STATEFUL_TYPES), MANIFEST_TYPE];

function manifestKind(resource: GovernedResource): { kind?: string; spec?: Record<string, unknown>; name?: string } {
  const manifest = manifestObject(resource);
  return { kind: str(manifest?.kind), spec: block(manifest, 'spec'), name: str(block(manifest, 'metadata')?.name) };
}

/** Whether a StatefulSet (typed or manifest) has claim templates, and whether it deletes them with itself. */
function statefulSetClaims(resource: GovernedResource): { claims: boolean; deletes: boolean } {
  if (resource.type === MANIFEST_TYPE) {
    const { spec } = manifestKind(resource);
    return {
      claims: blocks(spec, 'volumeClaimTemplates').length > 0,
      deletes: str(block(spec, 'persistentVolumeClaimRetentionPolicy')?.whenDeleted) === 'Delete',
    };
  }
  const spec = path(resource.values, 'spec');
  return {
    claims: blocks(spec, 'volume_claim_template').length > 0,
    deletes: str(block(spec, 'persistent_volume_claim_retention_policy')?.when_deleted) === 'Delete',
  };
}

/**
 * What deleting the resource loses, or undefined when nothing is. A PersistentVolume created by Terraform defaults to
 * reclaim policy Retain (its disk outlives it), and a StatefulSet keeps its claims unless told otherwise: both lose data
 * only when configured to.
 */
export function dataLostByDeleting(resource: GovernedResource): string | undefined {
  if (resource.type === MANIFEST_TYPE) {
    const { kind, spec, name } = manifestKind(resource);
    if (!kind || !hasOwn(STATEFUL_KINDS, kind)) return undefined;
    if (kind === 'PersistentVolume' && (str(spec?.persistentVolumeReclaimPolicy) ?? 'Retain') === 'Retain') return undefined;
    if (kind === 'StatefulSet') {
      const sts = statefulSetClaims(resource);
      if (!sts.claims || !sts.deletes) return undefined;
    }
    return `${STATEFUL_KINDS[kind]} (${kind}${name ? ` ${name}` : ''})`;
  }
  if (!hasOwn(STATEFUL_TYPES, resource.type)) return undefined;
  if (/^kubernetes_persistent_volume(_v1)?$/.test(resource.type)
    && (str(path(resource.values, 'spec')?.persistent_volume_reclaim_policy) ?? 'Retain') === 'Retain') return undefined;
  if (/^kubernetes_stateful_set(_v1)?$/.test(resource.type)) {
    const sts = statefulSetClaims(resource);
    if (!sts.claims || !sts.deletes) return undefined;
  }
  return STATEFUL_TYPES[resource.type].loses;
}

const CLAIM_HOLDERS = [
  'kubernetes_persistent_volume_claim', 'kubernetes_persistent_volume_claim_v1', 'kubernetes_stateful_set', 'kubernetes_stateful_set_v1', MANIFEST_TYPE,
];

/** Whether `resource` (a PVC, or a StatefulSet with claim templates) puts claims in a namespace. */
function holdsClaims(resource: GovernedResource): boolean {
  if (/^kubernetes_persistent_volume_claim(_v1)?$/.test(resource.type)) return true;
  if (/^kubernetes_stateful_set(_v1)?$/.test(resource.type)) return statefulSetClaims(resource).claims;
  if (resource.type === MANIFEST_TYPE) {
    const { kind } = manifestKind(resource);
    return kind === 'PersistentVolumeClaim' || (kind === 'StatefulSet' && statefulSetClaims(resource).claims);
  }
  return false;
}

/**
 * The claims a namespace of this configuration holds: resources that reference the namespace, or name it literally,
 * and put persistent volume claims in it. Deleting the namespace deletes them, whatever their own retention policy.
 * With `disposableRule`, claims on which that rule is suppressed (declared disposable) do not count.
 */
export function claimsInNamespace(namespace: GovernedResource, context: RuleContext, disposableRule?: string): GovernedResource[] {
  const name = namespace.type === MANIFEST_TYPE
    ? str(block(manifestObject(namespace), 'metadata')?.name)
    : str(path(namespace.values, 'metadata')?.name);
  const referencing = new Set(context.referencing(namespace, CLAIM_HOLDERS));
  return context.resourcesOfType(...CLAIM_HOLDERS)
    .filter((r) => (referencing.has(r) || (name !== undefined && namespaceOf(r) === name)) && holdsClaims(r))
    // A claim whose protection finding is suppressed, with a reason, holds disposable data (a cache).
    .filter((r) => !disposableRule || !r.suppressions.some((s) => s.ruleId === disposableRule));
}

function isNamespace(resource: GovernedResource): boolean {
  return /^kubernetes_namespace(_v1)?$/.test(resource.type) || (resource.type === MANIFEST_TYPE && manifestKind(resource).kind === 'Namespace');
}

/**
 * Why a resource of a configuration holds data that Terraform could delete, or undefined when it holds none or is
 * protected. Namespaces count only when they hold claims this configuration creates that are not declared disposable
 * (a suppression of `ruleId` on the claim).
 */
export function unprotectedData(resource: GovernedResource, context: RuleContext, ruleId: string): { loses: string; fix: string } | undefined {
  if (resource.lifecycle && bool(resource.lifecycle.prevent_destroy) === true) return undefined;
  if (isNamespace(resource)) {
    const claims = claimsInNamespace(resource, context, ruleId);
    if (claims.length === 0) return undefined;
    return { loses: `${NS_LOST}: ${claims.map((c) => c.address).join(', ')}`, fix: PREVENT_DESTROY };
  }
  const loses = dataLostByDeleting(resource);
  if (!loses) return undefined;
  if (resource.type === MANIFEST_TYPE) {
    return { loses, fix: `${PREVENT_DESTROY} (PersistentVolumeClaim), persistentVolumeClaimRetentionPolicy.whenDeleted: Retain (StatefulSet), persistentVolumeReclaimPolicy: Retain (PersistentVolume)` };
  }
  const type = STATEFUL_TYPES[resource.type];
  if (type.guard && type.guard(resource.values)) return undefined;
  return { loses, fix: type.fix };
}
