import { Toleration } from '../../core/kubernetes-target';

/**
 * `base` and then every toleration of `extra` not already covered, each once: a device plugin must tolerate
 * every taint its nodes carry (the accelerator taint and the pool's own), or it never runs there.
 */
export function deviceTolerations(base: readonly Toleration[], extra: readonly Toleration[]): Toleration[] {
  const out = new Map<string, Toleration>(base.map((t) => [JSON.stringify(t), t]));
  for (const t of extra) {
    if (base.some((b) => b.key === t.key && b.effect === t.effect && b.operator === 'Exists')) continue;
    const clean: Toleration = { key: t.key, operator: t.operator, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect };
    out.set(JSON.stringify(clean), clean);
  }
  return [...out.values()];
}
