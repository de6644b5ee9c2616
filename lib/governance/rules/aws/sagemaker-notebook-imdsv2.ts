import { defineRule } from '../../rule';
import { block, isUnknown, str } from '../../values';

/**
 * Notebook instances accept only IMDSv2 (instance_metadata_service_configuration.minimum_instance_metadata_service_version
 * defaults to "1", which also allows IMDSv1: a server-side request forgery in notebook code reads the role's credentials).
 */
export const sagemakerNotebookImdsv2 = defineRule({
  id: 'aws-sagemaker-notebook-imdsv2',
  severity: 'error',
  category: 'workload-hardening',
  description: 'SageMaker notebook instance sets instance_metadata_service_configuration.minimum_instance_metadata_service_version = "2".',
  remediation: 'Add instance_metadata_service_configuration { minimum_instance_metadata_service_version = "2" }.',
  references: ['CKV_AWS_371'],
  appliesTo: ['aws_sagemaker_notebook_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const version = block(resource.values, 'instance_metadata_service_configuration')?.minimum_instance_metadata_service_version;
    if (isUnknown(version)) return [];
    return str(version) === '2' ? [] : [`minimum_instance_metadata_service_version is "${str(version) ?? '1'}": IMDSv1 is allowed`];
  },
});
