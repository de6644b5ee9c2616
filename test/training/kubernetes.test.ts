import { TerraformStack, Testing } from 'cdktf';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { KubernetesTrainingCluster, KubernetesTrainingClusterProps } from '../../lib/training/kubernetes';
import { PodSecurityLevel } from '../../lib/training/team-quotas';
import { Cpu, Size } from '../../lib/core/units';
import { TaintEffect } from '../../lib/training/pool';
import { errorOf, literalSecrets, synth } from '../util';

const a100 = { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } };

function onprem(props: Partial<KubernetesTrainingClusterProps> = {}) {
  return synth((stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' });
    new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100], ...props });
  });
}

describe('KubernetesTrainingCluster (existing / on-prem)', () => {
  const out = onprem({
    teams: [
      { team: 'vision', maxGpus: 16, maxCpu: Cpu.cores(64), maxMemory: Size.gibibytes(512) },
      { team: 'interns', maxGpus: 2, podSecurity: PodSecurityLevel.RESTRICTED },
    ],
  });
  const byTeam = (type: string, team: string) => out.resources(type).find((r) => JSON.stringify(r.metadata).includes(`teams_${team}-namespace`) || r.metadata.name === team);

  test('reaches the cluster through a kubeconfig context, with no credential in the output', () => {
    expect(out.json.provider.kubernetes).toEqual([{ alias: 'dc1', config_path: '~/.kube/config', config_context: 'dc1-admin' }]);
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('each team gets a namespace with a ResourceQuota that caps its GPUs', () => {
    expect(byTeam('kubernetes_resource_quota_v1', 'vision').spec.hard).toEqual({
      'requests.nvidia.com/gpu': '16',
      'requests.google.com/tpu': '0',
      'requests.aws.amazon.com/neuron': '0',
      // The device plugin advertises single cores too: left unset, they are capped at 0 like devices.
      'requests.aws.amazon.com/neuroncore': '0',
      'requests.cpu': '64',
      'requests.memory': '512Gi',
    });
    expect(byTeam('kubernetes_resource_quota_v1', 'interns').spec.hard['requests.nvidia.com/gpu']).toBe('2');
    expect(out.resources('kubernetes_resource_quota_v1').every((q) => q.provider === 'kubernetes.dc1')).toBe(true);
  });

  test('namespaces enforce a Pod Security level and warn on restricted', () => {
    expect(byTeam('kubernetes_namespace_v1', 'vision').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(byTeam('kubernetes_namespace_v1', 'interns').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('containers get default requests and limits, and ingress is limited to the namespace', () => {
    expect(byTeam('kubernetes_limit_range_v1', 'vision').spec.limit[0]).toEqual({
      type: 'Container', default_request: { cpu: '500m', memory: '1Gi' }, default: { cpu: '2', memory: '4Gi' },
    });
    expect(byTeam('kubernetes_network_policy_v1', 'vision').spec).toEqual({
      pod_selector: {}, policy_types: ['Ingress'], ingress: [{ from: [{ pod_selector: {} }] }],
    });
  });

  test('PriorityClasses rank serving above training', () => {
    const classes = Object.fromEntries(out.resources('kubernetes_priority_class_v1').map((p) => [p.metadata.name, p.value]));
    expect(classes).toEqual({ 'ml-serving': 100000, 'ml-training': 1000 });
  });

  test('the NVIDIA device plugin is pinned to the GPU nodes by their labels', () => {
    const ds = out.resources('kubernetes_daemon_set_v1')[0];
    expect(ds.spec.template.spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term)
      .toEqual([{ match_expressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB'] }] }]);
  });

  test('the device plugin can be left to the GPU Operator', () => {
    expect(onprem({ nvidiaDevicePlugin: false }).resources('kubernetes_daemon_set_v1')).toEqual([]);
  });

  test('the training cluster exposes a target per team with the GPU nodes and their tolerations', () => {
    let cluster: KubernetesTrainingCluster | undefined;
    synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      cluster = new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100], teams: [{ team: 'vision', maxGpus: 8 }] });
    });
    const team = cluster!.teamTarget('vision');
    expect(team.namespace).toBe('vision');
    // Objects created in the team's namespace wait for it and its quota.
    expect(team.dependables).toEqual(expect.arrayContaining([cluster!.teamQuotas.teams.vision.namespace, cluster!.teamQuotas.teams.vision.quota]));
    expect(team.acceleratorNodes[0]).toMatchObject({
      pool: 'a100', acceleratorsPerNode: 8, nodeSelector: a100.nodeSelector,
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
    });
  });

  test('GPU nodes declared without labels are selected by the pool label, as EKS and GKE pools are', () => {
    let cluster: KubernetesTrainingCluster | undefined;
    const plain = synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      cluster = new KubernetesTrainingCluster(stack, 'training', {
        clusterName: 'dc1', target, pools: [{ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 4 }],
      });
    });
    const spec = plain.resources('kubernetes_daemon_set_v1')[0].spec.template.spec;
    expect(spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term)
      .toEqual([{ match_expressions: [{ key: 'ml-platform.io/pool', operator: 'In', values: ['a100'] }] }]);
    // Workloads and the DCGM exporter select the same nodes.
    expect(cluster!.kubernetes.acceleratorNodes[0].nodeSelector).toEqual({ 'ml-platform.io/pool': 'a100' });
  });

  test('the device plugin tolerates the taints the GPU nodes declare, or it would schedule nowhere', () => {
    const tainted = onprem({ pools: [{ ...a100, taints: [{ key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_EXECUTE }] }] });
    expect(tainted.resources('kubernetes_daemon_set_v1')[0].spec.template.spec.toleration).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
    ]);
  });

  test('where the NVIDIA GPU Operator runs, the library does not install a second device plugin', () => {
    let cluster: KubernetesTrainingCluster | undefined;
    const withOperator = synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      cluster = new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100], gpuOperator: true });
    });
    expect(withOperator.resources('kubernetes_daemon_set_v1')).toEqual([]);
    expect(cluster!.nvidiaDevicePlugin).toBeUndefined();
    // What a MonitoringStack on this cluster reads to use the Operator's DCGM exporter instead of its own.
    expect(cluster!.kubernetes.inNamespace('monitoring').gpuOperatorNamespace).toBe('gpu-operator');
    expect(cluster!.kubernetes.acceleratorNodes[0].nodeSelector).toEqual(a100.nodeSelector);
  });

  test('selecting GPU nodes by GPU feature discovery labels without the Operator draws a warning naming both fixes', () => {
    let cluster: KubernetesTrainingCluster | undefined;
    synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      cluster = new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100] });
    });
    const warnings = cluster!.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toEqual([expect.stringMatching(
      /pools\[0\]\.nodeSelector uses nvidia\.com\/gpu\.product, a label only NVIDIA GPU feature discovery sets.*gpuOperator: true.*ml-platform\.io\/pool=a100/)]);
  });

  test.each<[string, Partial<KubernetesTrainingClusterProps>, RegExp]>([
    ['a TPU on-prem', { pools: [{ ...a100, accelerator: Accelerator.AWS_TRAINIUM }] }, /pools\[0\]\.accelerator \("aws-trainium"\) is not an NVIDIA GPU/],
    ['GPU nodes without a selector', { pools: [{ ...a100, nodeSelector: {} }] }, /pools\[0\]\.nodeSelector \(\{\}\) must name at least one node label/],
    ['a team named like a system namespace', { teams: [{ team: 'kube-system', maxGpus: 1 }] }, /teams\[0\]\.team \("kube-system"\) is a namespace Kubernetes owns/],
    ['duplicate teams', { teams: [{ team: 'a' }, { team: 'a' }] }, /teams\[1\] \("a"\) repeats an earlier team/],
    ['a negative GPU quota', { teams: [{ team: 'a', maxGpus: -2 }] }, /teams\[0\]\.maxGpus \(-2\) must be a whole number from 0 to 100000/],
    ['the library\'s device plugin beside the GPU Operator\'s', { gpuOperator: true, nvidiaDevicePlugin: true },
      /nvidiaDevicePlugin \(true\) would run a second device plugin beside the GPU Operator's; remove nvidiaDevicePlugin/],
    ['an Operator namespace without the Operator', { gpuOperatorNamespace: 'nvidia-gpu-operator' },
      /gpuOperatorNamespace \("nvidia-gpu-operator"\) is set but gpuOperator is not; set gpuOperator: true/],
    ['an invalid Operator namespace', { gpuOperator: true, gpuOperatorNamespace: 'GPU Operator' }, /gpuOperatorNamespace \("GPU Operator"\) is not a valid name/],
  ])('%s is refused', (_what, props, message) => {
    expect(errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100], ...props });
    })).toMatch(message);
  });

  test('a quota for GPUs the cluster does not have fails at synth, once GPU nodes added with addPool are known', () => {
    expect(errorOf((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, teams: [{ team: 'a', maxGpus: 4 }] });
      Testing.synth(stack as TerraformStack, true);
    })).toMatch(/test\/training: teams\[0\]\.maxGpus \(4\) caps NVIDIA GPUs but the cluster has no NVIDIA GPU pool/);
  });
});

test('a training cluster describes itself to a MonitoringStack: GPU nodes and their capacity', () => {
  let cluster: KubernetesTrainingCluster | undefined;
  synth((stack) => {
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
    cluster = new KubernetesTrainingCluster(stack, 'training', { clusterName: 'dc1', target, pools: [a100] });
  });
  expect(cluster!.monitoredWorkloads()).toEqual([{
    kind: 'training-cluster', name: 'dc1', clusterName: 'dc1', usesGpus: true, attributes: { platform: 'existing', gpus: '32' },
  }]);
});
