import { defineRule } from '../../rule';
import { block, bool, isSet } from '../../values';

/** Feature groups encrypt the offline store (S3) and the online store with KMS keys. */
export const sagemakerFeatureGroupEncrypted = defineRule({
  id: 'aws-sagemaker-feature-group-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'SageMaker feature group sets KMS keys for its offline store and its online store.',
  remediation: 'Set offline_store_config.s3_storage_config.kms_key_id and online_store_config.security_config.kms_key_id.',
  references: ['AWS SageMaker Feature Store encryption'],
  appliesTo: ['aws_sagemaker_feature_group'],
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    const offline = block(resource.values, 'offline_store_config');
    if (offline && !isSet(block(offline, 's3_storage_config')?.kms_key_id)) out.push('offline store has no kms_key_id');
    const online = block(resource.values, 'online_store_config');
    if (online && bool(online.enable_online_store) !== false && !isSet(block(online, 'security_config')?.kms_key_id)) {
      out.push('online store has no security_config.kms_key_id');
    }
    return out;
  },
});
