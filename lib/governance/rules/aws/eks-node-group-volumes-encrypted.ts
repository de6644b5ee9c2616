import { defineRule } from '../../rule';
import { block, blocks, bool, isUnknown } from '../../values';

/**
 * EBS volumes declared in a node group's launch template are encrypted.
 * block_device_mappings.ebs.encrypted has no default in the template (the AMI/account default applies),
 * so a mapping must say encrypted = "true" explicitly.
 */
export const eksNodeGroupVolumesEncrypted = defineRule({
  id: 'aws-eks-node-group-volumes-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'EBS volumes in launch templates used by EKS node groups are encrypted.',
  remediation: 'Set block_device_mappings { ebs { encrypted = "true", kms_key_id = <key> } } in the launch template.',
  references: ['CIS AWS 3.0 2.2.1'],
  appliesTo: ['aws_eks_node_group'],
  companions: ['aws_launch_template'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const out: string[] = [];
    for (const lt of ctx.referencedFrom(resource, 'launch_template', ['aws_launch_template'])) {
      for (const mapping of blocks(lt.values, 'block_device_mappings')) {
        const ebs = block(mapping, 'ebs');
        if (!ebs) continue;
        const encrypted = bool(ebs.encrypted);
        if (isUnknown(encrypted)) continue;
        if (encrypted !== true) out.push(`launch template ${lt.address} volume ${String(mapping.device_name ?? '')} is not encrypted`.trim());
      }
    }
    return out;
  },
});
