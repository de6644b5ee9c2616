import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { IMonitorable, MonitoredKind, MonitoredWorkload } from '../../lib/core/monitoring-contract';
import { AmpMonitoring, AmpMonitoringProps } from '../../lib/monitoring/amp';
import { GmpMonitoring, GmpMonitoringProps } from '../../lib/monitoring/gmp';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { MonitoringStack, MonitoringStackProps } from '../../lib/monitoring/monitoring-stack';

/** A stand-in for InferenceEndpoint / FeatureStore / ModelRegistry until they implement the contract. */
export class FakeWorkload extends Construct implements IMonitorable {
  constructor(scope: Construct, id: string, private readonly workloads: MonitoredWorkload[]) {
    super(scope, id);
  }

  public monitoredWorkloads(): MonitoredWorkload[] {
    return this.workloads;
  }
}

export const a100Nodes = [{
  pool: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, maxNodes: 2,
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal' as const, value: 'present', effect: 'NoSchedule' as const }],
}];

export const endpoint = (name = 'churn', extra: Partial<MonitoredWorkload> = {}): MonitoredWorkload => ({
  kind: MonitoredKind.INFERENCE_ENDPOINT, name, clusterName: 'dc1', usesGpus: true,
  scrape: [{ jobName: `${name}-serving`, namespace: 'serving', podLabels: { 'app.kubernetes.io/name': name }, portName: 'metrics' }],
  slo: { latencyP99Ms: 250, errorRatePercent: 0.5 },
  attributes: { referenceDatasetUri: `s3://ml-data/${name}/train.parquet`, predictionLogUri: `s3://ml-logs/${name}/predictions/` },
  ...extra,
});

export const featureStore = (): MonitoredWorkload => ({
  kind: MonitoredKind.FEATURE_STORE, name: 'features', clusterName: 'dc1',
  scrape: [{ jobName: 'feast-online', namespace: 'features', podLabels: { app: 'feast', 'app.kubernetes.io/component': 'online' }, portName: 'metrics', path: '/metrics' }],
});

export const registry = (): MonitoredWorkload => ({
  kind: MonitoredKind.MODEL_REGISTRY, name: 'registry', clusterName: 'dc1',
  scrape: [{ jobName: 'mlflow', namespace: 'mlops', podLabels: { app: 'mlflow' }, portName: 'http', path: '/metrics' }],
});

export const trainingCluster = (): MonitoredWorkload => ({
  kind: MonitoredKind.TRAINING_CLUSTER, name: 'dc1', clusterName: 'dc1', usesGpus: true, attributes: { gpus: '16' },
});

export const routing = {
  critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })],
  warning: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')],
  retraining: AlertReceiver.webhook('http://retrain.mlops.svc:8080/alerts', { name: 'retrain', key: 'token' }),
};

/** A stack on an on-prem cluster with GPU nodes, watching one fake workload of every kind. */
export function buildStack(stack: TerraformStack, props: Partial<MonitoringStackProps> = {}, workloads?: MonitoredWorkload[]): MonitoringStack {
  const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring', acceleratorNodes: a100Nodes });
  const fake = new FakeWorkload(stack, 'workloads', workloads ?? [endpoint(), featureStore(), registry(), trainingCluster()]);
  return new MonitoringStack(stack, 'monitoring', {
    target,
    watch: [fake],
    alerting: routing,
    grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
    driftDetection: { image: 'registry.example.com/ml/drift:1.2.0' },
    ...props,
  });
}

/** One workload of every kind, as the managed variants see them. */
const allKinds = () => [endpoint(), featureStore(), registry(), trainingCluster()];

export function buildAmp(stack: TerraformStack, props: Partial<AmpMonitoringProps> = {}): AmpMonitoring {
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  return new AmpMonitoring(stack, 'amp', {
    workspaceAlias: 'ml-prod',
    watch: [new FakeWorkload(stack, 'w', allKinds())],
    alerting: {
      critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-critical')],
      warning: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-warning')],
      retraining: AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-retrain'),
    },
    grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] },
    ...props,
  });
}

export function buildGmp(stack: TerraformStack, props: Partial<GmpMonitoringProps> = {}): GmpMonitoring {
  new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
  return new GmpMonitoring(stack, 'gmp', {
    project: 'ml-prod-123',
    watch: [new FakeWorkload(stack, 'w', allKinds())],
    notificationChannels: {
      critical: ['projects/ml-prod-123/notificationChannels/111'],
      warning: ['projects/ml-prod-123/notificationChannels/222'],
      retraining: ['projects/ml-prod-123/notificationChannels/333'],
    },
    ...props,
  });
}

