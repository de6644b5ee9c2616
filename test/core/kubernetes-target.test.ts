import { App, TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { KubeletServingCertificates, KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { DataClassification } from '../../lib/core/labels';
import { MlPlatform } from '../../lib/platform/ml-platform';
import { errorOf } from '../util';

describe('KubernetesTarget.fromKubeconfig: the kubeconfig context is named, never implied', () => {
  test('an empty context is refused, naming the path, the prop, the value and the fix', () => {
    expect(errorOf((stack) => KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: '' }))).toBe(
      'test/dc1: context ("") is empty, which the kubernetes provider reads as "the kubeconfig\'s current context" (whatever '
      + 'kubectl last switched to); name the context (kubectl config get-contexts -o name), or leave context unset to use the current context on purpose');
  });

  test('a blank context and an empty kubeconfig path are refused together', () => {
    const message = errorOf((stack) => KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: '  ', configPath: '' }));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toMatch(/test\/dc1: context \(" {2}"\) is empty/);
    expect(message).toMatch(/test\/dc1: configPath \(""\) is empty; give the kubeconfig's path, or leave configPath unset for ~\/\.kube\/config/);
  });

  test('an on-prem platform environment refuses an empty context too', () => {
    const platform = new MlPlatform(Testing.app(), 'p', {
      name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL },
    });
    expect(() => platform.onPrem('onprem', { clusterName: 'dc1', context: '' })).toThrow(/^acme-onprem\/cluster: context \(""\) is empty/);
  });

  test('a named context, or none at all, is accepted as given', () => {
    const stack = new TerraformStack(new App(), 's');
    KubernetesTarget.fromKubeconfig(stack, 'named', { clusterName: 'dc1', context: 'dc1-admin' });
    KubernetesTarget.fromKubeconfig(stack, 'current', { clusterName: 'dc1' });
    const contexts = JSON.parse(Testing.synth(stack)).provider.kubernetes.map((p: any) => p.config_context);
    expect(contexts).toEqual(['dc1-admin', undefined]);
  });
});

describe('a target says how its kubelets\' serving certificates are signed', () => {
  test('an existing cluster reached by kubeconfig assumes kubeadm\'s self-signed kubelet certificates unless told otherwise', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    expect(KubernetesTarget.fromKubeconfig(stack, 'a', { clusterName: 'dc1' }).kubeletServingCertificates).toBe(KubeletServingCertificates.SELF_SIGNED);
    const signed = KubernetesTarget.fromKubeconfig(stack, 'b', { clusterName: 'dc2', kubeletServingCertificates: KubeletServingCertificates.CLUSTER_CA_SIGNED });
    expect(signed.kubeletServingCertificates).toBe(KubeletServingCertificates.CLUSTER_CA_SIGNED);
    // Another namespace of the same cluster has the same kubelets.
    expect(signed.inNamespace('monitoring').kubeletServingCertificates).toBe(KubeletServingCertificates.CLUSTER_CA_SIGNED);
  });

  test('EKS and GKE kubelets present certificates signed by the cluster CA', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const provider = new KubernetesProvider(stack, 'k');
    expect(KubernetesTarget.fromProvider(provider, { clusterName: 'ml', platform: KubernetesPlatform.EKS }).kubeletServingCertificates)
      .toBe(KubeletServingCertificates.CLUSTER_CA_SIGNED);
    expect(KubernetesTarget.fromProvider(provider, { clusterName: 'ml', platform: KubernetesPlatform.GKE }).kubeletServingCertificates)
      .toBe(KubeletServingCertificates.CLUSTER_CA_SIGNED);
    expect(KubernetesTarget.fromProvider(provider, { clusterName: 'ml' }).kubeletServingCertificates).toBe(KubeletServingCertificates.SELF_SIGNED);
  });

  test('a value outside the enum is refused', () => {
    expect(errorOf((stack) => KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', kubeletServingCertificates: 'signed' as KubeletServingCertificates })))
      .toMatch(/test\/dc1: kubeletServingCertificates \("signed"\) must be one of cluster-ca-signed, self-signed/);
  });
});
