import { defineRule } from '../../rule';
import { isSet } from '../../values';

/** Endpoint configurations encrypt the ML storage volume with a KMS key (kms_key_arn has no default). */
export const sagemakerEndpointConfigEncrypted = defineRule({
  id: 'aws-sagemaker-endpoint-config-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'SageMaker endpoint configuration sets kms_key_arn.',
  remediation: 'Set kms_key_arn to a customer-managed KMS key.',
  references: ['CKV_AWS_98'],
  appliesTo: ['aws_sagemaker_endpoint_configuration'],
  packs: ['baseline'],
  evaluate(resource) {
    return isSet(resource.values.kms_key_arn) ? [] : ['kms_key_arn is not set'];
  },
});
