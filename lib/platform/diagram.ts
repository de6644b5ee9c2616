import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { Wiring } from '../core/wiring';
import type { EdgeFleet } from '../edge/fleet';

/**
 * An EdgeFleet, known by its shape like the capabilities in describe(): importing edge/fleet (or edge/iot) here would
 * load provider-kubernetes (provider-aws) in every app that draws a diagram.
 */
function isEdgeFleet(c: IConstruct): c is EdgeFleet {
  const x = c as unknown as Record<string, unknown>;
  return typeof x.shardOf === 'object' && x.shardOf !== null && typeof x.ringMembers === 'object' && x.ringMembers !== null && Array.isArray(x.stacks);
}

/** What a construct is, for the diagram: a label, or undefined for plumbing. */
function describe(c: IConstruct): string | undefined {
  const x = c as unknown as Record<string, unknown>;
  const name = c.constructor.name;
  if (isEdgeFleet(c)) {
    const rings = Object.entries(c.ringMembers).map(([ring, sites]) => `${ring}: ${sites.length}`).join(', ');
    return `EdgeFleet ${c.node.id}<br/>${Object.keys(c.shardOf).length} sites in ${c.stacks.length} stacks<br/>${rings}`;
  }
  // By name, like the AWS and Google capabilities below (see isEdgeFleet).
  if (name === 'IotDeviceFleet') return `IotDeviceFleet ${c.node.id}`;
  if (typeof x.teamTarget === 'function' && typeof x.clusterName === 'string') return `${name}<br/>${x.clusterName}`;
  if (typeof x.endpointName === 'string' && x.traffic) return `${name}<br/>${x.endpointName}`;
  if (typeof x.trackingUri === 'string' && typeof x.grantPublish === 'function') return `${name}<br/>${c.node.id}`;
  if (x.definitions && typeof x.grantRead === 'function' && x.backend) return `${name}<br/>${c.node.id}`;
  if (typeof x.dvcRemote === 'function') return `DatasetStore<br/>${c.node.id}`;
  if (/^(MonitoringStack|AmpMonitoring|GmpMonitoring)$/.test(name)) return `${name}<br/>${c.node.id}`;
  // Add-ons and their custom resources, so each layer of an environment shows what it holds.
  if (/^(GatewayApi|PlatformGateway|KarpenterController|KarpenterNodePools|EfaDevicePlugin|NvidiaDevicePlugin|NeuronDevicePlugin|ArgoWorkflows|ArgoRetrainingPipeline|SageMakerRetrainingPipeline)$/.test(name)) {
    return `${name}<br/>${c.node.id}`;
  }
  return undefined;
}

const id = (path: string) => `n_${path.replace(/[^A-Za-z0-9]/g, '_')}`;

/**
 * Mermaid flowchart of a platform: one subgraph per stack with the capabilities declared in it, and an edge per
 * recorded connection (models, features, metrics). Deterministic: sorted by construct path.
 */
export function platformDiagram(root: IConstruct): string {
  const described = new Map<IConstruct, string>();
  for (const c of root.node.findAll()) {
    const label = describe(c);
    // Skip capabilities nested inside another described capability (e.g. an EdgeFleet's site workloads).
    if (label && ![...described.keys()].some((p) => c.node.path.startsWith(`${p.node.path}/`))) described.set(c, label);
  }
  const stackOf = (c: IConstruct): string => {
    if (isEdgeFleet(c) || c instanceof TerraformStack) return c.node.id;
    try { return TerraformStack.of(c).node.id; } catch { return 'app'; }
  };
  const groups = new Map<string, IConstruct[]>();
  for (const c of [...described.keys()].sort((a, b) => a.node.path.localeCompare(b.node.path))) {
    const g = stackOf(c);
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  // An environment's layer stacks (`acme-aws`, `acme-aws-addons`, `acme-aws-workloads`) nest in one subgraph per
  // environment, in apply order; other stacks stand alone.
  const layerOf = (stack: string): { env: string; order: number } | undefined => {
    const m = /^(.*)-(addons|workloads)$/.exec(stack);
    if (m && groups.has(m[1])) return { env: m[1], order: m[2] === 'addons' ? 1 : 2 };
    if (m && [...groups.keys()].some((g) => g === `${m[1]}-addons` || g === `${m[1]}-workloads` || g === m[1])) return { env: m[1], order: m[2] === 'addons' ? 1 : 2 };
    return [...groups.keys()].some((g) => g === `${stack}-addons` || g === `${stack}-workloads`) ? { env: stack, order: 0 } : undefined;
  };
  const lines = ['flowchart LR'];
  const emit = (group: string, members: IConstruct[], indent: string) => {
    lines.push(`${indent}subgraph ${id(group)}["${group}"]`);
    for (const c of members) lines.push(`${indent}  ${id(c.node.path)}["${described.get(c)}"]`);
    lines.push(`${indent}end`);
  };
  const envs = new Map<string, Array<[string, number]>>();
  for (const group of groups.keys()) {
    const l = layerOf(group);
    if (l) envs.set(l.env, [...(envs.get(l.env) ?? []), [group, l.order]]);
  }
  const tops = [...new Set([...groups.keys()].map((g) => layerOf(g)?.env ?? g))].sort((a, b) => a.localeCompare(b));
  for (const top of tops) {
    const layers = envs.get(top);
    if (!layers) {
      emit(top, groups.get(top)!, '  ');
      continue;
    }
    lines.push(`  subgraph ${id(`env ${top}`)}["${top} (layers, applied in order)"]`);
    for (const [group] of layers.sort((a, b) => a[1] - b[1])) emit(group, groups.get(group)!, '    ');
    lines.push('  end');
  }
  const edges = new Set<string>();
  const resolve = (c: IConstruct): IConstruct | undefined => {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (described.has(s)) return s;
    return undefined;
  };
  for (const conn of Wiring.connections(root)) {
    const from = resolve(conn.from);
    const to = resolve(conn.to);
    if (from && to && from !== to) edges.add(`  ${id(to.node.path)} -->|${conn.label}| ${id(from.node.path)}`);
  }
  lines.push(...[...edges].sort());
  return `${lines.join('\n')}\n`;
}
