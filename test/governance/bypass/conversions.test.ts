import { bool, boolOr } from '../../../lib/governance/values';
import { review, findingKeys } from '../helpers';

describe('Terraform converts "1"/"0"/"true"/"false" to booleans; so do rules', () => {
  test('the value helpers', () => {
    expect(bool('1')).toBe(true);
    expect(bool('0')).toBe(false);
    expect(bool('true')).toBe(true);
    expect(bool('false')).toBe(false);
    expect(boolOr('0', true)).toBe(false);
    // Terraform refuses these, so they are not booleans.
    expect(bool('TRUE')).toBeUndefined();
    expect(bool(1)).toBeUndefined();
  });

  test.each([
    ['aws-rds-not-publicly-accessible', 'aws_db_instance.db', { 'aws_db_instance.db': { engine: 'postgres', publicly_accessible: '1', storage_encrypted: true } }],
    ['gcp-gke-deletion-protection', 'google_container_cluster.c', { 'google_container_cluster.c': { name: 'c', deletion_protection: '0' } }],
    ['gcp-gke-legacy-abac-disabled', 'google_container_cluster.c', { 'google_container_cluster.c': { name: 'c', enable_legacy_abac: '1' } }],
    ['k8s-no-privileged-containers', 'kubernetes_pod_v1.p', { 'kubernetes_pod_v1.p': { metadata: { name: 'p' }, spec: { container: [{ name: 'c', image: 'i:1', security_context: { privileged: '1' } }] } } }],
    ['k8s-no-host-namespaces', 'kubernetes_pod_v1.p', { 'kubernetes_pod_v1.p': { metadata: { name: 'p' }, spec: { host_network: '1', container: [{ name: 'c', image: 'i:1' }] } } }],
    ['gcp-sql-deletion-protection', 'google_sql_database_instance.db', { 'google_sql_database_instance.db': { database_version: 'POSTGRES_16', deletion_protection: '0', settings: { tier: 't' } } }],
    ['gcp-gke-node-pool-auto-repair-upgrade', 'google_container_node_pool.p', { 'google_container_node_pool.p': { cluster: 'c', management: { auto_repair: '0' } } }],
  ])('%s reads "1"/"0" as Terraform does', (ruleId, address, resources) => {
    expect(findingKeys(review(resources as never))).toContain(`${ruleId}@${address}`);
  });
});
