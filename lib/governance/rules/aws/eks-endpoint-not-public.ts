import { defineRule } from '../../rule';
import { coversWholeInternet } from '../../support/cidr';
import { block, boolOr, isUnknown, strings, anyUnknown } from '../../values';

/**
 * The EKS API endpoint is private, or public only to named CIDRs.
 * Provider defaults (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#vpc_config):
 * endpoint_public_access defaults to true; public_access_cidrs defaults to ["0.0.0.0/0"].
 */
export const eksEndpointNotPublic = defineRule({
  id: 'aws-eks-endpoint-not-public',
  severity: 'error',
  category: 'public-exposure',
  description: 'EKS cluster API endpoint is not reachable from the whole internet.',
  remediation: 'Set vpc_config.endpoint_public_access = false (with endpoint_private_access = true), or restrict vpc_config.public_access_cidrs to known CIDRs.',
  references: ['CKV_AWS_39', 'CKV_AWS_38', 'AVD-AWS-0040', 'AVD-AWS-0041', 'CIS EKS 1.5.0 5.4.2'],
  appliesTo: ['aws_eks_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const vpc = block(resource.values, 'vpc_config');
    const isPublic = boolOr(vpc?.endpoint_public_access, true);
    if (isUnknown(isPublic) || !isPublic) return [];
    const cidrs = vpc?.public_access_cidrs;
    if (anyUnknown(cidrs)) return [];
    const list = cidrs === undefined || cidrs === null ? ['0.0.0.0/0'] : strings(cidrs);
    // Together, not one by one: 0.0.0.0/1 + 128.0.0.0/1 is the whole internet too.
    if (list.length === 0 || coversWholeInternet(list)) {
      return ['cluster API endpoint is public and open to 0.0.0.0/0 (endpoint_public_access defaults to true)'];
    }
    return [];
  },
});
