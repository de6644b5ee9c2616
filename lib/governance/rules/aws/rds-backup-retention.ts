import { defineRule } from '../../rule';
import { isUnknown, num } from '../../values';

/**
 * Automated backups are kept for at least one day. The aws_db_instance docs give the default as 0
 * while the RDS API defaults to 1 day (the attribute is optional+computed), so an unset value is
 * ambiguous and must be set explicitly.
 */
export const rdsBackupRetention = defineRule({
  id: 'aws-rds-backup-retention',
  severity: 'warning',
  category: 'data-protection',
  description: 'RDS instance / Aurora cluster sets backup_retention_period to at least 1 day.',
  remediation: 'Set backup_retention_period to 7 or more days.',
  references: ['CKV_AWS_133', 'AVD-AWS-0077'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const raw = resource.values.backup_retention_period;
    if (isUnknown(raw)) return [];
    if (resource.values.replicate_source_db !== undefined && resource.values.replicate_source_db !== null) return [];
    const days = num(raw);
    if (days === undefined) return ['backup_retention_period is not set explicitly'];
    return days < 1 ? [`backup_retention_period is ${days}: automated backups are disabled`] : [];
  },
});
