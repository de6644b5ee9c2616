/**
 * Whether a synthesized app can be applied from an empty account in one pass of `cdktf deploy '*'`, read from
 * cdktf.out alone (no provider, no cloud):
 * - provider blocks are configured only from literals, variables and remote state, never from a resource or
 *   data source of their own stack (the kubernetes provider's documented pitfall: the first plan fails);
 * - every `kubernetes_manifest` is of a built-in kind, or its CRD is installed by a stack it depends on
 *   (stacks record the kinds they install under `//.ml_platform.crds`);
 * - stack dependencies form a DAG, and every stack whose outputs a stack reads is one it depends on;
 * - every accelerator node group or pool that can be at zero nodes has an autoscaler that adds nodes.
 */
import { readSynthesizedFolder, stackDependencies, SynthesizedStack } from '../governance/synth-folder';

/** One problem with the deploy order. */
export interface DeployOrderProblem {
  readonly stack: string;
  /** `provider`, `crd`, `dependencies` or `autoscaling`. */
  readonly check: 'provider' | 'crd' | 'dependencies' | 'autoscaling';
  readonly message: string;
}

/** Kinds every cluster serves (core and built-in API groups). */
const BUILT_IN_GROUPS = new Set(['', 'v1', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io',
  'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'apiextensions.k8s.io',
  'admissionregistration.k8s.io', 'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io']);

type Json = Record<string, any>;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const INTERPOLATION = /\$\{([^{}]*)\}/g;
const REFERENCE = /(?:^|[^\w."-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)/g;

/** References a provider configuration makes that are neither variables, remote state nor Terraform built-ins. */
function forbiddenProviderReferences(config: unknown): string[] {
  const bad = new Set<string>();
  for (const text of strings(config)) {
    INTERPOLATION.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = INTERPOLATION.exec(text))) {
      REFERENCE.lastIndex = 0;
      let r: RegExpExecArray | null;
      while ((r = REFERENCE.exec(m[1]))) {
        const ref = r[1];
        if (/^(var|local|terraform|path|each|count|self)\./.test(ref) || ref.startsWith('data.terraform_remote_state.')) continue;
        bad.add(ref);
      }
    }
  }
  return [...bad];
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Check a synthesized folder; returns every problem (empty when the app deploys in order). */
export function checkDeployOrder(dir: string): DeployOrderProblem[] {
  const stacks = readSynthesizedFolder(dir);
  return checkStacksDeployOrder(stacks, stackDependencies(dir));
}

/** {@link checkDeployOrder} over stacks already read. */
export function checkStacksDeployOrder(stacks: readonly SynthesizedStack[], dependencies: ReadonlyMap<string, readonly string[]>): DeployOrderProblem[] {
  const problems: DeployOrderProblem[] = [];
  const names = new Set(stacks.map((s) => s.name));
  const closure = (start: string): Set<string> => {
    const seen = new Set<string>();
    const visit = (s: string) => {
      for (const d of dependencies.get(s) ?? []) if (!seen.has(d)) { seen.add(d); visit(d); }
    };
    visit(start);
    return seen;
  };

  // Dependencies: acyclic, and known stacks only.
  for (const s of names) {
    if (closure(s).has(s)) problems.push({ stack: s, check: 'dependencies', message: `${s} depends on itself through ${[...(dependencies.get(s) ?? [])].join(', ')}` });
    for (const d of dependencies.get(s) ?? []) if (!names.has(d)) problems.push({ stack: s, check: 'dependencies', message: `${s} depends on ${d}, which is not in the output` });
  }

  const crdsBy = new Map<string, Set<string>>();
  for (const s of stacks) {
    const recorded = (s.json as Json)?.['//']?.ml_platform?.crds;
    crdsBy.set(s.name, new Set(recorded && typeof recorded === 'object' ? Object.keys(recorded) : []));
  }

  for (const s of stacks) {
    const json = (s.json ?? {}) as Json;
    const before = closure(s.name);

    // Providers: literals, variables and remote state only.
    for (const [name, configs] of Object.entries((json.provider ?? {}) as Json)) {
      for (const config of Array.isArray(configs) ? configs : [configs]) {
        const bad = forbiddenProviderReferences(config);
        if (bad.length > 0) {
          problems.push({ stack: s.name, check: 'provider', message: `provider ${name}${config?.alias ? `.${config.alias}` : ''} in ${s.name} is configured from ${bad.join(', ')} of its own stack; configure it from remote state (a stack applied before) or literals` });
        }
      }
    }

    // Remote state: every stack read is one applied before.
    for (const body of Object.values((json.data?.terraform_remote_state ?? {}) as Json)) {
      const producer = /terraform\.([^/\\]+)\.tfstate$/.exec(String(body?.config?.path ?? ''))?.[1];
      if (producer && names.has(producer) && !before.has(producer)) {
        problems.push({ stack: s.name, check: 'dependencies', message: `${s.name} reads the outputs of ${producer} but does not depend on it` });
      }
    }

    // Custom resources: CRD installed by a stack applied before (or recorded as present by this stack's infrastructure).
    for (const [address, body] of Object.entries((json.resource?.kubernetes_manifest ?? {}) as Json)) {
      const manifest = Array.isArray(body?.manifest) ? body.manifest[0] : body?.manifest;
      const apiVersion = String(manifest?.apiVersion ?? '');
      const kind = String(manifest?.kind ?? '');
      const group = groupOf(apiVersion);
      if (BUILT_IN_GROUPS.has(group)) continue;
      const key = `${group}/${kind}`;
      const installedBefore = [...before].some((d) => crdsBy.get(d)?.has(key));
      if (!installedBefore) {
        problems.push({ stack: s.name, check: 'crd', message: `kubernetes_manifest.${address} is a ${key}, whose CRD no stack that ${s.name} depends on installs; install it in an earlier layer (env.addons) or move the resource to a later one` });
      }
    }
  }

  // Autoscaling: accelerator capacity that can be zero must have something that adds nodes.
  // Karpenter NodePools, as JSON text, to find the one that provisions a pool's nodes (it names the pool's label).
  const nodePools = stacks.flatMap((s) => Object.values(((s.json as Json)?.resource?.kubernetes_manifest ?? {}) as Json)
    .map((b) => (Array.isArray(b?.manifest) ? b.manifest[0] : b?.manifest))
    .filter((m) => m?.kind === 'NodePool' && String(m?.apiVersion ?? '').startsWith('karpenter.sh/'))
    .map((m) => JSON.stringify(m)));
  const provisionedByKarpenter = (pool: string | undefined): boolean => !!pool && nodePools.some((text) => text.includes(`"${pool}"`));
  for (const s of stacks) {
    const json = (s.json ?? {}) as Json;
    for (const [address, g] of Object.entries((json.resource?.aws_eks_node_group ?? {}) as Json)) {
      const scaling = Array.isArray(g?.scaling_config) ? g.scaling_config[0] : g?.scaling_config;
      const accelerator = g?.labels?.['ml-platform.io/accelerator-kind'];
      if (!accelerator || Number(scaling?.min_size ?? 1) > 0) continue;
      const autoscalerTag = g?.tags?.['k8s.io/cluster-autoscaler/enabled'] === 'true';
      if (!autoscalerTag && !provisionedByKarpenter(g?.labels?.['ml-platform.io/pool'])) {
        problems.push({ stack: s.name, check: 'autoscaling', message: `aws_eks_node_group.${address} (${accelerator}) can be at zero nodes and nothing adds nodes to it: no Karpenter NodePool and no Cluster Autoscaler tags` });
      }
    }
    for (const [address, p] of Object.entries((json.resource?.google_container_node_pool ?? {}) as Json)) {
      const autoscaling = Array.isArray(p?.autoscaling) ? p.autoscaling[0] : p?.autoscaling;
      const accelerated = JSON.stringify(p?.node_config ?? {}).includes('guest_accelerator') || /^ct\d|tpu/.test(String((Array.isArray(p?.node_config) ? p.node_config[0] : p?.node_config)?.machine_type ?? ''));
      if (!accelerated) continue;
      const fixed = Number(p?.node_count ?? p?.initial_node_count ?? 0);
      if (!autoscaling && fixed === 0) {
        problems.push({ stack: s.name, check: 'autoscaling', message: `google_container_node_pool.${address} has no nodes and no autoscaling block, so nothing ever adds nodes` });
      }
    }
  }
  return problems;
}
