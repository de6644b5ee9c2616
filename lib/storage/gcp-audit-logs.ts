import { TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';

/**
 * Cloud Audit Logs data-access logs (DATA_READ, DATA_WRITE) for one service in one project, e.g. who read
 * which object of a Cloud Storage bucket or which BigQuery table. The audit config is a project-wide
 * singleton per service, so this creates it once per stack, project and service however many stores ask.
 */
export class DataAccessAuditLogs {
  /** Ensures data-access logs for `service` (e.g. `storage.googleapis.com`) in `project`. */
  public static ensure(scope: IConstruct, project: string, service: string): ProjectIamAuditConfig {
    const stack = TerraformStack.of(scope);
    const id = `audit-${project}-${service}`.replace(/[^A-Za-z0-9-]/g, '-');
    const existing = stack.node.tryFindChild(id);
    if (existing) return existing as ProjectIamAuditConfig;
    return new ProjectIamAuditConfig(stack as Construct, id, {
      project,
      service,
      auditLogConfig: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
    });
  }
}
