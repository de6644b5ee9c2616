import { Token } from 'cdktf';
import { EksAddonConfig } from '@cdktf/provider-aws/lib/eks-addon';
import { Validator } from '../../core/errors';

/** What the vpc-cni add-on settings depend on (a subset of EksTrainingClusterProps). */
export interface VpcCniProps {
  readonly kubernetesVersion: string;
  readonly networkPolicyEnforcement?: boolean;
  readonly vpcCniVersion?: string;
}

/**
 * The first vpc-cni add-on build that takes `enableNetworkPolicy` (EKS User Guide, cni-network-policy-configure:
 * "Select a v1.14.0-eksbuild.3 or later version"), and the first Kubernetes minor the VPC CNI enforces
 * NetworkPolicies on (same page: "The cluster must be Kubernetes version 1.25 or later").
 */
const NETWORK_POLICY_MIN_VPC_CNI = [1, 14, 0, 3];
const NETWORK_POLICY_MIN_KUBERNETES_MINOR = 25;
const EKS_ADDON_VERSION = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.(\d+)$/;

/** True when an add-on version (`v1.19.2-eksbuild.1`) is at least `min` ([major, minor, patch, build]). */
function addonVersionAtLeast(version: string, min: readonly number[]): boolean {
  const parts = EKS_ADDON_VERSION.exec(version)!.slice(1).map(Number);
  for (let i = 0; i < min.length; i++) if (parts[i] !== min[i]) return parts[i] > min[i];
  return true;
}

/** Checks that network policy enforcement can work with the cluster and add-on versions given. */
export function checkVpcCni(v: Validator, props: VpcCniProps): void {
  const enforce = props.networkPolicyEnforcement ?? true;
  v.check(typeof enforce === 'boolean', 'networkPolicyEnforcement', props.networkPolicyEnforcement, 'must be true or false');
  const minor = typeof props.kubernetesVersion === 'string' && /^1\.\d{2}$/.test(props.kubernetesVersion) ? Number(props.kubernetesVersion.slice(2)) : undefined;
  if (enforce && minor !== undefined) {
    v.check(minor >= NETWORK_POLICY_MIN_KUBERNETES_MINOR, 'kubernetesVersion', props.kubernetesVersion,
      `is below 1.${NETWORK_POLICY_MIN_KUBERNETES_MINOR}, the first version on which the VPC CNI enforces NetworkPolicies; use a supported version such as "1.33"`);
  }
  if (props.vpcCniVersion === undefined || Token.isUnresolved(props.vpcCniVersion)) return;
  if (v.matches('vpcCniVersion', props.vpcCniVersion, EKS_ADDON_VERSION, 'must be an EKS add-on version such as "v1.19.2-eksbuild.1"') && enforce) {
    v.check(addonVersionAtLeast(props.vpcCniVersion, NETWORK_POLICY_MIN_VPC_CNI), 'vpcCniVersion', props.vpcCniVersion,
      'does not enforce NetworkPolicies; use v1.14.0-eksbuild.3 or later, or set networkPolicyEnforcement: false where another engine enforces them');
  }
}

/**
 * The vpc-cni add-on's version and configuration. `enableNetworkPolicy` is the add-on's (and the aws-vpc-cni
 * chart's) one switch, a string: it sets `enable-network-policy-controller` in the amazon-vpc-cni ConfigMap,
 * which the policy controller EKS runs in the control plane reads, and `--enable-network-policy` on the
 * aws-network-policy-agent container of aws-node, the node agent (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni:
 * values.yaml `enableNetworkPolicy: "false"`, templates/configmap.yaml, templates/daemonset.yaml; EKS User Guide,
 * cni-network-policy-configure, Step 2: `{ "enableNetworkPolicy": "true" }`).
 */
export function vpcCniAddonSettings(props: VpcCniProps): Partial<EksAddonConfig> {
  const version = props.vpcCniVersion ? { addonVersion: props.vpcCniVersion } : {};
  if (props.networkPolicyEnforcement === false) return version;
  // Unpinned, EKS installs its default version for the cluster's Kubernetes version (addon_version is then
  // computed): check what it installed rather than assume, since an older add-on cannot enforce policies.
  const major = 'tonumber(split(".", trimprefix(self.addon_version, "v"))[0])';
  const minor = 'tonumber(split(".", trimprefix(self.addon_version, "v"))[1])';
  return {
    ...version,
    configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
    ...(props.vpcCniVersion ? {} : {
      lifecycle: {
        postcondition: [{
          condition: `\${${major} > 1 || ${minor} >= 14}`,
          errorMessage: 'NetworkPolicy enforcement needs the vpc-cni add-on v1.14 or later; set vpcCniVersion to a v1.14.0-eksbuild.3 or later version',
        }],
      },
    }),
  };
}
