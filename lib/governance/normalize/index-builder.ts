import { GovernanceModel, GovernedResource, ProviderConfig, ResourceReference } from '../model';

/** A reference found during normalisation, before addresses are resolved to resources. */
export interface RawReference {
  readonly fromAddress: string;
  /** Base address (no instance keys) of the referenced resource. */
  readonly toBaseAddress: string;
  /**
   * The instance referenced, when the reference names one (`aws_s3_bucket.b[0]`) or the resource has no
   * instance keys (`aws_s3_bucket.b`). Absent when the key is unknown until apply: every instance of the
   * base address is linked, none exactly.
   */
  readonly toAddress?: string;
  readonly attribute: string;
  /** Whether the attribute's value is exactly this reference. @default false */
  readonly direct?: boolean;
}

/** Strip instance keys: `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`. */
export function baseAddressOf(address: string): string {
  if (!address.includes('[')) return address;
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
  for (const r of resources) byAddress.set(r.address, r);
  // Instances by base address, built on the first reference that names no instance (most name one exactly).
  let byBase: Map<string, GovernedResource[]> | undefined;
  const instancesOf = (base: string): GovernedResource[] => {
    if (!byBase) {
      byBase = new Map();
      for (const r of resources) {
        const list = byBase.get(r.baseAddress);
        if (list) list.push(r);
        else byBase.set(r.baseAddress, [r]);
      }
    }
    return byBase.get(base) ?? [];
  };
  const references = new Map<string, ResourceReference[]>();
  const referencedBy = new Map<string, ResourceReference[]>();
  const link = (from: GovernedResource, to: GovernedResource, raw: RawReference, exact: boolean): void => {
    if (to === from) return;
    const direct = raw.direct === true;
    const existing = references.get(from.address);
    if (existing && existing.length <= 64 && existing.some((r) => r.to === to && r.attribute === raw.attribute && r.direct === direct && r.exact === exact)) return;
    const ref: ResourceReference = { from, to, attribute: raw.attribute, direct, exact };
    if (existing) existing.push(ref);
    else references.set(from.address, [ref]);
    const incoming = referencedBy.get(to.address);
    if (incoming) incoming.push(ref);
    else referencedBy.set(to.address, [ref]);
  };
  for (const raw of rawReferences) {
    const from = byAddress.get(raw.fromAddress);
    if (!from) continue;
    const exact = raw.toAddress !== undefined ? byAddress.get(raw.toAddress) : undefined;
    if (exact) {
      link(from, exact, raw, true);
      continue;
    }
    for (const to of instancesOf(raw.toBaseAddress)) link(from, to, raw, false);
  }
  return { resources, providers, references, referencedBy, source };
}
