import { GovernedResource } from '../../model';
import { defineRule, RuleContext } from '../../rule';
import { manifestObject } from '../../support/kubernetes-manifest';
import { isWorkload, MANIFEST_TYPE, namespaceOf, POD_BEARING_TYPES } from '../../support/workloads';
import { block, str } from '../../values';

const POLICY_TYPES = ['kubernetes_network_policy', 'kubernetes_network_policy_v1'];

/** Namespaces of one model, by name: whether workloads and network policies land in them. Built once per review. */
const cache = new WeakMap<object, Map<string, { workloads: number; policies: number }>>();

function namespaceUsage(ctx: RuleContext): Map<string, { workloads: number; policies: number }> {
  let usage = cache.get(ctx.model);
  if (usage) return usage;
  usage = new Map();
  const nameOf = new Map<string, string>();
  for (const ns of ctx.resourcesOfType('kubernetes_namespace', 'kubernetes_namespace_v1')) {
    const name = str(block(ns.values, 'metadata')?.name);
    if (name) nameOf.set(ns.address, name);
  }
  const resolve = (r: GovernedResource): string | undefined => {
    const literal = namespaceOf(r);
    if (literal) return literal;
    // metadata.namespace references a namespace resource (unknown value at review time).
    const target = ctx.referencedFrom(r, r.type === MANIFEST_TYPE ? 'manifest' : 'metadata', ['kubernetes_namespace', 'kubernetes_namespace_v1'])[0];
    return target ? nameOf.get(target.address) : undefined;
  };
  const bump = (r: GovernedResource, key: 'workloads' | 'policies'): void => {
    const ns = resolve(r);
    if (!ns) return;
    const entry = usage!.get(ns) ?? { workloads: 0, policies: 0 };
    entry[key]++;
    usage!.set(ns, entry);
  };
  for (const w of ctx.resourcesOfType(...POD_BEARING_TYPES)) if (isWorkload(w)) bump(w, 'workloads');
  for (const p of ctx.resourcesOfType(...POLICY_TYPES)) bump(p, 'policies');
  for (const m of ctx.resourcesOfType(MANIFEST_TYPE)) if (manifestObject(m)?.kind === 'NetworkPolicy') bump(m, 'policies');
  cache.set(ctx.model, usage);
  return usage;
}

/** Namespaces that run workloads have at least one NetworkPolicy (otherwise all pod traffic is allowed). */
export const namespaceHasNetworkPolicy = defineRule({
  id: 'k8s-namespace-has-network-policy',
  severity: 'warning',
  category: 'network-isolation',
  description: 'Namespaces with workloads have a NetworkPolicy (e.g. default deny) in the same configuration.',
  remediation: 'Add a kubernetes_network_policy_v1 in the namespace with a default-deny ingress policy, then allow what is needed.',
  references: ['CIS Kubernetes 1.10 5.3.2', 'CKV2_K8S_6'],
  appliesTo: ['kubernetes_namespace', 'kubernetes_namespace_v1'],
  companions: ['kubernetes_network_policy', 'kubernetes_network_policy_v1'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const name = str(block(resource.values, 'metadata')?.name);
    if (!name) return [];
    const entry = namespaceUsage(ctx).get(name);
    return entry && entry.workloads > 0 && entry.policies === 0 ? [`namespace ${name} runs ${entry.workloads} workload(s) but has no NetworkPolicy`] : [];
  },
});
