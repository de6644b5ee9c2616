import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { Cpu, Size } from '../core/units';
import { DATASOURCE } from './dashboards';
import { componentLabels, componentSelector, configHashAnnotation, hardenedContainer, httpProbe, nonRootPodSecurity, resources } from './pod-security';

/** The existing Secret that holds Grafana's admin credentials. */
export interface GrafanaAdminSecret {
  /** The Secret's name, in the monitoring namespace. */
  readonly name: string;
  /** @default 'admin-user' */
  readonly userKey?: string;
  /** @default 'admin-password' */
  readonly passwordKey?: string;
}

/** Props for {@link GrafanaServer}. */
export interface GrafanaServerProps {
  readonly target: IKubernetesTarget;
  readonly dependsOn: ITerraformDependable[];
  readonly image: string;
  readonly adminSecret: GrafanaAdminSecret;
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
export class GrafanaServer extends Construct {
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
    const userKey = props.adminSecret.userKey ?? 'admin-user';
    const passwordKey = props.adminSecret.passwordKey ?? 'admin-password';

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
      GF_SECURITY_ADMIN_USER__FILE: `/etc/grafana/admin/${userKey}`,
      GF_SECURITY_ADMIN_PASSWORD__FILE: `/etc/grafana/admin/${passwordKey}`,
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
              { name: 'admin', secret: { secretName: props.adminSecret.name, defaultMode: '0440' } },
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
