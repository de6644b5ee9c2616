import { defineRule } from '../../rule';
import { block, bool, boolOr, isUnknown, str } from '../../values';

/**
 * Automated backups with point-in-time recovery (PITR for PostgreSQL/SQL Server, binary log for MySQL); both default off.
 * Read replicas (master_instance_name set) cannot have backups or PITR: their primary's are what counts.
 */
export const sqlBackupsPointInTime = defineRule({
  id: 'gcp-sql-backups-point-in-time',
  severity: 'warning',
  category: 'data-protection',
  description: 'Cloud SQL instance has automated backups and point-in-time recovery.',
  remediation: 'Set settings.backup_configuration { enabled = true, point_in_time_recovery_enabled = true } (MySQL: binary_log_enabled = true).',
  references: ['CKV_GCP_14', 'CKV2_GCP_20', 'AVD-GCP-0024', 'CIS GCP 3.0 6.7'],
  appliesTo: ['google_sql_database_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const primary = resource.values.master_instance_name;
    if (isUnknown(primary) || (typeof primary === 'string' && primary !== '')) return [];
    if (/REPLICA/.test(str(resource.values.instance_type) ?? '')) return [];
    const backup = block(block(resource.values, 'settings'), 'backup_configuration');
    const enabled = boolOr(backup?.enabled, false);
    if (isUnknown(enabled)) return [];
    if (!enabled) return ['automated backups are not enabled'];
    const pitr = bool(backup?.point_in_time_recovery_enabled);
    const binlog = bool(backup?.binary_log_enabled);
    if (isUnknown(pitr) || isUnknown(binlog) || pitr === true || binlog === true) return [];
    return ['point-in-time recovery is not enabled'];
  },
});
