import { GovernedResource } from '../model';
import { RuleContext } from '../rule';
import { isUnknown, noteUnknown, str, UNKNOWN } from '../values';

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
      } else if (bucket === UNKNOWN && !(ctx.model.references.get(c.address) ?? []).some((r) => r.attribute === 'bucket' && r.direct && r.exact)) {
        found.unresolved.push(c);
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
 * in the same instance) or its literal name equals the bucket's. A companion whose bucket is an
 * expression over several buckets (`coalesce(a.id, b.id)`), unknown until apply, or that exists only
 * under an unknown `count`, makes the answer uncertain rather than counting or being ignored.
 */
export function companionsOf(bucket: GovernedResource, ctx: RuleContext, type: string): Companions {
  const definite = new Set<GovernedResource>();
  let uncertain = false;
  for (const ref of ctx.model.referencedBy.get(bucket.address) ?? []) {
    if (ref.from.type !== type || ref.attribute !== 'bucket') continue;
    if (ref.direct && ref.exact && !ref.from.conditional) definite.add(ref.from);
    else if (ref.from.values.bucket === UNKNOWN) uncertain = true; // an expression over buckets, or an instance key unknown until apply
  }
  const name = str(bucket.values.bucket);
  const idx = index(ctx, type);
  if (name !== undefined) {
    for (const c of idx.byName.get(name) ?? []) {
      if (c.conditional) uncertain = true;
      else definite.add(c);
    }
  } else if (isUnknown(bucket.values.bucket)) {
    uncertain ||= idx.byName.size > 0; // a literal-named companion might be this bucket's
  }
  if (idx.unresolved.length > 0) uncertain = true;
  for (const c of definite) if (c.conditional) definite.delete(c);
  return { definite: [...definite], uncertain };
}

/**
 * The companions that certainly configure the bucket. When others might (see {@link companionsOf}),
 * the uncertainty is counted, so a rule that finds nothing wrong reports the bucket as unknown.
 */
export function bucketCompanions(bucket: GovernedResource, ctx: RuleContext, type: string): GovernedResource[] {
  const { definite, uncertain } = companionsOf(bucket, ctx, type);
  if (uncertain) noteUnknown();
  return definite;
}
