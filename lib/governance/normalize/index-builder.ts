import { GovernanceModel, GovernedResource, ProviderConfig, ResourceReference } from '../model';

/** A reference found during normalisation, before addresses are resolved to resources. */
export interface RawReference {
  readonly fromAddress: string;
  /** Base address (no instance keys) of the referenced resource. */
  readonly toBaseAddress: string;
  readonly attribute: string;
}

/** Strip instance keys: `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`. */
export function baseAddressOf(address: string): string {
  return address.replace(/\[("([^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/** Build the model and its reference indexes in one O(resources + references) pass. */
export function buildModel(
  resources: GovernedResource[],
  providers: Map<string, ProviderConfig>,
  rawReferences: RawReference[],
  source?: string,
): GovernanceModel {
  const byAddress = new Map<string, GovernedResource>();
  const byBase = new Map<string, GovernedResource[]>();
  for (const r of resources) {
    byAddress.set(r.address, r);
    const list = byBase.get(r.baseAddress);
    if (list) list.push(r);
    else byBase.set(r.baseAddress, [r]);
  }
  const references = new Map<string, ResourceReference[]>();
  const referencedBy = new Map<string, ResourceReference[]>();
  const seen = new Set<string>();
  for (const raw of rawReferences) {
    const from = byAddress.get(raw.fromAddress);
    const targets = byBase.get(raw.toBaseAddress);
    if (!from || !targets) continue;
    for (const to of targets) {
      if (to === from) continue;
      const key = `${from.address}\u0000${to.address}\u0000${raw.attribute}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ref: ResourceReference = { from, to, attribute: raw.attribute };
      push(references, from.address, ref);
      push(referencedBy, to.address, ref);
    }
  }
  return { resources, providers, references, referencedBy, source };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
