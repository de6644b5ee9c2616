import { Validator } from '../../core/errors';
import { Traffic, TrafficStrategyKind, WeightedVariant } from '../traffic';

/**
 * Checks a strategy against the declared variants: weights are whole percents summing to 100, a canary takes
 * at most 50%, no variant is named twice, every named variant is declared and every declared one is named.
 * Returns false when the strategy is unusable (later checks that need it are skipped).
 */
export function checkTraffic(v: Validator, traffic: Traffic | undefined, declared: readonly string[]): boolean {
  if (!(traffic instanceof Traffic)) {
    v.add('traffic', traffic, 'must be Traffic.single(v), Traffic.canary(stable, canary, percent), Traffic.abTest([...]) or Traffic.championChallenger(champion, challenger)');
    return false;
  }
  if (!Array.isArray(traffic.weights) || traffic.weights.length === 0) {
    v.add('traffic', traffic.weights, 'names no variant; give Traffic.abTest at least two { variant, weight } entries');
    return false;
  }
  let ok = true;
  if (traffic.kind === TrafficStrategyKind.AB_TEST) {
    ok = v.check(traffic.weights.length >= 2, 'traffic', traffic, 'splits traffic over one variant; use Traffic.single(variant) or name at least two variants') && ok;
  }
  traffic.weights.forEach((w, i) => {
    ok = v.check(typeof w.variant === 'string' && w.variant.length > 0, `traffic.weights[${i}].variant`, w.variant, 'is required: a declared variant name') && ok;
    ok = v.check(Number.isInteger(w.weight) && w.weight >= 1 && w.weight <= 100, `traffic.weights[${i}].weight`, w.weight,
      'must be a whole percent from 1 to 100; remove a variant that should get no traffic') && ok;
  });
  if (traffic.kind === TrafficStrategyKind.CANARY) {
    const p = traffic.canaryPercent!;
    ok = v.check(Number.isInteger(p) && p >= 1 && p <= 50, 'traffic.canaryPercent', p,
      p > 50 ? 'is above 50%: a canary takes the minority of traffic; promote it with Traffic.single(canary) or use Traffic.abTest'
        : 'must be a whole percent from 1 to 50') && ok;
  } else {
    const sum = traffic.weights.reduce((s, w) => s + (typeof w.weight === 'number' ? w.weight : 0), 0);
    ok = v.check(sum === 100, 'traffic.weights', traffic.weights.map((w) => `${w.variant}: ${w.weight}`).join(', '),
      `sum to ${sum}; make the weights sum to 100`) && ok;
  }
  const named = traffic.variants;
  const seen = new Set<string>();
  named.forEach((name) => {
    if (seen.has(name)) ok = v.check(false, 'traffic', name, 'names this variant twice; name each variant once') && ok;
    seen.add(name);
  });
  const declaredSet = new Set(declared);
  for (const name of seen) {
    ok = v.check(declaredSet.has(name), 'traffic', name,
      `is not a declared variant (declared: ${declared.join(', ') || 'none'}); declare it in variants or fix the name`) && ok;
  }
  for (const name of declaredSet) {
    ok = v.check(seen.has(name), 'variants', name,
      `is declared but the traffic strategy sends it nothing; name it in traffic (${traffic.kind}) or remove it`) && ok;
  }
  return ok;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The fewest replicas that express a live split exactly when each replica takes an equal share:
 * 100 / gcd(weights). 90/10 needs 10 replicas, 95/5 needs 20, 50/50 needs 2.
 */
export function replicasToExpress(weights: readonly WeightedVariant[]): number {
  const g = weights.map((w) => w.weight).filter((w) => w > 0).reduce(gcd, 100);
  return 100 / g;
}

/** Replicas per variant for `total` replicas (a multiple of {@link replicasToExpress}). */
export function replicasPerVariant(weights: readonly WeightedVariant[], total: number): Record<string, number> {
  return Object.fromEntries(weights.map((w) => [w.variant, (total * w.weight) / 100]));
}
