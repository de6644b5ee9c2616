import { Construct, IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { WorkloadIdentityKind } from '../core/workload-identity-mode';
import { requireProvider } from '../core/private/optional-provider';
import type { CloudSqlPostgresProps } from './cloud-sql-postgres';
import { checkInClusterProps, InClusterPostgres, InClusterPostgresProps } from './in-cluster-postgres';
import { BackendContext, BackendPlacement, IMlflowDatabase } from './mlflow-database';
import type { RdsPostgresProps } from './rds-postgres';

/**
 * The database of an MLflow server: `MlflowBackend.rds({...})`, `.cloudSql({...})` or `.inCluster({...})`. Each
 * checks its props against where the server runs ({@link validate}) and creates its database ({@link bind}).
 */
export abstract class MlflowBackend {
  /** Amazon RDS for PostgreSQL with a Secrets Manager-managed password, IAM auth, CMK encryption, Multi-AZ (EKS targets). */
  public static rds(props: RdsPostgresProps): MlflowBackend {
    return new RdsBackend(props);
  }

  /**
   * Cloud SQL for PostgreSQL 16: private IP only, TLS required, regional HA, backups with point-in-time
   * recovery, CMEK, deletion protection; the password from an existing Secret Manager secret (GKE targets).
   */
  public static cloudSql(props: CloudSqlPostgresProps): MlflowBackend {
    return new CloudSqlBackend(props);
  }

  /** A PostgreSQL StatefulSet beside the server, its password from an existing Kubernetes secret (on-prem and edge). */
  public static inCluster(props: InClusterPostgresProps): MlflowBackend {
    return new InClusterBackend(props);
  }

  /**
   * Checks the backend's props against where the server runs, before anything is created; problems land in `v`
   * under `backend.…`, so the server reports them with its own.
   * @param scope the server (its stack gives inherited settings such as the Google project)
   */
  public abstract validate(scope: IConstruct, v: Validator, placement: BackendPlacement): void;

  /**
   * Creates the database under `scope` (id `database`) and grants the server's identity what reaching it takes.
   */
  public abstract bind(scope: Construct, context: BackendContext): IMlflowDatabase;
}

/** Where the server runs, for messages. */
function platformOf(placement: BackendPlacement): string {
  return placement?.target?.clusterName ?? 'the target';
}

class RdsBackend extends MlflowBackend {
  constructor(private readonly props: RdsPostgresProps) {
    super();
  }

  public validate(scope: IConstruct, v: Validator, placement: BackendPlacement): void {
    rdsPostgres(scope).checkRdsProps(v, this.props);
    const identity = placement?.target?.identity?.kind;
    v.check(identity === undefined || identity === WorkloadIdentityKind.EKS_POD_IDENTITY, 'backend', 'rds',
      `needs an EKS target (the server reads the RDS-managed password with EKS Pod Identity), but ${platformOf(placement)} is not EKS; ` +
      'use MlflowBackend.cloudSql({...}) on GKE, MlflowBackend.inCluster({...}) on-prem, or run MLflow on an EKS cluster');
  }

  public bind(scope: Construct, context: BackendContext): IMlflowDatabase {
    const { RdsPostgres } = rdsPostgres(scope);
    return new RdsPostgres(scope, 'database', this.props, context);
  }
}

class CloudSqlBackend extends MlflowBackend {
  constructor(private readonly props: CloudSqlPostgresProps) {
    super();
  }

  public validate(scope: IConstruct, v: Validator, placement: BackendPlacement): void {
    cloudSqlPostgres(scope).checkCloudSqlProps(scope, v, this.props);
    const identity = placement?.target?.identity?.kind;
    v.check(identity === undefined || identity === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY, 'backend', 'cloud-sql',
      `needs a GKE target (the server reads its password from Secret Manager with GKE Workload Identity and reaches the private IP ` +
      `in the cluster's VPC), but ${platformOf(placement)} is not GKE; use MlflowBackend.rds({...}) on EKS, MlflowBackend.inCluster({...}) on-prem, ` +
      'or run MLflow on a GKE cluster');
  }

  public bind(scope: Construct, context: BackendContext): IMlflowDatabase {
    const { CloudSqlPostgres } = cloudSqlPostgres(scope);
    return new CloudSqlPostgres(scope, 'database', this.props, context);
  }
}

class InClusterBackend extends MlflowBackend {
  constructor(private readonly props: InClusterPostgresProps) {
    super();
  }

  public validate(_scope: IConstruct, v: Validator, placement: BackendPlacement): void {
    checkInClusterProps(v, this.props, placement);
  }

  public bind(scope: Construct, context: BackendContext): IMlflowDatabase {
    return new InClusterPostgres(scope, 'database', this.props, context);
  }
}

/** The RDS backend, loaded when used: it needs provider-aws, which a Google-only or on-prem app does not install. */
function rdsPostgres(scope: IConstruct): typeof import('./rds-postgres') {
  return requireProvider(scope, 'the MLflow RDS backend', () => require('./rds-postgres') as typeof import('./rds-postgres'));
}

/** The Cloud SQL backend, loaded when used: it needs provider-google, which an AWS-only or on-prem app does not install. */
function cloudSqlPostgres(scope: IConstruct): typeof import('./cloud-sql-postgres') {
  return requireProvider(scope, 'the MLflow Cloud SQL backend', () => require('./cloud-sql-postgres') as typeof import('./cloud-sql-postgres'));
}
