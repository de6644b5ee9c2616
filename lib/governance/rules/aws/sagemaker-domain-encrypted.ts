import { defineRule } from '../../rule';
import { isSet } from '../../values';

/** Studio domains encrypt their home EFS volume with a customer-managed key (an AWS-managed key when kms_key_id is unset). */
export const sagemakerDomainEncrypted = defineRule({
  id: 'aws-sagemaker-domain-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'SageMaker domain sets kms_key_id (customer-managed key for the domain\'s EFS volume).',
  remediation: 'Set kms_key_id to a customer-managed KMS key (requires replacing the domain); also set default_user_settings.sharing_settings.s3_kms_key_id when notebooks are shared.',
  references: ['CKV_AWS_187'],
  appliesTo: ['aws_sagemaker_domain'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.kms_key_id) ? [] : ['kms_key_id is not set: the domain\'s EFS volume uses an AWS-managed key'];
  },
});
