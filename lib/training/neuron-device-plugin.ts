import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { DaemonSetV1, DaemonSetV1SpecTemplateSpecToleration } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { AcceleratorKind } from '../core/accelerators/accelerator';
import { defaultImage } from '../core/images';
import { IKubernetesTarget, nodeAffinityForAny, Toleration } from '../core/kubernetes-target';
import { nodeAgent } from '../core/private/workloads';
import { devicePluginContainerSecurityContext } from '../core/private/security-context';
import { suppress } from '../governance/suppressions';
import { POOL_LABELS } from './pool';
import { deviceTolerations } from './private/tolerations';

/**
 * The default Neuron device plugin image (the version the AWS Neuron operator and scheduler-extension guides
 * pin; the chart's own default moves with each Neuron SDK release).
 */
export const NEURON_DEVICE_PLUGIN_IMAGE = 'public.ecr.aws/neuron/neuron-device-plugin:2.24.23.0';

/** Props for {@link NeuronDevicePlugin}. */
export interface NeuronDevicePluginProps {
  /** Container image. Pin a digest in production. @default NEURON_DEVICE_PLUGIN_IMAGE, through the app's RegistryMirrors */
  readonly image?: string;
  /**
   * Taints of the Neuron nodes beyond `aws.amazon.com/neuron`, which the plugin must tolerate to run there at all
   * (a pool's own taints). @default - only `aws.amazon.com/neuron` (any value) and CriticalAddonsOnly
   */
  readonly tolerations?: Toleration[];
}

/**
 * The AWS Neuron device plugin, which advertises both `aws.amazon.com/neuron` (whole devices) and
 * `aws.amazon.com/neuroncore` (single NeuronCores, what most Neuron workloads request) on Trainium and Inferentia
 * nodes ("The device plugin registers two resource types with Kubernetes", Neuron docs,
 * deploy/includes/k8s-neuron-device-plugin). Team quotas cap both (`maxNeuronDevices`, `maxNeuronCores`).
 * Needed on the EKS AL2023 Neuron AMI ("do not include the Neuron Kubernetes device plugin", EKS User Guide,
 * ml-eks-optimized-ami). Modelled on aws-neuron/aws-neuron-sdk src/k8/k8s-neuron-device-plugin.yml and
 * k8s-neuron-device-plugin-rbac.yml: its RBAC (nodes, node status, pods, events), the kubelet's
 * device-plugins directory and /run mounted, no privilege escalation, all capabilities dropped; pinned here
 * to the library's Neuron pools by label instead of by instance type.
 */
export class NeuronDevicePlugin extends Construct {
  public readonly daemonSet: DaemonSetV1;
  public readonly serviceAccount: ServiceAccountV1;
  public readonly clusterRole: ClusterRoleV1;
  private readonly tolerations: Toleration[];

  constructor(scope: Construct, id: string, target: IKubernetesTarget, props: NeuronDevicePluginProps = {}) {
    super(scope, id);
    this.tolerations = [...props.tolerations ?? []];
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };
    const name = 'neuron-device-plugin';
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    this.serviceAccount = new ServiceAccountV1(this, 'service-account', { ...common, metadata: { name, namespace: 'kube-system', labels } });
    this.clusterRole = new ClusterRoleV1(this, 'cluster-role', {
      ...common,
      metadata: { name, labels },
      rule: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['update', 'patch', 'get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
      ],
    });
    new ClusterRoleBindingV1(this, 'cluster-role-binding', {
      ...common,
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: this.serviceAccount.metadata.name, namespace: 'kube-system' }],
    });
    this.daemonSet = nodeAgent(this, 'daemonset', {
      target,
      name,
      namespace: 'kube-system',
      labels,
      selector: { 'app.kubernetes.io/name': name },
      pod: {
        serviceAccountName: this.serviceAccount.metadata.name,
        // The plugin patches node status and pod annotations through the API server, as its ClusterRole allows.
        automountServiceAccountToken: true,
        affinity: nodeAffinityForAny([{ [POOL_LABELS.acceleratorKind]: AcceleratorKind.AWS_NEURON }]),
        toleration: neuronTolerations(this.tolerations),
        container: [{
          name,
          image: props.image ?? defaultImage(this, NEURON_DEVICE_PLUGIN_IMAGE),
          env: [
            { name: 'KUBECONFIG', value: '/etc/kubernetes/kubelet.conf' },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
          // AWS's manifest leaves the root filesystem writable; see devicePluginContainerSecurityContext.
          securityContext: devicePluginContainerSecurityContext('writable'),
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
          volumeMount: [
            { name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' },
            { name: 'infa-map', mountPath: '/run' },
          ],
        }],
        volume: [
          { name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } },
          { name: 'infa-map', hostPath: { path: '/run' } },
        ],
      },
    });
    suppress(this.daemonSet, 'k8s-run-as-non-root', {
      reason: 'The Neuron device plugin registers through the kubelet\'s root-owned /var/lib/kubelet/device-plugins socket ' +
        'directory and reads the Neuron device map under /run; it runs without privilege escalation and with every capability dropped (as AWS ships it).',
    });
  }

  /**
   * Tolerates more taints of the Neuron nodes (for pools added after the plugin was created, e.g.
   * `EksTrainingCluster.addPool`), as if they had been among `tolerations` from the start.
   */
  public addTolerations(tolerations: Toleration[]): void {
    this.tolerations.push(...tolerations);
    this.daemonSet.spec.template.spec.putToleration(neuronTolerations(this.tolerations));
  }
}

/** CriticalAddonsOnly, `aws.amazon.com/neuron` (any value, NoSchedule) and every other taint of the Neuron nodes, each once. */
function neuronTolerations(extra: readonly Toleration[]): DaemonSetV1SpecTemplateSpecToleration[] {
  return [
    { key: 'CriticalAddonsOnly', operator: 'Exists' },
    ...deviceTolerations([{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }], extra),
  ];
}
