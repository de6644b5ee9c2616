import { defineRule } from '../../rule';
import { anyUnknown, block, isSet } from '../../values';

/**
 * Node groups with SSH access name the security groups allowed to reach port 22. With remote_access.ec2_ssh_key and
 * no source_security_group_ids, EKS opens port 22 on the nodes to 0.0.0.0/0
 * (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_node_group#remote_access).
 */
export const eksNodeGroupSshRestricted = defineRule({
  id: 'aws-eks-node-group-ssh-restricted',
  severity: 'error',
  category: 'public-exposure',
  description: 'EKS node groups with an SSH key restrict SSH to named source security groups (no implicit 0.0.0.0/0).',
  remediation: 'Remove remote_access (use SSM Session Manager), or set remote_access.source_security_group_ids to the bastion\'s security group.',
  references: ['CKV_AWS_100'],
  appliesTo: ['aws_eks_node_group'],
  packs: ['baseline'],
  evaluate(resource) {
    const remote = block(resource.values, 'remote_access');
    if (!remote || !isSet(remote.ec2_ssh_key)) return [];
    const sources = remote.source_security_group_ids;
    if (anyUnknown(sources) || isSet(sources)) return [];
    return ['remote_access has an ec2_ssh_key and no source_security_group_ids: SSH (port 22) is open to 0.0.0.0/0'];
  },
});
