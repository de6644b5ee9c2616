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
