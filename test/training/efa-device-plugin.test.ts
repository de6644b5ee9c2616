import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { EfaDevicePlugin, EFA_DEVICE_PLUGIN_CHART_VERSION } from '../../lib/training/efa-device-plugin';
import { EksTrainingCluster, EksTrainingClusterProps } from '../../lib/training/eks';
import { AcceleratorPoolProps, TaintEffect } from '../../lib/training/pool';
import { synthApp } from '../util';

const base: EksTrainingClusterProps = { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] };

function layered(pools: AcceleratorPoolProps[]) {
  let plugin: EfaDevicePlugin | undefined;
  const out = synthApp((app) => {
    const infra = new TerraformStack(app, 'infra');
    new AwsProvider(infra, 'aws', { region: 'us-east-1' });
    const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools });
    plugin = cluster.installEfaDevicePlugin(new TerraformStack(app, 'addons'));
  });
  return { out, plugin };
}

describe('EFA device plugin: pods on EFA pools can request vpc.amazonaws.com/efa', () => {
  const { out } = layered([
    { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4, taints: [{ key: 'team', value: 'vision', effect: TaintEffect.NO_EXECUTE }] },
    { name: 'trn', accelerator: Accelerator.AWS_TRAINIUM, acceleratorsPerNode: 16, maxNodes: 2 },
    // Not EFA: a single node, and g6.xlarge has no EFA.
    { name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 },
  ]);
  const [release] = out.addons.resources('helm_release');
  const values = JSON.parse(release.values[0]);

  test('the eks-charts chart, pinned, in kube-system, through the add-ons stack\'s helm provider', () => {
    expect(release).toMatchObject({
      name: 'aws-efa-k8s-device-plugin', repository: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin',
      version: EFA_DEVICE_PLUGIN_CHART_VERSION, namespace: 'kube-system', provider: 'helm.eks_ml',
    });
    expect(EFA_DEVICE_PLUGIN_CHART_VERSION).toBe('v0.5.30');
    expect(out.addons.json.terraform.required_providers.helm).toEqual({ source: 'hashicorp/helm', version: '3.1.2' });
  });

  test('it runs only on the EFA pools\' nodes, selected by the pool label the nodes carry', () => {
    expect(values.supportedInstanceLabels).toEqual({ keys: ['ml-platform.io/pool'], values: ['h100', 'trn'] });
    expect(out.infra.resources('aws_eks_node_group').filter((g) => g.labels['ml-platform.io/pool'] !== 'system' && g.launch_template)
      .map((g) => g.labels['ml-platform.io/pool'])).toEqual(expect.arrayContaining(values.supportedInstanceLabels.values));
  });

  test('it tolerates every taint of those pools: the accelerator taints and the pools\' own', () => {
    expect(values.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'team', operator: 'Equal', value: 'vision', effect: 'NoExecute' },
      { key: 'aws.amazon.com/neuron', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
  });

  test('a cluster without EFA pools gets no plugin', () => {
    const { out: none, plugin } = layered([{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 }]);
    expect(plugin).toBeUndefined();
    expect(none.addons.resources('helm_release')).toEqual([]);
    expect(none.addons.json.provider).toBeUndefined();
  });

  test('no pools, or a provider from another stack, fail naming the fix', () => {
    const app = Testing.app();
    const infra = new TerraformStack(app, 'infra');
    const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: [{ name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2 }] });
    const addons = new TerraformStack(app, 'addons');
    const helm = cluster.helmProvider(addons);
    expect(() => new EfaDevicePlugin(addons, 'empty', { helmProvider: helm, pools: [] }))
      .toThrow(/addons\/empty: pools \(\[\]\) lists no EFA pool; pass cluster\.efaPools/);
    const other = new TerraformStack(app, 'other');
    expect(() => new EfaDevicePlugin(other, 'efa', { helmProvider: helm, pools: cluster.efaPools }))
      .toThrow(/other\/efa: helmProvider \("addons\/helm-ml"\) is in stack addons, but other\/efa is in other; a provider serves one stack/);
  });
});
