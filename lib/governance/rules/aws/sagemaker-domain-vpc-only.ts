import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/** Studio domains route traffic through the VPC (app_network_access_type defaults to "PublicInternetOnly"). */
export const sagemakerDomainVpcOnly = defineRule({
  id: 'aws-sagemaker-domain-vpc-only',
  severity: 'error',
  category: 'network-isolation',
  description: 'SageMaker domain uses app_network_access_type = "VpcOnly".',
  remediation: 'Set app_network_access_type = "VpcOnly" and provide VPC endpoints / NAT for the access it needs.',
  references: ['AWS SageMaker security best practices'],
  appliesTo: ['aws_sagemaker_domain'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.app_network_access_type;
    return isUnknown(v) || (str(v) ?? 'PublicInternetOnly') === 'VpcOnly' ? [] : ['app_network_access_type is "PublicInternetOnly" (the default)'];
  },
});
