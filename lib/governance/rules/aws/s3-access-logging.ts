import { defineRule } from '../../rule';
import { companionsOf } from '../../support/companions';
import { noteUnknown } from '../../values';

/** Buckets have server access logging (aws_s3_bucket_logging). Informational: CloudTrail data events are an alternative. */
export const s3AccessLogging = defineRule({
  id: 'aws-s3-access-logging',
  severity: 'info',
  category: 'logging-audit',
  description: 'S3 bucket has server access logging (or you rely on CloudTrail data events).',
  remediation: 'Add aws_s3_bucket_logging with a target_bucket, or suppress with the reason "CloudTrail data events enabled".',
  references: ['CKV_AWS_18', 'AVD-AWS-0089'],
  appliesTo: ['aws_s3_bucket'],
  companions: ['aws_s3_bucket_logging'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const { definite, uncertain } = companionsOf(resource, ctx, 'aws_s3_bucket_logging');
    if (definite.length) return [];
    if (uncertain) {
      noteUnknown();
      return [];
    }
    return ['bucket has no server access logging (aws_s3_bucket_logging)'];
  },
});
