import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { DeploymentV1, DeploymentV1SpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { suppress } from '../governance/suppressions';
import { Architecture, EdgeWorkloadKind } from './site';

/** Everything a site needs, resolved by the fleet. */
export interface SiteWorkloadProps {
  readonly fleetName: string;
  readonly site: string;
  readonly ring: string;
  readonly architecture: Architecture;
  readonly kind: EdgeWorkloadKind;
  readonly kubeconfigPath: string;
  readonly context: string;
  readonly namespace: string;
  readonly model: { readonly name: string; readonly version: string; readonly uri: string };
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly cacheSize: string;
  readonly storageClass?: string;
  readonly fetcher: { readonly image: string; readonly credentialsSecret: string; readonly endpointUrl?: string };
  readonly metrics?: { readonly remoteWriteUrl: string; readonly username: string; readonly credentialsSecret: string; readonly agentImage: string };
}

const HARDENED = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * One site's model workload: namespace, model cache, an init container that fetches the pinned model version
 * only when the cache lacks it (so a site that lost its uplink keeps serving what it has), the inference
 * Deployment or DaemonSet pinned to the site's architecture, a NetworkPolicy, and a Prometheus agent that
 * remote-writes metrics to the central MonitoringStack labelled with the site and ring.
 */
export class SiteWorkload extends Construct {
  public readonly provider: KubernetesProvider;
  public readonly namespace: NamespaceV1;
  public readonly workload: DeploymentV1 | DaemonSetV1;

  constructor(scope: Construct, id: string, props: SiteWorkloadProps) {
    super(scope, id);
    const alias = `site_${props.site.replace(/-/g, '_')}`;
    this.provider = new KubernetesProvider(this, 'provider', { alias, configPath: props.kubeconfigPath, configContext: props.context });
    const provider = this.provider;
    const daemon = props.kind === EdgeWorkloadKind.DAEMON_SET;
    const appLabels = { 'app.kubernetes.io/name': props.fleetName, 'app.kubernetes.io/component': 'inference' };
    const siteLabels = { 'ml-platform.io/site': props.site, 'ml-platform.io/ring': props.ring };

    this.namespace = new NamespaceV1(this, 'namespace', {
      provider,
      metadata: {
        name: props.namespace,
        labels: {
          ...siteLabels,
          // A DaemonSet caches models on each node's disk (hostPath), which the baseline level forbids.
          'pod-security.kubernetes.io/enforce': daemon ? 'privileged' : 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    if (daemon) {
      suppress(this.namespace, 'k8s-namespace-pod-security-enforced', {
        reason: 'DaemonSet mode keeps each node\'s model cache on its own disk (a hostPath volume), which Pod Security ' +
          'baseline forbids; pods still run non-root, without privilege escalation and with every capability dropped.',
      });
    }
    const ns = this.namespace.metadata.name;

    const cacheVolume = daemon
      ? { name: 'model-cache', hostPath: { path: `/var/lib/ml-platform/${props.fleetName}/models`, type: 'DirectoryOrCreate' } }
      : { name: 'model-cache', persistentVolumeClaim: { claimName: this.cacheClaim(props, ns).metadata.name } };
    const modelDir = `/models/${props.model.name}/${props.model.version}`;
    const podSpec: DeploymentV1SpecTemplateSpec = {
      automountServiceAccountToken: false,
      nodeSelector: { 'kubernetes.io/arch': props.architecture },
      securityContext: { runAsNonRoot: true, runAsUser: '65532', runAsGroup: '65532', fsGroup: '65532', seccompProfile: { type: 'RuntimeDefault' } },
      initContainer: [{
        name: 'fetch-model',
        image: props.fetcher.image,
        command: ['/bin/sh', '-c',
          // Offline-first: fetch only when the cache lacks a complete copy of this version. (No "${" here:
          // Terraform would read it as an interpolation.)
          'test -f "$MODEL_DIR/.complete" || (aws s3 sync "$MODEL_URI" "$MODEL_DIR" && touch "$MODEL_DIR/.complete")'],
        env: [
          { name: 'MODEL_URI', value: props.model.uri },
          { name: 'MODEL_DIR', value: modelDir },
          { name: 'HOME', value: '/tmp' },
          // AWS CLI v2 reads AWS_ENDPOINT_URL: an S3-compatible store on the site network (MinIO, Ceph RGW).
          ...(props.fetcher.endpointUrl ? [{ name: 'AWS_ENDPOINT_URL', value: props.fetcher.endpointUrl }] : []),
        ],
        envFrom: [{ secretRef: { name: props.fetcher.credentialsSecret } }],
        securityContext: HARDENED,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        volumeMount: [{ name: 'model-cache', mountPath: '/models' }, { name: 'tmp', mountPath: '/tmp' }],
      }],
      container: [{
        name: 'inference',
        image: props.image,
        imagePullPolicy: 'IfNotPresent',
        env: [
          { name: 'MODEL_DIR', value: modelDir },
          { name: 'MODEL_NAME', value: props.model.name },
          { name: 'MODEL_VERSION', value: props.model.version },
        ],
        port: [{ name: 'http', containerPort: props.port }],
        readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' }, periodSeconds: 10 },
        livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' }, periodSeconds: 20, failureThreshold: 3 },
        resources: { requests: { cpu: props.cpu, memory: props.memory }, limits: { cpu: props.cpu, memory: props.memory } },
        securityContext: HARDENED,
        volumeMount: [{ name: 'model-cache', mountPath: '/models', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
      }],
      volume: [cacheVolume, { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
    };
    const labels = { ...appLabels, ...siteLabels, 'ml-platform.io/model-version': props.model.version };
    const metadata = { name: props.fleetName, namespace: ns, labels };
    const template = { metadata: { labels }, spec: podSpec };
    this.workload = daemon
      ? new DaemonSetV1(this, 'daemonset', { provider, metadata, spec: { selector: { matchLabels: appLabels }, template } })
      : new DeploymentV1(this, 'deployment', {
        provider, metadata,
        // Offline-first rollout: the new pod starts before the old one stops, so a site that cannot pull the new
        // image or fetch the new model (uplink down) keeps serving the old version. The cache volume is
        // ReadWriteOnce, which both pods share on a one-node site; where the new pod does not fit, it waits.
        spec: {
          replicas: String(props.replicas), selector: { matchLabels: appLabels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } }, template,
        },
      });

    new NetworkPolicyV1(this, 'network-policy', {
      provider,
      metadata: { name: `${props.fleetName}-inference`, namespace: ns },
      spec: {
        podSelector: { matchLabels: appLabels },
        policyTypes: ['Ingress'],
        // Local clients on the site network call the model; only the serving port is open.
        ingress: [{ ports: [{ port: String(props.port), protocol: 'TCP' }] }],
      },
    });

    if (props.metrics) this.metricsAgent(props, ns, siteLabels);
  }

  private cacheClaim(props: SiteWorkloadProps, namespace: string): PersistentVolumeClaimV1 {
    return new PersistentVolumeClaimV1(this, 'model-cache', {
      provider: this.provider,
      metadata: { name: `${props.fleetName}-model-cache`, namespace },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: props.cacheSize } },
        ...(props.storageClass ? { storageClassName: props.storageClass } : {}),
      },
      waitUntilBound: false,
      // The cache survives workload changes; deleting it forces every model to be fetched again.
      lifecycle: { preventDestroy: true },
    });
  }

  /** A Prometheus agent (no local storage beyond its WAL) that scrapes the workload and remote-writes centrally. */
  private metricsAgent(props: SiteWorkloadProps, ns: string, siteLabels: Record<string, string>): void {
    const metrics = props.metrics!;
    const provider = this.provider;
    const name = `${props.fleetName}-metrics-agent`;
    const config = {
      // `workload` is the label the central alert rules and dashboards key on (the monitoring contract).
      global: { scrape_interval: '30s', external_labels: { site: props.site, ring: props.ring, fleet: props.fleetName, workload: `${props.fleetName}-edge` } },
      scrape_configs: [{
        job_name: `${props.fleetName}-inference`,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [props.namespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'], regex: 'inference', action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
        ],
      }],
      remote_write: [{
        url: metrics.remoteWriteUrl,
        basic_auth: { username: metrics.username, password_file: '/etc/remote-write/password' },
      }],
    };
    const configMap = new ConfigMapV1(this, 'agent-config', {
      provider,
      metadata: { name, namespace: ns },
      // JSON is valid YAML; promtool and Prometheus read it as prometheus.yml.
      data: { 'prometheus.yml': JSON.stringify(config, null, 2) },
    });
    const account = new ServiceAccountV1(this, 'agent-sa', { provider, metadata: { name, namespace: ns }, automountServiceAccountToken: false });
    const role = new RoleV1(this, 'agent-role', {
      provider,
      metadata: { name, namespace: ns },
      rule: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new RoleBindingV1(this, 'agent-binding', {
      provider,
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: ns }],
    });
    const labels = { 'app.kubernetes.io/name': name, ...siteLabels };
    new DeploymentV1(this, 'agent', {
      provider,
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: '1',
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: account.metadata.name,
            // The agent needs its token to list pods for service discovery.
            automountServiceAccountToken: true,
            nodeSelector: { 'kubernetes.io/arch': props.architecture },
            securityContext: { runAsNonRoot: true, runAsUser: '65534', runAsGroup: '65534', fsGroup: '65534', seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'prometheus-agent',
              image: metrics.agentImage,
              args: ['--agent', '--config.file=/etc/prometheus/prometheus.yml', '--storage.agent.path=/wal'],
              port: [{ name: 'http', containerPort: 9090 }],
              readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' } },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
              securityContext: HARDENED,
              volumeMount: [
                { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
                { name: 'remote-write', mountPath: '/etc/remote-write', readOnly: true },
                { name: 'wal', mountPath: '/wal' },
              ],
            }],
            volume: [
              { name: 'config', configMap: { name: configMap.metadata.name } },
              { name: 'remote-write', secret: { secretName: metrics.credentialsSecret } },
              // The WAL buffers samples while the uplink is down (Prometheus agent retries remote write).
              { name: 'wal', emptyDir: { sizeLimit: '1Gi' } },
            ],
          },
        },
      },
    });
    new NetworkPolicyV1(this, 'agent-network-policy', {
      provider,
      metadata: { name, namespace: ns },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, policyTypes: ['Ingress'], ingress: [] },
    });
  }
}
