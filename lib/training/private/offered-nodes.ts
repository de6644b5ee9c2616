import { AcceleratorNodes } from '../../core/kubernetes-target';

/**
 * The accelerator nodes a training cluster offers: one list, handed to its Kubernetes target as
 * `acceleratorNodes`, which every target derived from it (`teamTarget()`, `inNamespace()`) shares, so a pool
 * added after construction (`addPool`, `addPool`) reaches every later reader.
 *
 * It also remembers whether anything has read the shared list. Constructs built on a cluster (a MonitoringStack,
 * an inference endpoint, a retraining pipeline) read it once, when they are created, and act on what they saw
 * (which nodes get a DCGM exporter, which pool a job tolerates); a pool added after such a read would be missing
 * from them without a word. The cluster's own code reads {@link all}, which is not recorded.
 */
export class OfferedNodes {
  /** The list to hand out: reading anything of it is recorded. */
  public readonly shared: AcceleratorNodes[];
  private readonly nodes: AcceleratorNodes[] = [];
  private wasRead = false;

  constructor() {
    this.shared = new Proxy(this.nodes, {
      get: (target, key, receiver) => {
        this.wasRead = true;
        return Reflect.get(target, key, receiver);
      },
    });
  }

  /** Every node group offered so far, for the cluster's own use (not recorded as a read). */
  public get all(): readonly AcceleratorNodes[] {
    return this.nodes;
  }

  /** True once anything read the shared list. */
  public get read(): boolean {
    return this.wasRead;
  }

  /** Offers more node groups. */
  public add(...nodes: AcceleratorNodes[]): void {
    this.nodes.push(...nodes);
  }
}
