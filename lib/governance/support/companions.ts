import { GovernedResource } from '../model';
import { RuleContext } from '../rule';
import { UNKNOWN } from '../values';

/** Per model and companion type: companions by literal `bucket`, and those whose `bucket` is unknown until apply. Built once, O(n). */
const indexes = new WeakMap<object, Map<string, CompanionIndex>>();

interface CompanionIndex {
  readonly byName: Map<string, GovernedResource[]>;
  /** Companions whose bucket is unknown and names no bucket directly: they could configure any bucket. */
  readonly unresolved: GovernedResource[];
}

function index(ctx: RuleContext, type: string): CompanionIndex {
  let perType = indexes.get(ctx.model);
  if (!perType) {
    perType = new Map();
    indexes.set(ctx.model, perType);
  }
  let found = perType.get(type);
  if (!found) {
    found = { byName: new Map(), unresolved: [] };
    for (const c of ctx.resourcesOfType(type)) {
      const bucket = c.values.bucket;
      if (typeof bucket === 'string') {
        const list = found.byName.get(bucket);
        if (list) list.push(c);
        else found.byName.set(bucket, [c]);
      } else if (bucket === UNKNOWN && !(ctx.model.references.get(c.address) ?? []).some((r) => r.attribute === 'bucket')) {
        found.unresolved.push(c); // `bucket = var.name` without a default: any bucket's
      }
    }
    perType.set(type, found);
  }
  return found;
}

/** The companions that certainly configure a bucket, and whether others might. */
export interface Companions {
  /** Companions whose `bucket` is exactly this bucket instance (a direct reference, or its literal name), and that exist. */
  readonly definite: GovernedResource[];
  /** Whether a companion whose bucket or existence is unknown until apply could configure this bucket too. */
  readonly uncertain: boolean;
}

/**
 * Companion resources configuring one S3 bucket instance (aws_s3_bucket_versioning & co). A companion
 * counts when its `bucket` is exactly a reference to this instance (`b[0]` for `b[0]`, `b[count.index]`
 * in the same instance) or its literal name equals the bucket's, and it exists (`count = 0` declares
 * none). An expression that only mentions the bucket (`coalesce(a.id, b.id)`, `"${b.id}-logs"`) does not
 * count. A companion whose bucket is unknown until apply (a variable without default), whose instance
 * key is unknown, or that exists only under an unknown `count`, makes the answer uncertain instead.
 */
export function companionsOf(bucket: GovernedResource, ctx: RuleContext, type: string): Companions {
  const definite = new Set<GovernedResource>();
  let uncertain = false;
  for (const ref of ctx.model.referencedBy.get(bucket.address) ?? []) {
    if (ref.from.type !== type || ref.attribute !== 'bucket' || !ref.direct) continue;
    if (ref.exact && !ref.from.conditional) definite.add(ref.from);
    else uncertain = true;
  }
  const idx = index(ctx, type);
  const name = bucket.values.bucket;
  if (typeof name === 'string') {
    for (const c of idx.byName.get(name) ?? []) {
      if (c.conditional) uncertain = true;
      else definite.add(c);
    }
  } else if (name === UNKNOWN) {
    uncertain ||= idx.byName.size > 0; // a companion naming a bucket literally might name this one
  }
  if (idx.unresolved.length > 0) uncertain = true;
  return { definite: [...definite], uncertain };
}
