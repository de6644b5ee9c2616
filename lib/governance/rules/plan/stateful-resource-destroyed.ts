import { GovernedResource } from '../../model';
import { defineRule } from '../../rule';
import { manifestObject } from '../../support/kubernetes-manifest';
import { MANIFEST_TYPE } from '../../support/workloads';
import { block, blocks, path, str } from '../../values';

/** Resource types whose deletion loses data, with what is lost. */
const STATEFUL: Readonly<Record<string, string>> = {
  aws_s3_bucket: 'the objects in the bucket',
  aws_db_instance: 'the database',
  aws_rds_cluster: 'the database cluster',
  aws_elasticache_replication_group: 'the cached data',
  aws_elasticache_cluster: 'the cached data',
  aws_ebs_volume: 'the volume',
  aws_efs_file_system: 'the file system',
  aws_fsx_lustre_file_system: 'the file system',
  aws_fsx_ontap_file_system: 'the file system',
  aws_fsx_openzfs_file_system: 'the file system',
  aws_fsx_windows_file_system: 'the file system',
  aws_dynamodb_table: 'the table',
  aws_kms_key: 'every piece of data encrypted with the key (it becomes unreadable)',
  aws_cloudwatch_log_group: 'the logs',
  aws_sagemaker_feature_group: 'the features (offline and online store)',
  aws_sagemaker_model_package_group: 'the registered model versions',
  aws_prometheus_workspace: 'the metrics',
  google_storage_bucket: 'the objects in the bucket',
  google_sql_database_instance: 'the database instance and every database in it',
  google_sql_database: 'the database',
  google_redis_instance: 'the cached data',
  google_redis_cluster: 'the cached data',
  google_bigquery_dataset: 'the dataset and its tables',
  google_bigquery_table: 'the table',
  google_kms_crypto_key: 'every piece of data encrypted with the key (its versions are destroyed)',
  google_vertex_ai_featurestore: 'the features',
  google_vertex_ai_feature_online_store: 'the online features',
  kubernetes_persistent_volume_claim: 'the volume claimed (deleted with the claim when its reclaim policy is Delete)',
  kubernetes_persistent_volume_claim_v1: 'the volume claimed (deleted with the claim when its reclaim policy is Delete)',
  kubernetes_persistent_volume: 'the volume (its reclaim policy is not Retain)',
  kubernetes_persistent_volume_v1: 'the volume (its reclaim policy is not Retain)',
  kubernetes_stateful_set: 'the volumes of its claim templates (persistent_volume_claim_retention_policy when_deleted = Delete)',
  kubernetes_stateful_set_v1: 'the volumes of its claim templates (persistent_volume_claim_retention_policy when_deleted = Delete)',
  kubernetes_namespace: 'every persistent volume claim in the namespace',
  kubernetes_namespace_v1: 'every persistent volume claim in the namespace',
};

/** `kubernetes_manifest` kinds that hold data, with what is lost (same conditions as the typed resources). */
const STATEFUL_KINDS: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: STATEFUL.kubernetes_persistent_volume_claim_v1,
  PersistentVolume: STATEFUL.kubernetes_persistent_volume_v1,
  StatefulSet: 'the volumes of its claim templates (persistentVolumeClaimRetentionPolicy.whenDeleted = Delete)',
  Namespace: STATEFUL.kubernetes_namespace_v1,
};

/**
 * What deleting the resource loses, or undefined when nothing is. A PersistentVolume created by Terraform defaults to
 * reclaim policy Retain (its disk outlives it), and a StatefulSet keeps its claims unless told otherwise: both lose data
 * only when configured to.
 */
function loss(resource: GovernedResource): string | undefined {
  if (resource.type === MANIFEST_TYPE) {
    const manifest = manifestObject(resource);
    const kind = str(manifest?.kind);
    if (!kind || !Object.prototype.hasOwnProperty.call(STATEFUL_KINDS, kind)) return undefined;
    const spec = block(manifest, 'spec');
    if (kind === 'PersistentVolume' && (str(spec?.persistentVolumeReclaimPolicy) ?? 'Retain') === 'Retain') return undefined;
    if (kind === 'StatefulSet' && (blocks(spec, 'volumeClaimTemplates').length === 0
      || str(block(spec, 'persistentVolumeClaimRetentionPolicy')?.whenDeleted) !== 'Delete')) return undefined;
    const name = str(block(manifest, 'metadata')?.name);
    return `${STATEFUL_KINDS[kind]} (${kind}${name ? ` ${name}` : ''})`;
  }
  if (!Object.prototype.hasOwnProperty.call(STATEFUL, resource.type)) return undefined;
  const v = resource.values;
  if (/^kubernetes_persistent_volume(_v1)?$/.test(resource.type) && (str(path(v, 'spec')?.persistent_volume_reclaim_policy) ?? 'Retain') === 'Retain') return undefined;
  if (/^kubernetes_stateful_set(_v1)?$/.test(resource.type)) {
    const spec = path(v, 'spec');
    if (blocks(spec, 'volume_claim_template').length === 0 || str(block(spec, 'persistent_volume_claim_retention_policy')?.when_deleted) !== 'Delete') return undefined;
  }
  return STATEFUL[resource.type];
}

/**
 * A plan does not delete or replace a resource that holds data. Renaming a construct changes its Terraform address, and
 * Terraform plans that as a delete and a create: the rename looks harmless in code and loses the data on apply.
 */
export const statefulResourceDestroyed = defineRule({
  id: 'plan-stateful-resource-destroyed',
  severity: 'error',
  category: 'data-protection',
  description: 'A plan does not delete or replace a resource that holds data (bucket, database, cache, volume, file system, table, '
    + 'encryption key, log group, feature store, model registry, metrics workspace, PersistentVolumeClaim, namespace). Plans only.',
  remediation: 'Keep the data: when the construct id or module path changed (construct ids are Terraform addresses), run '
    + '`terraform state mv <old address> <new address>` (or add a moved block) so the resource is kept; when an argument forces '
    + 'the replacement, revert it or migrate the data first; protect the resource (lifecycle prevent_destroy, '
    + 'deletion_protection = true). When the deletion is intended, suppress this rule on the resource with the reason '
    + '(Governance.suppress(resource, ruleId, { reason }), read by `ml-platform review --suppressions-from`).',
  references: ['STYLE.md rule 7 (construct ids are public API)'],
  appliesTo: [...Object.keys(STATEFUL), MANIFEST_TYPE],
  packs: ['baseline'],
  reviewsDeletions: true,
  evaluate(resource) {
    const actions = resource.plannedActions ?? [];
    if (!actions.includes('delete')) return [];
    const lost = loss(resource);
    if (!lost) return [];
    const replaced = actions.includes('create');
    const what = replaced ? `replaces this resource (${actions.join(' then ')})` : 'deletes this resource';
    const because = replaced && resource.replacePaths?.length ? ` because ${resource.replacePaths.join(', ')} changed` : '';
    return [`the plan ${what}${because}: ${lost} would be lost`];
  },
});
