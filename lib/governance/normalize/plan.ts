import { GovernanceModel, GovernedResource, ProviderConfig, Suppression } from '../model';
import { stringMap, UNKNOWN } from '../values';
import { isPlainObject } from './hcl/values';
import { baseAddressOf, buildModel, RawReference } from './index-builder';
import { InputError } from './strict-json';

/** Construct path and suppressions recorded at synth, keyed by Terraform address. */
export type SynthMetadata = ReadonlyMap<string, { readonly constructPath?: string; readonly suppressions: readonly Suppression[] }>;

/** Whether a parsed JSON document is `terraform show -json` plan output. */
export function isPlanJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return 'format_version' in o && ('planned_values' in o || 'resource_changes' in o);
}

type Json = Record<string, unknown>;

const RESERVED_ROOTS = new Set(['var', 'local', 'data', 'module', 'count', 'each', 'path', 'terraform', 'self']);
const REFERENCE = /^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?/;
const NOTE_EXAMPLES = 5;

function object(value: unknown, what: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new InputError(`plan: ${what} must be an object`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`plan: ${what} must be a list`);
  return value;
}

/** A resource of `planned_values` or `prior_state`, checked. */
interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly data: boolean;
  readonly values: Json;
}

// Hot loops below check shapes with plain comparisons and build a message only when one fails.
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function stateResources(root: unknown, what: string): StateResource[] {
  const out: StateResource[] = [];
  const visit = (module: unknown, where: string, depth: number): void => {
    const m = object(module, where);
    if (!m) return;
    if (depth > 64) throw new InputError(`plan: ${what} nests modules deeper than 64 levels`);
    const resources = list(m.resources, `${where}.resources`);
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i];
      if (!isPlainObject(r) || !isText(r.address) || !isText(r.type) || !isText(r.name) || (r.values != null && !isPlainObject(r.values))) {
        throw new InputError(`plan: ${where}.resources[${i}] must be an object with address, type, name and values`);
      }
      out.push({ address: r.address, type: r.type, name: r.name, data: r.mode === 'data', values: (r.values as Json | null) ?? {} });
    }
    list(m.child_modules, `${where}.child_modules`).forEach((child, i) => {
      if (!isPlainObject(child)) throw new InputError(`plan: ${where}.child_modules[${i}] must be an object`);
      visit(child, `${where}.child_modules[${i}]`, depth + 1);
    });
  };
  visit(root, what, 0);
  return out;
}

/** One entry of `resource_changes`, checked. */
interface Change {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly data: boolean;
  readonly actions: readonly string[];
  readonly after: Json | undefined;
  readonly afterUnknown: unknown;
  /** `change.before`: the prior values, null for a create. */
  readonly before: Json | undefined;
  readonly replacePaths: readonly string[];
}

function changes(plan: Json): Change[] {
  const raw = list(plan.resource_changes, 'resource_changes');
  const out: Change[] = [];
  for (let i = 0; i < raw.length; i++) {
    const bad = (what: string): never => {
      throw new InputError(`plan: resource_changes[${i}] ${what}`);
    };
    const r = raw[i];
    if (!isPlainObject(r)) return bad('must be an object');
    if (!isText(r.address) || !isText(r.type) || !isText(r.name)) return bad('needs address, type and name strings');
    const c = r.change;
    if (!isPlainObject(c)) return bad('has no change object');
    const actions = c.actions;
    if (!Array.isArray(actions) || !actions.every(isText)) return bad('has change.actions that is not a list of strings');
    const onlyDelete = actions.length > 0 && actions.every((a) => a === 'delete' || a === 'forget');
    const after = c.after;
    if (after != null && !isPlainObject(after)) return bad('has change.after that is not an object');
    if (after == null && !onlyDelete && r.mode !== 'data') return bad(`has no change.after for a ${actions.join('/') || 'no-op'} change`);
    const before = isPlainObject(c.before) ? c.before : undefined;
    out.push({
      address: r.address, type: r.type, name: r.name, data: r.mode === 'data', actions,
      after: (after as Json | null) ?? undefined, afterUnknown: c.after_unknown, before, replacePaths: replacePaths(r.replace_paths),
    });
  }
  return out;
}

/** `replace_paths` (lists of attribute names and indexes) as dotted paths; anything else is ignored, it only explains. */
function replacePaths(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const p of raw) {
    if (Array.isArray(p) && p.length > 0 && p.every((k) => typeof k === 'string' || typeof k === 'number')) out.push(p.join('.'));
  }
  return out;
}

/** Base addresses of the managed resources a plan holds (to find the synthesized stack it was planned from). */
export function planResourceAddresses(plan: unknown): string[] {
  if (!isPlainObject(plan)) return [];
  const out = new Set<string>();
  for (const rc of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (isPlainObject(rc) && rc.mode !== 'data' && typeof rc.address === 'string') out.add(baseAddressOf(rc.address));
  }
  const planned = isPlainObject(plan.planned_values) ? plan.planned_values.root_module : undefined;
  try {
    for (const r of stateResources(planned, 'planned_values.root_module')) if (!r.data) out.add(baseAddressOf(r.address));
  } catch {
    // a malformed plan is reported by modelFromPlan
  }
  return [...out];
}

/**
 * Normalise `terraform show -json` plan output into the governance model. `resource_changes` is what
 * Terraform will do, so it is authoritative: its `after` values are reviewed, with the planned actions;
 * resources it only deletes are kept apart in `deletions` with their prior values (`change.before`, else
 * `prior_state`), for the rules that review deletions only; data sources are not reviewed (they create nothing). Resources found only in `planned_values` or only
 * in `prior_state`, and `planned_values` that disagree with `resource_changes`, are reviewed too and said
 * in the notes. Throws {@link InputError} for a plan that does not have the documented shape.
 */
export function modelFromPlan(plan: unknown, synthMetadata?: SynthMetadata, source?: string): GovernanceModel {
  const root = object(plan, 'the document');
  if (!root) throw new InputError('plan: the document must be an object');
  const plannedValues = object(root.planned_values, 'planned_values');
  const priorState = object(root.prior_state, 'prior_state');
  const priorValues = priorState ? object(priorState.values, 'prior_state.values') : undefined;
  const config = object(root.configuration, 'configuration') ?? {};
  const configured = readConfiguration(object(config.root_module, 'configuration.root_module'));

  const planned = new Map<string, StateResource>();
  let dataSources = 0;
  for (const r of stateResources(plannedValues?.root_module, 'planned_values.root_module')) {
    if (r.data) dataSources++;
    else planned.set(r.address, r);
  }
  const plannedCount = planned.size;
  const resources: GovernedResource[] = [];
  const rawReferences: RawReference[] = [];
  const deleted: string[] = [];
  const onlyInChanges: string[] = [];
  const disagreeing: string[] = [];
  // Addresses in resource_changes; kept only when prior_state must be compared against them.
  const inChanges = priorValues ? new Set<string>() : undefined;
  const deletions: GovernedResource[] = [];
  const governed = (address: string, type: string, name: string, values: Json, change?: Change): GovernedResource => {
    const baseAddress = baseAddressOf(address);
    const meta = synthMetadata?.get(address) ?? synthMetadata?.get(baseAddress);
    const config = configured.get(baseAddress); // one lookup for provider, expressions and references
    return {
      type,
      name,
      address,
      baseAddress,
      values: change?.after ? applyUnknown(values, change.afterUnknown, config?.expressions) as Json : values,
      module: moduleOf(address),
      provider: config?.providerKey,
      constructPath: meta?.constructPath,
      ...(change ? { plannedActions: change.actions } : {}),
      ...(change?.replacePaths.length ? { replacePaths: change.replacePaths } : {}),
      suppressions: meta?.suppressions ?? [],
    };
  };
  const add = (address: string, type: string, name: string, values: Json, change?: Change): void => {
    const resource = governed(address, type, name, values, change);
    resources.push(resource);
    const references = configured.get(resource.baseAddress)?.references;
    if (references) addReferences(resource, references, rawReferences);
  };
  // Prior values of resources only deleted, when resource_changes does not carry change.before.
  const prior = new Map<string, Json>();
  const priorResources = stateResources(priorValues?.root_module, 'prior_state.values.root_module');

  const hasChanges = Array.isArray(root.resource_changes);
  for (const rc of changes(root)) {
    if (rc.data) {
      dataSources++;
      continue;
    }
    inChanges?.add(rc.address);
    const p = planned.get(rc.address);
    if (p) planned.delete(rc.address);
    if (rc.actions.length > 0 && rc.actions.every((a) => a === 'delete' || a === 'forget')) {
      deleted.push(rc.address);
      if (!rc.before && !prior.size) for (const r of priorResources) if (!r.data) prior.set(r.address, r.values);
      deletions.push(governed(rc.address, rc.type, rc.name, rc.before ?? prior.get(rc.address) ?? {}, { ...rc, after: undefined }));
      continue;
    }
    const after = rc.after as Json;
    if (!p) onlyInChanges.push(rc.address);
    else if (!sameValue(p.values, after)) disagreeing.push(rc.address);
    add(rc.address, rc.type, rc.name, after, rc);
  }
  // What is left of planned_values has no entry in resource_changes.
  const plannedOnly: string[] = [];
  for (const p of planned.values()) {
    if (hasChanges) plannedOnly.push(p.address);
    add(p.address, p.type, p.name, p.values);
  }
  const priorOnly: string[] = [];
  for (const r of priorResources) {
    if (r.data || inChanges?.has(r.address) || planned.has(r.address)) continue;
    priorOnly.push(r.address);
    add(r.address, r.type, r.name, r.values);
  }

  const notes: string[] = [];
  const examples = (addresses: string[]): string => `${addresses.slice(0, NOTE_EXAMPLES).join(', ')}${addresses.length > NOTE_EXAMPLES ? ', …' : ''}`;
  if (deleted.length) notes.push(`${deleted.length} resource(s) deleted by the plan are reviewed only by rules on deletions (the data they hold): ${examples(deleted)}`);
  if (dataSources) notes.push(`${dataSources} data source(s) are not reviewed: they read, they create nothing`);
  if (disagreeing.length) notes.push(`${disagreeing.length} resource(s) whose planned_values disagree with resource_changes were reviewed from resource_changes: ${examples(disagreeing)}`);
  if (onlyInChanges.length && plannedCount) notes.push(`${onlyInChanges.length} resource(s) only in resource_changes, missing from planned_values, were reviewed: ${examples(onlyInChanges)}`);
  if (plannedOnly.length) notes.push(`${plannedOnly.length} resource(s) in planned_values but not in resource_changes were reviewed from planned_values: ${examples(plannedOnly)}`);
  if (priorOnly.length) notes.push(`${priorOnly.length} resource(s) only in prior_state (not changed by this plan) were reviewed from their current state: ${examples(priorOnly)}`);

  const model = buildModel(resources, providersFromPlan(object(config.provider_config, 'configuration.provider_config')), rawReferences, source);
  return { ...model, input: 'plan', ...(notes.length ? { notes } : {}), ...(deletions.length ? { deletions } : {}) };
}

/** References of one resource instance, resolved in its own module instance (`module.x["a"]`) and for its own key. */
function addReferences(from: GovernedResource, attributes: readonly ConfiguredReferences[], out: RawReference[]): void {
  const prefix = from.module ? `${from.module}.` : '';
  const basePrefix = baseAddressOf(prefix);
  const ownKey = from.address.endsWith(']') ? /(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])$/.exec(from.address)?.[1] ?? '' : '';
  for (const a of attributes) {
    for (const t of a.targets) {
      const key = t.key ?? (t.sameIndex ? ownKey : '');
      out.push({ fromAddress: from.address, toBaseAddress: basePrefix + t.local, toAddress: t.ambiguous ? undefined : prefix + t.local + key, attribute: a.attribute, direct: a.direct });
    }
  }
}

/** Structural equality of two JSON values, stopping at the first difference. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !sameValue((a as Json)[k], (b as Json)[k])) return false;
  return true;
}

/** Resources inside modules keep their module address: `module.a.module.b`. */
function moduleOf(address: string): string | undefined {
  if (!address.startsWith('module.')) return undefined;
  const parts = address.match(/^((?:module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.)+)/);
  return parts ? parts[1].slice(0, -1) : undefined;
}

interface Target {
  /** `type.name` inside the module. */
  readonly local: string;
  /** Literal instance key as written (`[0]`, `["raw"]`). */
  readonly key?: string;
  /** `[count.index]` / `[each.key]`: the referencing instance's own key. */
  readonly sameIndex: boolean;
  /** Several instances of the same resource are named: none is the one. */
  readonly ambiguous: boolean;
}

interface ConfiguredReferences {
  readonly attribute: string;
  readonly targets: readonly Target[];
  /** The attribute is exactly one reference (`bucket = aws_s3_bucket.b.id`). */
  readonly direct: boolean;
}

/** What the configuration says about one resource (by address without instance keys). */
interface ConfiguredResource {
  readonly providerKey?: string;
  readonly expressions: Json;
  readonly references?: readonly ConfiguredReferences[];
}

function readConfiguration(rootModule: Json | undefined): Map<string, ConfiguredResource> {
  const configured = new Map<string, ConfiguredResource>();
  const walk = (module: Json | undefined, prefix: string, depth: number): void => {
    if (!module) return;
    if (depth > 64) throw new InputError('plan: configuration nests modules deeper than 64 levels');
    const resources = list(module.resources, `configuration ${prefix || 'root module'} resources`);
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i];
      if (!isPlainObject(r) || !isText(r.address) || (r.expressions != null && !isPlainObject(r.expressions))) {
        throw new InputError(`plan: configuration ${prefix}resources[${i}] must be an object with an address and expressions`);
      }
      if (r.mode === 'data') continue;
      const expressions = (r.expressions as Json | null) ?? {};
      let attributes: ConfiguredReferences[] | undefined;
      for (const attribute in expressions) {
        const expr = expressions[attribute];
        const leaves: string[][] = [];
        collectReferenceLists(expr, leaves, 0);
        if (leaves.length === 0) continue;
        const targets: Target[] = [];
        let others = false;
        for (const refs of leaves) {
          const found = targetsOf(refs);
          for (const t of found.targets) targets.push(t);
          others ||= found.others;
        }
        if (targets.length === 0) continue;
        const leaf = isPlainObject(expr) && Array.isArray(expr.references);
        (attributes ??= []).push({ attribute, targets, direct: leaf && targets.length === 1 && !targets[0].ambiguous && !others });
      }
      configured.set(prefix + r.address, {
        providerKey: typeof r.provider_config_key === 'string' ? r.provider_config_key : undefined,
        expressions,
        references: attributes,
      });
    }
    const calls = object(module.module_calls, `configuration ${prefix}module_calls`) ?? {};
    for (const [name, call] of Object.entries(calls)) {
      const c = object(call, `configuration ${prefix}module_calls.${name}`);
      walk(c ? object(c.module, `configuration ${prefix}module_calls.${name}.module`) : undefined, `${prefix}module.${name}.`, depth + 1);
    }
  };
  walk(rootModule, '', 0);
  return configured;
}

/** The `references` lists of an expression (one per leaf), below nested blocks too. */
function collectReferenceLists(expr: unknown, out: string[][], depth: number): void {
  if (depth > 64) return;
  if (Array.isArray(expr)) {
    for (const e of expr) collectReferenceLists(e, out, depth + 1);
    return;
  }
  if (!isPlainObject(expr)) return;
  if (Array.isArray(expr.references)) out.push(expr.references.filter((r): r is string => typeof r === 'string'));
  for (const k in expr) {
    const v = expr[k];
    if (k !== 'references' && k !== 'constant_value' && typeof v === 'object' && v !== null) collectReferenceLists(v, out, depth + 1);
  }
}

/**
 * Resources one expression references. Terraform lists every prefix of a traversal
 * (`aws_s3_bucket.b[0].id`, `aws_s3_bucket.b[0]`, `aws_s3_bucket.b`) and `count.index` separately.
 */
function targetsOf(references: readonly string[]): { targets: Target[]; others: boolean } {
  // Lists are short (a traversal and its prefixes): arrays and linear search beat Map/Set here.
  const locals: string[] = [];
  const keys: string[][] = [];
  let sameIndex = false;
  let others = false;
  for (const ref of references) {
    if (ref === 'count.index' || ref === 'each.key' || ref === 'each.value') {
      sameIndex = true;
      continue;
    }
    const m = REFERENCE.exec(ref);
    if (!m || RESERVED_ROOTS.has(m[1])) {
      others = true;
      continue;
    }
    const local = `${m[1]}.${m[2]}`;
    let at = locals.indexOf(local);
    if (at === -1) {
      at = locals.push(local) - 1;
      keys.push([]);
    }
    if (m[3] && !keys[at].includes(m[3])) keys[at].push(m[3]);
  }
  const targets = locals.map((local, i): Target => ({
    local,
    ...(keys[i].length === 1 ? { key: keys[i][0] } : {}),
    sameIndex: keys[i].length === 0 && sameIndex,
    ambiguous: keys[i].length > 1,
  }));
  return { targets, others: others || locals.length > 1 };
}

/**
 * Mark values from `after_unknown`. A value unknown because the configuration sets it from something
 * unknown (a reference, a variable) becomes UNKNOWN. A value unknown only because the provider computes it
 * while the configuration leaves it unset is treated as absent, so the rule applies the provider default,
 * exactly as it does for cdk.tf.json. Without configuration (expressions undefined) every unknown value stays UNKNOWN.
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
  const obj: Json = isPlainObject(values) ? { ...values } : {};
  const configured = isPlainObject(expressions) ? expressions : undefined;
  // An expression object (references / constant_value) covers the whole value below it.
  const whole = configured !== undefined && ('references' in configured || 'constant_value' in configured);
  for (const [k, u] of Object.entries(unknown as Json)) {
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

function providersFromPlan(providerConfig: Json | undefined): Map<string, ProviderConfig> {
  const providers = new Map<string, ProviderConfig>();
  for (const [key, raw] of Object.entries(providerConfig ?? {})) {
    const pc = object(raw, `configuration.provider_config.${key}`);
    if (!pc) throw new InputError(`plan: configuration.provider_config.${key} must be an object`);
    const expressions = object(pc.expressions, `configuration.provider_config.${key}.expressions`) ?? {};
    const region = isPlainObject(expressions.region) ? expressions.region.constant_value : undefined;
    const defaultTagsBlock = Array.isArray(expressions.default_tags) ? expressions.default_tags[0] : expressions.default_tags;
    const tagsExpr = isPlainObject(defaultTagsBlock) ? defaultTagsBlock.tags : expressions.default_labels;
    const tags = isPlainObject(tagsExpr) ? tagsExpr.constant_value : undefined;
    providers.set(key, {
      key,
      name: typeof pc.name === 'string' ? pc.name : key.replace(/^.*:/, '').split('.')[0],
      region: typeof region === 'string' ? region : undefined,
      defaultTags: isPlainObject(tags) ? stringMap(tags) : undefined,
    });
  }
  return providers;
}
