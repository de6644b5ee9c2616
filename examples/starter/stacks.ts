/**
 * The platform this app declares. Start here: change the names, the GPU nodes and the teams to yours, then add
 * capabilities (a feature store, a model registry, endpoints) to the environment's layers; docs/ in the
 * cdktf-ml-platform repository has one page per capability.
 *
 *   my-ml-onprem             the existing cluster's setup: team namespaces, GPU quotas, priority classes
 *   my-ml-onprem-workloads   what runs on it: Prometheus, Alertmanager and Grafana watching the cluster's GPUs
 *
 * `cdktf deploy 'my-ml-*'` applies them in that order; governance (baseline + ml-guardrails) runs inside
 * `cdktf synth` and fails it on an error finding.
 */
import { App } from 'cdktf';
import { Accelerator, AlertReceiver, KubernetesTrainingCluster, MlPlatform, MonitoringStack } from 'cdktf-ml-platform';

/** Adds the platform's stacks to `app` and returns the platform (for its diagram). */
export function buildPlatform(app: App): MlPlatform {
  const platform = new MlPlatform(app, 'platform', {
    name: 'my-ml',
    // On every resource of every stack; governance's ml-required-tags rule checks them.
    labels: { owner: 'ml-platform', costCenter: 'cc-0000', environment: 'dev' },
  });

  // An existing cluster, reached through a kubeconfig context (nothing is read at synth time).
  const onprem = platform.onPrem('onprem', { clusterName: 'dc1', context: 'dc1-admin' });
  const cluster = new KubernetesTrainingCluster(onprem.stack, 'training', {
    clusterName: 'dc1',
    target: onprem.target,
    pools: [
      { name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 1, nodeCount: 4,
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    ],
    // One namespace per team, its GPUs capped by a ResourceQuota.
    teams: [{ team: 'research', maxGpus: 3 }, { team: 'serving', maxGpus: 1 }],
  });

  new MonitoringStack(onprem.workloads, 'monitoring', {
    target: cluster.kubernetes.inNamespace('monitoring'),
    watch: MonitoringStack.discover(onprem.stack),
    // Receivers read their URLs and keys from existing Kubernetes Secrets: no secret reaches Terraform.
    alerting: { critical: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')] },
    grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
  });
  return platform;
}
