import { Construct } from 'constructs';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { DataSource, DataSourceKind } from './definitions';

/**
 * Binds `role` on each BigQuery source table (not the dataset or project) to `member`, one binding per
 * distinct table. Returns the bindings.
 */
export function grantBigQueryTables(scope: Construct, idPrefix: string, member: string, sources: DataSource[], role: string): BigqueryTableIamMember[] {
  const tables = [...new Set(sources.filter((s) => s.kind === DataSourceKind.BIGQUERY).map((s) => s.location))];
  return tables.map((table) => {
    const [project, dataset, tableId] = table.split('.');
    return new BigqueryTableIamMember(scope, `${idPrefix}-${table.replace(/[^A-Za-z0-9_-]/g, '-')}`, {
      project, datasetId: dataset, tableId, role, member,
    });
  });
}
