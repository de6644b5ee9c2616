import { defineRule } from '../../rule';
import { companionsOf } from '../../support/companions';
import { bool, isUnknown, noteUnknown } from '../../values';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** Every bucket has an aws_s3_bucket_public_access_block with all four flags true (each defaults to false). */
export const s3PublicAccessBlocked = defineRule({
  id: 'aws-s3-public-access-blocked',
  severity: 'error',
  category: 'public-exposure',
  description: 'S3 bucket has a public access block with all four flags set to true.',
  remediation: 'Add aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets = true.',
  references: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56', 'AVD-AWS-0086', 'AVD-AWS-0087', 'AVD-AWS-0091', 'AVD-AWS-0093', 'CIS AWS 3.0 2.1.4'],
  appliesTo: ['aws_s3_bucket'],
  companions: ['aws_s3_bucket_public_access_block'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const { definite: blocks, uncertain } = companionsOf(resource, ctx, 'aws_s3_bucket_public_access_block');
    const ok = blocks.some((b) => FLAGS.every((f) => { const v = bool(b.values[f]); return v === true || isUnknown(v); }));
    if (ok) return [];
    if (uncertain) {
      noteUnknown(); // a block whose bucket or existence is unknown until apply may be this bucket's
      return [];
    }
    if (blocks.length === 0) return ['bucket has no aws_s3_bucket_public_access_block'];
    const missing = FLAGS.filter((f) => !blocks.some((b) => bool(b.values[f]) === true));
    return [`public access block does not set ${missing.join(', ')} to true`];
  },
});
