import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { DeploymentV1, DeploymentV1SpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { KubernetesTarget } from '../core/kubernetes-target';
import { ContainerEnv, ModelAccess } from '../core/model-source';
import { nodeAgent } from '../core/private/workloads';
import type { SecretKeyRef } from '../core/secrets';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext, rootContainerSecurityContext } from '../core/private/security-context';
import { suppress } from '../governance/suppressions';
import { EdgeAccelerator, EdgeAcceleratorConfig } from './accelerator';
import { Architecture, EdgeWorkloadKind } from './site';

/** The model version a site runs, and what its fetcher needs to read it (from the source's binding). */
export interface SiteModel {
  /** The model's name in its source. */
  readonly name: string;
  /** The version the site runs. */
  readonly version: string;
  /** Where the fetcher reads the version (`s3://`, `gs://` or `models:/`). */
  readonly uri: string;
  /** Environment and secret mounts the source asks the fetcher for. @default - none */
  readonly access?: ModelAccess;
}

/** How a site fetches model versions, resolved by the fleet. */
export interface SiteModelFetcher {
  /** The fetcher image (the scheme's tool, `/bin/sh`, python). */
  readonly image: string;
  /** The existing secret at the site whose keys become the fetcher's environment (read-only credentials). */
  readonly credentialsSecret: string;
  /** An S3-compatible endpoint on the site network. @default - the source's */
  readonly endpointUrl?: string;
}

/** How a site's Prometheus agent forwards metrics, resolved by the fleet. */
export interface SiteMetricsForwarding {
  /** The central remote-write endpoint (https). */
  readonly remoteWriteUrl: string;
  /** Basic-auth user name. */
  readonly username: string;
  /** The basic-auth password: a key of an existing secret at the site. */
  readonly password: SecretKeyRef;
  /** The Prometheus image the agent runs. */
  readonly agentImage: string;
}

/** Everything a site needs, resolved by the fleet. */
export interface SiteWorkloadProps {
  readonly fleetName: string;
  readonly site: string;
  readonly ring: string;
  readonly architecture: Architecture;
  /** @default EdgeAccelerator.NONE */
  readonly accelerator?: EdgeAccelerator;
  readonly kind: EdgeWorkloadKind;
  readonly kubeconfigPath: string;
  readonly context: string;
  readonly namespace: string;
  /** The version the site runs, and what its fetcher needs to read it (from the source's binding). */
  readonly model: SiteModel;
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly cacheSize: string;
  readonly storageClass?: string;
  readonly fetcher: SiteModelFetcher;
  /** @default - no metrics forwarding */
  readonly metrics?: SiteMetricsForwarding;
}

/**
 * The init container's script (`/bin/sh -c`, POSIX sh): offline-first, it fetches the pinned version only
 * when the cache lacks a complete copy. It downloads into a staging directory on the cache volume with the
 * scheme's tool (`aws s3` for s3://, an object or else a prefix; `gcloud storage` for gs://, likewise;
 * `mlflow artifacts download` for models:/), unpacks a single `.tar.gz`/`.tgz`/`.tar`/`.zip` (refusing
 * entries that escape the directory), fails when nothing was fetched, writes the marker (holding the URI)
 * and renames the directory into place, so a version directory is either absent or complete. Markers of
 * earlier releases (`.complete`, written even when nothing was copied) are not trusted. Reads `MODEL_URI`,
 * `MODEL_NAME`, `MODEL_VERSION`, `MODEL_DIR` and `MODEL_CACHE`; needs python (python3 or python) besides the
 * tool. No "$" + "{" anywhere: Terraform would read it as an interpolation.
 */
export const FETCH_MODEL_SCRIPT = `set -eu
marker="$MODEL_DIR/.ml-platform-complete"
complete() { [ -f "$marker" ] && [ "$(cat "$marker")" = "$MODEL_URI" ]; }
if complete; then echo "fetch-model: $MODEL_URI is cached in $MODEL_DIR"; exit 0; fi
py=$(command -v python3 || command -v python || true)
if [ -z "$py" ]; then echo "fetch-model: the fetcher image needs python (python3 or python) to unpack and move the model" >&2; exit 1; fi
pod=$(cat /proc/sys/kernel/hostname 2>/dev/null || echo $$)
work="$MODEL_CACHE/.staging/$MODEL_NAME-$MODEL_VERSION-$pod"
rm -rf "$work"
mkdir -p "$work/download" "$(dirname "$MODEL_DIR")"
trap 'rm -rf "$work"' EXIT
dl="$work/download"
case "$MODEL_URI" in
  s3://*/) aws s3 sync --only-show-errors "$MODEL_URI" "$dl" ;;
  s3://*) aws s3 cp --only-show-errors "$MODEL_URI" "$dl/" || { echo "fetch-model: $MODEL_URI is not an object; fetching it as a prefix"; aws s3 sync --only-show-errors "$MODEL_URI/" "$dl"; } ;;
  gs://*/) gcloud storage rsync --recursive "$MODEL_URI" "$dl" ;;
  gs://*) gcloud storage cp "$MODEL_URI" "$dl/" || { echo "fetch-model: $MODEL_URI is not an object; fetching it as a prefix"; gcloud storage rsync --recursive "$MODEL_URI/" "$dl"; } ;;
  models:/*) mlflow artifacts download --artifact-uri "$MODEL_URI" --dst-path "$dl" ;;
  *) echo "fetch-model: cannot read $MODEL_URI; supported: s3://, gs://, models:/" >&2; exit 2 ;;
esac
model="$work/model"
archive=""
if [ "$(ls -A "$dl" | wc -l)" -eq 1 ]; then
  only="$dl/$(ls -A "$dl")"
  case "$only" in *.tar.gz|*.tgz|*.tar|*.zip) if [ -f "$only" ]; then archive="$only"; fi ;; esac
fi
if [ -n "$archive" ]; then
  mkdir "$model"
  "$py" - "$archive" "$model" <<'PY'
import os, sys, tarfile, zipfile
src, root = sys.argv[1], os.path.realpath(sys.argv[2])
def check(name, link=None):
    path = os.path.join(root, name)
    targets = [path] + ([] if link is None else [os.path.join(os.path.dirname(path), link)])
    for t in targets:
        real = os.path.realpath(t)
        if os.path.isabs(name) or (link is not None and os.path.isabs(link)) or (real != root and not real.startswith(root + os.sep)):
            sys.exit('fetch-model: refusing to extract %s: it points outside the model directory' % name)
if zipfile.is_zipfile(src):
    with zipfile.ZipFile(src) as z:
        for n in z.namelist():
            check(n)
        z.extractall(root)
else:
    with tarfile.open(src) as t:
        for m in t.getmembers():
            if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
                sys.exit('fetch-model: refusing to extract %s: not a file, directory or link' % m.name)
            check(m.name, m.linkname if m.issym() else None)
            if m.islnk():
                check(m.linkname)
        t.extractall(root)
PY
else
  mv "$dl" "$model"
fi
if [ -z "$(ls -A "$model")" ]; then
  echo "fetch-model: nothing was fetched from $MODEL_URI; check the URI and the credentials" >&2
  exit 1
fi
printf '%s' "$MODEL_URI" > "$model/.ml-platform-complete"
if complete; then echo "fetch-model: another pod completed $MODEL_DIR"; exit 0; fi
rm -rf "$MODEL_DIR"
if ! "$py" -c 'import os, sys; os.rename(sys.argv[1], sys.argv[2])' "$model" "$MODEL_DIR"; then
  if complete; then echo "fetch-model: another pod completed $MODEL_DIR"; exit 0; fi
  exit 1
fi
echo "fetch-model: $MODEL_URI is in $MODEL_DIR"
`;

/** The completion marker the fetch script writes into a version directory. */
export const MODEL_COMPLETE_MARKER = '.ml-platform-complete';

/** The file the agent reads the remote-write password from, in `/etc/remote-write`. */
const REMOTE_WRITE_PASSWORD_FILE = 'password';

/** The user and group the fetcher and the inference server run as (distroless `nonroot`). */
const POD_USER = 65532;

/**
 * The DaemonSet mode's first init container (`/bin/sh -c`): hands the node's cache directory to the pod user.
 * The kubelet creates a `DirectoryOrCreate` hostPath as root with mode 0755, and `fsGroup` does not apply to
 * hostPath volumes, so without it the fetcher (uid 65532) cannot write its first file. Only the top directory
 * changes owner: everything below it is written by the fetcher.
 */
export const PREPARE_CACHE_SCRIPT = `set -eu
if [ "$(stat -c %u:%g /models)" != "${POD_USER}:${POD_USER}" ]; then chown ${POD_USER}:${POD_USER} /models; fi
echo "prepare-cache: /models belongs to ${POD_USER}:${POD_USER}"
`;

/**
 * One site's model workload: namespace, model cache, an init container that fetches the pinned model version
 * only when the cache lacks it (so a site that lost its uplink keeps serving what it has), the inference
 * Deployment or DaemonSet pinned to the site's architecture (and accelerator: a Jetson's GPU through the NVIDIA
 * runtime and device plugin), a NetworkPolicy, and a Prometheus agent that remote-writes metrics to the central
 * MonitoringStack labelled with the site and ring.
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
    const accelerator = (props.accelerator ?? EdgeAccelerator.NONE).bind(this, provider);
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
          'baseline forbids; the fetcher and the server run non-root, without privilege escalation and with every capability ' +
          'dropped; only the prepare-cache init step runs as root, with CHOWN alone, to hand the cache directory to them.',
      });
    }
    const ns = this.namespace.metadata.name;

    const cacheVolume = daemon
      ? { name: 'model-cache', hostPath: { path: `/var/lib/ml-platform/${props.fleetName}/models`, type: 'DirectoryOrCreate' } }
      : { name: 'model-cache', persistentVolumeClaim: { claimName: this.cacheClaim(props, ns).metadata.name } };
    const modelDir = `/models/${props.model.name}/${props.model.version}`;
    const access = props.model.access ?? { env: [], secretVolumes: [], granted: false };
    const secretVolumes = access.secretVolumes ?? [];
    const endpointEnv: ContainerEnv[] = props.fetcher.endpointUrl
      // The fleet's endpoint (a store on the site network: MinIO, Ceph RGW) wins over the source's.
      ? [{ name: 'AWS_ENDPOINT_URL', value: props.fetcher.endpointUrl }, { name: 'AWS_ENDPOINT_URL_S3', value: props.fetcher.endpointUrl }]
      : [];
    const prepareCache = daemon ? [{
      name: 'prepare-cache',
      image: props.fetcher.image,
      command: ['/bin/sh', '-c', PREPARE_CACHE_SCRIPT],
      // Root without root's powers: every capability dropped but CHOWN, so it can change the owner of the cache
      // directory and nothing else (not even read files it does not own).
      securityContext: rootContainerSecurityContext('CHOWN'),
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      volumeMount: [{ name: 'model-cache', mountPath: '/models' }],
    }] : [];
    const podSpec: DeploymentV1SpecTemplateSpec = {
      automountServiceAccountToken: false,
      nodeSelector: { 'kubernetes.io/arch': props.architecture, ...accelerator.nodeSelector },
      ...(accelerator.runtimeClassName ? { runtimeClassName: accelerator.runtimeClassName } : {}),
      ...(accelerator.tolerations.length ? { toleration: accelerator.tolerations.map((t) => ({ ...t })) } : {}),
      // fsGroup makes the PersistentVolumeClaim cache writable; it does not apply to hostPath (see prepare-cache).
      securityContext: restrictedPodSecurityContext(POD_USER),
      initContainer: [...prepareCache, {
        name: 'fetch-model',
        image: props.fetcher.image,
        command: ['/bin/sh', '-c', FETCH_MODEL_SCRIPT],
        env: uniqueEnv([
          { name: 'MODEL_URI', value: props.model.uri },
          { name: 'MODEL_NAME', value: props.model.name },
          { name: 'MODEL_VERSION', value: props.model.version },
          { name: 'MODEL_DIR', value: modelDir },
          { name: 'MODEL_CACHE', value: '/models' },
          { name: 'HOME', value: '/tmp' },
          // gcloud writes its configuration; the root filesystem is read-only.
          { name: 'CLOUDSDK_CONFIG', value: '/tmp/gcloud' },
          ...access.env,
          ...endpointEnv,
        ]),
        envFrom: [{ secretRef: { name: props.fetcher.credentialsSecret } }],
        securityContext: hardenedContainerSecurityContext(),
        // MLflow's client and gcloud are Python programs: 256Mi is too little for them.
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        volumeMount: [
          { name: 'model-cache', mountPath: '/models' },
          { name: 'tmp', mountPath: '/tmp' },
          ...secretVolumes.map((m) => ({ name: m.volumeName, mountPath: m.mountPath, readOnly: true })),
        ],
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
        // An accelerator's device (Jetson: `nvidia.com/gpu`) is requested and limited alike: extended resources
        // cannot be overcommitted.
        resources: {
          requests: { cpu: props.cpu, memory: props.memory, ...accelerator.resources },
          limits: { cpu: props.cpu, memory: props.memory, ...accelerator.resources },
        },
        securityContext: hardenedContainerSecurityContext(),
        volumeMount: [{ name: 'model-cache', mountPath: '/models', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
      }],
      volume: [
        cacheVolume,
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
        ...secretVolumes.map((m) => ({ name: m.volumeName, secret: { secretName: m.credentialsSecret, defaultMode: '0440' } })),
      ],
    };
    const labels = { ...appLabels, ...siteLabels, 'ml-platform.io/model-version': props.model.version };
    const metadata = { name: props.fleetName, namespace: ns, labels };
    const template = { metadata: { labels }, spec: podSpec };
    // Offline-first rollout: the new pod starts before the old one stops, so a site that cannot pull the new
    // image or fetch the new model (uplink down) keeps serving the old version. The cache volume is
    // ReadWriteOnce, which both pods share on a one-node site; where the new pod does not fit, it waits. An
    // accelerator with no device to spare for the surge pod (a Jetson without time-slicing) would keep it pending
    // forever, and the apply with it: there the old pod stops first.
    const surge = accelerator.podsPerSite === undefined || props.replicas < accelerator.podsPerSite;
    const rollingUpdate = surge ? { maxSurge: '1', maxUnavailable: '0' } : { maxSurge: '0', maxUnavailable: '1' };
    this.workload = daemon
      ? nodeAgent(this, 'daemonset', {
        target: KubernetesTarget.fromProvider(provider, { clusterName: props.site, namespace: props.namespace }),
        dependsOn: [this.namespace],
        name: props.fleetName, namespace: ns, labels, selector: appLabels, pod: podSpec,
        // The site's model server is an application that runs on every node, not an agent the node needs.
        critical: false,
      })
      : new DeploymentV1(this, 'deployment', {
        provider, metadata,
        spec: {
          replicas: String(props.replicas), selector: { matchLabels: appLabels },
          strategy: { type: 'RollingUpdate', rollingUpdate }, template,
        },
      });
    if (daemon) {
      suppress(this.workload, 'k8s-run-as-non-root', {
        reason: 'Only the prepare-cache init container runs as root, with every capability dropped but CHOWN, to hand the ' +
          'hostPath cache directory (created root-owned by the kubelet; fsGroup does not apply to hostPath) to the pod user 65532.',
      });
    }

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

    if (props.metrics) this.metricsAgent(props, ns, siteLabels, accelerator.tolerations);
  }

  /**
   * The model cache survives workload changes (the claim is its own resource), but it is a cache: deleting it, or the
   * site's namespace, only makes the site fetch its models again. It is not protected, so a site leaves the fleet
   * in one change.
   */
  private cacheClaim(props: SiteWorkloadProps, namespace: string): PersistentVolumeClaimV1 {
    const claim = new PersistentVolumeClaimV1(this, 'model-cache', {
      provider: this.provider,
      metadata: { name: `${props.fleetName}-model-cache`, namespace },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: props.cacheSize } },
        ...(props.storageClass ? { storageClassName: props.storageClass } : {}),
      },
      waitUntilBound: false,
    });
    suppress(claim, 'ml-stateful-resource-protected', {
      reason: 'A model cache: deleting it only makes the site download its released models again from the registry',
    });
    return claim;
  }

  /** A Prometheus agent (no local storage beyond its WAL) that scrapes the workload and remote-writes centrally. */
  private metricsAgent(props: SiteWorkloadProps, ns: string, siteLabels: Record<string, string>, tolerations: EdgeAcceleratorConfig['tolerations']): void {
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
        basic_auth: { username: metrics.username, password_file: `/etc/remote-write/${REMOTE_WRITE_PASSWORD_FILE}` },
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
            // On a one-node Jetson site tainted for GPU pods, the agent runs there too.
            ...(tolerations.length ? { toleration: tolerations.map((t) => ({ ...t })) } : {}),
            securityContext: restrictedPodSecurityContext(65534),
            container: [{
              name: 'prometheus-agent',
              image: metrics.agentImage,
              args: ['--agent', '--config.file=/etc/prometheus/prometheus.yml', '--storage.agent.path=/wal'],
              port: [{ name: 'http', containerPort: 9090 }],
              readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' } },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
              securityContext: hardenedContainerSecurityContext(),
              volumeMount: [
                { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
                { name: 'remote-write', mountPath: '/etc/remote-write', readOnly: true },
                { name: 'wal', mountPath: '/wal' },
              ],
            }],
            volume: [
              { name: 'config', configMap: { name: configMap.metadata.name } },
              // Only the password's key, under a fixed file name.
              { name: 'remote-write', secret: { secretName: metrics.password.name, items: [{ key: metrics.password.key, path: REMOTE_WRITE_PASSWORD_FILE }] } },
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

/** Env with one entry per name; a later entry replaces an earlier one in place. */
function uniqueEnv(env: ContainerEnv[]): ContainerEnv[] {
  const byName = new Map<string, ContainerEnv>();
  for (const e of env) byName.set(e.name, e);
  return [...byName.values()];
}
