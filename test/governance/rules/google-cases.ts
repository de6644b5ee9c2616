import { RuleCase } from '../helpers';

const GOOGLE = { google: [{ project: 'ml', region: 'europe-west4' }] };
const gke = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'train', location: 'europe-west4', initial_node_count: 1, ...extra });
const pool = (nodeConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  cluster: '${google_container_cluster.main.id}', node_config: { machine_type: 'n2-standard-8', ...nodeConfig }, ...extra,
});
const sql = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  database_version: 'POSTGRES_16', region: 'europe-west4', settings: { tier: 'db-custom-2-7680', ...settings }, ...extra,
});
const gcs = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'ml-data', location: 'EUROPE-WEST4', ...extra });

const cases: Array<Omit<RuleCase, 'provider'>> = [
  {
    ruleId: 'gcp-gke-private-nodes', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ private_cluster_config: { enable_private_nodes: true } }) },
    nonCompliant: { 'google_container_cluster.main': gke() },
  },
  {
    ruleId: 'gcp-gke-control-plane-restricted', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '10.0.0.0/8' }] } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '0.0.0.0/0' }] } }) },
  },
  {
    name: 'private endpoint', ruleId: 'gcp-gke-control-plane-restricted', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ private_cluster_config: [{ enable_private_nodes: true, enable_private_endpoint: true }] }) },
    nonCompliant: { 'google_container_cluster.main': gke() },
  },
  {
    ruleId: 'gcp-gke-workload-identity', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ workload_identity_config: { workload_pool: 'ml.svc.id.goog' } }) },
    nonCompliant: { 'google_container_cluster.main': gke() },
  },
  {
    ruleId: 'gcp-gke-shielded-nodes', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke() },
    nonCompliant: { 'google_container_cluster.main': gke({ enable_shielded_nodes: false }) },
  },
  {
    ruleId: 'gcp-gke-release-channel', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ release_channel: { channel: 'REGULAR' } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ release_channel: { channel: 'UNSPECIFIED' } }) },
  },
  {
    ruleId: 'gcp-gke-secrets-encrypted', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ database_encryption: { state: 'ENCRYPTED', key_name: '${google_kms_crypto_key.k.id}' } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ database_encryption: { state: 'DECRYPTED' } }) },
  },
  {
    ruleId: 'gcp-gke-legacy-abac-disabled', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke() },
    nonCompliant: { 'google_container_cluster.main': gke({ enable_legacy_abac: true }) },
  },
  {
    ruleId: 'gcp-gke-network-policy', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ datapath_provider: 'ADVANCED_DATAPATH' }) },
    nonCompliant: { 'google_container_cluster.main': gke() },
  },
  {
    ruleId: 'gcp-gke-deletion-protection', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke() },
    nonCompliant: { 'google_container_cluster.main': gke({ deletion_protection: false }) },
  },
  {
    ruleId: 'gcp-gke-node-pool-workload-metadata', address: 'google_container_node_pool.gpu',
    compliant: { 'google_container_cluster.main': gke(), 'google_container_node_pool.gpu': pool({ workload_metadata_config: { mode: 'GKE_METADATA' } }) },
    nonCompliant: { 'google_container_cluster.main': gke(), 'google_container_node_pool.gpu': pool() },
  },
  {
    name: 'inherited from cluster', ruleId: 'gcp-gke-node-pool-workload-metadata', address: 'google_container_node_pool.gpu',
    compliant: { 'google_container_cluster.main': gke({ workload_identity_config: { workload_pool: 'ml.svc.id.goog' } }), 'google_container_node_pool.gpu': pool() },
    nonCompliant: { 'google_container_cluster.main': gke(), 'google_container_node_pool.gpu': pool({ workload_metadata_config: { mode: 'GCE_METADATA' } }) },
  },
  {
    ruleId: 'gcp-gke-node-pool-secure-boot', address: 'google_container_node_pool.gpu',
    compliant: { 'google_container_node_pool.gpu': pool({ shielded_instance_config: { enable_secure_boot: true } }) },
    nonCompliant: { 'google_container_node_pool.gpu': pool() },
  },
  {
    ruleId: 'gcp-gke-node-pool-auto-repair-upgrade', address: 'google_container_node_pool.gpu',
    compliant: { 'google_container_node_pool.gpu': pool() },
    nonCompliant: { 'google_container_node_pool.gpu': pool({}, { management: { auto_repair: true, auto_upgrade: false } }) },
  },
  {
    ruleId: 'gcp-gke-node-pool-custom-service-account', address: 'google_container_node_pool.gpu',
    compliant: { 'google_container_node_pool.gpu': pool({ service_account: 'gke-nodes@ml.iam.gserviceaccount.com' }) },
    nonCompliant: { 'google_container_node_pool.gpu': pool() },
  },
  {
    ruleId: 'gcp-storage-uniform-access', address: 'google_storage_bucket.data',
    compliant: { 'google_storage_bucket.data': gcs({ uniform_bucket_level_access: true }) },
    nonCompliant: { 'google_storage_bucket.data': gcs() },
  },
  {
    ruleId: 'gcp-storage-public-access-prevention', address: 'google_storage_bucket.data',
    compliant: { 'google_storage_bucket.data': gcs({ public_access_prevention: 'enforced' }) },
    nonCompliant: { 'google_storage_bucket.data': gcs() },
  },
  {
    ruleId: 'gcp-storage-versioning', address: 'google_storage_bucket.data',
    compliant: { 'google_storage_bucket.data': gcs({ versioning: { enabled: true } }) },
    nonCompliant: { 'google_storage_bucket.data': gcs() },
  },
  {
    ruleId: 'gcp-storage-cmek', address: 'google_storage_bucket.data',
    compliant: { 'google_storage_bucket.data': gcs({ encryption: { default_kms_key_name: '${google_kms_crypto_key.k.id}' } }) },
    nonCompliant: { 'google_storage_bucket.data': gcs() },
  },
  {
    ruleId: 'gcp-sql-ssl-required', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { ipv4_enabled: true, ssl_mode: 'ENCRYPTED_ONLY' } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({}) },
  },
  {
    name: 'private IP only', ruleId: 'gcp-sql-ssl-required', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { ipv4_enabled: false, private_network: 'projects/ml/global/networks/vpc' } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { ipv4_enabled: true, ssl_mode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' } }) },
  },
  {
    ruleId: 'gcp-sql-backups-point-in-time', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ backup_configuration: { enabled: true, point_in_time_recovery_enabled: true } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({ backup_configuration: { enabled: true } }) },
  },
  {
    ruleId: 'gcp-sql-deletion-protection', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({}) },
    nonCompliant: { 'google_sql_database_instance.db': sql({}, { deletion_protection: false }) },
  },
  {
    ruleId: 'gcp-sql-no-public-authorized-networks', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { authorized_networks: [{ name: 'office', value: '203.0.113.0/24' }] } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { authorized_networks: [{ name: 'all', value: '0.0.0.0/0' }] } }) },
  },
  {
    ruleId: 'gcp-redis-transit-encryption', address: 'google_redis_instance.cache',
    compliant: { 'google_redis_instance.cache': { name: 'c', memory_size_gb: 1, transit_encryption_mode: 'SERVER_AUTHENTICATION' } },
    nonCompliant: { 'google_redis_instance.cache': { name: 'c', memory_size_gb: 1 } },
  },
  {
    ruleId: 'gcp-redis-auth-enabled', address: 'google_redis_instance.cache',
    compliant: { 'google_redis_instance.cache': { name: 'c', memory_size_gb: 1, auth_enabled: true } },
    nonCompliant: { 'google_redis_instance.cache': { name: 'c', memory_size_gb: 1 } },
  },
  {
    ruleId: 'gcp-vertex-ai-cmek', address: 'google_vertex_ai_dataset.ds',
    compliant: { 'google_vertex_ai_dataset.ds': { display_name: 'd', metadata_schema_uri: 'gs://s', encryption_spec: { kms_key_name: 'projects/ml/locations/europe-west4/keyRings/r/cryptoKeys/k' } } },
    nonCompliant: { 'google_vertex_ai_dataset.ds': { display_name: 'd', metadata_schema_uri: 'gs://s' } },
  },
  {
    ruleId: 'gcp-vertex-ai-endpoint-private', address: 'google_vertex_ai_endpoint.ep',
    compliant: { 'google_vertex_ai_endpoint.ep': { name: 'ep', display_name: 'ep', location: 'europe-west4', private_service_connect_config: { enable_private_service_connect: true } } },
    nonCompliant: { 'google_vertex_ai_endpoint.ep': { name: 'ep', display_name: 'ep', location: 'europe-west4' } },
  },
  {
    ruleId: 'gcp-iam-no-basic-roles', address: 'google_project_iam_member.m',
    compliant: { 'google_project_iam_member.m': { project: 'ml', role: 'roles/aiplatform.user', member: 'group:ml@example.com' } },
    nonCompliant: { 'google_project_iam_member.m': { project: 'ml', role: 'roles/editor', member: 'group:ml@example.com' } },
  },
  {
    ruleId: 'gcp-iam-no-public-members', address: 'google_storage_bucket_iam_binding.b',
    compliant: { 'google_storage_bucket_iam_binding.b': { bucket: 'ml-data', role: 'roles/storage.objectViewer', members: ['group:ml@example.com'] } },
    nonCompliant: { 'google_storage_bucket_iam_binding.b': { bucket: 'ml-data', role: 'roles/storage.objectViewer', members: ['allUsers'] } },
  },
  {
    ruleId: 'gcp-kms-key-rotation', address: 'google_kms_crypto_key.k',
    compliant: { 'google_kms_crypto_key.k': { name: 'k', key_ring: 'r', rotation_period: '7776000s' } },
    nonCompliant: { 'google_kms_crypto_key.k': { name: 'k', key_ring: 'r', rotation_period: '31536000s' } },
  },
  {
    name: 'Google Cloud public ranges', ruleId: 'gcp-gke-control-plane-restricted', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ master_authorized_networks_config: { gcp_public_cidrs_access_enabled: false, cidr_blocks: [{ cidr_block: '10.0.0.0/8' }] } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ master_authorized_networks_config: { gcp_public_cidrs_access_enabled: true, cidr_blocks: [{ cidr_block: '10.0.0.0/8' }] } }) },
  },
  {
    ruleId: 'gcp-gke-binary-authorization', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ binary_authorization: { evaluation_mode: 'DISABLED' } }) },
  },
  {
    ruleId: 'gcp-gke-cluster-labels', address: 'google_container_cluster.main',
    compliant: { 'google_container_cluster.main': gke({ resource_labels: { owner: 'ml', 'cost-center': 'cc1' } }) },
    nonCompliant: { 'google_container_cluster.main': gke({ resource_labels: { 'goog-terraform-provisioned': 'true' } }) },
  },
  {
    ruleId: 'gcp-sql-private-ip-requires-tls', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { ipv4_enabled: false, private_network: 'projects/p/global/networks/n', ssl_mode: 'ENCRYPTED_ONLY' } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({ ip_configuration: { ipv4_enabled: false, private_network: 'projects/p/global/networks/n' } }) },
  },
  {
    name: 'read replicas cannot have PITR', ruleId: 'gcp-sql-backups-point-in-time', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': sql({ backup_configuration: { enabled: false } }, { master_instance_name: '${google_sql_database_instance.primary.name}', replica_configuration: { failover_target: false } }) },
    nonCompliant: { 'google_sql_database_instance.db': sql({ backup_configuration: { enabled: false } }) },
  },
  {
    ruleId: 'gcp-vertex-ai-index-endpoint-private', address: 'google_vertex_ai_index_endpoint.search',
    compliant: { 'google_vertex_ai_index_endpoint.search': { display_name: 'search', region: 'europe-west4', private_service_connect_config: { enable_private_service_connect: true, project_allowlist: ['ml'] } } },
    nonCompliant: { 'google_vertex_ai_index_endpoint.search': { display_name: 'search', region: 'europe-west4', public_endpoint_enabled: true } },
  },
  {
    ruleId: 'gcp-vertex-ai-workbench-private', address: 'google_workbench_instance.nb',
    compliant: { 'google_workbench_instance.nb': { name: 'nb', location: 'europe-west4-a', gce_setup: { machine_type: 'e2-standard-4', disable_public_ip: true } } },
    nonCompliant: { 'google_workbench_instance.nb': { name: 'nb', location: 'europe-west4-a', gce_setup: { machine_type: 'e2-standard-4' } } },
  },
  {
    name: 'legacy notebooks instance', ruleId: 'gcp-vertex-ai-workbench-private', address: 'google_notebooks_instance.nb',
    compliant: { 'google_notebooks_instance.nb': { name: 'nb', location: 'europe-west4-a', machine_type: 'e2-standard-4', no_public_ip: true } },
    nonCompliant: { 'google_notebooks_instance.nb': { name: 'nb', location: 'europe-west4-a', machine_type: 'e2-standard-4' } },
  },
  {
    ruleId: 'gcp-vertex-ai-workbench-cmek', address: 'google_workbench_instance.nb',
    compliant: { 'google_workbench_instance.nb': { name: 'nb', location: 'europe-west4-a', gce_setup: {
      disable_public_ip: true, boot_disk: { disk_encryption: 'CMEK', kms_key: '${google_kms_crypto_key.k.id}' }, data_disks: { disk_encryption: 'CMEK', kms_key: '${google_kms_crypto_key.k.id}' },
    } } },
    nonCompliant: { 'google_workbench_instance.nb': { name: 'nb', location: 'europe-west4-a', gce_setup: { disable_public_ip: true, boot_disk: { disk_encryption: 'CMEK', kms_key: '${google_kms_crypto_key.k.id}' }, data_disks: { disk_size_gb: 100 } } } },
  },
  {
    ruleId: 'gcp-vertex-ai-feature-online-store-private', address: 'google_vertex_ai_feature_online_store.online',
    compliant: { 'google_vertex_ai_feature_online_store.online': { name: 'online', region: 'europe-west4', optimized: {}, dedicated_serving_endpoint: { private_service_connect_config: { enable_private_service_connect: true, project_allowlist: ['ml'] } } } },
    nonCompliant: { 'google_vertex_ai_feature_online_store.online': { name: 'online', region: 'europe-west4', optimized: {} } },
  },
];

/** One compliant and one non-compliant configuration per Google Cloud rule. */
export const GOOGLE_CASES: RuleCase[] = cases.map((c) => ({ ...c, provider: GOOGLE }));
