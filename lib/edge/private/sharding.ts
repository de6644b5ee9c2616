import { createHash } from 'crypto';

/**
 * Rendezvous (highest-random-weight) hashing: each site goes to the shard whose hash with the site name is
 * highest. Growing from S to S+1 shards moves only the sites the new shard wins (about 1/(S+1) of them);
 * every other site keeps its stack, so its Terraform state is untouched.
 */
export function rendezvousShard(fleet: string, site: string, shards: number): number {
  let best = 0;
  let bestScore = -1n;
  for (let shard = 0; shard < shards; shard++) {
    const digest = createHash('sha256').update(`${fleet}\u0000${shard}\u0000${site}`).digest();
    const score = digest.readBigUInt64BE(0);
    if (score > bestScore) {
      bestScore = score;
      best = shard;
    }
  }
  return best;
}

/** The default target of sites per stack: the most sites one offline site can hold back (see EdgeFleetProps.sitesPerStack). */
export const DEFAULT_SITES_PER_STACK = 10;

/** How many stacks a ring of `sites` sites gets: enough that they average at most `sitesPerStack`. */
export function stacksForRing(sites: number, sitesPerStack: number): number {
  return Math.max(1, Math.ceil(sites / sitesPerStack));
}

/**
 * The stack (index within its ring) of each site of one ring: a site's pin if it has one, else rendezvous hashing
 * over the ring's stacks. Depends only on the fleet name, the site name and the ring's stack count, so adding or
 * removing a site never moves another one, and the order of `sites` does not matter.
 */
export function assignRingStacks(fleet: string, sites: ReadonlyArray<{ readonly name: string; readonly shard?: number }>, stacks: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const site of sites) out[site.name] = site.shard ?? rendezvousShard(fleet, site.name, stacks);
  return out;
}
