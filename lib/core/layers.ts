import { TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/** Where a cluster puts what it runs inside itself, by layer (see MlPlatform's PlatformLayer). */
export interface ClusterLayers {
  /** Device plugins, autoscaler controller, team namespaces and quotas, CRDs and controllers. */
  readonly addons: Construct;
  /** Custom resources of the CRDs the add-ons install (Karpenter NodePools, Gateways): a later stack. @default - none created */
  readonly customResources?: Construct;
}

/** A stack that has later layers (MlPlatform's PlatformEnvironment), structurally. */
interface LayeredStack {
  readonly addons: Construct;
  readonly workloads: Construct;
}

function isLayered(stack: TerraformStack): boolean {
  const d = (name: string) => Object.getOwnPropertyDescriptor(Object.getPrototypeOf(stack), name);
  return typeof d('addons')?.get === 'function' && typeof d('workloads')?.get === 'function';
}

/**
 * The layers a cluster created in `scope` puts its in-cluster parts in: the ones given, else, in a layered
 * environment, its add-ons and workloads stacks; else none (everything stays in the cluster's own stack, whose
 * kubernetes provider is then configured from the cluster itself — fine for a first try, not for production).
 */
export function clusterLayers(scope: IConstruct, given?: Partial<ClusterLayers>): ClusterLayers | undefined {
  if (given?.addons) return { addons: given.addons, customResources: given.customResources };
  const stack = TerraformStack.of(scope);
  if (!isLayered(stack)) return undefined;
  const layered = stack as unknown as LayeredStack;
  // The workloads stack is created only when something is placed there.
  return { addons: layered.addons, get customResources() { return layered.workloads; } };
}
