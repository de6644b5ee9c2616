import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Connections, IConnectable } from '../core/connections';
import { IKubernetesTarget } from '../core/kubernetes-target';
import type { SecretKeyRef } from '../core/secrets';
import { Cpu, Size } from '../core/units';
import { DATASOURCE } from './dashboards';
import { componentLabels, componentSelector, configHashAnnotation, hardenedContainer, httpProbe, nonRootPodSecurity, resources } from './private/pod-security';

/**
 * Grafana's admin login, read from existing Secrets in the monitoring namespace (External Secrets, Vault, …); only
 * their names and keys enter Terraform. Both are mounted as files (`GF_SECURITY_ADMIN_*__FILE`), never environment.
 */
export interface GrafanaAdminCredentials {
  /** The admin password, e.g. `{ name: 'grafana-admin', key: 'admin-password' }`. */
  readonly password: SecretKeyRef;
  /** The admin user name. @default - key `admin-user` of the password's secret */
  readonly user?: SecretKeyRef;
}

/** The admin user's secret key: the one given, else `admin-user` beside the password. */
export function grafanaAdminUser(credentials: GrafanaAdminCredentials): SecretKeyRef {
  return credentials.user ?? { name: credentials.password.name, key: 'admin-user' };
}

/** Props for {@link GrafanaServer}. */
export interface GrafanaServerProps {
  readonly target: IKubernetesTarget;
  readonly dependsOn: ITerraformDependable[];
  readonly image: string;
  readonly adminCredentials: GrafanaAdminCredentials;
  /** The Prometheus URL, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly prometheusUrl: string;
  /** Dashboard JSON files by name (`<uid>.json`). */
  readonly dashboards: Record<string, string>;
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Terraform `prevent_destroy` on the data volume claim (users, API keys, annotations, dashboards edited in the UI). */
  readonly protectFromDeletion: boolean;
}

/** Grafana's port. */
export const GRAFANA_PORT = 3000;

/** datasources.yml: the one Prometheus datasource, uid {@link DATASOURCE}.uid, not editable in the UI. */
export function grafanaDatasources(prometheusUrl: string): string {
  return JSON.stringify({
    apiVersion: 1,
    datasources: [{
      name: DATASOURCE.name, type: DATASOURCE.type, uid: DATASOURCE.uid, access: 'proxy', url: prometheusUrl, isDefault: true, editable: false,
      jsonData: { timeInterval: '30s' },
    }],
  }, null, 2);
}

/** dashboards.yml: load every dashboard from the mounted ConfigMap; UI edits are not saved over them. */
export function grafanaDashboardProviders(path: string): string {
  return JSON.stringify({
    apiVersion: 1,
    providers: [{ name: 'ml-platform', folder: 'ML Platform', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path } }],
  }, null, 2);
}

/**
 * Grafana with its datasource and dashboards provisioned from ConfigMaps, admin credentials read from an
 * existing Secret (`GF_SECURITY_ADMIN_*__FILE`), anonymous access and sign-up off, and a volume for its
 * database (users, preferences). Runs as uid 472 with a read-only root filesystem.
 */
export class GrafanaServer extends Construct implements IConnectable {
  /**
   * Who may open Grafana besides `kubectl port-forward`, e.g. your ingress controller:
   * `monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'))`. Nothing by default.
   */
  public readonly connections: Connections;
  public readonly provisioning: ConfigMapV1;
  public readonly dashboards: ConfigMapV1;
  public readonly volumeClaim: PersistentVolumeClaimV1;
  public readonly deployment: DeploymentV1;
  public readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: GrafanaServerProps) {
    super(scope, id);
    const ns = props.target.namespace;
    const common = { provider: props.target.providerFor(this), dependsOn: props.dependsOn };
    const labels = componentLabels('grafana');
    const dashboardsPath = '/etc/grafana/dashboards';
    const datasources = grafanaDatasources(props.prometheusUrl);
    const providers = grafanaDashboardProviders(dashboardsPath);
    this.connections = new Connections(this, {
      target: props.target, podSelector: componentSelector('grafana'), defaultPort: GRAFANA_PORT, policyName: 'grafana',
      description: `Grafana in namespace ${ns} of cluster ${props.target.clusterName}`, labels: componentLabels('network-policy'), dependsOn: props.dependsOn,
    });
    const user = grafanaAdminUser(props.adminCredentials);
    const password = props.adminCredentials.password;

    this.provisioning = new ConfigMapV1(this, 'provisioning', {
      ...common,
      metadata: { name: 'grafana-provisioning', namespace: ns, labels },
      data: { 'datasources.yml': datasources, 'dashboards.yml': providers },
    });
    this.dashboards = new ConfigMapV1(this, 'dashboards', {
      ...common, metadata: { name: 'grafana-dashboards', namespace: ns, labels }, data: props.dashboards,
    });
    this.volumeClaim = new PersistentVolumeClaimV1(this, 'data', {
      ...common,
      metadata: { name: 'grafana-data', namespace: ns, labels },
      // WaitForFirstConsumer storage classes bind only once the pod is scheduled.
      waitUntilBound: false,
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: props.storage.toKubernetes() } },
      },
      lifecycle: { preventDestroy: props.protectFromDeletion },
    });
    const env: Record<string, string> = {
      GF_SECURITY_ADMIN_USER__FILE: '/etc/grafana/admin/admin-user',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/etc/grafana/admin/admin-password',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_PATHS_DATA: '/var/lib/grafana',
      GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
      GF_LOG_MODE: 'console',
    };
    this.deployment = new DeploymentV1(this, 'deployment', {
      ...common,
      metadata: { name: 'grafana', namespace: ns, labels },
      spec: {
        replicas: '1',
        // One pod owns the ReadWriteOnce volume: replace it, never run two.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: componentSelector('grafana') },
        template: {
          metadata: { labels, annotations: configHashAnnotation(datasources, providers, ...Object.values(props.dashboards)) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: nonRootPodSecurity(472),
            container: [{
              name: 'grafana',
              image: props.image,
              port: [{ name: 'http', containerPort: GRAFANA_PORT }],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              readinessProbe: httpProbe('/api/health', 'http', 10),
              livenessProbe: { ...httpProbe('/api/health', 'http', 60), failureThreshold: 6 },
              resources: resources(Cpu.millis(100), Size.mebibytes(512), Cpu.millis(500)),
              securityContext: hardenedContainer(),
              volumeMount: [
                { name: 'data', mountPath: '/var/lib/grafana' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'admin', mountPath: '/etc/grafana/admin', readOnly: true },
                { name: 'provisioning', mountPath: '/etc/grafana/provisioning', readOnly: true },
                { name: 'dashboards', mountPath: dashboardsPath, readOnly: true },
              ],
            }],
            volume: [
              { name: 'data', persistentVolumeClaim: { claimName: this.volumeClaim.metadata.name } },
              { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              {
                // The two keys may live in different secrets: one projected volume lays both out under fixed names.
                name: 'admin',
                projected: [{
                  defaultMode: '0440',
                  sources: [
                    { secret: [{ name: user.name, items: [{ key: user.key, path: 'admin-user' }] }] },
                    { secret: [{ name: password.name, items: [{ key: password.key, path: 'admin-password' }] }] },
                  ],
                }],
              },
              {
                name: 'provisioning',
                configMap: {
                  name: this.provisioning.metadata.name,
                  items: [{ key: 'datasources.yml', path: 'datasources/datasources.yml' }, { key: 'dashboards.yml', path: 'dashboards/dashboards.yml' }],
                },
              },
              { name: 'dashboards', configMap: { name: this.dashboards.metadata.name } },
            ],
          },
        },
      },
    });
    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name: 'grafana', namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: componentSelector('grafana'), port: [{ name: 'http', port: GRAFANA_PORT, targetPort: 'http' }] },
    });
  }
}
