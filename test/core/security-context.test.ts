/**
 * Issue 13 §2, one concept in one place: every pod and container security context the library writes is one of
 * the shapes lib/core/private/security-context.ts exports. The synthesized examples are walked, so a construct that
 * spells its own context (a copy, or a drifted one) fails here; and no other file of lib/ may spell one.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildRetrainingExample } from '../../examples/retraining/stacks';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { PRIORITY_CLASSES, SYSTEM_NODE_CRITICAL } from '../../lib/core/priority-classes';
import {
  devicePluginContainerSecurityContext, hardenedContainerSecurityContext, manifestContainerSecurityContext,
  manifestPodSecurityContext, restrictedContainerSecurityContext, restrictedPodSecurityContext, ROOT_CAPABILITIES,
  RootCapability, rootContainerSecurityContext, rootPodSecurityContext,
} from '../../lib/core/private/security-context';
import { EdgeFleet } from '../../lib/edge/fleet';
import { EdgeWorkloadKind } from '../../lib/edge/site';
import { PRIORITY_CLASSES as PUBLIC_PRIORITY_CLASSES } from '../../lib/index';
import { DcgmExporter } from '../../lib/monitoring/dcgm-exporter';
import { NeuronDevicePlugin } from '../../lib/training/neuron-device-plugin';
import { NvidiaDevicePlugin } from '../../lib/training/nvidia-device-plugin';
import { PRIORITY_CLASSES as TRAINING_PRIORITY_CLASSES } from '../../lib/training/team-quotas';
import { fleetProps, labels } from '../edge/fixtures';
import { synth, Synth, synthApp } from '../util';

type Json = Record<string, unknown>;

/** The keys under which containers stand: the kubernetes provider's blocks, and manifests' (Argo's `container` too). */
const CONTAINER_KEYS = new Set(['container', 'init_container', 'containers', 'initContainers']);

const snake = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(snake);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(x)]));
  }
  return v;
};
/** JSON with sorted keys: equal contexts, whatever order their keys are in. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/**
 * The exported shapes a context may be, by name: the provider's (snake_case keys, string ids) and the manifests'
 * (camelCase, integer ids). Shapes that take a user are built with the one the context names.
 */
function shapes(level: 'pod' | 'container', manifest: boolean, uid: number | undefined): Record<string, unknown> {
  const u = uid ?? 1000;
  if (manifest) {
    return level === 'pod' ? { 'manifestPod(uid)': manifestPodSecurityContext(u) } : { 'manifestContainer(uid)': manifestContainerSecurityContext(u) };
  }
  const provider: Record<string, unknown> = level === 'pod' ? {
    'restrictedPod(uid)': restrictedPodSecurityContext(u),
    'restrictedPod(uid, OnRootMismatch)': restrictedPodSecurityContext(u, { fsGroupChangePolicy: 'OnRootMismatch' }),
    'rootPod()': rootPodSecurityContext(),
  } : {
    'hardenedContainer()': hardenedContainerSecurityContext(),
    'restrictedContainer(uid)': restrictedContainerSecurityContext(u),
    'restrictedContainer()': restrictedContainerSecurityContext(),
    ...Object.fromEntries(Object.keys(ROOT_CAPABILITIES).map((c) => [`rootContainer(${c})`, rootContainerSecurityContext(c as RootCapability)])),
    'devicePluginContainer(read-only)': devicePluginContainerSecurityContext('read-only'),
    'devicePluginContainer(writable)': devicePluginContainerSecurityContext('writable'),
  };
  return Object.fromEntries(Object.entries(provider).map(([k, v]) => [k, snake(v)]));
}

interface Found { readonly where: string; readonly level: 'pod' | 'container'; readonly context: Json; readonly shape?: string }

/** Every security context in a synthesized stack, with the shape it is (undefined: none of the exported ones). */
function securityContexts(stack: string, json: unknown): Found[] {
  const found: Found[] = [];
  const walk = (node: unknown, path: string, inContainer: boolean, manifest: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((x, i) => walk(x, `${path}[${i}]`, inContainer, manifest));
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      const at = `${path}.${key}`;
      if (key === 'security_context' || key === 'securityContext') {
        const level = inContainer ? 'container' : 'pod';
        const context = value as Json;
        const isManifest = manifest || key === 'securityContext';
        const user = context.run_as_user ?? context.runAsUser;
        const candidates = shapes(level, isManifest, user === undefined ? undefined : Number(user));
        const shape = Object.keys(candidates).find((name) => canonical(candidates[name]) === canonical(context));
        found.push({ where: `${stack} ${at}`, level, context, shape });
        continue;
      }
      walk(value, at, CONTAINER_KEYS.has(key), manifest || key === 'manifest');
    }
  };
  walk((json as Json).resource, 'resource', false, false);
  return found;
}

/** Every container of a stack (provider blocks and manifests), to check that each has a context. */
function containers(json: unknown): Array<{ readonly where: string; readonly container: Json }> {
  const out: Array<{ where: string; container: Json }> = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (CONTAINER_KEYS.has(key) && value && typeof value === 'object') {
        for (const c of Array.isArray(value) ? value : [value]) if (c && typeof c === 'object') out.push({ where: `${path}.${key}`, container: c as Json });
      }
      walk(value, `${path}.${key}`);
    }
  };
  walk((json as Json).resource, 'resource');
  return out;
}

const a100Nodes = [{
  pool: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, maxNodes: 2,
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal' as const, value: 'present', effect: 'NoSchedule' as const }],
}];

describe('every security context comes from lib/core/private/security-context.ts', () => {
  const outputs: Record<string, Synth> = {
    ...prefixed('hybrid', synthApp((app) => { buildHybridPlatform(app); })),
    ...prefixed('data', synthApp((app) => { buildDataPlatformExample(app); })),
    // Argo's custom resources (kubernetes_manifest: camelCase, integer ids), the node agents and the edge
    // DaemonSet mode, which the two examples do not deploy.
    ...prefixed('retraining', synthApp((app) => { buildRetrainingExample(app); })),
    ...prefixed('edge-daemonset', synthApp((app) => { new EdgeFleet(app, 'edge', fleetProps({ kind: EdgeWorkloadKind.DAEMON_SET, labels })); })),
    'node-agents': synth((stack) => {
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace: 'monitoring', acceleratorNodes: a100Nodes });
      new DcgmExporter(stack, 'dcgm', { target, dependsOn: [], image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04' });
      new NvidiaDevicePlugin(stack, 'nvidia', target, { nodeSelectors: [a100Nodes[0].nodeSelector] });
      new NeuronDevicePlugin(stack, 'neuron', target);
    }),
  };
  const found = Object.entries(outputs).flatMap(([name, s]) => securityContexts(name, s.json));

  test('each pod and container context equals one of the exported shapes', () => {
    expect(found.length).toBeGreaterThan(100);
    expect(found.filter((f) => !f.shape).map((f) => `${f.where}: ${JSON.stringify(f.context)}`)).toEqual([]);
  });

  test('every container has one', () => {
    const bare = Object.entries(outputs).flatMap(([name, s]) => containers(s.json).filter((c) => !c.container.security_context && !c.container.securityContext)
      .map((c) => `${name} ${c.where} ${String(c.container.name)}`));
    expect(bare).toEqual([]);
  });

  test('every exported shape is exercised, so none is dead and each variant is checked in place', () => {
    const used = new Set(found.map((f) => f.shape));
    const all = [...Object.keys(shapes('pod', false, 1)), ...Object.keys(shapes('container', false, 1)),
      ...Object.keys(shapes('pod', true, 1)), ...Object.keys(shapes('container', true, 1))];
    expect(all.filter((s) => !used.has(s))).toEqual([]);
  });

  test('the root variants add only the capability each needs, and the device plugins and DCGM run system-node-critical', () => {
    const daemonSets = outputs['node-agents'].resources('kubernetes_daemon_set_v1');
    expect(daemonSets.map((d) => d.spec.template.spec.priority_class_name)).toEqual([SYSTEM_NODE_CRITICAL, SYSTEM_NODE_CRITICAL, SYSTEM_NODE_CRITICAL]);
    const added = found.filter((f) => f.shape?.startsWith('rootContainer')).map((f) => (f.context.capabilities as Json).add);
    expect(new Set(added.map((a) => JSON.stringify(a)))).toEqual(new Set(['["CHOWN"]', '["SYS_ADMIN"]']));
  });
});

describe('no file of lib/ spells a security context of its own', () => {
  const lib = join(__dirname, '..', '..', 'lib');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
  // An object literal as a context, or a context's own fields (camelCase for the provider and manifests).
  const SPELLED = /\bsecurity_?[cC]ontext\s*:\s*\{|\b(allowPrivilegeEscalation|readOnlyRootFilesystem|runAsNonRoot|runAsGroup|seccompProfile|fsGroup|privileged|capabilities)\s*:/;

  test('only lib/core/private/security-context.ts', () => {
    const offenders = files(lib).filter((f) => !f.endsWith(join('core', 'private', 'security-context.ts'))).flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${relative(lib, f)}:${i + 1}` })).filter(({ line }) => SPELLED.test(line)).map(({ line, at }) => `${at}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });
});

describe('priority class names live in lib/core/priority-classes.ts', () => {
  test('training and the package entry export the same object', () => {
    expect(TRAINING_PRIORITY_CLASSES).toBe(PRIORITY_CLASSES);
    expect(PUBLIC_PRIORITY_CLASSES).toBe(PRIORITY_CLASSES);
    expect(PRIORITY_CLASSES).toEqual({ serving: 'ml-serving', training: 'ml-training' });
  });

  test('no file of lib/ but the core one spells a priority class name', () => {
    const lib = join(__dirname, '..', '..', 'lib');
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
    const offenders = files(lib).filter((f) => !f.endsWith(join('core', 'priority-classes.ts')))
      // A literal class name in code (doc comments may name them).
      .filter((f) => /priorityClassName:\s*['"`]|name:\s*['"`]ml-(serving|training)['"`]|['"`]system-(node|cluster)-critical['"`]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(lib, f));
    expect(offenders).toEqual([]);
  });
});

function prefixed(prefix: string, out: Record<string, Synth>): Record<string, Synth> {
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [`${prefix}:${k}`, v]));
}
