import { defineRule } from '../../rule';
import { isSet } from '../../values';

/** Notebook storage volumes use a customer-managed KMS key. */
export const sagemakerNotebookEncrypted = defineRule({
  id: 'aws-sagemaker-notebook-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'SageMaker notebook instance sets kms_key_id.',
  remediation: 'Set kms_key_id to a customer-managed KMS key.',
  references: ['CKV_AWS_22', 'CKV_AWS_187'],
  appliesTo: ['aws_sagemaker_notebook_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.kms_key_id) ? [] : ['kms_key_id is not set'];
  },
});
