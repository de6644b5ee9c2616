import { GovernedResource } from '../../model';
import { defineRule, RuleContext } from '../../rule';
import { block, blocks, isUnknown, own as ownEntry, str } from '../../values';

/** Data stores, replicas, backups and keys: where each keeps its location. */
const LOCATION_ATTRIBUTE: Record<string, string> = {
  google_storage_bucket: 'location',
  google_sql_database_instance: 'region',
  google_redis_instance: 'region',
  google_kms_key_ring: 'location',
  google_bigquery_dataset: 'location',
  google_vertex_ai_dataset: 'region',
  google_vertex_ai_featurestore: 'region',
  google_vertex_ai_endpoint: 'location',
  google_filestore_instance: 'location',
};
const AWS_STORES = [
  'aws_s3_bucket', 'aws_db_instance', 'aws_rds_cluster', 'aws_kms_key', 'aws_kms_replica_key', 'aws_elasticache_replication_group',
  'aws_dynamodb_table', 'aws_efs_file_system', 'aws_fsx_lustre_file_system', 'aws_sagemaker_feature_group', 'aws_db_instance_automated_backups_replication',
  'aws_backup_vault', 'aws_s3_bucket_replication_configuration', 'aws_dynamodb_table_replica',
];

/** Region/location of a resource: its own attribute (AWS provider v6 `region`, GCP location/region) or its provider's region. */
function locationOf(resource: GovernedResource, ctx: RuleContext): string | undefined | symbol {
  const attribute = ownEntry(LOCATION_ATTRIBUTE, resource.type) ?? 'region';
  const own = resource.values[attribute];
  if (isUnknown(own)) return own as symbol;
  return str(own) ?? ctx.provider(resource)?.region;
}

/** Locations of replicas that live elsewhere: DynamoDB global table replicas, S3 replication destinations. */
function replicaLocations(resource: GovernedResource, ctx: RuleContext): Array<{ what: string; location: string }> {
  if (resource.type === 'aws_dynamodb_table') {
    return blocks(resource.values, 'replica').flatMap((r) => (str(r.region_name) ? [{ what: 'replica', location: str(r.region_name)! }] : []));
  }
  if (resource.type === 'aws_s3_bucket_replication_configuration') {
    const out: Array<{ what: string; location: string }> = [];
    for (const dest of ctx.referencedFrom(resource, 'rule', ['aws_s3_bucket'])) {
      const location = locationOf(dest, ctx);
      if (typeof location === 'string') out.push({ what: `replication destination ${dest.address}`, location });
    }
    return out;
  }
  if (resource.type === 'google_sql_database_instance') {
    // Backups default to the multi-region nearest the instance unless backup_configuration.location pins them.
    const location = str(block(block(resource.values, 'settings'), 'backup_configuration')?.location);
    return location ? [{ what: 'backup location', location }] : [];
  }
  return [];
}

/**
 * Data stays in allowed locations for its classification. The classification is the
 * `data-classification` tag/label; allowedRegionsByClassification[class] applies, else allowedRegions.
 */
export const dataResidency = defineRule({
  id: 'ml-data-residency',
  severity: 'error',
  category: 'data-protection',
  description: 'Data stores, replicas, backups and keys are only in locations allowed for their data classification (parameters allowedRegions, allowedRegionsByClassification).',
  remediation: 'Move the resource (or its replica/backup destination) to an allowed region, or correct its data-classification tag/label.',
  references: ['GDPR Art. 44', 'Data residency policy'],
  appliesTo: [...AWS_STORES, ...Object.keys(LOCATION_ATTRIBUTE)],
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const { allowedRegions, allowedRegionsByClassification } = ctx.parameters;
    if (!allowedRegions && !allowedRegionsByClassification) return [];
    const classification = ctx.tags(resource)['data-classification'];
    // The classification is data from the input: `constructor` or `toString` must not find Object.prototype members.
    const byClass = classification ? ownEntry(allowedRegionsByClassification, classification) : undefined;
    const allowed = (Array.isArray(byClass) && byClass) || allowedRegions;
    if (!allowed || allowed.length === 0) return [];
    const permitted = new Set(allowed.map((r) => r.toLowerCase()));
    const out: string[] = [];
    const location = locationOf(resource, ctx);
    const label = classification ? `data classified "${classification}"` : 'data';
    if (typeof location === 'string' && !permitted.has(location.toLowerCase())) out.push(`${label} is in ${location}; allowed: ${allowed.join(', ')}`);
    for (const replica of replicaLocations(resource, ctx)) {
      if (!permitted.has(replica.location.toLowerCase())) out.push(`${label} has a ${replica.what} in ${replica.location}; allowed: ${allowed.join(', ')}`);
    }
    return out;
  },
});
