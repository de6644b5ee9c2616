import { defineRule } from '../../rule';
import { block, isUnknown, num } from '../../values';

/**
 * Launch templates of EKS node groups keep the IMDS response hop limit at 1, so pods (one network hop further than
 * the node) cannot fetch the node role's credentials even with IMDSv2; pods get AWS access through IRSA or EKS Pod
 * Identity instead. An unset limit is reported: EKS-optimized AL2023 AMIs are registered with ImdsSupport v2.0, which
 * launches instances with a hop limit of 2 unless the template says otherwise.
 */
export const eksNodeGroupImdsHopLimit = defineRule({
  id: 'aws-eks-node-group-imds-hop-limit',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Launch templates used by EKS node groups set metadata_options.http_put_response_hop_limit = 1.',
  remediation: 'In the node group\'s aws_launch_template set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }; give pods AWS access with IRSA or EKS Pod Identity.',
  references: ['CKV_AWS_341'],
  appliesTo: ['aws_eks_node_group'],
  companions: ['aws_launch_template'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const out: string[] = [];
    for (const lt of ctx.referencedFrom(resource, 'launch_template', ['aws_launch_template'])) {
      const limit = block(lt.values, 'metadata_options')?.http_put_response_hop_limit;
      if (isUnknown(limit)) continue;
      const n = num(limit);
      if (n === undefined) out.push(`launch template ${lt.address} does not set metadata_options.http_put_response_hop_limit (AL2023 EKS AMIs default to 2: pods reach the node's credentials)`);
      else if (n > 1) out.push(`launch template ${lt.address} sets http_put_response_hop_limit = ${n}: pods reach the node's instance credentials`);
    }
    return out;
  },
});
