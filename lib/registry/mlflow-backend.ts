import { Construct } from 'constructs';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { PolicyStatement } from '../core/iam';
import type { WorkloadIdentity } from '../core/workload-identity';
import { ContainerEnv, ObjectStore } from './object-store';
import type { CloudSqlPostgresProps } from './cloud-sql-postgres';
import type { InClusterPostgresProps } from './in-cluster-postgres';
import type { RdsPostgresProps } from './rds-postgres';

/** Which PostgreSQL holds MLflow's tracking and registry data. */
export enum MlflowBackendKind {
  /** Amazon RDS for PostgreSQL (EKS targets). */
  RDS = 'rds',
  /** Cloud SQL for PostgreSQL (GKE targets). */
  CLOUD_SQL = 'cloud-sql',
  /** A PostgreSQL StatefulSet in the same namespace (on-prem and edge). */
  IN_CLUSTER = 'in-cluster',
}

/** How the MLflow container reaches its database; produced by a backend for the server. */
export interface DatabaseConnection {
  readonly host: string;
  readonly port: number;
  /** The tracking database; the basic-auth database is `<database>_auth` on the same server. */
  readonly database: string;
  readonly username: string;
  /** libpq `sslmode` for the connection. */
  readonly sslMode: 'require' | 'verify-full' | 'prefer' | 'disable';
  /** Where the password comes from: env by secret reference, or the name of a cloud secret. Never a literal. */
  readonly env: ContainerEnv[];
  /** IAM statements the server's identity needs to read its credentials (AWS). */
  readonly awsStatements: PolicyStatement[];
  /**
   * The password can change under a running server (RDS rotates managed passwords every 7 days), so the
   * liveness probe opens a fresh connection and a failing one restarts the container, which re-reads it.
   */
  readonly rotatingCredentials: boolean;
}

/** What a backend needs to know about the server that uses it. */
export interface BackendContext {
  readonly target: IKubernetesTarget;
  /** The server's name, used to name database resources. */
  readonly name: string;
  /** Labels that select the server's pods (the database admits only them). */
  readonly serverPodLabels: Record<string, string>;
  /**
   * Where an in-cluster database writes its nightly dumps: an S3 or S3-compatible store, a key prefix, and the
   * service account whose identity (or the store's credentials secret) may write there. @default - no backups
   */
  readonly backupStore?: { readonly store: ObjectStore; readonly prefix: string; readonly serviceAccountName: string };
}

/** The database of an MLflow server: `MlflowBackend.rds({...})`, `.cloudSql({...})` or `.inCluster({...})`. */
export class MlflowBackend {
  /** Amazon RDS for PostgreSQL with a Secrets Manager-managed password, IAM auth, CMK encryption, Multi-AZ. */
  public static rds(props: RdsPostgresProps): MlflowBackend {
    return new MlflowBackend(MlflowBackendKind.RDS, props);
  }

  /**
   * Cloud SQL for PostgreSQL 16: private IP only, TLS required, regional HA, backups with point-in-time
   * recovery, CMEK, deletion protection; the password from an existing Secret Manager secret.
   */
  public static cloudSql(props: CloudSqlPostgresProps): MlflowBackend {
    return new MlflowBackend(MlflowBackendKind.CLOUD_SQL, props);
  }

  /** A PostgreSQL StatefulSet beside the server, its password from an existing Kubernetes secret. */
  public static inCluster(props: InClusterPostgresProps): MlflowBackend {
    return new MlflowBackend(MlflowBackendKind.IN_CLUSTER, props);
  }

  private constructor(
    public readonly kind: MlflowBackendKind,
    public readonly props: RdsPostgresProps | CloudSqlPostgresProps | InClusterPostgresProps,
  ) {}
}

/** A backend once created. */
export interface IMlflowDatabase extends Construct {
  readonly connection: DatabaseConnection;
  /** Lets the server's identity read its database credentials where they live in the cloud (Secret Manager). */
  grantCredentials?(identity: WorkloadIdentity): void;
}
