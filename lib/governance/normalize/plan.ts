import { GovernanceModel, GovernedResource, ProviderConfig, Suppression } from '../model';
import { UNKNOWN } from '../values';
import { baseAddressOf, buildModel, RawReference } from './index-builder';

/** Construct path and suppressions recorded at synth, keyed by Terraform address. */
export type SynthMetadata = ReadonlyMap<string, { readonly constructPath?: string; readonly suppressions: readonly Suppression[] }>;

/** Whether a parsed JSON document is `terraform show -json` plan output. */
export function isPlanJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return 'format_version' in o && ('planned_values' in o || 'resource_changes' in o);
}

/** Normalise `terraform show -json` plan output into the governance model. */
export function modelFromPlan(plan: unknown, synthMetadata?: SynthMetadata, source?: string): GovernanceModel {
  const root = plan as Record<string, any>;
  const changes = new Map<string, Record<string, any>>();
  for (const rc of (root.resource_changes ?? []) as Array<Record<string, any>>) {
    if (rc && typeof rc.address === 'string') changes.set(rc.address, rc);
  }

  const config = root.configuration ?? {};
  const providerKeys = new Map<string, string>();
  const expressionsByAddress = new Map<string, Record<string, unknown>>();
  const rawByConfigAddress: Array<{ configBase: string; attribute: string; target: string }> = [];
  walkConfigModule(config.root_module, '', providerKeys, expressionsByAddress, rawByConfigAddress);

  const resources: GovernedResource[] = [];
  const visit = (module: Record<string, any> | undefined): void => {
    if (!module) return;
    for (const r of (module.resources ?? []) as Array<Record<string, any>>) {
      if (!r || r.mode === 'data' || typeof r.address !== 'string') continue;
      const change = changes.get(r.address)?.change;
      const actions: string[] = Array.isArray(change?.actions) ? change.actions : [];
      if (actions.length > 0 && actions.every((a) => a === 'delete')) continue;
      const baseAddress = baseAddressOf(r.address);
      const values = applyUnknown(r.values ?? {}, change?.after_unknown, expressionsByAddress.get(baseAddress)) as Record<string, unknown>;
      const module = moduleOf(r.address);
      const meta = synthMetadata?.get(r.address) ?? synthMetadata?.get(baseAddress);
      resources.push({
        type: r.type,
        name: r.name,
        address: r.address,
        baseAddress,
        values,
        module,
        provider: providerKeys.get(baseAddress),
        constructPath: meta?.constructPath,
        suppressions: meta?.suppressions ?? [],
      });
    }
    for (const child of (module.child_modules ?? []) as Array<Record<string, any>>) visit(child);
  };
  visit(root.planned_values?.root_module);

  const rawReferences: RawReference[] = [];
  const byBase = new Map<string, GovernedResource[]>();
  for (const r of resources) {
    const list = byBase.get(r.baseAddress);
    if (list) list.push(r);
    else byBase.set(r.baseAddress, [r]);
  }
  for (const ref of rawByConfigAddress) {
    for (const from of byBase.get(ref.configBase) ?? []) {
      rawReferences.push({ fromAddress: from.address, toBaseAddress: ref.target, attribute: ref.attribute });
    }
  }

  return buildModel(resources, providersFromPlan(config.provider_config), rawReferences, source);
}

/** Resources inside modules keep their module address: `module.a.module.b`. */
function moduleOf(address: string): string | undefined {
  const parts = address.match(/^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)+)/);
  return parts ? parts[1].slice(0, -1) : undefined;
}

function walkConfigModule(
  module: Record<string, any> | undefined,
  prefix: string,
  providerKeys: Map<string, string>,
  expressionsByAddress: Map<string, Record<string, unknown>>,
  out: Array<{ configBase: string; attribute: string; target: string }>,
): void {
  if (!module) return;
  const local = new Set<string>();
  for (const r of (module.resources ?? []) as Array<Record<string, any>>) {
    if (r && r.mode !== 'data' && typeof r.address === 'string') local.add(r.address);
  }
  for (const r of (module.resources ?? []) as Array<Record<string, any>>) {
    if (!r || r.mode === 'data' || typeof r.address !== 'string') continue;
    const configBase = prefix + r.address;
    if (typeof r.provider_config_key === 'string') providerKeys.set(configBase, r.provider_config_key);
    expressionsByAddress.set(configBase, (r.expressions ?? {}) as Record<string, unknown>);
    for (const [attribute, expr] of Object.entries((r.expressions ?? {}) as Record<string, unknown>)) {
      collectPlanReferences(expr, (reference) => {
        // References look like "aws_s3_bucket.data.id", "aws_s3_bucket.data" or "aws_s3_bucket.data[0]".
        const m = reference.match(/^([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/);
        if (m && local.has(`${m[1]}.${m[2]}`)) out.push({ configBase, attribute, target: `${prefix}${m[1]}.${m[2]}` });
      });
    }
  }
  for (const [name, call] of Object.entries((module.module_calls ?? {}) as Record<string, any>)) {
    walkConfigModule(call?.module, `${prefix}module.${name}.`, providerKeys, expressionsByAddress, out);
  }
}

function collectPlanReferences(expr: unknown, onReference: (ref: string) => void): void {
  if (Array.isArray(expr)) {
    for (const e of expr) collectPlanReferences(e, onReference);
    return;
  }
  if (typeof expr !== 'object' || expr === null) return;
  const o = expr as Record<string, unknown>;
  if (Array.isArray(o.references)) {
    for (const ref of o.references) if (typeof ref === 'string') onReference(ref);
  }
  for (const [k, v] of Object.entries(o)) {
    if (k !== 'references' && k !== 'constant_value' && typeof v === 'object') collectPlanReferences(v, onReference);
  }
}

/**
 * Mark values from `after_unknown`. A value unknown because the configuration sets it from something
 * unknown (a reference, a variable) becomes UNKNOWN and is never a violation. A value unknown only
 * because the provider computes it while the configuration leaves it unset is treated as absent, so the
 * rule applies the provider default, exactly as it does for cdk.tf.json. Without configuration
 * (expressions undefined) every unknown value stays UNKNOWN.
 */
function applyUnknown(values: unknown, unknown: unknown, expressions: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (typeof unknown !== 'object' || unknown === null) return values;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(values) ? values.slice() : [];
    unknown.forEach((u, i) => {
      const expr = Array.isArray(expressions) ? expressions[i] ?? expressions[0] : expressions;
      if (u === true || (typeof u === 'object' && u !== null)) list[i] = applyUnknown(list[i], u, expr);
    });
    return list;
  }
  const obj: Record<string, unknown> = typeof values === 'object' && values !== null && !Array.isArray(values) ? { ...(values as object) } : {};
  const configured = typeof expressions === 'object' && expressions !== null && !Array.isArray(expressions) ? (expressions as Record<string, unknown>) : undefined;
  // An expression object (references / constant_value) covers the whole value below it.
  const whole = configured !== undefined && ('references' in configured || 'constant_value' in configured);
  for (const [k, u] of Object.entries(unknown as Record<string, unknown>)) {
    if (u !== true && (typeof u !== 'object' || u === null)) continue;
    if (expressions === undefined || whole) {
      obj[k] = applyUnknown(obj[k], u, undefined);
    } else if (configured && k in configured) {
      obj[k] = applyUnknown(obj[k], u, configured[k]);
    } else if (u === true) {
      delete obj[k]; // computed by the provider, not configured: the provider default applies
    } else {
      obj[k] = applyUnknown(obj[k], u, {});
    }
  }
  return obj;
}

function providersFromPlan(providerConfig: unknown): Map<string, ProviderConfig> {
  const providers = new Map<string, ProviderConfig>();
  if (typeof providerConfig !== 'object' || providerConfig === null) return providers;
  for (const [key, pc] of Object.entries(providerConfig as Record<string, any>)) {
    const expressions = pc?.expressions ?? {};
    const region = expressions.region?.constant_value;
    const defaultTagsBlock = Array.isArray(expressions.default_tags) ? expressions.default_tags[0] : expressions.default_tags;
    const tags = defaultTagsBlock?.tags?.constant_value ?? expressions.default_labels?.constant_value;
    providers.set(key, {
      key,
      name: typeof pc?.name === 'string' ? pc.name : key.replace(/^.*:/, '').split('.')[0],
      region: typeof region === 'string' ? region : undefined,
      defaultTags: typeof tags === 'object' && tags !== null ? Object.fromEntries(Object.entries(tags).filter(([, v]) => typeof v === 'string')) as Record<string, string> : undefined,
    });
  }
  return providers;
}
