import { Construct } from 'constructs';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { uniqueIamMember } from '../../core/private/bindings';
import { DataSource, DataSourceKind } from '../definitions';

/*
 * BigQuery roles, from Google Cloud's "BigQuery IAM roles and permissions"
 * (https://cloud.google.com/bigquery/docs/access-control) and "Understand jobs"
 * (https://cloud.google.com/bigquery/docs/jobs-overview):
 * - `roles/bigquery.dataViewer` on a table: `bigquery.tables.get` and `bigquery.tables.getData` (read rows and
 *   metadata), nothing that writes. `roles/bigquery.dataEditor` adds create/update/delete, and granted on a
 *   dataset it covers every table in it, so neither is granted wider than the source tables here.
 * - Reading rows is not enough to query them: a query (or load) is a job, and running one needs
 *   `bigquery.jobs.create` on the project that runs it (`roles/bigquery.jobUser`, which carries no data access).
 * - Reading through the Storage Read API (client libraries' `to_dataframe`, Vertex and Feast exports) needs
 *   `bigquery.readsessions.*` on that project (`roles/bigquery.readSessionUser`).
 */
export const BIGQUERY_READ_TABLE_ROLE = 'roles/bigquery.dataViewer';
export const BIGQUERY_WRITE_TABLE_ROLE = 'roles/bigquery.dataEditor';
export const BIGQUERY_JOB_USER_ROLE = 'roles/bigquery.jobUser';
export const BIGQUERY_READ_SESSION_ROLE = 'roles/bigquery.readSessionUser';

/**
 * Binds `role` on each BigQuery source table (not the dataset or project) to `member`, one binding per
 * distinct table; a binding the stack already makes is reused, not copied. Returns the bindings.
 */
export function grantBigQueryTables(scope: Construct, idPrefix: string, member: string, sources: DataSource[], role: string): BigqueryTableIamMember[] {
  const tables = [...new Set(sources.filter((s) => s.kind === DataSourceKind.BIGQUERY).map((s) => s.location))];
  return tables.map((table) => {
    const [project, dataset, tableId] = table.split('.');
    return uniqueIamMember(scope, 'google_bigquery_table_iam_member', { project, datasetId: dataset, tableId, role, member },
      () => new BigqueryTableIamMember(scope, `${idPrefix}-${table.replace(/[^A-Za-z0-9_-]/g, '-')}`, {
        project, datasetId: dataset, tableId, role, member,
      }));
  });
}

/** Binds a project-level role to `member`, once per stack (a second copy's destroy would revoke both). */
export function grantProjectRole(scope: Construct, id: string, project: string, role: string, member: string): ProjectIamMember {
  return uniqueIamMember(scope, 'google_project_iam_member', { project, role, member },
    () => new ProjectIamMember(scope, id, { project, role, member }));
}

/**
 * Read access to BigQuery sources: `roles/bigquery.dataViewer` on each source table, and on `jobProject`
 * `roles/bigquery.jobUser` (run queries) and `roles/bigquery.readSessionUser` (Storage Read API).
 */
export function grantBigQueryRead(scope: Construct, idPrefix: string, member: string, sources: DataSource[], jobProject: string): void {
  grantBigQueryTables(scope, `${idPrefix}-table`, member, sources, BIGQUERY_READ_TABLE_ROLE);
  grantProjectRole(scope, `${idPrefix}-jobs`, jobProject, BIGQUERY_JOB_USER_ROLE, member);
  grantProjectRole(scope, `${idPrefix}-read-sessions`, jobProject, BIGQUERY_READ_SESSION_ROLE, member);
}

/**
 * Write access to BigQuery sources: `roles/bigquery.dataEditor` on each source table (never the dataset), and
 * `roles/bigquery.jobUser` on `jobProject` to run the load and DML jobs that write.
 */
export function grantBigQueryWrite(scope: Construct, idPrefix: string, member: string, sources: DataSource[], jobProject: string): void {
  grantBigQueryTables(scope, `${idPrefix}-table`, member, sources, BIGQUERY_WRITE_TABLE_ROLE);
  grantProjectRole(scope, `${idPrefix}-jobs`, jobProject, BIGQUERY_JOB_USER_ROLE, member);
}

/** Binds `role` on one dataset to `member`, once per stack. */
export function grantBigQueryDataset(scope: Construct, id: string, project: string, datasetId: string, role: string, member: string): BigqueryDatasetIamMember {
  return uniqueIamMember(scope, 'google_bigquery_dataset_iam_member', { project, datasetId, role, member },
    () => new BigqueryDatasetIamMember(scope, id, { project, datasetId, role, member }));
}
