import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { MonitoredWorkload } from '../../lib/core/monitoring-contract';
import { Duration, Size } from '../../lib/core/units';
import { MonitoringStack, MonitoringStackProps } from '../../lib/monitoring/monitoring-stack';
import { AlertReceiver } from '../../lib/monitoring/receivers';
import { errorOf } from '../util';
import { buildStack, endpoint, featureStore, routing } from './fakes';

function refused(props: Partial<MonitoringStackProps>, workloads?: MonitoredWorkload[]): string {
  return errorOf((stack) => { buildStack(stack as TerraformStack, props, workloads); });
}

describe('MonitoringStack refuses props that cannot work, naming the path, the prop, the value and the fix', () => {
  test.each<[string, Partial<MonitoringStackProps>, MonitoredWorkload[] | undefined, RegExp]>([
    ['a drift threshold outside 0..1', { thresholds: { featureDrift: 1.5 } }, undefined,
      /^test\/monitoring: thresholds\.featureDrift \(1\.5\) must be a drift score above 0 and at most 1/],
    ['a zero prediction drift threshold', { thresholds: { predictionDrift: 0 } }, undefined, /thresholds\.predictionDrift \(0\) must be a drift score above 0/],
    ['an error objective above 100%', { thresholds: { errorRatePercent: 150 } }, undefined, /thresholds\.errorRatePercent \(150\) must be a percentage above 0 and at most 100/],
    ['an idle threshold above the saturation threshold', { thresholds: { gpuIdlePercent: 96, gpuSaturatedPercent: 95 } }, undefined,
      /thresholds\.gpuIdlePercent \(96\) must be below gpuSaturatedPercent \(95\)/],
    ['a zero idle window', { thresholds: { gpuIdleFor: Duration.hours(0) } }, undefined, /thresholds\.gpuIdleFor \(0s\) must be longer than 0/],
    ['zero retention', { retention: Duration.days(0) }, undefined, /retention \(0s\) must be longer than 0/],
    ['a retention size not below the volume', { storage: Size.gibibytes(50), retentionSize: Size.gibibytes(50) }, undefined,
      /retentionSize \(50Gi\) must be above 0 and below storage \(50Gi\)/],
    ['duplicate job names', {}, [endpoint('a'), endpoint('b', { scrape: [{ ...endpoint('a').scrape![0] }] })],
      /workloads\[1\]\.scrape\[0\]\.jobName \("a-serving"\) duplicates the job of a; every scrape target needs a unique job name/],
    ['a job name the stack uses itself', {}, [endpoint('a', { scrape: [{ ...endpoint('a').scrape![0], jobName: 'prometheus' }] })],
      /jobName \("prometheus"\) is used by the monitoring stack itself/],
    ['duplicate workload names', {}, [endpoint('a'), featureStore(), { ...featureStore(), scrape: [] }],
      /workloads\[2\]\.name \("features"\) repeats an earlier workload name/],
    ['a scrape target without pod labels', {}, [endpoint('a', { scrape: [{ ...endpoint('a').scrape![0], podLabels: {} }] })],
      /podLabels \(\{\}\) must name at least one pod label/],
    ['a port name Kubernetes cannot have', {}, [endpoint('a', { scrape: [{ ...endpoint('a').scrape![0], portName: 'prometheus-metrics' }] })],
      /portName \("prometheus-metrics"\) is longer than 15 characters/],
    ['a workload scraped on another cluster', {}, [endpoint('a', { clusterName: 'dc2' })],
      /clusterName \("dc2"\) is not the monitored cluster \(dc1\); .*watch it from a MonitoringStack on dc2/],
    ['an SLO outside its range', {}, [endpoint('a', { slo: { errorRatePercent: 0 } })], /slo\.errorRatePercent \(0\) must be a percentage above 0/],
    ['no critical receiver', { alerting: { critical: [] } }, undefined, /alerting\.critical \(\[\]\) must name at least one receiver/],
    ['a Slack channel without # or @', { alerting: { ...routing, critical: [AlertReceiver.slack({ name: 'a', key: 'b' }, 'ml-alerts')] } }, undefined,
      /alerting\.critical\[0\]\.channel \("ml-alerts"\) must be a Slack channel such as #ml-alerts/],
    ['an SNS receiver in the cluster', { alerting: { critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:t')] } }, undefined,
      /alerting\.critical\[0\] \("sns"\) is not supported here; use webhook, slack, pagerduty/],
    ['a drift image on :latest', { driftDetection: { image: 'registry.example.com/drift:latest' } }, undefined,
      /driftDetection\.image \("registry\.example\.com\/drift:latest"\) must be pinned/],
    ['a drift schedule that is not cron', { driftDetection: { image: 'r/drift:1.0', schedule: 'hourly' } }, undefined,
      /driftDetection\.schedule \("hourly"\) must be a five-field cron schedule/],
  ])('%s', (_what, props, workloads, message) => {
    expect(refused(props, workloads)).toMatch(message);
  });

  test('GPU alerts on a target without GPU nodes', () => {
    expect(errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring' });
      const w = new (class extends Construct { monitoredWorkloads() { return [endpoint('churn')]; } })(stack, 'w');
      new MonitoringStack(stack, 'monitoring', { target, watch: [w], alerting: routing, grafana: { adminCredentials: { password: { name: 'g', key: 'admin-password' } } } });
    })).toMatch(/watch\[0\]\.workloads\[0\]\.usesGpus \(true\) asks for GPU alerts, but dc1 has no NVIDIA GPU nodes in its target/);
  });

  test('gpuMonitoring on a cluster without GPU nodes, and a system namespace, all reported at once', () => {
    const message = errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'kube-system' });
      new MonitoringStack(stack, 'monitoring', {
        target, gpuMonitoring: true, alerting: routing, grafana: { adminCredentials: { password: { name: 'g', key: 'admin-password' } } }, thresholds: { featureDrift: 2 },
      });
    });
    expect(message).toMatch(/^3 problems:/);
    expect(message).toMatch(/gpuMonitoring \(true\) is on, but dc1 has no NVIDIA GPU nodes/);
    expect(message).toMatch(/target\.namespace \("kube-system"\) is a namespace Kubernetes owns; use target\.inNamespace\('monitoring'\) or set createNamespace: false/);
    expect(message).toMatch(/thresholds\.featureDrift \(2\)/);
  });

  test('something that is not IMonitorable in watch', () => {
    expect(errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring' });
      new MonitoringStack(stack, 'monitoring', { target, watch: [new Construct(stack, 'plain')], alerting: routing, grafana: { adminCredentials: { password: { name: 'g', key: 'admin-password' } } } });
    })).toMatch(/watch\[0\] \("test\/plain"\) does not implement IMonitorable/);
  });
});
