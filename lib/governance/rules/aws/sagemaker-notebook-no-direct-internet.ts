import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/** Notebook instances reach the internet only through the VPC (direct_internet_access defaults to "Enabled"). */
export const sagemakerNotebookNoDirectInternet = defineRule({
  id: 'aws-sagemaker-notebook-no-direct-internet',
  severity: 'error',
  category: 'network-isolation',
  description: 'SageMaker notebook instance has direct_internet_access = "Disabled".',
  remediation: 'Set direct_internet_access = "Disabled" with subnet_id and security_groups in a VPC that has the egress it needs.',
  references: ['CKV_AWS_122'],
  appliesTo: ['aws_sagemaker_notebook_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.direct_internet_access;
    return isUnknown(v) || (str(v) ?? 'Enabled') === 'Disabled' ? [] : ['direct_internet_access is "Enabled" (the default)'];
  },
});
