/**
 * Names of the PriorityClasses the library's pods use, in one place. The training clusters create `ml-serving`
 * and `ml-training` (TeamQuotas); serving and retraining name them; `system-node-critical` is Kubernetes' own.
 */

/** Names of the priority classes every training cluster gets. */
export const PRIORITY_CLASSES = {
  /** Online inference: preempts training. */
  serving: 'ml-serving',
  /** Training and batch jobs. */
  training: 'ml-training',
} as const;

/**
 * Kubernetes' built-in class for the node agents the node's workloads depend on (device plugins, the GPU
 * metrics exporter): scheduled before, and evicted after, everything else on the node.
 */
export const SYSTEM_NODE_CRITICAL = 'system-node-critical';
