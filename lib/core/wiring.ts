import { IConstruct } from 'constructs';

/** One connection between two parts of the platform, e.g. an endpoint that reads models from a registry. */
export interface Connection {
  readonly from: IConstruct;
  readonly to: IConstruct;
  /** What flows, e.g. `models`, `features`, `metrics`. */
  readonly label: string;
}

const byRoot = new WeakMap<IConstruct, Connection[]>();

/**
 * The connections constructs make as they are wired (an endpoint to its model source and feature store, a
 * monitoring stack to what it watches, an edge fleet to its registry). Recorded per construct tree, read by
 * the platform diagram. Recording has no effect on synthesized output.
 */
export class Wiring {
  /** Records that `from` uses `to` (idempotent). Objects that are not constructs are ignored. */
  public static connect(from: IConstruct, to: unknown, label: string): void {
    if (!isConstruct(to)) return;
    const list = Wiring.list(from);
    if (!list.some((c) => c.from === from && c.to === to && c.label === label)) list.push({ from, to, label });
  }

  /** Every connection recorded in the tree that holds `scope`. */
  public static connections(scope: IConstruct): readonly Connection[] {
    return Wiring.list(scope);
  }

  private static list(scope: IConstruct): Connection[] {
    const root = scope.node.root;
    let list = byRoot.get(root);
    if (!list) {
      list = [];
      byRoot.set(root, list);
    }
    return list;
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && typeof (x as IConstruct).node === 'object' && typeof (x as IConstruct).node.path === 'string';
}
