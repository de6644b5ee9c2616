import { GovernanceModel, GovernedResource, ProviderConfig } from './model';
import { GovernanceParameters, RuleContext } from './rule';
import { block, stringMap } from './values';

/** Builds the lookups rules use; type index and tag cache are built lazily and once. */
export function createContext(model: GovernanceModel, parameters: GovernanceParameters): RuleContext {
  let byType: Map<string, GovernedResource[]> | undefined;
  const tagCache = new Map<string, Record<string, string>>();

  const provider = (resource: GovernedResource): ProviderConfig | undefined => {
    if (resource.provider) {
      // Module resources may name a module-scoped key (`module.x:aws`) for a provider inherited from the root.
      const found = model.providers.get(resource.provider) ?? model.providers.get(resource.provider.replace(/^.*:/, ''));
      if (found) return found;
    }
    const local = resource.type.split('_')[0];
    const key = resource.module ? `${resource.module.replace(/\[[^\]]*\]/g, '')}:${local}` : local;
    return model.providers.get(key) ?? model.providers.get(local);
  };

  return {
    model,
    parameters,
    referencing(resource, types, attribute) {
      const refs = model.referencedBy.get(resource.address) ?? [];
      // A Set, not out.includes: a key or cluster can be referenced by tens of thousands of resources.
      const out = new Set<GovernedResource>();
      for (const ref of refs) {
        if (types && !types.includes(ref.from.type)) continue;
        if (attribute && ref.attribute !== attribute) continue;
        out.add(ref.from);
      }
      return [...out];
    },
    referencedFrom(resource, attribute, types) {
      const refs = model.references.get(resource.address) ?? [];
      const out = new Set<GovernedResource>();
      for (const ref of refs) {
        if (ref.attribute !== attribute) continue;
        if (types && !types.includes(ref.to.type)) continue;
        out.add(ref.to);
      }
      return [...out];
    },
    provider,
    tags(resource) {
      const cached = tagCache.get(resource.address);
      if (cached) return cached;
      let tags: Record<string, string>;
      const v = resource.values;
      if (resource.type.startsWith('aws_')) {
        // Resource tags win over provider default_tags (AWS provider merge semantics).
        tags = { ...(provider(resource)?.defaultTags ?? {}), ...stringMap(v.tags_all), ...stringMap(v.tags) };
      } else if (resource.type === 'google_sql_database_instance') {
        // Cloud SQL labels live in settings.user_labels.
        tags = { ...(provider(resource)?.defaultTags ?? {}), ...stringMap(block(v, 'settings')?.user_labels) };
      } else if (resource.type === 'google_container_node_pool') {
        // A node pool's GCP labels live on its VMs: node_config.resource_labels (node_config.labels are Kubernetes node labels).
        tags = { ...(provider(resource)?.defaultTags ?? {}), ...stringMap(block(v, 'node_config')?.resource_labels) };
      } else if (resource.type.startsWith('google_')) {
        // google provider default_labels merge under resource labels, like AWS default_tags.
        tags = { ...(provider(resource)?.defaultTags ?? {}), ...stringMap(v.labels), ...stringMap(v.resource_labels) };
      } else if (resource.type.startsWith('kubernetes_')) {
        tags = stringMap(block(v, 'metadata')?.labels);
      } else {
        tags = stringMap(v.tags ?? v.labels);
      }
      tagCache.set(resource.address, tags);
      return tags;
    },
    resourcesOfType(...types) {
      if (!byType) {
        byType = new Map();
        for (const r of model.resources) {
          const list = byType.get(r.type);
          if (list) list.push(r);
          else byType.set(r.type, [r]);
        }
      }
      if (types.length === 1) return byType.get(types[0]) ?? [];
      return types.flatMap((t) => byType!.get(t) ?? []);
    },
  };
}
