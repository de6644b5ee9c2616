import { Construct } from 'constructs';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { IKubernetesTarget, nodeAffinityForAny } from '../core/kubernetes-target';
import { suppress } from '../governance/suppressions';

/** Props for {@link NvidiaDevicePlugin}. */
export interface NvidiaDevicePluginProps {
  /**
   * Node label sets that select GPU nodes; the plugin runs on nodes matching any of them.
   */
  readonly nodeSelectors: Array<Record<string, string>>;
  /**
   * Container image. Pin a digest in production (`nvcr.io/nvidia/k8s-device-plugin@sha256:…`).
   * @default 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' (release of 2025-03-17, NVIDIA/k8s-device-plugin)
   */
  readonly image?: string;
}

/** The default device plugin image. */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1';

/**
 * The NVIDIA Kubernetes device plugin DaemonSet, which advertises `nvidia.com/gpu` to the scheduler.
 *
 * Needed where the node image does not bring it: on-prem nodes and the EKS AL2023 NVIDIA AMI ("The
 * EKS-optimized AL2023 NVIDIA AMIs do not include the NVIDIA Kubernetes device plugin", EKS User Guide,
 * ml-eks-optimized-ami). Not needed on Bottlerocket NVIDIA (it ships the plugin) or GKE (GKE manages it).
 * Modelled on NVIDIA/k8s-device-plugin deployments/static/nvidia-device-plugin.yml: no privileges, all
 * capabilities dropped, only the kubelet's device-plugins directory mounted.
 */
export class NvidiaDevicePlugin extends Construct {
  /** The DaemonSet (escape hatch). */
  public readonly daemonSet: DaemonSetV1;

  constructor(scope: Construct, id: string, target: IKubernetesTarget, props: NvidiaDevicePluginProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    this.daemonSet = new DaemonSetV1(this, 'daemonset', {
      provider: target.provider,
      dependsOn: target.dependables,
      metadata: { name: 'nvidia-device-plugin', namespace: 'kube-system', labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'nvidia-device-plugin' } },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: 'system-node-critical',
            automountServiceAccountToken: false,
            affinity: nodeAffinityForAny(props.nodeSelectors),
            toleration: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            container: [{
              name: 'nvidia-device-plugin',
              image: props.image ?? NVIDIA_DEVICE_PLUGIN_IMAGE,
              env: [{ name: 'FAIL_ON_INIT_ERROR', value: 'false' }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '200m', memory: '256Mi' },
              },
              volumeMount: [{ name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' }],
            }],
            volume: [{ name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
          },
        },
      },
    });
    // Recorded in the synthesized output, so reviewers see the exception and why.
    suppress(this.daemonSet, 'k8s-run-as-non-root', {
      reason: 'The device plugin must create its socket in the kubelet\'s root-owned /var/lib/kubelet/device-plugins; ' +
        'it runs without privileges, with every capability dropped and a read-only root filesystem (as NVIDIA ships it).',
    });
  }
}
