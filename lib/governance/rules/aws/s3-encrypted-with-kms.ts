import { defineRule } from '../../rule';
import { companionsOf } from '../../support/companions';
import { block, blocks, isUnknown, noteUnknown, str } from '../../values';

/**
 * Buckets default-encrypt with a KMS key (aws:kms or aws:kms:dsse). Since 2023 S3 applies SSE-S3
 * (AES256) when nothing is configured, so this is about key control, hence a warning.
 */
export const s3EncryptedWithKms = defineRule({
  id: 'aws-s3-encrypted-with-kms',
  severity: 'warning',
  category: 'encryption-at-rest',
  description: 'S3 bucket default encryption uses a KMS key (sse_algorithm aws:kms).',
  remediation: 'Add aws_s3_bucket_server_side_encryption_configuration with rule { apply_server_side_encryption_by_default { sse_algorithm = "aws:kms", kms_master_key_id = <key> } }.',
  references: ['CKV_AWS_145', 'AVD-AWS-0088', 'AVD-AWS-0132'],
  appliesTo: ['aws_s3_bucket'],
  companions: ['aws_s3_bucket_server_side_encryption_configuration'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const { definite: configs, uncertain } = companionsOf(resource, ctx, 'aws_s3_bucket_server_side_encryption_configuration');
    const ok = configs.some((c) => blocks(c.values, 'rule').some((r) => {
      const algorithm = block(r, 'apply_server_side_encryption_by_default')?.sse_algorithm;
      return isUnknown(algorithm) || (str(algorithm) ?? '').startsWith('aws:kms');
    }));
    if (ok) return [];
    if (uncertain) {
      noteUnknown();
      return [];
    }
    if (configs.length === 0) return ['bucket has no aws_s3_bucket_server_side_encryption_configuration using aws:kms (S3 falls back to SSE-S3)'];
    return ['bucket default encryption does not use aws:kms'];
  },
});
