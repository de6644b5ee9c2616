import { setProperty } from '../values';

/**
 * Terraform JSON writes a `dynamic "name" { for_each, content }` block as `"dynamic": { "name": { "for_each": …,
 * "content": {…} } }` (cdktf's TerraformDynamicBlock and iterators do). Rules read nested blocks by name, so a block
 * written dynamically would be invisible: an encryption_config looked absent, a privileged container went unchecked.
 * Expanding each dynamic block into one instance of its content keeps both right: the block is present, literal values
 * in the content are checked, and values taken from the iterator are `${…}` expressions, unknown like any other.
 * A literal empty for_each expands to nothing. Plans need none of this: Terraform has expanded the blocks already.
 */
export function expandDynamicBlocks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandDynamicBlocks);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) if (key !== 'dynamic') setProperty(out, key, expandDynamicBlocks(v));
  const dynamic = source.dynamic;
  if (typeof dynamic !== 'object' || dynamic === null || Array.isArray(dynamic)) {
    if (dynamic !== undefined) out.dynamic = dynamic;
    return out;
  }
  for (const [name, specs] of Object.entries(dynamic as Record<string, unknown>)) {
    for (const spec of Array.isArray(specs) ? specs : [specs]) {
      if (typeof spec !== 'object' || spec === null || !('content' in spec)) continue;
      const forEach = (spec as Record<string, unknown>).for_each;
      const empty = (Array.isArray(forEach) && forEach.length === 0) ||
        (typeof forEach === 'object' && forEach !== null && !Array.isArray(forEach) && Object.keys(forEach).length === 0);
      if (empty) continue;
      const existing = out[name];
      const instances = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      setProperty(out, name, [...instances, expandDynamicBlocks((spec as Record<string, unknown>).content)]);
    }
  }
  return out;
}
