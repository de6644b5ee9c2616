import { Annotations, ITerraformDependable } from 'cdktf';
import { Wiring } from '../core/wiring';
import { Construct, IConstruct } from 'constructs';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Peer } from '../core/connections';
import { Validator } from '../core/errors';
import { checkPinnedImage, defaultImage } from '../core/images';
import { IKubernetesTarget, KubernetesTarget } from '../core/kubernetes-target';
import { IMonitorable, isMonitorable, MonitoredKind, MonitoredWorkload, ScrapeTarget } from '../core/monitoring-contract';
import { checkSecretKeyRef, checkSecretName } from '../core/private/secrets';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Cpu, Duration, Size } from '../core/units';
import { WorkloadIdentity } from '../core/workload-identity';
import { AlertmanagerServer, ALERTMANAGER_PORT } from './alertmanager';
import { dashboardUid, workloadDashboard } from './dashboards';
import { DcgmExporter, DCGM_EXPORTER_PORT, nvidiaGpuNodes } from './dcgm-exporter';
import { DRIFT_JOB_LABELS, DriftDetectionProps, DriftJob, Pushgateway, PUSHGATEWAY_PORT } from './drift-job';
import { GrafanaAdminCredentials, GrafanaServer } from './grafana';
import { DEFAULT_MONITORING_IMAGES, MonitoringImages } from './images';
import { MonitoringNetworkPolicies } from './network-policies';
import { componentSelector } from './private/pod-security';
import { DriftEndpoint, driftInputsOf, grantDriftReads, planDriftReads } from './private/drift-inputs';
import { PrometheusServer, PROMETHEUS_PORT } from './prometheus';
import { AlertmanagerHost, alertmanagerConfig, AlertRouting, validateRouting } from './receivers';
import { AlertRuleGroup, alertRuleGroups, renderRuleFile } from './rules';
import { prometheusConfig } from './scrape';
import { Contracts } from '../contracts/contracts';
import { AlertThresholds, ResolvedThresholds, resolveThresholds } from './thresholds';
import { collectWorkloads, discoverMonitorables } from './workloads';

/** Grafana settings. */
export interface MonitoringGrafanaProps {
  /**
   * The admin user and password, keys of existing Secrets in the monitoring namespace (never created or read by
   * Terraform), e.g. `{ password: { name: 'grafana-admin', key: 'admin-password' } }`. Who may open Grafana is
   * `monitoring.grafana.connections`' business (nobody but `kubectl port-forward` by default).
   */
  readonly adminCredentials: GrafanaAdminCredentials;
  /** Volume for Grafana's database. @default Size.gibibytes(10) */
  readonly storage?: Size;
}

/** Props for {@link MonitoringStack}. */
export interface MonitoringStackProps {
  /**
   * The cluster and namespace the stack lands in, e.g. `cluster.kubernetes.inNamespace('monitoring')`.
   * Its GPU nodes decide where the DCGM exporter runs.
   */
  readonly target: IKubernetesTarget;
  /**
   * The constructs to watch; each implements IMonitorable. `MonitoringStack.discover(stack)` finds them all.
   * @default - none: the stack watches only itself and, with GPU nodes, the GPUs
   */
  readonly watch?: IConstruct[];
  /** Where alerts go, by severity, and the optional retraining hook. */
  readonly alerting: AlertRouting;
  readonly grafana: MonitoringGrafanaProps;
  /** @default - see AlertThresholds */
  readonly thresholds?: AlertThresholds;
  /**
   * Create the namespace (Pod Security `restricted` enforced). Set false to use one that exists.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Terraform `prevent_destroy` on the namespace and on Grafana's volume claim: deleting the namespace deletes the
   * Prometheus, Alertmanager and Grafana volumes in it. (The StatefulSets' own claims are retained when a StatefulSet
   * is deleted.) @default true
   */
  readonly protectFromDeletion?: boolean;
  /** How long Prometheus keeps samples. @default Duration.days(15) */
  readonly retention?: Duration;
  /** Prometheus volume size. @default Size.gibibytes(100) */
  readonly storage?: Size;
  /** Size at which Prometheus drops the oldest blocks; below `storage`. @default - 85% of storage */
  readonly retentionSize?: Size;
  /** StorageClass of the Prometheus, Alertmanager and Grafana volumes. @default - the cluster's default */
  readonly storageClassName?: string;
  /** @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /** Prometheus CPU request (the limit is twice this). @default Cpu.cores(1) */
  readonly prometheusCpu?: Cpu;
  /** Prometheus memory request and limit; grows with active series. @default Size.gibibytes(4) */
  readonly prometheusMemory?: Size;
  /**
   * Skip verifying kubelet serving certificates when scraping cAdvisor (self-signed kubelet certificates on
   * some on-prem clusters). EKS and GKE kubelets present certificates signed by the cluster CA.
   * @default - from the target: verified where kubelets are signed by the cluster CA (EKS, GKE), skipped for
   *   self-signed kubelets (kubeadm's default, on-prem and edge targets)
   */
  readonly kubeletInsecureSkipVerify?: boolean;
  /** Run the DCGM exporter on the GPU nodes. @default true where the target has NVIDIA GPU nodes */
  readonly gpuMonitoring?: boolean;
  /** Drift jobs for inference endpoints that name their datasets. @default - no drift jobs */
  readonly driftDetection?: DriftDetectionProps;
  /**
   * Accept metrics by Prometheus remote write (`/api/v1/write`), e.g. from edge sites' Prometheus agents behind
   * your ingress controller (with TLS and basic auth at the ingress). Admit the writers with
   * `monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'))`: a receiver nobody
   * may reach is an error at synth. @default false
   */
  readonly remoteWriteReceiver?: boolean;
  /**
   * Deploy the Pushgateway even without drift jobs, for batch jobs that push metrics (e.g. feature materialization
   * jobs publishing `ml_feature_materialization_last_success_timestamp_seconds`); admit them with
   * `monitoring.pushgateway.connections.allowDefaultPortFrom(Peer.namespace('features'))`.
   * @default - only where drift jobs run
   */
  readonly pushgateway?: boolean;
  /** @default - see MonitoringImages */
  readonly images?: MonitoringImages;
}

/** The files a {@link MonitoringStack} generates, by ConfigMap key. */
export interface MonitoringFiles {
  /** prometheus.yml. */
  readonly prometheus: string;
  /** Rule files by name (`<group>.yml`). */
  readonly rules: Record<string, string>;
  /** alertmanager.yml. */
  readonly alertmanager: string;
  /** Dashboards by file name (`<uid>.json`). */
  readonly dashboards: Record<string, string>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const CRON = /^(\S+\s+){4}\S+$/;

/**
 * Prometheus, Alertmanager and Grafana on any Kubernetes target, watching the ML workloads it is given:
 * for each it writes scrape configs, alert rules and a dashboard (no user-written PromQL). With GPU nodes it
 * runs the DCGM exporter; with `driftDetection` it runs a drift CronJob per endpoint and a Pushgateway.
 *
 * ```ts
 * new MonitoringStack(stack, 'monitoring', {
 *   target: cluster.kubernetes.inNamespace('monitoring'),
 *   watch: MonitoringStack.discover(stack),
 *   alerting: { critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty' })] },
 *   grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
 * });
 * monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
 * ```
 */
export class MonitoringStack extends Construct {
  /** Every IMonitorable below `scope`, for `watch`. Call it after the workloads are declared. */
  public static discover(scope: IConstruct): IMonitorable[] {
    return discoverMonitorables(scope);
  }

  /** The workloads watched, as their constructs described them. */
  public readonly workloads: MonitoredWorkload[];
  public readonly thresholds: ResolvedThresholds;
  /** The generated alert rules, one group per workload. */
  public readonly ruleGroups: AlertRuleGroup[];
  /** Generated files, by ConfigMap key: prometheus.yml, rule files, alertmanager.yml, dashboards. */
  public readonly files: MonitoringFiles;
  public readonly namespace?: NamespaceV1;
  public readonly prometheus: PrometheusServer;
  public readonly alertmanager: AlertmanagerServer;
  public readonly grafana: GrafanaServer;
  public readonly dcgmExporter?: DcgmExporter;
  public readonly pushgateway?: Pushgateway;
  /** The identity drift jobs run as: grant it read access to the datasets and prediction logs. */
  public readonly driftIdentity?: WorkloadIdentity;
  /** Drift CronJobs by endpoint name. */
  public readonly driftJobs: Record<string, DriftJob> = {};
  public readonly networkPolicies: MonitoringNetworkPolicies;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    if (!props || typeof props !== 'object' || !props.target) {
      v.add('target', props?.target, 'is required: a Kubernetes target such as cluster.kubernetes.inNamespace(\'monitoring\')');
      v.throwIfAny();
    }
    const target = props.target;
    const gpuNodes = nvidiaGpuNodes(target);
    const gpuMonitoring = props.gpuMonitoring ?? gpuNodes.length > 0;
    v.check(!(props.gpuMonitoring === true && gpuNodes.length === 0), 'gpuMonitoring', props.gpuMonitoring,
      `is on, but ${target.clusterName} has no NVIDIA GPU nodes in its target; describe them (pools) or leave gpuMonitoring unset`);
    for (const watched of props.watch ?? []) Wiring.connect(this, watched, 'metrics');
    // A retraining pipeline listed as a trigger is watched too: its runs are workloads like any other.
    const listedTriggers = Array.isArray(props.alerting?.retrainingPipelines) ? props.alerting.retrainingPipelines : [];
    const monitoredTriggers = listedTriggers.map((t, i) => ({ construct: t as unknown as IConstruct, prop: `alerting.retrainingPipelines[${i}]` }))
      .filter((e) => isMonitorable(e.construct));
    for (const t of listedTriggers) Wiring.connect(t as unknown as IConstruct, this, 'retrain alerts');
    const workloads = collectWorkloads(v, props.watch, {
      alsoWatch: monitoredTriggers,
      clusterName: target.clusterName,
      gpuMetricsAvailable: gpuMonitoring,
      noGpuReason: gpuNodes.length === 0
        ? `${target.clusterName} has no NVIDIA GPU nodes in its target; describe them on the cluster or set usesGpus false`
        : 'gpuMonitoring is off; turn it on to collect DCGM metrics',
    });
    const thresholds = resolveThresholds(v, 'thresholds', props.thresholds);
    validateRouting(v, 'alerting', props.alerting, { host: AlertmanagerHost.KUBERNETES });
    const admin = props.grafana?.adminCredentials;
    if (v.check(!!admin && typeof admin === 'object', 'grafana.adminCredentials', admin,
      'is required: keys of the existing Secret with Grafana\'s admin login, e.g. { password: { name: \'grafana-admin\', key: \'admin-password\' } }')) {
      checkSecretKeyRef(v, 'grafana.adminCredentials.password', admin.password, '{ name: "grafana-admin", key: "admin-password" }');
      checkSecretKeyRef(v, 'grafana.adminCredentials.user', admin.user, '{ name: "grafana-admin", key: "admin-user" }', true);
    }
    reportReplacedProps(v, props);
    const createNamespace = props.createNamespace ?? true;
    v.check(!createNamespace || !SYSTEM_NAMESPACES.includes(target.namespace), 'target.namespace', target.namespace,
      'is a namespace Kubernetes owns; use target.inNamespace(\'monitoring\') or set createNamespace: false');
    const storage = props.storage ?? Size.gibibytes(100);
    const retention = props.retention ?? Duration.days(15);
    const scrapeInterval = props.scrapeInterval ?? Duration.seconds(30);
    const typesOk = [
      v.check(retention instanceof Duration, 'retention', retention, 'must be a Duration, e.g. Duration.days(15)'),
      v.check(storage instanceof Size, 'storage', storage, 'must be a Size, e.g. Size.gibibytes(100)'),
      v.check(props.retentionSize === undefined || props.retentionSize instanceof Size, 'retentionSize', props.retentionSize, 'must be a Size, e.g. Size.gibibytes(85)'),
      v.check(scrapeInterval instanceof Duration, 'scrapeInterval', scrapeInterval, 'must be a Duration, e.g. Duration.seconds(30)'),
    ].every(Boolean);
    if (typesOk) {
      v.check(retention.toSeconds() > 0, 'retention', retention, 'must be longer than 0; use e.g. Duration.days(15)');
      v.check(storage.toMebibytes() >= 1024, 'storage', storage, 'must be at least Size.gibibytes(1)');
      const size = props.retentionSize ?? Size.mebibytes(Math.floor(storage.toMebibytes() * 0.85));
      v.check(size.toMebibytes() > 0 && size.toMebibytes() < storage.toMebibytes(), 'retentionSize', size,
        `must be above 0 and below storage (${storage}) so Prometheus trims before the volume fills`);
      v.check(scrapeInterval.toSeconds() >= 5 && scrapeInterval.toSeconds() <= 300, 'scrapeInterval', scrapeInterval, 'must be from 5s to 5m');
    }
    const drift = props.driftDetection;
    if (drift) {
      checkPinnedImage(v, 'driftDetection.image', drift.image, { required: true, fix: 'must be pinned to a release tag or a digest, not latest or untagged' });
      v.matches('driftDetection.schedule', drift.schedule, CRON, 'must be a five-field cron schedule such as "0 * * * *"');
      for (const key of ['lookback', 'staleAfter', 'timeout'] as const) {
        const d = drift[key];
        if (d !== undefined) v.check(d instanceof Duration && d.toSeconds() > 0, `driftDetection.${key}`, d, 'must be a Duration longer than 0');
      }
      checkSecretName(v, 'driftDetection.credentialsSecret', drift.credentialsSecret);
    }
    const endpoints = workloads.filter((w) => w.kind === MonitoredKind.INFERENCE_ENDPOINT);
    const driftEndpoints: DriftEndpoint[] = drift ? endpoints.flatMap((w) => {
      const inputs = driftInputsOf(w);
      return inputs ? [{ name: w.name, inputs }] : [];
    }) : [];
    const driftReads = drift ? planDriftReads(v, target, drift.credentialsSecret, driftEndpoints) : [];
    v.check(!(props.pushgateway === false && driftEndpoints.length > 0), 'pushgateway', props.pushgateway,
      `is false, but the drift jobs of ${driftEndpoints.map((e) => e.name).join(', ')} push their metrics to it; leave pushgateway unset or remove driftDetection`);
    v.throwIfAny();
    this.reportEndpointsWithoutDrift(endpoints, drift !== undefined);
    const retentionSize = props.retentionSize ?? Size.mebibytes(Math.floor(storage.toMebibytes() * 0.85));

    // ---- model: workloads → rules, scrape configs, dashboards ----
    this.workloads = workloads;
    this.thresholds = thresholds;
    const staleAfter = drift?.staleAfter ?? Duration.hours(3);
    const triggers = props.alerting.retrainingPipelines ?? [];
    // Triggers that are not watchable workloads bring their own rules and scrape targets.
    const opaqueTriggers = triggers.filter((t) => !isMonitorable(t));
    const scraped = scrapedWorkloads(workloads, opaqueTriggers.flatMap((t) => t.triggerScrapeTargets), target.clusterName);
    // The workflow controllers the pipelines share: scraped once, their availability rules once.
    const controllers = scraped.filter((w) => w.kind === MonitoredKind.RETRAINING_PIPELINE);
    this.ruleGroups = [
      ...alertRuleGroups([...workloads, ...controllers], thresholds, { driftJobs: Object.fromEntries(driftEndpoints.map((w) => [w.name, staleAfter])) }),
      ...opaqueTriggers.flatMap((t) => t.triggerRuleGroups),
    ];
    // A default goes through the app's registry mirrors; an image the user set is used as it is.
    const image = (key: keyof MonitoringImages) => props.images?.[key] ?? defaultImage(this, DEFAULT_MONITORING_IMAGES[key]);
    const images: Required<MonitoringImages> = {
      prometheus: image('prometheus'), alertmanager: image('alertmanager'), grafana: image('grafana'), pushgateway: image('pushgateway'), dcgmExporter: image('dcgmExporter'),
    };
    const ns = target.namespace;

    // ---- resources ----
    if (createNamespace) {
      this.namespace = new NamespaceV1(this, 'namespace', {
        provider: target.providerFor(this),
        dependsOn: target.dependablesFor(this),
        metadata: {
          name: ns,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
        lifecycle: { preventDestroy: props.protectFromDeletion ?? true },
      });
    }
    const dependsOn: ITerraformDependable[] = [...target.dependablesFor(this), ...(this.namespace ? [this.namespace] : [])];
    const here = KubernetesTarget.derivedFrom(target, {
      clusterName: target.clusterName, namespace: ns, platform: target.platform, acceleratorNodes: target.acceleratorNodes,
      dependables: dependsOn, identity: target.identity,
    });

    if (gpuMonitoring) this.dcgmExporter = new DcgmExporter(this, 'dcgm-exporter', { target, dependsOn: target.dependablesFor(this), image: images.dcgmExporter });
    if (driftEndpoints.length > 0 || props.pushgateway === true) this.pushgateway = new Pushgateway(this, 'pushgateway', here, dependsOn, images.pushgateway);
    const alertmanagerAddress = `alertmanager.${ns}.svc:${ALERTMANAGER_PORT}`;

    const ruleFiles: Record<string, string> = {};
    for (const g of this.ruleGroups) ruleFiles[`${g.name}.yml`] = renderRuleFile([g]);
    const prometheusYml = prometheusConfig({
      clusterName: target.clusterName,
      scrapeInterval,
      workloads: scraped,
      alertmanager: alertmanagerAddress,
      dcgmNamespace: this.dcgmExporter?.namespace,
      pushgateway: this.pushgateway?.address,
      kubeletInsecureSkipVerify: props.kubeletInsecureSkipVerify,
      kubeletServingCertificates: target.kubeletServingCertificates,
    });
    const routing = props.alerting;
    const alertmanagerYml = alertmanagerConfig(this, routing, { host: AlertmanagerHost.KUBERNETES });
    const dashboards: Record<string, string> = {};
    for (const w of workloads) dashboards[`${dashboardUid(w.name)}.json`] = JSON.stringify(workloadDashboard(w), null, 2);
    this.files = { prometheus: prometheusYml, rules: ruleFiles, alertmanager: alertmanagerYml, dashboards };

    this.prometheus = new PrometheusServer(this, 'prometheus', {
      target: here, dependsOn, config: prometheusYml, ruleFiles, image: images.prometheus,
      retention, retentionSize, storage, storageClassName: props.storageClassName,
      cpu: props.prometheusCpu ?? Cpu.cores(1), memory: props.prometheusMemory ?? Size.gibibytes(4),
      remoteWriteReceiver: props.remoteWriteReceiver ?? false,
    });
    if (props.remoteWriteReceiver) this.checkRemoteWritersAtSynth();
    const receivers = [...routing.critical, ...(routing.warning ?? []), ...(routing.info ?? []), ...(routing.retraining ? [routing.retraining] : []),
      ...triggers.map((t) => t.triggerReceiver)];
    this.alertmanager = new AlertmanagerServer(this, 'alertmanager', {
      target: here, dependsOn, config: alertmanagerYml, secrets: receivers.flatMap((r) => r.secrets),
      image: images.alertmanager, storageClassName: props.storageClassName,
    });
    this.grafana = new GrafanaServer(this, 'grafana', {
      target: here, dependsOn, image: images.grafana, adminCredentials: props.grafana.adminCredentials,
      prometheusUrl: `http://${this.prometheus.address}`, dashboards,
      storage: props.grafana.storage ?? Size.gibibytes(10), storageClassName: props.storageClassName, protectFromDeletion: props.protectFromDeletion ?? true,
    });

    if (drift && driftEndpoints.length > 0) {
      this.driftIdentity = new WorkloadIdentity(this, 'drift-identity', { target: here, serviceAccountName: 'ml-drift', cloudName: 'ml-drift' });
      for (const { name, inputs } of driftEndpoints) {
        this.driftJobs[name] = new DriftJob(this, `drift-${name}`, {
          target: here, dependsOn, detection: drift, workload: name,
          referenceDatasetUri: inputs.referenceDataset.uri,
          predictionLogUri: inputs.predictionLog.uri,
          features: inputs.features,
          pushgatewayAddress: this.pushgateway!.address, serviceAccountName: 'ml-drift',
        });
        for (const data of [inputs.referenceDataset, inputs.predictionLog]) Wiring.connect(this, data.store, 'drift inputs');
      }
      grantDriftReads(this, this.driftIdentity, driftReads);
    }

    // ---- network isolation ----
    const np = new MonitoringNetworkPolicies(this, 'network-policies', target.providerFor(this), dependsOn, ns);
    this.networkPolicies = np;
    // The stack's own flows; clients come in through the components' `connections`.
    const prometheusPods = Peer.pods(componentSelector('prometheus'));
    const prometheusIngress = np.allow({ name: 'prometheus-ingress', namespace: ns, podSelector: componentSelector('prometheus'), port: PROMETHEUS_PORT, from: [Peer.pods(componentSelector('grafana'))] });
    // Clients once admitted here have their own policies now: they are applied before this one loses them.
    this.prometheus.connections.isolatedBy(prometheusIngress);
    np.allow({ name: 'alertmanager-ingress', namespace: ns, podSelector: componentSelector('alertmanager'), port: ALERTMANAGER_PORT, from: [prometheusPods] });
    if (this.pushgateway) {
      np.allow({
        name: 'pushgateway-ingress', namespace: ns, podSelector: componentSelector('pushgateway'), port: PUSHGATEWAY_PORT,
        from: [prometheusPods, Peer.pods(componentSelector(DRIFT_JOB_LABELS['app.kubernetes.io/name']))],
      });
    }
    if (this.dcgmExporter) {
      np.allow({
        name: 'dcgm-exporter-allow-prometheus', namespace: this.dcgmExporter.namespace, podSelector: this.dcgmExporter.podSelector,
        port: DCGM_EXPORTER_PORT, from: [Peer.podsInNamespace(ns, componentSelector('prometheus'))],
      });
    }
    const admittedJobs = new Set<string>();
    const allowScrape = (s: ScrapeTarget) => {
      if (admittedJobs.has(s.jobName)) return; // a shared target (one workflow controller for several pipelines)
      admittedJobs.add(s.jobName);
      np.allowScrape(s);
    };
    for (const t of triggers) {
      if (opaqueTriggers.includes(t)) t.triggerScrapeTargets.forEach(allowScrape);
      t.admitAlertmanager({ workload: this.alertmanager.statefulSet, namespace: ns, podLabels: componentSelector('alertmanager') });
      // Alertmanager posts the retrain alerts to the pipeline's webhook: through the pipeline namespace's
      // policies (which admitAlertmanager's policy opens) and any egress policy on Alertmanager's pods.
      if (t.triggerEndpoint) {
        Contracts.network(this, {
          producer: Construct.isConstruct(t) ? t : t.triggerName, what: `retrain alerts to the webhook of ${t.triggerName}`,
          client: this.alertmanager.statefulSet, server: t.triggerEndpoint.workload, port: t.triggerEndpoint.port,
          fix: `list the pipeline in alerting.retrainingPipelines, which admits Alertmanager (namespace ${ns}, ` +
            `app.kubernetes.io/name=alertmanager) to the webhook port ${t.triggerEndpoint.port} with a NetworkPolicy in the pipeline's namespace; ` +
            'keep that policy and the pods\' labels, and let any egress policy on Alertmanager\'s pods reach that namespace and DNS',
        });
      }
    }
    for (const w of workloads) {
      for (const s of w.scrape ?? []) {
        allowScrape(s);
        if (!s.workload) continue;
        Contracts.network(this, {
          producer: `${w.kind} ${w.name}`, what: `metrics of scrape job ${s.jobName}`, client: this.prometheus.statefulSet, server: s.workload, port: s.portName,
          fix: `admit Prometheus (namespace ${ns}) to the ${s.portName} port in the workload's NetworkPolicy, or keep the pods' labels as the scrape target declares them`,
        });
      }
    }
  }

  /**
   * Checks at synth that someone may reach the remote-write receiver: writers are admitted after construction
   * (`prometheus.connections`), so the check waits until they all are.
   */
  private checkRemoteWritersAtSynth(): void {
    this.node.addValidation({
      validate: () => {
        const v = new Validator(this);
        v.check(this.prometheus.connections.allowed.length > 0, 'remoteWriteReceiver', true,
          'is on, but no writer may reach Prometheus; admit them, e.g. ' +
          'monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace(\'ingress-nginx\')), or turn the receiver off');
        // The library's one error type, as at construction (cdktf would wrap returned messages in its own).
        v.throwIfAny();
        return [];
      },
    });
  }

  /**
   * Says which watched endpoints get no drift job: with drift detection on, those that declare no drift
   * inputs (a warning: their drift alerts wait for metrics nothing pushes); with it off, those that declare
   * inputs that nothing reads.
   */
  private reportEndpointsWithoutDrift(endpoints: readonly MonitoredWorkload[], driftDetection: boolean): void {
    const missing = endpoints.filter((w) => (driftInputsOf(w) === undefined) === driftDetection).map((w) => w.name);
    if (missing.length === 0) return;
    if (driftDetection) {
      Annotations.of(this).addWarning(`${this.node.path}: no drift job for ${missing.join(', ')}: ` +
        'the endpoint declares no reference dataset and prediction log; set its drift prop ' +
        '(drift: { referenceDataset: DriftData.fromStore(...), predictionLog: DriftData.fromUri(...) }), or publish ' +
        'ml_feature_drift_score from the server itself');
    } else {
      Annotations.of(this).addInfo(`${this.node.path}: ${missing.join(', ')} declare drift inputs, but driftDetection is not set: ` +
        'no drift job runs; set driftDetection: { image } to run one per endpoint');
    }
  }
}

/** Props that were replaced, as JavaScript callers may still pass them: each names its replacement. */
const REPLACED_PROPS: Array<[string, (p: Record<string, any>) => unknown, string]> = [
  ['prometheusAccessFromNamespaces', (p) => p.prometheusAccessFromNamespaces,
    'was replaced by monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace(ns)) after construction'],
  ['remoteWriteFromNamespaces', (p) => p.remoteWriteFromNamespaces,
    'was replaced: set remoteWriteReceiver: true and admit the writers with monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace(ns))'],
  ['pushgatewayAccessFromNamespaces', (p) => p.pushgatewayAccessFromNamespaces,
    'was replaced: set pushgateway: true and admit the pushers with monitoring.pushgateway!.connections.allowDefaultPortFrom(Peer.namespace(ns))'],
  ['grafana.accessFromNamespaces', (p) => p.grafana?.accessFromNamespaces,
    'was replaced by monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace(ns)) after construction'],
  ['grafana.adminSecret', (p) => p.grafana?.adminSecret,
    'was replaced by grafana.adminCredentials: { password: { name, key }, user?: { name, key } } (the keys were admin-password and admin-user)'],
];

function reportReplacedProps(v: Validator, props: MonitoringStackProps): void {
  for (const [prop, read, fix] of REPLACED_PROPS) {
    const value = read(props as unknown as Record<string, any>);
    v.check(value === undefined, prop, value, fix);
  }
}

/**
 * The workloads as Prometheus scrapes them: each scrape target once. Retraining pipelines on one workflow controller
 * share its target: it is scraped in one job whose `workload` label is the job's name (the controller, not one
 * pipeline); the pipelines' rules select their own series by the `pipeline` label. Targets of triggers that are not
 * watchable workloads are scraped the same way.
 */
function scrapedWorkloads(workloads: readonly MonitoredWorkload[], triggerTargets: readonly ScrapeTarget[], clusterName: string): MonitoredWorkload[] {
  const shared = new Map<string, ScrapeTarget>();
  for (const w of workloads) if (w.kind === MonitoredKind.RETRAINING_PIPELINE) for (const s of w.scrape ?? []) if (!shared.has(s.jobName)) shared.set(s.jobName, s);
  for (const s of triggerTargets) if (!shared.has(s.jobName)) shared.set(s.jobName, s);
  return [
    ...workloads.filter((w) => w.kind !== MonitoredKind.RETRAINING_PIPELINE),
    ...[...shared.values()].map((s): MonitoredWorkload => ({ kind: MonitoredKind.RETRAINING_PIPELINE, name: s.jobName, clusterName, scrape: [s] })),
  ];
}
