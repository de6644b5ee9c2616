import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/** Notebook users do not get root (root_access defaults to "Enabled"). */
export const sagemakerNotebookNoRootAccess = defineRule({
  id: 'aws-sagemaker-notebook-no-root-access',
  severity: 'error',
  category: 'workload-hardening',
  description: 'SageMaker notebook instance has root_access = "Disabled".',
  remediation: 'Set root_access = "Disabled"; install packages through a lifecycle configuration.',
  references: ['CKV_AWS_307'],
  appliesTo: ['aws_sagemaker_notebook_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.root_access;
    return isUnknown(v) || (str(v) ?? 'Enabled') === 'Disabled' ? [] : ['root_access is "Enabled" (the default)'];
  },
});
