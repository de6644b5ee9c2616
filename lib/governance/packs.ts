import { PackName, Rule } from './rule';

/** Every pack name, in the order reports list them. */
export const PACK_NAMES: readonly PackName[] = ['baseline', 'ml-guardrails', 'strict'];

/**
 * Rules enabled by a set of packs. `baseline` is always on: it is the security floor.
 * `strict` adds hardening that is noisy for development stacks; `ml-guardrails` adds
 * budgets, registries, residency and tagging, which need parameters to be useful.
 */
export function rulesForPacks(rules: readonly Rule[], packs: readonly string[]): Rule[] {
  const enabled = new Set<string>(['baseline', ...packs]);
  return rules.filter((r) => r.packs.some((p) => enabled.has(p)));
}
