import { GovernedResource } from '../model';
import { RuleContext } from '../rule';
import { str } from '../values';

/** Per model and companion type: resources by their literal `bucket` value. Built once, O(n). */
const byBucketName = new WeakMap<object, Map<string, Map<string, GovernedResource[]>>>();

function companionsNamed(ctx: RuleContext, type: string, name: string): readonly GovernedResource[] {
  let perType = byBucketName.get(ctx.model);
  if (!perType) {
    perType = new Map();
    byBucketName.set(ctx.model, perType);
  }
  let index = perType.get(type);
  if (!index) {
    index = new Map();
    for (const c of ctx.resourcesOfType(type)) {
      const bucket = str(c.values.bucket);
      if (bucket === undefined) continue;
      const list = index.get(bucket);
      if (list) list.push(c);
      else index.set(bucket, [c]);
    }
    perType.set(type, index);
  }
  return index.get(name) ?? [];
}

/**
 * Companion resources configuring an S3 bucket (aws_s3_bucket_versioning & co): those whose `bucket`
 * references the bucket, or whose literal `bucket` equals the bucket's literal name.
 */
export function bucketCompanions(bucket: GovernedResource, ctx: RuleContext, type: string): GovernedResource[] {
  const found = ctx.referencing(bucket, [type], 'bucket');
  const name = str(bucket.values.bucket);
  if (name) {
    for (const c of companionsNamed(ctx, type, name)) if (!found.includes(c)) found.push(c);
  }
  return found;
}
