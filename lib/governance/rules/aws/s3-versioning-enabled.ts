import { defineRule } from '../../rule';
import { companionsOf } from '../../support/companions';
import { block, isUnknown, noteUnknown } from '../../values';

/** Buckets keep object versions (aws_s3_bucket_versioning status Enabled; buckets start unversioned). */
export const s3VersioningEnabled = defineRule({
  id: 'aws-s3-versioning-enabled',
  severity: 'warning',
  category: 'data-protection',
  description: 'S3 bucket has versioning enabled.',
  remediation: 'Add aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }.',
  references: ['CKV_AWS_21', 'AVD-AWS-0090'],
  appliesTo: ['aws_s3_bucket'],
  companions: ['aws_s3_bucket_versioning'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const { definite, uncertain } = companionsOf(resource, ctx, 'aws_s3_bucket_versioning');
    const ok = definite.some((c) => {
      const status = block(c.values, 'versioning_configuration')?.status;
      return isUnknown(status) || status === 'Enabled';
    });
    if (ok) return [];
    if (uncertain) {
      noteUnknown();
      return [];
    }
    return ['bucket versioning is not enabled'];
  },
});
