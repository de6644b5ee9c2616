import { AcceleratorKind } from '../../core/accelerators/accelerator';
import { EksInstanceType, eksInstanceType, eksInstanceTypesFor } from '../../core/accelerators/eks-instance-types';
import { Validator } from '../../core/errors';
import { KubernetesPlatform } from '../../core/kubernetes-target';
import { EksAmiFamily, EksPool } from '../eks-catalogue';
import { ResolvedPool } from '../pool';

/**
 * EKS AMI types for accelerated nodes. Source: EKS User Guide ml-eks-optimized-ami (awsdocs/amazon-eks-user-guide
 * latest/ug/ml/ml-eks-optimized-ami.adoc): AL2023_x86_64_NVIDIA covers p6-b200, p5, p5e, p5en, p4d, p4de, gr6, g6,
 * g6e, g5, g4dn; AL2023_x86_64_NEURON covers inf2, trn1, trn2; BOTTLEROCKET_x86_64_NVIDIA covers the same NVIDIA types.
 */
export function eksAmiType(kind: AcceleratorKind, family: EksAmiFamily): string | undefined {
  if (kind === AcceleratorKind.NVIDIA_GPU) return family === EksAmiFamily.BOTTLEROCKET ? 'BOTTLEROCKET_x86_64_NVIDIA' : 'AL2023_x86_64_NVIDIA';
  if (kind === AcceleratorKind.AWS_NEURON && family === EksAmiFamily.AL2023) return 'AL2023_x86_64_NEURON';
  return undefined;
}

/** Picks the instance type, AMI and EFA setting of each pool, or records why it cannot. */
export function resolveEksPools(v: Validator, pools: ResolvedPool[], family: EksAmiFamily): EksPool[] {
  const out: EksPool[] = [];
  for (const pool of pools) {
    const { accelerator, prop } = pool;
    if (accelerator.kind === AcceleratorKind.GOOGLE_TPU) {
      v.add(`${prop}.accelerator`, accelerator.id, 'is a TPU, which only Google Cloud offers; move this pool to a GkeTrainingCluster');
      continue;
    }
    const offered = eksInstanceTypesFor(accelerator);
    if (offered.length === 0) {
      v.add(`${prop}.accelerator`, accelerator.id, 'is not offered on EC2; choose another accelerator');
      continue;
    }
    const counts = [...new Set(offered.map((t) => t.count))].sort((a, b) => a - b);
    let instance: EksInstanceType | undefined;
    if (pool.machineType !== undefined) {
      instance = eksInstanceType(pool.machineType);
      if (!instance || instance.accelerator !== accelerator) {
        v.add(`${prop}.machineType`, pool.machineType, `does not carry ${accelerator.displayName}; use one of ${offered.map((t) => t.instanceType).join(', ')}`);
        continue;
      }
      if (pool.acceleratorsPerNode !== undefined && pool.acceleratorsPerNode !== instance.count) {
        v.add(`${prop}.acceleratorsPerNode`, pool.acceleratorsPerNode, `does not match ${instance.instanceType}, which has ${instance.count}; drop acceleratorsPerNode or set it to ${instance.count}`);
        continue;
      }
    } else {
      const count = pool.acceleratorsPerNode ?? counts[0];
      instance = eksInstanceTypesFor(accelerator, count)[0];
      if (!instance) {
        v.add(`${prop}.acceleratorsPerNode`, count, `is not a count any EC2 type offers for ${accelerator.displayName}; valid counts: ${counts.join(', ')}`);
        continue;
      }
    }
    const efaTypes = offered.filter((t) => t.efaInterfaces > 0).map((t) => t.instanceType);
    if (pool.efa === true && instance.efaInterfaces === 0) {
      v.add(`${prop}.efa`, true, `is not supported by ${instance.instanceType}; use an EFA-capable type (${efaTypes.join(', ') || 'none for this accelerator'}) or set efa: false`);
      continue;
    }
    if (!pool.capacity.validate(v, { platform: KubernetesPlatform.EKS, prop: `${prop}.capacity` })) continue;
    const capacityConfig = pool.capacity.bindEks();
    if (capacityConfig.capacityBlock && !instance.capacityBlock) {
      const cb = offered.filter((t) => t.capacityBlock).map((t) => t.instanceType);
      v.add(`${prop}.capacity`, pool.capacity.toString(), `cannot be used with ${instance.instanceType}: Capacity Blocks reserve only ${cb.join(', ') || 'P-family and Trainium types'}; use Capacity.reservation() or another instance type`);
      continue;
    }
    const amiType = eksAmiType(accelerator.kind, family);
    if (!amiType) {
      v.add(`${prop}.accelerator`, accelerator.id, 'needs the Neuron AMI, which this library supports on Amazon Linux 2023 only; set amiFamily: EksAmiFamily.AL2023');
      continue;
    }
    out.push({ ...pool, instance, amiType, efaEnabled: pool.efa ?? (instance.efaInterfaces > 0 && pool.maxNodes > 1), capacityConfig });
  }
  return out;
}
