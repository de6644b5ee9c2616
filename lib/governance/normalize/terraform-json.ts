import { GovernanceModel, GovernedResource, ProviderConfig, Suppression } from '../model';
import { UNKNOWN } from '../values';
import { expandDynamicBlocks } from './dynamic-blocks';
import { buildModel, RawReference } from './index-builder';

/** Where ml-platform keeps its own data inside cdktf's `//` metadata key. */
export const METADATA_KEY = 'ml_platform';

const META_ARGUMENTS = new Set(['//', 'provider', 'count', 'for_each', 'depends_on', 'lifecycle', 'provisioner', 'connection']);
// `${...}` not preceded by a second `$` (which escapes it).
const INTERPOLATION = /(^|[^$])\$\{/;
const ADDRESS_IN_EXPRESSION = /(?:^|[^\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;

/** Whether a parsed JSON document is a Terraform JSON configuration (cdk.tf.json). */
export function isTerraformJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return ['resource', 'provider', 'terraform', 'data', 'module', 'output', 'variable', 'locals'].some((k) => k in o);
}

/** Normalise a Terraform JSON configuration (cdk.tf.json) into the governance model. */
export function modelFromTerraformJson(json: unknown, source?: string): GovernanceModel {
  const root = (json ?? {}) as Record<string, any>;
  const resources: GovernedResource[] = [];
  const pending: Array<{ address: string; body: Record<string, unknown> }> = [];
  const addresses = new Set<string>();

  for (const [type, byName] of Object.entries((root.resource ?? {}) as Record<string, Record<string, any>>)) {
    if (typeof byName !== 'object' || byName === null) continue;
    for (const [name, body] of Object.entries(byName)) {
      if (typeof body !== 'object' || body === null) continue;
      const address = `${type}.${name}`;
      addresses.add(address);
      const meta = (body['//'] ?? {}) as Record<string, any>;
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(expandDynamicBlocks(body) as Record<string, unknown>)) if (!META_ARGUMENTS.has(k)) values[k] = normaliseValue(v);
      const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{|\}$/g, '') : undefined;
      resources.push({
        type,
        name,
        address,
        baseAddress: address,
        values,
        constructPath: typeof meta.metadata?.path === 'string' ? meta.metadata.path : undefined,
        provider,
        lifecycle: typeof body.lifecycle === 'object' ? body.lifecycle : undefined,
        suppressions: readSuppressions(meta[METADATA_KEY]?.suppressions),
      });
      pending.push({ address, body });
    }
  }

  const rawReferences: RawReference[] = [];
  for (const { address, body } of pending) {
    for (const [attribute, value] of Object.entries(body)) {
      if (META_ARGUMENTS.has(attribute) && attribute !== 'depends_on') continue;
      collectReferences(value, (expr) => {
        ADDRESS_IN_EXPRESSION.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = ADDRESS_IN_EXPRESSION.exec(expr))) {
          const target = `${m[1]}.${m[2]}`;
          if (addresses.has(target)) rawReferences.push({ fromAddress: address, toBaseAddress: target, attribute });
        }
      });
    }
  }

  return buildModel(resources, providersFromJson(root.provider), rawReferences, source);
}

function providersFromJson(providerBlock: unknown): Map<string, ProviderConfig> {
  const providers = new Map<string, ProviderConfig>();
  if (typeof providerBlock !== 'object' || providerBlock === null) return providers;
  for (const [name, configs] of Object.entries(providerBlock as Record<string, unknown>)) {
    for (const config of (Array.isArray(configs) ? configs : [configs]) as Array<Record<string, any>>) {
      if (typeof config !== 'object' || config === null) continue;
      const key = typeof config.alias === 'string' ? `${name}.${config.alias}` : name;
      const defaultTagsBlock = Array.isArray(config.default_tags) ? config.default_tags[0] : config.default_tags;
      // AWS default_tags { tags }, google default_labels.
      const tags = defaultTagsBlock?.tags ?? config.default_labels;
      providers.set(key, {
        key,
        name,
        region: typeof config.region === 'string' && !INTERPOLATION.test(config.region) ? config.region : undefined,
        defaultTags: typeof tags === 'object' && tags !== null ? onlyStrings(tags) : undefined,
      });
    }
  }
  return providers;
}

function onlyStrings(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' && !INTERPOLATION.test(v)) out[k] = v;
  return out;
}

/** Expressions are unknown at synth; `$${` escapes unescape to what Terraform (and a plan) would show. */
function normaliseValue(value: unknown): unknown {
  if (typeof value === 'string') {
    if (INTERPOLATION.test(value)) return UNKNOWN;
    return value.includes('$${') || value.includes('%%{') ? value.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : value;
  }
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normaliseValue(v);
    return out;
  }
  return value;
}

function collectReferences(value: unknown, onExpression: (expr: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('${')) onExpression(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, onExpression);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) collectReferences(v, onExpression);
  }
}

/** Read suppressions recorded under `//.ml_platform.suppressions`, ignoring malformed entries. */
export function readSuppressions(raw: unknown): Suppression[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((s) => s && typeof s.ruleId === 'string' && typeof s.reason === 'string' && s.reason.trim() !== '')
    .map((s) => ({ ruleId: s.ruleId, reason: s.reason, ...(typeof s.expires === 'string' ? { expires: s.expires } : {}) }));
}
