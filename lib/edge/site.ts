import type { EdgeAccelerator } from './accelerator';

/** CPU architecture of an edge site's nodes (the `kubernetes.io/arch` node label). */
export enum Architecture {
  ARM64 = 'arm64',
  AMD64 = 'amd64',
}

/** One edge site: a small Kubernetes cluster (k3s, MicroK8s, …) reached through its own kubeconfig context. */
export interface EdgeSiteProps {
  /** Site name, DNS-1123 (at most 40 characters); becomes the `site` label on metrics and part of addresses. */
  readonly name: string;
  /** The rollout ring the site belongs to; the site lands in one of that ring's stacks. */
  readonly ring: string;
  /** Node architecture; the workload is pinned to it. @default Architecture.ARM64 */
  readonly architecture?: Architecture;
  /** The site's accelerator, e.g. `EdgeAccelerator.nvidiaJetson()`. @default - the fleet's accelerator */
  readonly accelerator?: EdgeAccelerator;
  /** The kubeconfig context that reaches the site. @default - the site name */
  readonly context?: string;
  /** The kubeconfig file. @default - the fleet's kubeconfigPath */
  readonly kubeconfigPath?: string;
  /**
   * Pin the site to one of its ring's stacks (`<fleet>-<ring>-<shard>`), from 0 to the ring's stack count - 1.
   * @default - rendezvous hashing over the ring's stacks
   */
  readonly shard?: number;
}

/** How the model workload runs at a site. */
export enum EdgeWorkloadKind {
  /** A Deployment with a persistent model cache volume (small sites, one or a few nodes). */
  DEPLOYMENT = 'deployment',
  /** A DaemonSet: one replica per node, the model cached on each node's disk. */
  DAEMON_SET = 'daemon-set',
}
