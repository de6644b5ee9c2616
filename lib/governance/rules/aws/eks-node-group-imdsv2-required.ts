import { defineRule } from '../../rule';
import { block, isUnknown, str } from '../../values';

/**
 * Nodes of a managed node group with a launch template require IMDSv2 (http_tokens = "required").
 * aws_launch_template.metadata_options.http_tokens defaults to "optional" (IMDSv1 allowed).
 * Node groups without a launch template use the EKS-managed template and are not checked.
 */
export const eksNodeGroupImdsv2Required = defineRule({
  id: 'aws-eks-node-group-imdsv2-required',
  severity: 'error',
  category: 'workload-hardening',
  description: 'Launch templates used by EKS node groups require IMDSv2 (metadata_options.http_tokens = "required").',
  remediation: 'In the node group\'s aws_launch_template set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } (a hop limit of 1 keeps pods away from the node\'s credentials; pods use IRSA or EKS Pod Identity).',
  references: ['CKV_AWS_79', 'AVD-AWS-0130'],
  appliesTo: ['aws_eks_node_group'],
  companions: ['aws_launch_template'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const templates = ctx.referencedFrom(resource, 'launch_template', ['aws_launch_template']);
    const out: string[] = [];
    for (const lt of templates) {
      const tokens = block(lt.values, 'metadata_options')?.http_tokens;
      if (isUnknown(tokens)) continue;
      if ((str(tokens) ?? 'optional') !== 'required') out.push(`launch template ${lt.address} allows IMDSv1 (metadata_options.http_tokens is not "required")`);
    }
    return out;
  },
});
