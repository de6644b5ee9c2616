import { GovernedResource } from '../model';
import { block, blocks, num, own, str, strings } from '../values';

/**
 * Accelerators per node for common AWS instance families. Kept here (not in lib/core) so the CLI
 * stays dependency-free; unknown instance types count as 0 and never trip a budget.
 */
const AWS_ACCELERATORS_PER_INSTANCE: Record<string, number> = {
  'p5.48xlarge': 8, 'p5e.48xlarge': 8, 'p5en.48xlarge': 8, 'p4d.24xlarge': 8, 'p4de.24xlarge': 8,
  'p3.2xlarge': 1, 'p3.8xlarge': 4, 'p3.16xlarge': 8, 'p3dn.24xlarge': 8,
  'g5.xlarge': 1, 'g5.2xlarge': 1, 'g5.4xlarge': 1, 'g5.8xlarge': 1, 'g5.16xlarge': 1, 'g5.12xlarge': 4, 'g5.24xlarge': 4, 'g5.48xlarge': 8,
  'g6.xlarge': 1, 'g6.2xlarge': 1, 'g6.4xlarge': 1, 'g6.8xlarge': 1, 'g6.12xlarge': 4, 'g6.24xlarge': 4, 'g6.48xlarge': 8,
  'g6e.xlarge': 1, 'g6e.12xlarge': 4, 'g6e.48xlarge': 8,
  'g4dn.xlarge': 1, 'g4dn.2xlarge': 1, 'g4dn.12xlarge': 4, 'g4dn.metal': 8,
  'trn1.2xlarge': 1, 'trn1.32xlarge': 16, 'trn1n.32xlarge': 16, 'trn2.48xlarge': 16,
  'inf2.xlarge': 1, 'inf2.8xlarge': 1, 'inf2.24xlarge': 6, 'inf2.48xlarge': 12,
};

/** GKE machine types with built-in accelerators (A2/A3/G2 GPUs, TPU slices), chips per node. */
function gcpBuiltInAccelerators(machineType: string): number {
  const gpu = machineType.match(/^(?:a2|a3|a4|g2)-[a-z]+gpu-(\d+)g$/) ?? machineType.match(/^a2-(?:highgpu|megagpu|ultragpu)-(\d+)g$/);
  if (gpu) return Number(gpu[1]);
  const tpu = machineType.match(/^ct\d+[a-z]*-[a-z]+-(\d+)t$/);
  return tpu ? Number(tpu[1]) : 0;
}

/** Accelerators on one node of an EKS node group or GKE node pool. */
export function acceleratorsPerNode(resource: GovernedResource): number {
  const v = resource.values;
  if (resource.type === 'aws_eks_node_group') {
    const types = strings(v.instance_types);
    return types.length ? Math.max(...types.map((t) => own(AWS_ACCELERATORS_PER_INSTANCE, t) ?? 0)) : 0;
  }
  if (resource.type === 'google_container_node_pool') {
    const nodeConfig = block(v, 'node_config');
    const attached = blocks(nodeConfig, 'guest_accelerator').reduce((sum, g) => sum + (num(g.count) ?? 0), 0);
    return attached + gcpBuiltInAccelerators(str(nodeConfig?.machine_type) ?? '');
  }
  return 0;
}

/** Whether a pool has accelerators (by instance type, accelerator block, TPU machine or accelerated AMI). */
export function isAcceleratorPool(resource: GovernedResource): boolean {
  if (acceleratorsPerNode(resource) > 0) return true;
  const ami = str(resource.values.ami_type) ?? '';
  return /GPU|NVIDIA|NEURON/.test(ami);
}

/** The most nodes a pool can scale to (undefined when unknown). */
export function maxNodes(resource: GovernedResource): number | undefined {
  const v = resource.values;
  if (resource.type === 'aws_eks_node_group') return num(block(v, 'scaling_config')?.max_size);
  const autoscaling = block(v, 'autoscaling');
  if (autoscaling) {
    // total_max_node_count is for the whole pool; max_node_count is per zone (node_locations).
    const total = num(autoscaling.total_max_node_count);
    if (total !== undefined) return total;
    const perZone = num(autoscaling.max_node_count);
    const zones = strings(v.node_locations).length || 1;
    return perZone === undefined ? undefined : perZone * zones;
  }
  return num(v.node_count) ?? num(v.initial_node_count);
}
