import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { AcceleratorKind } from '../core/accelerators/accelerator';
import { AcceleratorNodes, IKubernetesTarget, nodeAffinityForAny } from '../core/kubernetes-target';
import { nodeAgent } from '../core/private/workloads';
import { rootContainerSecurityContext, rootPodSecurityContext } from '../core/private/security-context';
import { Cpu, Size } from '../core/units';
import { suppress } from '../governance/suppressions';
import { componentLabels, componentSelector, httpProbe, resources } from './private/pod-security';
import { GPU_OPERATOR_DCGM_EXPORTER_APP } from './metrics';

/** Props for {@link DcgmExporter}. */
export interface DcgmExporterProps {
  readonly target: IKubernetesTarget;
  readonly dependsOn: ITerraformDependable[];
  readonly image: string;
  /** Namespace of the DaemonSet. @default 'kube-system' */
  readonly namespace?: string;
}

/** The exporter's metrics port (the GPU Operator's exporter listens on it too). */
export const DCGM_EXPORTER_PORT = 9400;

// Defined with the metric names: the scrape configs (AMP's too) use it without loading this module's Kubernetes bindings.
export { GPU_OPERATOR_DCGM_EXPORTER_APP };

/** The target's NVIDIA GPU node groups. */
export function nvidiaGpuNodes(target: IKubernetesTarget): AcceleratorNodes[] {
  return target.acceleratorNodes.filter((n) => n.accelerator.kind === AcceleratorKind.NVIDIA_GPU);
}

/**
 * The NVIDIA DCGM exporter on every GPU node (node affinity from the target's GPU node selectors, their
 * tolerations), publishing `DCGM_FI_DEV_*` metrics labelled with the pod each GPU is allocated to (read
 * from the kubelet's pod-resources socket). Lives in `kube-system` by default, beside the device plugin:
 * it needs root and `SYS_ADMIN`, which Pod Security `baseline`/`restricted` namespaces refuse.
 *
 * Where the NVIDIA GPU Operator manages the target's GPU nodes (`target.gpuOperatorNamespace`), it creates
 * nothing: the Operator already runs `nvidia-dcgm-exporter` on every GPU node, with the same pod mapping
 * (`DCGM_EXPORTER_KUBERNETES=true`, NVIDIA/gpu-operator assets/state-dcgm-exporter/0800_daemonset.yaml), and a
 * second exporter would double every series. `namespace` is then the Operator's, where Prometheus scrapes it.
 */
export class DcgmExporter extends Construct {
  /** The DaemonSet (escape hatch); undefined where the GPU Operator runs the exporter. */
  public readonly daemonSet?: DaemonSetV1;
  /** The namespace the exporter runs in: this construct's, or the GPU Operator's. */
  public readonly namespace: string;
  /** Labels that select the exporter's pods in {@link namespace} (for NetworkPolicies). */
  public readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: DcgmExporterProps) {
    super(scope, id);
    if (props.target.gpuOperatorNamespace) {
      this.namespace = props.target.gpuOperatorNamespace;
      this.podSelector = { app: GPU_OPERATOR_DCGM_EXPORTER_APP };
      return;
    }
    this.namespace = props.namespace ?? 'kube-system';
    this.podSelector = componentSelector('dcgm-exporter');
    const labels = componentLabels('dcgm-exporter');
    const nodes = nvidiaGpuNodes(props.target);
    const tolerations = new Map<string, { key: string; operator: string; value?: string; effect: string }>();
    for (const n of nodes) for (const t of n.tolerations) tolerations.set(JSON.stringify(t), { ...t });
    const daemonSet = nodeAgent(this, 'daemon-set', {
      target: props.target,
      dependsOn: props.dependsOn,
      name: 'dcgm-exporter',
      namespace: this.namespace,
      labels,
      selector: componentSelector('dcgm-exporter'),
      pod: {
        affinity: nodeAffinityForAny(nodes.map((n) => n.nodeSelector)),
        toleration: [...tolerations.values()],
        securityContext: rootPodSecurityContext(),
        container: [{
          name: 'dcgm-exporter',
          image: props.image,
          env: [
            { name: 'DCGM_EXPORTER_LISTEN', value: `:${DCGM_EXPORTER_PORT}` },
            { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
            // Every GPU of the node, without requesting nvidia.com/gpu (which would take one from workloads).
            { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
          port: [{ name: 'metrics', containerPort: DCGM_EXPORTER_PORT }],
          readinessProbe: httpProbe('/health', 'metrics', 30),
          livenessProbe: { ...httpProbe('/health', 'metrics', 60), failureThreshold: 6 },
          resources: resources(Cpu.millis(100), Size.mebibytes(512), Cpu.millis(500)),
          securityContext: rootContainerSecurityContext('SYS_ADMIN'),
          volumeMount: [
            { name: 'pod-resources', mountPath: '/var/lib/kubelet/pod-resources', readOnly: true },
            // Writable scratch for the embedded host engine (the root filesystem is read-only).
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'logs', mountPath: '/var/log' },
          ],
        }],
        volume: [
          { name: 'pod-resources', hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' } },
          { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          { name: 'logs', emptyDir: { sizeLimit: '64Mi' } },
        ],
      },
    });
    this.daemonSet = daemonSet;
    // Recorded in the synthesized output, so reviewers see the exceptions and why.
    suppress(daemonSet, 'k8s-no-dangerous-capabilities', {
      reason: 'DCGM needs SYS_ADMIN for its profiling (DCP) metrics, as NVIDIA ships dcgm-exporter; every other capability is dropped, no privilege escalation, read-only root filesystem.',
    });
    suppress(daemonSet, 'k8s-run-as-non-root', {
      reason: 'dcgm-exporter reads the kubelet\'s root-owned pod-resources socket to map GPUs to pods, and runs as root as NVIDIA ships it; it is not privileged.',
    });
  }
}
