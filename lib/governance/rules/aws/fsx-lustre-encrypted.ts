import { defineRule } from '../../rule';
import { isSet, isUnknown, str } from '../../values';

/**
 * FSx for Lustre file systems holding training data use a customer-managed key. Only PERSISTENT deployments accept
 * kms_key_id; SCRATCH_1 / SCRATCH_2 (SCRATCH_1 is the default deployment_type) always use an FSx-managed key.
 */
export const fsxLustreEncrypted = defineRule({
  id: 'aws-fsx-lustre-encrypted',
  severity: 'warning',
  category: 'key-management',
  description: 'FSx for Lustre file system is a PERSISTENT deployment with kms_key_id (customer-managed key).',
  remediation: 'Use deployment_type = "PERSISTENT_2" with kms_key_id = <KMS key ARN>; scratch file systems cannot use a customer-managed key (suppress with the reason if the data is disposable).',
  references: ['CKV_AWS_190'],
  appliesTo: ['aws_fsx_lustre_file_system'],
  packs: ['baseline'],
  evaluate(resource) {
    const type = resource.values.deployment_type;
    if (isUnknown(type)) return [];
    const deployment = str(type) ?? 'SCRATCH_1';
    if (deployment.startsWith('SCRATCH')) return [`deployment_type ${deployment} cannot use a customer-managed key: data is encrypted with an FSx-managed key`];
    return isSet(resource.values.kms_key_id) ? [] : ['kms_key_id is not set: the file system uses the AWS-managed FSx key'];
  },
});
