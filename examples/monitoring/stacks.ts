/**
 * Monitoring for an ML platform, three ways:
 *  - `monitoring-onprem`: Prometheus, Alertmanager, Grafana, the DCGM exporter and drift jobs on an existing
 *    GPU cluster, watching everything `MonitoringStack.discover()` finds in the stack
 *  - `monitoring-amp`:    the same alert rules in Amazon Managed Service for Prometheus, SNS receivers,
 *    Amazon Managed Grafana behind a VPC endpoint
 *  - `monitoring-gmp`:    the same alerts as Cloud Monitoring PromQL alert policies over Google Managed Prometheus
 * Synthesizes offline: `npx cdktf synth` (no cloud credentials are read at synth time).
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import {
  Accelerator, DataClassification, Governance, IMonitorable, KubernetesTarget, KubernetesTrainingCluster, MonitoredKind, MonitoredWorkload, Peer, PlatformLabels,
} from '../../lib';
import { AlertReceiver, AmpMonitoring, GmpMonitoring, MonitoringStack } from '../../lib';

const labels = { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL };

/**
 * A workload another team deploys, described only through the IMonitorable contract (any construct can be
 * watched this way): a GPU-served model with a 200 ms p99 objective, its training dataset and prediction log
 * (which its drift job compares). examples/serving watches real InferenceEndpoints.
 */
class ChurnEndpoint extends Construct implements IMonitorable {
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.INFERENCE_ENDPOINT, name: 'churn', clusterName: 'dc1', usesGpus: true,
      scrape: [{ jobName: 'churn-serving', namespace: 'vision', podLabels: { 'app.kubernetes.io/name': 'churn' }, portName: 'metrics' }],
      slo: { latencyP99Ms: 200, errorRatePercent: 0.5 },
      attributes: { referenceDatasetUri: 's3://ml-data/churn/train.parquet', predictionLogUri: 's3://ml-logs/churn/predictions/' },
    }];
  }
}

export class OnPremMonitoring extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    PlatformLabels.apply(this, labels);
    Governance.of(this).addPack('ml-guardrails');
    const target = KubernetesTarget.fromKubeconfig(this, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' });
    const cluster = new KubernetesTrainingCluster(this, 'training', {
      clusterName: 'dc1', target, teams: [{ team: 'vision', maxGpus: 16 }],
      gpuOperator: true, // the Operator labels the GPU nodes and runs their DCGM exporter
      pools: [{
        name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 4,
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      }],
    });
    new ChurnEndpoint(this, 'churn');
    const monitoring = new MonitoringStack(this, 'monitoring', {
      target: cluster.kubernetes.inNamespace('monitoring'),
      watch: MonitoringStack.discover(this),
      // The Secrets exist already (created by your secret manager's operator); Terraform never sees their values.
      alerting: {
        critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })],
        warning: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')],
        retraining: AlertReceiver.webhook('http://retrain-trigger.mlops.svc:8080/alerts', { name: 'alerting', key: 'retrain-token' }),
      },
      grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
      driftDetection: { image: 'registry.example.com/ml/drift-job:1.4.0' },
    });
    // Grafana is reached through the ingress controller; nobody else gets in.
    monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
  }
}

export class AmpMonitoringStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    PlatformLabels.apply(this, labels);
    Governance.of(this).addPack('ml-guardrails');
    new AmpMonitoring(this, 'amp', {
      workspaceAlias: 'ml-prod',
      watch: [new ChurnEndpoint(this, 'churn')],
      alerting: {
        critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-critical')],
        retraining: AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-retrain'),
      },
      grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] },
    });
  }
}

export class GmpMonitoringStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new GoogleProvider(this, 'google', { project: 'ml-prod-123', region: 'europe-west4' });
    PlatformLabels.apply(this, labels);
    Governance.of(this).addPack('ml-guardrails');
    // The project is the Google provider's.
    new GmpMonitoring(this, 'gmp', {
      watch: [new ChurnEndpoint(this, 'churn')],
      notificationChannels: { critical: ['projects/ml-prod-123/notificationChannels/1234567890'] },
    });
  }
}

/** Adds the example's stacks to `app`. */
export function buildMonitoringExample(app: App): TerraformStack[] {
  return [new OnPremMonitoring(app, 'monitoring-onprem'), new AmpMonitoringStack(app, 'monitoring-amp'), new GmpMonitoringStack(app, 'monitoring-gmp')];
}
