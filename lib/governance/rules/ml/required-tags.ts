import { defineRule } from '../../rule';
import { block, isUnknown } from '../../values';

/** Tags every cost- or data-bearing resource must carry unless parameters say otherwise. */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = ['owner', 'cost-center', 'environment', 'data-classification'];

/**
 * Taggable resources carry the required tags/labels. AWS tags are merged with provider default_tags
 * (resource tags win); GCP uses labels (resource_labels on GKE clusters); Kubernetes metadata.labels.
 */
export const requiredTags = defineRule({
  id: 'ml-required-tags',
  severity: 'warning',
  category: 'tagging-labels',
  description: 'Taggable resources carry the required tags/labels (parameter requiredTags; default owner, cost-center, environment, data-classification).',
  remediation: 'Add the missing tags (AWS: tags or provider default_tags), labels (GCP: labels / resource_labels) or metadata.labels (Kubernetes).',
  references: ['AWS Well-Architected COST03', 'Google Cloud labels best practices'],
  appliesTo: [
    'aws_eks_cluster', 'aws_eks_node_group', 'aws_s3_bucket', 'aws_db_instance', 'aws_rds_cluster', 'aws_elasticache_replication_group', 'aws_kms_key',
    'aws_sagemaker_endpoint', 'aws_sagemaker_endpoint_configuration', 'aws_sagemaker_model', 'aws_sagemaker_notebook_instance', 'aws_sagemaker_domain',
    'aws_sagemaker_feature_group', 'aws_prometheus_workspace', 'aws_grafana_workspace', 'aws_dynamodb_table', 'aws_efs_file_system', 'aws_instance',
    'google_container_cluster', 'google_container_node_pool', 'google_storage_bucket', 'google_sql_database_instance', 'google_redis_instance',
    'google_kms_crypto_key', 'google_vertex_ai_endpoint', 'google_vertex_ai_featurestore', 'google_vertex_ai_dataset', 'google_bigquery_dataset',
    'kubernetes_namespace', 'kubernetes_namespace_v1',
  ],
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const required = ctx.parameters.requiredTags ?? DEFAULT_REQUIRED_TAGS;
    const v = resource.values;
    // Unknown tag maps (computed from references) cannot be judged.
    if (isUnknown(v.tags) || isUnknown(v.labels) || isUnknown(v.resource_labels)) return [];
    const tags = ctx.tags(resource);
    const present = new Set(Object.keys(tags).filter((k) => tags[k] !== ''));
    // A tag whose value is unknown until apply is present.
    for (const map of [v.tags, v.labels, v.resource_labels, block(v, 'metadata')?.labels]) {
      if (map && typeof map === 'object') for (const [k, value] of Object.entries(map)) if (isUnknown(value)) present.add(k);
    }
    const missing = required.filter((t) => !present.has(t));
    return missing.length ? [`missing required tags/labels: ${missing.join(', ')}`] : [];
  },
});
