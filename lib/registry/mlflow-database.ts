import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { IKubernetesTarget } from '../core/kubernetes-target';
import type { WorkloadIdentity } from '../core/workload-identity';
import { ContainerEnv } from '../core/model-source';
import type { ObjectStore } from './object-store';

/**
 * What an MLflow database backend ({@link MlflowBackend}) and the database constructs it creates
 * ({@link RdsPostgres}, {@link CloudSqlPostgres}, {@link InClusterPostgres}) share with the server. Kept apart from
 * `MlflowBackend`, which creates them, so the database modules do not import the module that imports them.
 */

/** libpq `sslmode` of the server's database connection. */
export enum PostgresSslMode {
  /** TLS required, the server certificate not verified (managed databases whose CA the image does not ship). */
  REQUIRE = 'require',
  /** TLS required and the server certificate verified against the host name. */
  VERIFY_FULL = 'verify-full',
  /** TLS when the server offers it (an in-cluster database without a certificate). */
  PREFER = 'prefer',
  /** No TLS. */
  DISABLE = 'disable',
}

/** How the MLflow container reaches its database; produced by a backend for the server. */
export interface DatabaseConnection {
  readonly host: string;
  readonly port: number;
  /** The tracking database; the basic-auth database is `<database>_auth` on the same server. */
  readonly database: string;
  readonly username: string;
  /** libpq `sslmode` for the connection. */
  readonly sslMode: PostgresSslMode;
  /** Where the password comes from: env by secret reference, or the name of a cloud secret. Never a literal. */
  readonly env: ContainerEnv[];
  /**
   * The password can change under a running server (RDS rotates managed passwords every 7 days), so the
   * liveness probe opens a fresh connection and a failing one restarts the container, which re-reads it.
   */
  readonly rotatingCredentials: boolean;
}

/** Where an MLflow server will run, known before anything is created: what {@link MlflowBackend.validate} checks. */
export interface BackendPlacement {
  readonly target: IKubernetesTarget;
  /** The server's name, used to name database resources. */
  readonly name: string;
  /** The server's artifact store (an in-cluster database writes its nightly dumps there). */
  readonly artifactStore: ObjectStore;
}

/** What a backend needs to know about the server that uses it. */
export interface BackendContext extends BackendPlacement {
  /** Labels that select the server's pods (an in-cluster database admits only them). */
  readonly serverPodLabels: Record<string, string>;
  /**
   * The server's identity: the backend grants it what reaching the database takes (the RDS-managed secret, the
   * Cloud SQL password secret) and runs its backup job as it.
   */
  readonly identity: WorkloadIdentity;
}

/** A database workload in the server's cluster, which the server reaches through its NetworkPolicies. */
export interface InClusterDatabaseEndpoint {
  /** The database's workload (a StatefulSet). */
  readonly workload: TerraformResource;
  /** The port the server connects to. */
  readonly port: number;
}

/** A backend once created. */
export interface IMlflowDatabase extends IConstruct {
  readonly connection: DatabaseConnection;
  /**
   * Where the database runs in the server's cluster, so the server's path to it is a checked network contract.
   * @default - none: a managed database outside the cluster (RDS, Cloud SQL)
   */
  readonly inClusterEndpoint?: InClusterDatabaseEndpoint;
}
