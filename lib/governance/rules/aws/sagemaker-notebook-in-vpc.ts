import { defineRule } from '../../rule';
import { isSet } from '../../values';

/** Notebook instances run in your VPC (subnet_id), where security groups and VPC endpoints govern what they reach. */
export const sagemakerNotebookInVpc = defineRule({
  id: 'aws-sagemaker-notebook-in-vpc',
  severity: 'warning',
  category: 'network-isolation',
  description: 'SageMaker notebook instance is launched into a VPC subnet (subnet_id and security_groups).',
  remediation: 'Set subnet_id to a private subnet and security_groups to groups that allow only the egress the notebook needs.',
  references: ['CKV_AWS_306'],
  appliesTo: ['aws_sagemaker_notebook_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.subnet_id) ? [] : ['no subnet_id: the notebook runs in a SageMaker-managed network outside your VPC'];
  },
});
