import { defineRule } from '../../rule';
import { block, isUnknown, str } from '../../values';

/**
 * Cluster access is managed with EKS access entries (API or API_AND_CONFIG_MAP), not only the aws-auth ConfigMap.
 * The EKS API defaults authentication_mode to CONFIG_MAP when access_config is absent
 * (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#access_config).
 */
export const eksAuthenticationModeUsesAccessEntries = defineRule({
  id: 'aws-eks-authentication-mode-uses-access-entries',
  severity: 'warning',
  category: 'least-privilege',
  description: 'EKS cluster uses access entries (authentication_mode API or API_AND_CONFIG_MAP), not CONFIG_MAP only.',
  remediation: 'Set access_config { authentication_mode = "API" } (or "API_AND_CONFIG_MAP" while migrating) and grant access with aws_eks_access_entry.',
  references: ['AWS EKS Best Practices: access entries'],
  appliesTo: ['aws_eks_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const mode = block(resource.values, 'access_config')?.authentication_mode;
    if (isUnknown(mode)) return [];
    const effective = str(mode) ?? 'CONFIG_MAP';
    return effective === 'CONFIG_MAP' ? ['authentication_mode is CONFIG_MAP only (the default): cluster access lives in the aws-auth ConfigMap'] : [];
  },
});
