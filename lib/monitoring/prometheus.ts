import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Connections, IConnectable } from '../core/connections';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { Cpu, Duration, Size } from '../core/units';
import { componentLabels, componentSelector, configHashAnnotation, hardenedContainer, httpProbe, nonRootPodSecurity, resources } from './private/pod-security';
import { RETAIN_CLAIMS } from '../core/private/stateful';

/** Props for {@link PrometheusServer}. */
export interface PrometheusServerProps {
  /** Where it runs. */
  readonly target: IKubernetesTarget;
  /** Resources to wait for (the namespace). */
  readonly dependsOn: ITerraformDependable[];
  /** prometheus.yml (from `prometheusConfig`). */
  readonly config: string;
  /** Rule files by name (`<name>.yml`). */
  readonly ruleFiles: Record<string, string>;
  readonly image: string;
  readonly retention: Duration;
  readonly retentionSize: Size;
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly cpu: Cpu;
  readonly memory: Size;
  /** Accept Prometheus remote write at `/api/v1/write` (edge sites forward their metrics here). @default false */
  readonly remoteWriteReceiver?: boolean;
}

/** Prometheus' port. */
export const PROMETHEUS_PORT = 9090;

/** Prometheus' flags for a TSDB size: its units are powers of two (`1KB` = 1024 B), so MiB are written `MB`. */
export function prometheusRetentionSize(size: Size): string {
  return `${size.toMebibytes()}MB`;
}

/**
 * A single Prometheus server: StatefulSet with a PersistentVolumeClaim (kept when the set is deleted or
 * scaled down), config and rules from ConfigMaps, a ServiceAccount with read-only discovery RBAC (pods,
 * services, endpoints, nodes, nodes/metrics) and a ClusterIP Service. Runs as `nobody` with a read-only
 * root filesystem.
 */
export class PrometheusServer extends Construct implements IConnectable {
  /**
   * Who may query Prometheus (and, with the remote-write receiver on, write to it) besides Grafana:
   * `monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace('team-a'))`. Nothing else by default.
   */
  public readonly connections: Connections;
  public readonly serviceAccount: ServiceAccountV1;
  public readonly clusterRole: ClusterRoleV1;
  public readonly clusterRoleBinding: ClusterRoleBindingV1;
  public readonly configMap: ConfigMapV1;
  public readonly rulesConfigMap: ConfigMapV1;
  public readonly statefulSet: StatefulSetV1;
  public readonly service: ServiceV1;
  /** `host:port` inside the cluster. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: PrometheusServerProps) {
    super(scope, id);
    const ns = props.target.namespace;
    const common = { provider: props.target.providerFor(this), dependsOn: props.dependsOn };
    const labels = componentLabels('prometheus');
    const name = 'prometheus';
    // ClusterRole names are cluster-wide: qualify them with the namespace so two stacks can coexist.
    const clusterName = `ml-monitoring-${ns}-prometheus`;
    this.address = `${name}.${ns}.svc:${PROMETHEUS_PORT}`;
    this.connections = new Connections(this, {
      target: props.target, podSelector: componentSelector('prometheus'), defaultPort: PROMETHEUS_PORT, policyName: name,
      description: `Prometheus in namespace ${ns} of cluster ${props.target.clusterName}`, labels: componentLabels('network-policy'), dependsOn: props.dependsOn,
    });

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      ...common, metadata: { name, namespace: ns, labels }, automountServiceAccountToken: false,
    });
    this.clusterRole = new ClusterRoleV1(this, 'cluster-role', {
      ...common,
      metadata: { name: clusterName, labels },
      rule: [
        { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    this.clusterRoleBinding = new ClusterRoleBindingV1(this, 'cluster-role-binding', {
      ...common,
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.metadata.name },
      subject: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
    this.configMap = new ConfigMapV1(this, 'config', {
      ...common, metadata: { name: 'prometheus-config', namespace: ns, labels }, data: { 'prometheus.yml': props.config },
    });
    this.rulesConfigMap = new ConfigMapV1(this, 'rules', {
      ...common, metadata: { name: 'prometheus-rules', namespace: ns, labels }, data: props.ruleFiles,
    });

    this.statefulSet = new StatefulSetV1(this, 'stateful-set', {
      ...common,
      metadata: { name, namespace: ns, labels },
      spec: {
        serviceName: name,
        replicas: '1',
        selector: { matchLabels: componentSelector('prometheus') },
        updateStrategy: [{ type: 'RollingUpdate' }],
        persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
        template: {
          metadata: { labels, annotations: configHashAnnotation(props.config, ...Object.values(props.ruleFiles)) },
          spec: {
            serviceAccountName: name,
            // The discovery client needs the token; it is read-only (see the ClusterRole).
            automountServiceAccountToken: true,
            securityContext: nonRootPodSecurity(65534),
            terminationGracePeriodSeconds: 300,
            container: [{
              name: 'prometheus',
              image: props.image,
              args: [
                '--config.file=/etc/prometheus/prometheus.yml',
                '--storage.tsdb.path=/prometheus',
                `--storage.tsdb.retention.time=${props.retention.toString()}`,
                `--storage.tsdb.retention.size=${prometheusRetentionSize(props.retentionSize)}`,
                `--web.listen-address=:${PROMETHEUS_PORT}`,
                ...(props.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
              ],
              port: [{ name: 'web', containerPort: PROMETHEUS_PORT }],
              readinessProbe: httpProbe('/-/ready', 'web', 15),
              livenessProbe: { ...httpProbe('/-/healthy', 'web', 60), failureThreshold: 6 },
              resources: resources(props.cpu, props.memory),
              securityContext: hardenedContainer(),
              volumeMount: [
                { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
                { name: 'data', mountPath: '/prometheus' },
              ],
            }],
            // One projected volume lays out prometheus.yml and rules/*.yml: a second mount nested inside a
            // read-only ConfigMap volume fails on runtimes that cannot create its mount point.
            volume: [{
              name: 'config',
              projected: [{
                sources: [
                  { configMap: [{ name: this.configMap.metadata.name, items: [{ key: 'prometheus.yml', path: 'prometheus.yml' }] }] },
                  { configMap: [{ name: this.rulesConfigMap.metadata.name, items: Object.keys(props.ruleFiles).sort().map((k) => ({ key: k, path: `rules/${k}` })) }] },
                ],
              }],
            }],
          },
        },
        volumeClaimTemplate: [{
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
            resources: { requests: { storage: props.storage.toKubernetes() } },
          },
        }],
      },
    });

    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: componentSelector('prometheus'), port: [{ name: 'web', port: PROMETHEUS_PORT, targetPort: 'web' }] },
    });
  }
}
