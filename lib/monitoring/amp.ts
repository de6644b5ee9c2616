import { Wiring } from '../core/wiring';
import { Construct, IConstruct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { GrafanaWorkspace } from '@cdktf/provider-aws/lib/grafana-workspace';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { PrometheusAlertManagerDefinition } from '@cdktf/provider-aws/lib/prometheus-alert-manager-definition';
import { PrometheusRuleGroupNamespace } from '@cdktf/provider-aws/lib/prometheus-rule-group-namespace';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { Validator } from '../core/errors';
import { policyDocument } from '../core/iam';
import { MonitoredWorkload } from '../core/monitoring-contract';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/provider-sources';
import { Duration } from '../core/units';
import { dashboardUid, workloadDashboard } from './dashboards';
import { AlertReceiverKind, alertmanagerConfig, AlertRouting, validateRouting } from './receivers';
import { AlertRuleGroup, alertRuleGroups, renderRuleFile } from './rules';
import { AlertThresholds, ResolvedThresholds, resolveThresholds } from './thresholds';
import { collectWorkloads } from './workloads';

/** Who may reach the Amazon Managed Grafana workspace. At least one list must be non-empty. */
export interface AmpGrafanaAccess {
  /** Interface VPC endpoints (com.amazonaws.<region>.grafana-workspace). @default - none */
  readonly vpceIds?: string[];
  /** Managed prefix lists of client CIDRs. @default - none */
  readonly prefixListIds?: string[];
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
   * Whether DCGM metrics reach the workspace (a collector scrapes the dcgm-exporter). Workloads with
   * `usesGpus` are refused without them. @default true
   */
  readonly gpuMetrics?: boolean;
}

/**
 * The managed AWS variant: an Amazon Managed Service for Prometheus workspace (customer-managed KMS key,
 * logs to an encrypted CloudWatch log group) holding the same generated alert rules as MonitoringStack, its
 * Alertmanager routing to SNS (SigV4), and an Amazon Managed Grafana workspace reachable only through the
 * given VPC endpoints / prefix lists, reading the workspace through a least-privilege IAM role.
 *
 * Not created here: the collector that writes to the workspace (an `aws_prometheus_scraper` or an agent
 * with remote_write using the same scrape configs) and the dashboards inside Grafana (`files.dashboards`
 * holds their JSON, for the grafana provider or the Grafana API).
 */
export class AmpMonitoring extends Construct {
  public readonly workloads: MonitoredWorkload[];
  public readonly thresholds: ResolvedThresholds;
  public readonly ruleGroups: AlertRuleGroup[];
  public readonly files: { readonly rules: string; readonly alertmanager: string; readonly dashboards: Record<string, string> };
  public readonly kmsKey: KmsKey;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly workspace: PrometheusWorkspace;
  public readonly ruleGroupNamespace?: PrometheusRuleGroupNamespace;
  public readonly alertManagerDefinition: PrometheusAlertManagerDefinition;
  public readonly grafanaRole: IamRole;
  public readonly grafanaWorkspace: GrafanaWorkspace;

  constructor(scope: Construct, id: string, props: AmpMonitoringProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkResourceName(v, 'workspaceAlias', props.workspaceAlias, 40);
    v.check(typeof props.workspaceAlias === 'string', 'workspaceAlias', props.workspaceAlias, 'is required');
    for (const watched of props.watch ?? []) Wiring.connect(this, watched, 'metrics');
    const workloads = collectWorkloads(v, props.watch, {
      gpuMetricsAvailable: props.gpuMetrics ?? true,
      noGpuReason: 'gpuMetrics is off: no DCGM metrics reach the workspace; collect them and set gpuMetrics: true',
    });
    const thresholds = resolveThresholds(v, 'thresholds', props.thresholds);
    validateRouting(v, 'alerting', props.alerting, [AlertReceiverKind.SNS]);
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
    });
    new KmsAlias(this, 'kms-alias', { name: `alias/prometheus/${alias}`, targetKeyId: this.kmsKey.keyId });
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: logGroupName, retentionInDays: logRetention.toSeconds() / 86400, kmsKeyId: this.kmsKey.arn,
    });
    this.workspace = new PrometheusWorkspace(this, 'workspace', {
      alias,
      kmsKeyArn: this.kmsKey.arn,
      loggingConfiguration: { logGroupArn: `${this.logGroup.arn}:*` },
    });

    const rules = renderRuleFile(this.ruleGroups);
    if (this.ruleGroups.length > 0) {
      this.ruleGroupNamespace = new PrometheusRuleGroupNamespace(this, 'rules', { name: 'ml-platform', workspaceId: this.workspace.id, data: rules });
    }
    const alertmanager = alertmanagerConfig(props.alerting, () => '', region);
    // AMP's definition wraps the Alertmanager configuration as a string under alertmanager_config (JSON is YAML).
    this.alertManagerDefinition = new PrometheusAlertManagerDefinition(this, 'alertmanager', {
      workspaceId: this.workspace.id,
      definition: JSON.stringify({ alertmanager_config: alertmanager }, null, 2),
    });
    const dashboards: Record<string, string> = {};
    for (const w of workloads) dashboards[`${dashboardUid(w.name)}.json`] = JSON.stringify(workloadDashboard(w), null, 2);
    this.files = { rules, alertmanager, dashboards };

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
