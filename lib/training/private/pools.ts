// How a training cluster turns the pools of its props into validated, resolved pools: the part every target shares.
import { Accelerator } from '../../core/accelerators/accelerator';
import { Validator } from '../../core/errors';
import { AcceleratorNodes, Toleration } from '../../core/kubernetes-target';
import { checkLabels, checkResourceName, LABEL_KEY } from '../../core/names';
import { Size } from '../../core/units';
import { AcceleratorPoolProps, Capacity, POOL_LABELS, PoolPurpose, ResolvedPool, Taint, TaintEffect } from '../pool';

/** The taint every accelerator pool carries, so only pods that ask for the device land there. */
export function acceleratorTaint(accelerator: Accelerator): Required<Taint> {
  return { key: accelerator.kubernetesResource, value: 'present', effect: TaintEffect.NO_SCHEDULE };
}

/**
 * Validates the target-independent part of every pool and applies defaults. Problems go to `v`;
 * the caller throws once it has added its own.
 */
export function resolvePools(v: Validator, pools: readonly AcceleratorPoolProps[] | undefined): ResolvedPool[] {
  if (pools !== undefined && !Array.isArray(pools)) {
    v.add('pools', pools, 'must be an array of pool definitions');
    return [];
  }
  const list: readonly AcceleratorPoolProps[] = pools ?? [];
  v.unique('pools', list, (p) => String(p?.name), 'pool name');
  return list.flatMap((p, i) => resolvePool(v, p, `pools[${i}]`) ?? []);
}

/** How a pool added after construction is named in error messages: `addPool("h100")`. */
export function addedPoolProp(method: string, name: unknown): string {
  return `${method}(${typeof name === 'string' ? JSON.stringify(name) : 'pool'})`;
}

/**
 * Validates the target-independent part of one pool, named `prop` in error messages (`pools[2]`,
 * `addPool("h100")`), and applies defaults. Problems go to `v`; undefined where the pool cannot be resolved.
 */
export function resolvePool(v: Validator, p: AcceleratorPoolProps, prop: string): ResolvedPool | undefined {
  if (p === null || typeof p !== 'object') {
    v.add(prop, p, 'must be a pool definition object');
    return undefined;
  }
  checkResourceName(v, `${prop}.name`, p.name, 40);
  if (!(p.accelerator instanceof Accelerator)) {
    v.add(`${prop}.accelerator`, p.accelerator,
      'must be an Accelerator, e.g. Accelerator.NVIDIA_H100 or Accelerator.tpu(TpuVersion.V5E, "2x4")');
    return undefined;
  }
  v.integer(`${prop}.acceleratorsPerNode`, p.acceleratorsPerNode, 1, 16);
  const slice = p.accelerator.tpuSlice;
  const minNodes = p.minNodes ?? 0;
  const maxNodes = p.maxNodes ?? (slice ? slice.hosts : 1);
  const minOk = v.integer(`${prop}.minNodes`, minNodes, 0, 1000);
  const maxOk = v.integer(`${prop}.maxNodes`, maxNodes, 1, 1000);
  if (minOk && maxOk) {
    v.check(maxNodes >= minNodes, `${prop}.maxNodes`, maxNodes, `is below minNodes (${minNodes}); raise maxNodes or lower minNodes`);
  }
  if (p.capacity !== undefined && !(p.capacity instanceof Capacity)) {
    v.add(`${prop}.capacity`, p.capacity, 'must be Capacity.ON_DEMAND, Capacity.SPOT, Capacity.capacityBlock(id) or Capacity.reservation(id)');
  }
  checkLabels(v, `${prop}.labels`, p.labels);
  for (const key of Object.keys(p.labels ?? {})) {
    v.check(!key.startsWith('ml-platform.io/'), `${prop}.labels.${key}`, key, 'uses the library\'s reserved prefix ml-platform.io/; choose another key');
  }
  const taints: Required<Taint>[] = [acceleratorTaint(p.accelerator)];
  (p.taints ?? []).forEach((t, j) => {
    const tp = `${prop}.taints[${j}]`;
    if (!t || typeof t !== 'object') {
      v.add(tp, t, 'must be a taint {key, value?, effect?}');
      return;
    }
    v.check(typeof t.key === 'string' && LABEL_KEY.test(t.key), `${tp}.key`, t.key, 'is not a valid taint key; use [prefix/]name');
    v.check(t.value === undefined || (typeof t.value === 'string' && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(t.value) && t.value.length <= 63),
      `${tp}.value`, t.value, 'is not a valid taint value; use at most 63 letters, digits, "-", "_" and "."');
    v.check(t.effect === undefined || Object.values(TaintEffect).includes(t.effect), `${tp}.effect`, t.effect,
      `must be one of ${Object.values(TaintEffect).join(', ')}`);
    v.check(t.key !== p.accelerator.kubernetesResource, `${tp}.key`, t.key, 'is the accelerator taint the library already sets; remove it');
    taints.push({ key: t.key, value: t.value ?? '', effect: t.effect ?? TaintEffect.NO_SCHEDULE });
  });
  let diskGiB = 200;
  if (p.diskSize !== undefined) {
    if (!(p.diskSize instanceof Size)) {
      v.add(`${prop}.diskSize`, p.diskSize, 'must be a Size, e.g. Size.gibibytes(200)');
    } else {
      try {
        diskGiB = p.diskSize.toGibibytes();
        v.check(diskGiB >= 20 && diskGiB <= 16384, `${prop}.diskSize`, p.diskSize,
          'must be from 20 GiB to 16 TiB; accelerated node images need at least 20 GiB');
      } catch {
        v.add(`${prop}.diskSize`, p.diskSize, 'must be a whole number of GiB');
      }
    }
  }
  v.check(p.purpose === undefined || Object.values(PoolPurpose).includes(p.purpose), `${prop}.purpose`, p.purpose,
    `must be one of ${Object.values(PoolPurpose).join(', ')}`);
  if (p.efa !== undefined) v.check(typeof p.efa === 'boolean', `${prop}.efa`, p.efa, 'must be true or false');
  const purpose = p.purpose ?? PoolPurpose.TRAINING;
  return {
    name: p.name,
    accelerator: p.accelerator,
    acceleratorsPerNode: p.acceleratorsPerNode,
    machineType: p.machineType,
    minNodes,
    maxNodes,
    capacity: p.capacity instanceof Capacity ? p.capacity : Capacity.ON_DEMAND,
    labels: {
      ...p.labels,
      [POOL_LABELS.pool]: p.name,
      [POOL_LABELS.accelerator]: p.accelerator.id,
      [POOL_LABELS.acceleratorKind]: p.accelerator.kind,
      [POOL_LABELS.purpose]: purpose,
    },
    taints,
    diskGiB,
    efa: p.efa,
    purpose,
    prop,
  };
}

/** What a workload needs to land on a pool's nodes. */
export function acceleratorNodes(pool: ResolvedPool, acceleratorsPerNode: number): AcceleratorNodes {
  const tolerations: Toleration[] = pool.taints.map((t) => ({
    key: t.key,
    operator: t.value ? 'Equal' : 'Exists',
    ...(t.value ? { value: t.value } : {}),
    effect: t.effect,
  }));
  return {
    pool: pool.name,
    accelerator: pool.accelerator,
    acceleratorsPerNode,
    maxNodes: pool.maxNodes,
    minNodes: pool.minNodes,
    nodeSelector: { [POOL_LABELS.pool]: pool.name },
    tolerations,
  };
}
