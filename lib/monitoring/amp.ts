import { Annotations, Token } from 'cdktf';
import { Wiring } from '../core/wiring';
import { Construct, IConstruct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { GrafanaWorkspace } from '@cdktf/provider-aws/lib/grafana-workspace';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { PrometheusAlertManagerDefinition } from '@cdktf/provider-aws/lib/prometheus-alert-manager-definition';
import { PrometheusRuleGroupNamespace } from '@cdktf/provider-aws/lib/prometheus-rule-group-namespace';
import { PrometheusScraper } from '@cdktf/provider-aws/lib/prometheus-scraper';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { Validator } from '../core/errors';
import { policyDocument } from '../core/iam';
import { MonitoredWorkload } from '../core/monitoring-contract';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { Duration } from '../core/units';
import { dashboardUid, workloadDashboard } from './dashboards';
import { AlertmanagerHost, alertmanagerConfig, AlertRouting, validateRouting } from './receivers';
import { AlertRuleGroup, alertRuleGroups, renderRuleFile } from './rules';
import { AlertThresholds, ResolvedThresholds, resolveThresholds } from './thresholds';
import { prometheusConfig, SERVICE_ACCOUNT_DIR } from './scrape';
import { collectWorkloads } from './workloads';

/** Who may reach the Amazon Managed Grafana workspace. At least one list must be non-empty. */
export interface AmpGrafanaAccess {
  /** Interface VPC endpoints (com.amazonaws.<region>.grafana-workspace). @default - none */
  readonly vpceIds?: string[];
  /** Managed prefix lists of client CIDRs. @default - none */
  readonly prefixListIds?: string[];
}

/** Attributes of an EKS cluster for {@link AmpScrapeSource.fromAttributes}. */
export interface AmpScrapeSourceAttributes {
  /** The cluster's name, as the watched workloads name it (MonitoredWorkload `clusterName`). */
  readonly clusterName: string;
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** Subnets for the scraper's network interfaces: the cluster's, in at least two Availability Zones. */
  readonly subnetIds: string[];
  /** Security groups of those interfaces; they must reach the nodes and pods. @default - the VPC's default security group */
  readonly securityGroupIds?: string[];
}

/** An EKS cluster this library made, as {@link AmpScrapeSource.fromCluster} reads it (`EksTrainingCluster` is one). */
export interface AmpScrapeCluster {
  /** The cluster's name, as the watched workloads name it. */
  readonly clusterName: string;
  /** The cluster resource. */
  readonly cluster: EksCluster;
}

/** The files an {@link AmpMonitoring} generates. */
export interface AmpMonitoringFiles {
  /** The rule groups (Prometheus rule-file format). */
  readonly rules: string;
  /** The Alertmanager configuration. */
  readonly alertmanager: string;
  /** Dashboards by file name (`<uid>.json`). */
  readonly dashboards: Record<string, string>;
  /** The collector's scrape configuration (Prometheus YAML, written as JSON), where a collector is configured. */
  readonly scrapeConfiguration?: string;
}

/**
 * The EKS cluster an AMP managed collector scrapes: `AmpScrapeSource.fromCluster(eksTrainingCluster)` or
 * `AmpScrapeSource.fromAttributes({ clusterName, clusterArn, subnetIds })` for a cluster made elsewhere.
 *
 * The cluster must authenticate with access entries (authentication mode `API` or `API_AND_CONFIG_MAP`): AMP then
 * creates the scraper's access entry with the Kubernetes permissions it needs ("any scrapers you create through the
 * Amazon Managed Service for Prometheus API or CLI … will automatically have the correct access entry policy created
 * for you", AMP user guide, AMP-collector-how-to.html, "Configure Amazon EKS for scraper access with access entries").
 * Its endpoint must include private access and its VPC must resolve DNS (same page, "Create a scraper").
 */
export class AmpScrapeSource {
  /**
   * A cluster this library made (`EksTrainingCluster`): its ARN, its subnets and its cluster security group, which
   * EKS attaches to managed node groups (the AMP user guide's "Create a scraper" sets a scraper's security groups and
   * subnets to the cluster's). Checks the access configuration and the private endpoint.
   */
  public static fromCluster(cluster: AmpScrapeCluster): AmpScrapeSource {
    const eks = cluster.cluster;
    return new AmpScrapeSource(cluster.clusterName, eks.arn, eks.vpcConfig.subnetIds, [eks.vpcConfig.clusterSecurityGroupId], eks);
  }

  /** A cluster made elsewhere; its access configuration is yours to check. */
  public static fromAttributes(attributes: AmpScrapeSourceAttributes): AmpScrapeSource {
    return new AmpScrapeSource(attributes.clusterName, attributes.clusterArn, attributes.subnetIds, attributes.securityGroupIds);
  }

  private constructor(
    public readonly clusterName: string,
    public readonly clusterArn: string,
    public readonly subnetIds: string[],
    public readonly securityGroupIds?: string[],
    /** The cluster resource, where this library made it. */
    public readonly cluster?: EksCluster,
  ) {}

  /** Adds every problem with the source to `v`. */
  public validate(v: Validator, prop: string): void {
    checkResourceName(v, `${prop}.clusterName`, this.clusterName, 100);
    if (!Token.isUnresolved(this.clusterArn)) {
      v.matches(`${prop}.clusterArn`, this.clusterArn, /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/.+$/, 'must be an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>)');
    }
    if (Array.isArray(this.subnetIds) && !Token.isUnresolved(this.subnetIds)) {
      v.check(this.subnetIds.length >= 2, `${prop}.subnetIds`, this.subnetIds,
        'must name at least two subnets, in two Availability Zones (an AMP scraper needs both); pass the cluster\'s subnets');
    }
    const mode = this.cluster?.accessConfigInput?.authenticationMode;
    if (typeof mode === 'string' && !Token.isUnresolved(mode)) {
      v.check(mode === 'API' || mode === 'API_AND_CONFIG_MAP', `${prop}.cluster`, `${this.clusterName} (authentication mode ${mode})`,
        'does not use access entries, through which AMP grants the scraper access; set the cluster\'s authentication mode to API (or API_AND_CONFIG_MAP)');
    }
    const privateAccess = this.cluster?.vpcConfigInput?.endpointPrivateAccess;
    v.check(privateAccess !== false, `${prop}.cluster`, `${this.clusterName} (endpointPrivateAccess false)`,
      'has no private endpoint, which an AMP scraper needs to reach the API server; enable private endpoint access');
  }
}

/** The AMP managed collector of an {@link AmpMonitoring}: which cluster it scrapes and how. */
export interface AmpCollectorProps {
  /** The EKS cluster whose kubelets, DCGM exporters and watched workloads it scrapes. */
  readonly source: AmpScrapeSource;
  /** How often every target is scraped. @default Duration.seconds(30) (the shortest AMP allows) */
  readonly scrapeInterval?: Duration;
  /**
   * Namespace of the DCGM exporter pods (this library's `DcgmExporter`, or the NVIDIA GPU Operator's namespace).
   * Scraped when `gpuMetrics` is on. @default 'kube-system'
   */
  readonly dcgmNamespace?: string;
}

/** Props for {@link AmpMonitoring}. */
export interface AmpMonitoringProps {
  /** Workspace alias and name prefix: lowercase letters, digits and hyphens. */
  readonly workspaceAlias: string;
  /** Constructs to watch (IMonitorable); `MonitoringStack.discover(stack)` finds them. @default - none */
  readonly watch?: IConstruct[];
  /** @default - see AlertThresholds */
  readonly thresholds?: AlertThresholds;
  /** Receivers: SNS topics only (`AlertReceiver.sns(arn)`), the one receiver AMP's Alertmanager supports. */
  readonly alerting: AlertRouting;
  /** Network access to the Grafana workspace; it is never open to the internet. */
  readonly grafanaAccess: AmpGrafanaAccess;
  /** Retention of the workspace's CloudWatch logs. @default Duration.days(365) */
  readonly logRetention?: Duration;
  /**
   * Protect the workspace (its metrics), its KMS key (`prevent_destroy`) and its log group (CloudWatch Logs deletion
   * protection) from `terraform destroy`. @default true
   */
  readonly protectFromDeletion?: boolean;
  /**
   * Whether DCGM metrics reach the workspace (a collector scrapes the dcgm-exporter). Workloads with
   * `usesGpus` are refused without them. @default true
   */
  readonly gpuMetrics?: boolean;
  /**
   * The managed collector (`aws_prometheus_scraper`) that scrapes the cluster into the workspace: the same jobs the
   * rules query (cAdvisor, the DCGM exporter, every watched workload's pods by label). Without one, nothing writes
   * to the workspace and no rule fires (the construct warns).
   * @default - none: nothing writes to the workspace until an agent of yours remote-writes to it
   */
  readonly collector?: AmpCollectorProps;
}

/**
 * The managed AWS variant: an Amazon Managed Service for Prometheus workspace (customer-managed KMS key,
 * logs to an encrypted CloudWatch log group) holding the same generated alert rules as MonitoringStack, its
 * Alertmanager routing to SNS (SigV4), and an Amazon Managed Grafana workspace reachable only through the
 * given VPC endpoints / prefix lists, reading the workspace through a least-privilege IAM role.
 *
 * With `collector`, an AMP managed collector (`aws_prometheus_scraper`) scrapes the EKS cluster into the workspace
 * with the jobs the rules query; AMP itself grants it access to the cluster through an access entry.
 *
 * Not created here: the dashboards inside Grafana (`files.dashboards` holds their JSON, for the grafana provider or
 * the Grafana API).
 */
export class AmpMonitoring extends Construct {
  public readonly workloads: MonitoredWorkload[];
  public readonly thresholds: ResolvedThresholds;
  public readonly ruleGroups: AlertRuleGroup[];
  public readonly files: AmpMonitoringFiles;
  public readonly kmsKey: KmsKey;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly workspace: PrometheusWorkspace;
  public readonly ruleGroupNamespace?: PrometheusRuleGroupNamespace;
  public readonly alertManagerDefinition: PrometheusAlertManagerDefinition;
  public readonly grafanaRole: IamRole;
  public readonly grafanaWorkspace: GrafanaWorkspace;
  /** The managed collector, where configured. */
  public readonly scraper?: PrometheusScraper;

  constructor(scope: Construct, id: string, props: AmpMonitoringProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkResourceName(v, 'workspaceAlias', props.workspaceAlias, 40);
    v.check(typeof props.workspaceAlias === 'string', 'workspaceAlias', props.workspaceAlias, 'is required');
    for (const watched of props.watch ?? []) Wiring.connect(this, watched, 'metrics');
    for (const pipeline of props.alerting?.retrainingPipelines ?? []) Wiring.connect(pipeline as unknown as IConstruct, this, 'retrain alerts');
    const collector = props.collector;
    if (collector !== undefined && v.check(!!collector && collector.source instanceof AmpScrapeSource, 'collector.source', collector?.source,
      'must be AmpScrapeSource.fromCluster(eksCluster) or AmpScrapeSource.fromAttributes({ clusterName, clusterArn, subnetIds })')) {
      collector.source.validate(v, 'collector.source');
      const interval = collector.scrapeInterval ?? Duration.seconds(30);
      v.check(interval instanceof Duration && interval.toSeconds() >= 30, 'collector.scrapeInterval', interval,
        'is shorter than 30 seconds, the shortest interval an AMP scraper accepts (AMP user guide, "Scraper limitations")');
      checkResourceName(v, 'collector.dcgmNamespace', collector.dcgmNamespace, 63);
    }
    const workloads = collectWorkloads(v, props.watch, {
      // A scraper reaches the pods of its own cluster only.
      clusterName: collector?.source instanceof AmpScrapeSource ? collector.source.clusterName : undefined,
      gpuMetricsAvailable: props.gpuMetrics ?? true,
      noGpuReason: 'gpuMetrics is off: no DCGM metrics reach the workspace; collect them and set gpuMetrics: true',
    });
    const thresholds = resolveThresholds(v, 'thresholds', props.thresholds);
    validateRouting(v, 'alerting', props.alerting, { host: AlertmanagerHost.AMAZON_MANAGED_PROMETHEUS });
    const access = props.grafanaAccess;
    v.check(!!access && ((access.vpceIds ?? []).length + (access.prefixListIds ?? []).length) > 0, 'grafanaAccess', access,
      'must name at least one VPC endpoint (vpceIds) or prefix list (prefixListIds); the workspace is never left open to the internet');
    const logRetention = props.logRetention ?? Duration.days(365);
    v.check(logRetention.toSeconds() % 86400 === 0 && [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(logRetention.toSeconds() / 86400),
      'logRetention', logRetention, 'must be a CloudWatch Logs retention period in days (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, ...)');
    v.throwIfAny();

    this.workloads = workloads;
    this.thresholds = thresholds;
    this.ruleGroups = alertRuleGroups(workloads, thresholds);
    const alias = props.workspaceAlias;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;
    const region = new DataAwsRegion(this, 'region').region;
    const logGroupName = `/aws/vendedlogs/prometheus/${alias}`;
    const protect = props.protectFromDeletion ?? true;

    this.kmsKey = new KmsKey(this, 'kms-key', {
      description: `Amazon Managed Prometheus ${alias}: metrics and workspace logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'CloudWatchLogsEncryptsTheWorkspaceLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}` } },
        },
      ]),
      lifecycle: { preventDestroy: protect },
    });
    new KmsAlias(this, 'kms-alias', { name: `alias/prometheus/${alias}`, targetKeyId: this.kmsKey.keyId });
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: logGroupName, retentionInDays: logRetention.toSeconds() / 86400, kmsKeyId: this.kmsKey.arn, deletionProtectionEnabled: protect,
    });
    this.workspace = new PrometheusWorkspace(this, 'workspace', {
      alias,
      kmsKeyArn: this.kmsKey.arn,
      loggingConfiguration: { logGroupArn: `${this.logGroup.arn}:*` },
      // A scraper tags its destination workspace; declaring the tag keeps plans from removing it (registry docs,
      // aws_prometheus_scraper, "Ignoring changes to Prometheus Workspace destination": "add this tag … (preferred)").
      ...(collector ? { tags: { AMPAgentlessScraper: '' } } : {}),
      lifecycle: { preventDestroy: protect },
    });

    const rules = renderRuleFile(this.ruleGroups);
    if (this.ruleGroups.length > 0) {
      this.ruleGroupNamespace = new PrometheusRuleGroupNamespace(this, 'rules', { name: 'ml-platform', workspaceId: this.workspace.id, data: rules });
    }
    const alertmanager = alertmanagerConfig(this, props.alerting, { host: AlertmanagerHost.AMAZON_MANAGED_PROMETHEUS, region });
    // AMP's definition wraps the Alertmanager configuration as a string under alertmanager_config (JSON is YAML).
    this.alertManagerDefinition = new PrometheusAlertManagerDefinition(this, 'alertmanager', {
      workspaceId: this.workspace.id,
      definition: JSON.stringify({ alertmanager_config: alertmanager }, null, 2),
    });
    const dashboards: Record<string, string> = {};
    for (const w of workloads) dashboards[`${dashboardUid(w.name)}.json`] = JSON.stringify(workloadDashboard(w), null, 2);
    let scrapeConfiguration: string | undefined;
    if (collector) {
      scrapeConfiguration = ampScrapeConfiguration(collector, workloads, props.gpuMetrics ?? true);
      const source = collector.source;
      this.scraper = new PrometheusScraper(this, 'scraper', {
        alias: `${alias}-${source.clusterName}`.slice(0, 100),
        source: [{ eks: [{ clusterArn: source.clusterArn, subnetIds: source.subnetIds, ...(source.securityGroupIds ? { securityGroupIds: source.securityGroupIds } : {}) }] }],
        destination: [{ amp: [{ workspaceArn: this.workspace.arn }] }],
        scrapeConfiguration,
      });
    } else if (workloads.some((w) => (w.scrape ?? []).length > 0) || workloads.some((w) => w.usesGpus)) {
      Annotations.of(this).addWarning(`${this.node.path}: no collector writes to workspace ${alias}, so its rules never fire; set collector `
        + '({ source: AmpScrapeSource.fromCluster(cluster) }) or run an agent that remote-writes the same jobs to it');
    }
    this.files = { rules, alertmanager, dashboards, ...(scrapeConfiguration ? { scrapeConfiguration } : {}) };

    this.grafanaRole = new IamRole(this, 'grafana-role', {
      name: `${alias}-grafana`.slice(0, 64),
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'grafana.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      }]),
    });
    new IamRolePolicy(this, 'grafana-reads-workspace', {
      role: this.grafanaRole.name,
      name: 'read-prometheus-workspace',
      policy: policyDocument([
        { Effect: 'Allow', Action: ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace'], Resource: this.workspace.arn },
        // Listing has no resource-level permission; it reveals workspace names only.
        { Effect: 'Allow', Action: ['aps:ListWorkspaces'], Resource: '*' },
      ]),
    });
    this.grafanaWorkspace = new GrafanaWorkspace(this, 'grafana', {
      name: `${alias}-grafana`,
      accountAccessType: 'CURRENT_ACCOUNT',
      authenticationProviders: ['AWS_SSO'],
      permissionType: 'CUSTOMER_MANAGED',
      roleArn: this.grafanaRole.arn,
      dataSources: ['PROMETHEUS'],
      networkAccessControl: { vpceIds: access.vpceIds ?? [], prefixListIds: access.prefixListIds ?? [] },
    });
  }
}

/**
 * The collector's scrape configuration: the jobs MonitoringStack's Prometheus runs, so the same rules hold. Allowed
 * sections only (`global`, `scrape_configs` with kubernetes_sd_configs and relabeling; "Scraper configuration", AMP
 * user guide). cAdvisor goes through the API server's node proxy (`kubernetes.default.svc`, the one name a scraper
 * resolves; the guide's sample does the same), with the scraper's Bearer token; the access entry AMP creates grants
 * `nodes/proxy` for it. DCGM and workload pods are scraped on their pod IPs, exactly as in the cluster.
 */
function ampScrapeConfiguration(collector: AmpCollectorProps, workloads: readonly MonitoredWorkload[], gpuMetrics: boolean): string {
  const interval = collector.scrapeInterval ?? Duration.seconds(30);
  // One definition of the jobs: MonitoringStack's (lib/monitoring/scrape.ts), minus what only runs in the cluster.
  const inCluster = JSON.parse(prometheusConfig({
    clusterName: collector.source.clusterName,
    scrapeInterval: interval,
    workloads: [...workloads],
    alertmanager: 'unused:9093',
    ...(gpuMetrics ? { dcgmNamespace: collector.dcgmNamespace ?? 'kube-system' } : {}),
  })).scrape_configs as Array<Record<string, unknown>>;
  const cadvisor = inCluster.find((j) => j.job_name === 'kubelet-cadvisor')!;
  const jobs = inCluster.filter((j) => j.job_name !== 'prometheus' && j.job_name !== 'kubelet-cadvisor');
  return JSON.stringify({
    global: { scrape_interval: interval.toString(), external_labels: { cluster: collector.source.clusterName } },
    scrape_configs: [
      {
        job_name: 'kubelet-cadvisor',
        scheme: 'https',
        authorization: { type: 'Bearer', credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
          { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
          { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' },
        ],
        metric_relabel_configs: cadvisor.metric_relabel_configs,
      },
      ...jobs,
    ],
  }, null, 2);
}
