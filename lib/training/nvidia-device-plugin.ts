import { Construct } from 'constructs';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { defaultImage } from '../core/images';
import { IKubernetesTarget, nodeAffinityForAny, Toleration } from '../core/kubernetes-target';
import { nodeAgent } from '../core/private/workloads';
import { devicePluginContainerSecurityContext } from '../core/private/security-context';
import { suppress } from '../governance/suppressions';
import { deviceTolerations } from './private/tolerations';

/** Props for {@link NvidiaDevicePlugin}. */
export interface NvidiaDevicePluginProps {
  /**
   * Node label sets that select GPU nodes; the plugin runs on nodes matching any of them. Use labels the nodes
   * really carry: the pools' own labels, not GPU feature discovery's (`nvidia.com/gpu.present`, …), which only
   * exist where the GPU Operator runs, and the Operator runs its own device plugin.
   */
  readonly nodeSelectors: Array<Record<string, string>>;
  /**
   * Taints of the GPU nodes beyond `nvidia.com/gpu`, which the plugin must tolerate to run there at all.
   * @default - only the `nvidia.com/gpu` taint (any value) is tolerated
   */
  readonly tolerations?: Toleration[];
  /**
   * Container image. Pin a digest in production (`nvcr.io/nvidia/k8s-device-plugin@sha256:…`).
   * @default 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' (release of 2025-03-17, NVIDIA/k8s-device-plugin), through the app's RegistryMirrors
   */
  readonly image?: string;
}

/** `nvidia.com/gpu` (any value, NoSchedule) and every other taint the GPU nodes carry, each once. */
function gpuTolerations(extra: readonly Toleration[]): Toleration[] {
  return deviceTolerations([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], extra);
}

/** The default device plugin image. */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1';

/**
 * The NVIDIA Kubernetes device plugin DaemonSet, which advertises `nvidia.com/gpu` to the scheduler.
 *
 * Needed where the node image does not bring it: on-prem nodes and the EKS AL2023 NVIDIA AMI ("The
 * EKS-optimized AL2023 NVIDIA AMIs do not include the NVIDIA Kubernetes device plugin", EKS User Guide,
 * ml-eks-optimized-ami). Not needed on Bottlerocket NVIDIA (it ships the plugin), GKE (GKE manages it) or where
 * the NVIDIA GPU Operator runs (its own plugin is scheduled by `nvidia.com/gpu.deploy.device-plugin=true`,
 * NVIDIA/gpu-operator assets/state-device-plugin/0500_daemonset.yaml; a second plugin would fight it).
 * Modelled on NVIDIA/k8s-device-plugin deployments/static/nvidia-device-plugin.yml: no privileges, all
 * capabilities dropped, only the kubelet's device-plugins directory mounted.
 */
export class NvidiaDevicePlugin extends Construct {
  /** The DaemonSet (escape hatch). */
  public readonly daemonSet: DaemonSetV1;
  private readonly nodeSelectors: Array<Record<string, string>>;
  private readonly tolerations: Toleration[];

  constructor(scope: Construct, id: string, target: IKubernetesTarget, props: NvidiaDevicePluginProps) {
    super(scope, id);
    this.nodeSelectors = [...props.nodeSelectors];
    this.tolerations = [...props.tolerations ?? []];
    const labels = { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    // The system-node-critical node agent every DaemonSet of the library is; it never calls the API server.
    this.daemonSet = nodeAgent(this, 'daemonset', {
      target,
      name: 'nvidia-device-plugin',
      namespace: 'kube-system',
      labels,
      selector: { 'app.kubernetes.io/name': 'nvidia-device-plugin' },
      pod: {
        affinity: nodeAffinityForAny(this.nodeSelectors),
        toleration: gpuTolerations(this.tolerations),
        container: [{
          name: 'nvidia-device-plugin',
          image: props.image ?? defaultImage(this, NVIDIA_DEVICE_PLUGIN_IMAGE),
          env: [{ name: 'FAIL_ON_INIT_ERROR', value: 'false' }],
          securityContext: devicePluginContainerSecurityContext('read-only'),
          resources: {
            requests: { cpu: '50m', memory: '64Mi' },
            limits: { cpu: '200m', memory: '256Mi' },
          },
          volumeMount: [{ name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' }],
        }],
        volume: [{ name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
      },
    });
    // Recorded in the synthesized output, so reviewers see the exception and why.
    suppress(this.daemonSet, 'k8s-run-as-non-root', {
      reason: 'The device plugin must create its socket in the kubelet\'s root-owned /var/lib/kubelet/device-plugins; ' +
        'it runs without privileges, with every capability dropped and a read-only root filesystem (as NVIDIA ships it).',
    });
  }

  /**
   * Runs the plugin on more GPU nodes: those matching `nodeSelector` too (for GPU nodes described after the plugin
   * was created, e.g. `KubernetesTrainingCluster.addPool`). The output is what the plugin would have had with
   * the selector among `nodeSelectors` from the start.
   */
  public addNodeSelector(nodeSelector: Record<string, string>): void {
    this.nodeSelectors.push(nodeSelector);
    this.daemonSet.spec.template.spec.putAffinity(nodeAffinityForAny(this.nodeSelectors));
  }

  /**
   * Tolerates more taints of the GPU nodes (for pools added after the plugin was created, e.g.
   * `EksTrainingCluster.addPool`), as if they had been among `tolerations` from the start.
   */
  public addTolerations(tolerations: Toleration[]): void {
    this.tolerations.push(...tolerations);
    this.daemonSet.spec.template.spec.putToleration(gpuTolerations(this.tolerations));
  }
}
