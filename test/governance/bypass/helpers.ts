import { ReviewOptions } from '../../../lib/governance/engine';
import { ReviewResult } from '../../../lib/governance/model';
import { reviewTerraformJson } from '../../../lib/governance/review';
import { ALL_PACKS, Resources, terraformJson } from '../helpers';

/** Top-level blocks of a cdk.tf.json besides `resource` and `provider` (variable, locals, data). */
export type Blocks = Record<string, unknown>;

/** Review resources plus extra top-level blocks, every pack on. */
export function reviewWith(resources: Resources, blocks: Blocks = {}, options: ReviewOptions = {}): ReviewResult {
  return reviewTerraformJson({ ...terraformJson(resources), ...blocks }, { ...ALL_PACKS, ...options });
}

/** Whether the review reported `ruleId` on `address`. */
export function reports(result: ReviewResult, ruleId: string, address: string): boolean {
  return result.findings.some((f) => f.ruleId === ruleId && f.address === address);
}

/** Whether the review counted `ruleId` on `address` as unknown until apply. */
export function unknownFor(result: ReviewResult, ruleId: string, address: string): boolean {
  return (result.unknown ?? []).some((u) => u.ruleId === ruleId && u.address === address);
}

/** An S3 bucket with a complete public access block whose attributes `pab` overrides. */
export function bucketWithBlock(pab: Record<string, unknown> = {}): Resources {
  return {
    'aws_s3_bucket.b': { bucket: 'b' },
    'aws_s3_bucket_public_access_block.p': {
      bucket: '${aws_s3_bucket.b.id}', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true, ...pab,
    },
  };
}
