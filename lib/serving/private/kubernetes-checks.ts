import { Accelerator } from '../../core/accelerators/accelerator';
import { Validator } from '../../core/errors';
import { AcceleratorNodes, IKubernetesTarget } from '../../core/kubernetes-target';
import { DriftData, DriftInputs } from '../../core/monitoring-contract';
import type { KubernetesVariantProps } from '../kubernetes-variant';

/** Drift inputs are DriftData of a scheme the drift job reads, and features are named. */
export function checkDrift(v: Validator, drift: DriftInputs | undefined): void {
  if (drift === undefined) return;
  for (const key of ['referenceDataset', 'predictionLog'] as const) {
    const data = drift[key];
    if (v.check(data instanceof DriftData, `drift.${key}`, data, 'must be DriftData.fromStore(datasetStore, prefix) or DriftData.fromUri("s3://…")')) {
      v.check(data.hasKnownScheme, `drift.${key}`, data.uri, 'is not an s3:// or gs:// URI; drift jobs read object storage');
    }
  }
  (drift.features ?? []).forEach((f, i) => v.matches(`drift.features[${i}]`, f, /^[A-Za-z_][A-Za-z0-9_.-]*$/,
    'must be a feature name (letters, digits, "_", "." and "-"); it is passed comma-separated in ML_FEATURES'));
}

/** The pool an accelerator variant lands on: the first of the target's pools of that accelerator with enough per node. */
export function placeAccelerator(v: Validator, prop: string, p: KubernetesVariantProps, target: IKubernetesTarget): { pool?: AcceleratorNodes; count: number } {
  if (p.accelerator === undefined) {
    v.check(p.acceleratorCount === undefined, `${prop}.acceleratorCount`, p.acceleratorCount, 'is set without an accelerator; set accelerator too or remove it');
    return { count: 0 };
  }
  if (!(p.accelerator instanceof Accelerator)) {
    v.add(`${prop}.accelerator`, p.accelerator, 'must be an Accelerator, e.g. Accelerator.NVIDIA_L4');
    return { count: 0 };
  }
  const count = p.acceleratorCount ?? 1;
  if (!v.integer(`${prop}.acceleratorCount`, count, 1, 16)) return { count };
  const nodes = target.acceleratorNodes ?? [];
  if (nodes.length === 0) {
    v.add(`${prop}.accelerator`, p.accelerator.id, `is requested but cluster ${target.clusterName} has no accelerator pools; ` +
      `add a pool of ${p.accelerator.id} to the cluster (or to KubernetesTarget acceleratorNodes), or serve this variant on CPU`);
    return { count };
  }
  const same = nodes.filter((n) => n.accelerator.id === p.accelerator!.id);
  if (same.length === 0) {
    const have = nodes.map((n) => `${n.pool} (${n.accelerator.id})`).join(', ');
    v.add(`${prop}.accelerator`, p.accelerator.id, `has no pool on cluster ${target.clusterName} (pools: ${have}); add a pool of it or request one the cluster has`);
    return { count };
  }
  const pool = same.find((n) => n.acceleratorsPerNode >= count);
  if (!pool) {
    const most = Math.max(...same.map((n) => n.acceleratorsPerNode));
    v.add(`${prop}.acceleratorCount`, count, `is more than any ${p.accelerator.id} pool has per node (${most}); lower it or add a pool with more per node`);
  }
  return { pool, count };
}
