import { GovernanceModel, GovernedResource, ProviderConfig, Suppression } from '../model';
import { readSuppressionList } from '../support/suppression-check';
import { setProperty, stringMap, UNKNOWN } from '../values';
import { Configuration, Evaluation, forEachBlock, InstanceBinding, ReferenceSink, singleBody } from './configuration';
import { expandDynamicBlocks } from './dynamic-blocks';
import { ResourceReference } from './hcl/evaluate';
import { isPlainObject } from './hcl/values';
import { buildModel, RawReference } from './index-builder';
import { InputError } from './strict-json';

/** Where ml-platform keeps its own data inside cdktf's `//` metadata key. */
export const METADATA_KEY = 'ml_platform';

const META_ARGUMENTS = new Set(['//', 'provider', 'count', 'for_each', 'depends_on', 'lifecycle', 'provisioner', 'connection']);
const TOP_LEVEL_BLOCKS = ['resource', 'provider', 'terraform', 'data', 'module', 'output', 'variable', 'locals'];
/** Most instances one `count`/`for_each` is expanded to; more is refused rather than exhausting memory. */
export const MAX_INSTANCES = 10000;

/** Whether a parsed JSON document is a Terraform JSON configuration (cdk.tf.json). */
export function isTerraformJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return TOP_LEVEL_BLOCKS.some((k) => k in o);
}

interface Instance extends InstanceBinding {
  readonly key?: number | string;
  /** Whether the instance exists depends on apply. */
  readonly conditional?: boolean;
}

/** References of one resource instance; `attribute` is the top-level attribute being evaluated. */
class InstanceReferences implements ReferenceSink {
  attribute = '';

  constructor(private readonly out: RawReference[], private readonly fromAddress: string) {}

  add(reference: ResourceReference, direct: boolean): void {
    const toBaseAddress = `${reference.type}.${reference.name}`;
    const toAddress = reference.keyUnknown ? undefined : reference.key === undefined ? toBaseAddress : `${toBaseAddress}[${JSON.stringify(reference.key)}]`;
    this.out.push({ fromAddress: this.fromAddress, toBaseAddress, toAddress, attribute: this.attribute, direct });
  }
}

/**
 * Normalise a Terraform JSON configuration (cdk.tf.json) into the governance model. Expressions are
 * evaluated over what is known before apply (literals, locals, variable defaults, policy documents);
 * `count` and `for_each` expand to instances (`aws_s3_bucket.b[0]`, `aws_s3_bucket.b["raw"]`), and
 * `count = 0` to none. Throws {@link InputError} for a configuration Terraform would refuse.
 */
export function modelFromTerraformJson(json: unknown, source?: string): GovernanceModel {
  if (!isPlainObject(json)) throw new InputError(`${source ?? 'input'} is not a Terraform JSON configuration (an object)`);
  const configuration = new Configuration(json);
  const resources: GovernedResource[] = [];
  const rawReferences: RawReference[] = [];
  const declared = new Set<string>();

  forEachBlock(json.resource, 'resource', (type, byName) => {
    forEachBlock(byName, 'resource', (name, raw) => {
      const baseAddress = `${type}.${name}`;
      if (declared.has(baseAddress)) throw new InputError(`resource ${baseAddress} is declared twice; Terraform would refuse it`);
      declared.add(baseAddress);
      const body = singleBody(raw, `resource ${baseAddress}`);
      const meta = isPlainObject(body['//']) ? body['//'] : {};
      const metadata = isPlainObject(meta.metadata) ? meta.metadata : {};
      const ours = isPlainObject(meta[METADATA_KEY]) ? meta[METADATA_KEY] : {};
      const suppressions = readSuppressionList(ours.suppressions, baseAddress);
      const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{|\}$/g, '') : undefined;
      // `dynamic` blocks read as one instance of their content (nested ones are expanded as values are walked).
      const attributes = Object.prototype.hasOwnProperty.call(body, 'dynamic') ? expandDynamicBlocks(body) as Record<string, unknown> : body;
      for (const instance of instancesOf(baseAddress, body, configuration)) {
        const address = instance.key === undefined ? baseAddress : `${baseAddress}[${JSON.stringify(instance.key)}]`;
        const values: Record<string, unknown> = {};
        const sink = new InstanceReferences(rawReferences, address);
        const evaluation: Evaluation = { sink, instance };
        for (const attribute in attributes) {
          if (META_ARGUMENTS.has(attribute)) continue;
          sink.attribute = attribute;
          setProperty(values, attribute, configuration.value(attributes[attribute], evaluation));
        }
        if (Array.isArray(body.depends_on)) {
          sink.attribute = 'depends_on';
          for (const d of body.depends_on) {
            const m = typeof d === 'string' ? /^(?:\$\{)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\}?$/.exec(d) : null;
            if (m) sink.add({ type: m[1], name: m[2] }, false);
          }
        }
        resources.push({
          type,
          name,
          address,
          baseAddress,
          values,
          constructPath: typeof metadata.path === 'string' ? metadata.path : undefined,
          provider,
          lifecycle: isPlainObject(body.lifecycle) ? body.lifecycle : undefined,
          suppressions,
          conditional: instance.conditional === true,
        });
      }
    });
  });
  return { ...buildModel(resources, providersFromJson(json.provider, configuration), rawReferences, source), input: 'configuration' };
}

/** The instances `count` / `for_each` declare; one conditional instance when the expression is unknown until apply. */
function instancesOf(address: string, body: Record<string, unknown>, configuration: Configuration): readonly Instance[] {
  const hasCount = body.count !== undefined && body.count !== null;
  const hasForEach = body.for_each !== undefined && body.for_each !== null;
  if (hasCount && hasForEach) throw new InputError(`resource ${address} sets both count and for_each; Terraform refuses that`);
  const root: Evaluation = {};
  if (hasCount) {
    const count = configuration.value(body.count, root);
    if (count === UNKNOWN) return [{ countIndex: UNKNOWN, conditional: true }];
    const n = typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new InputError(`resource ${address}: count must be a whole number of 0 or more`);
    if (n > MAX_INSTANCES) throw new InputError(`resource ${address}: count ${n} is more than the ${MAX_INSTANCES} instances review expands`);
    return Array.from({ length: n }, (_, i) => ({ key: i, countIndex: i }));
  }
  if (hasForEach) {
    const forEach = configuration.value(body.for_each, root);
    if (forEach === UNKNOWN || (Array.isArray(forEach) && forEach.includes(UNKNOWN))) {
      return [{ each: { key: UNKNOWN, value: UNKNOWN }, conditional: true }];
    }
    let entries: Array<[string, unknown]>;
    if (isPlainObject(forEach)) {
      entries = Object.keys(forEach).sort().map((k) => [k, forEach[k]]);
    } else if (Array.isArray(forEach) && forEach.every((k) => typeof k === 'string')) {
      entries = [...new Set(forEach as string[])].sort().map((k) => [k, k]);
    } else {
      throw new InputError(`resource ${address}: for_each must be a map or a set of strings`);
    }
    if (entries.length > MAX_INSTANCES) throw new InputError(`resource ${address}: for_each has more than the ${MAX_INSTANCES} instances review expands`);
    return entries.map(([key, value]) => ({ key, each: { key, value } }));
  }
  return SINGLE_INSTANCE;
}

const SINGLE_INSTANCE: readonly Instance[] = [{}];

function providersFromJson(providerBlock: unknown, configuration: Configuration): Map<string, ProviderConfig> {
  const providers = new Map<string, ProviderConfig>();
  const root: Evaluation = {};
  forEachBlock(providerBlock, 'provider', (name, configs) => {
    for (const raw of Array.isArray(configs) ? configs : [configs]) {
      if (!isPlainObject(raw)) throw new InputError(`provider ${name} must be an object (or a list of objects)`);
      const config = configuration.value(raw, root) as Record<string, unknown>;
      const key = typeof config.alias === 'string' ? `${name}.${config.alias}` : name;
      const defaultTagsBlock = Array.isArray(config.default_tags) ? config.default_tags[0] : config.default_tags;
      // AWS default_tags { tags }, google default_labels.
      const tags = isPlainObject(defaultTagsBlock) ? defaultTagsBlock.tags : config.default_labels;
      providers.set(key, {
        key,
        name,
        region: typeof config.region === 'string' ? config.region : undefined,
        defaultTags: isPlainObject(tags) ? stringMap(tags) : undefined,
      });
    }
  });
  return providers;
}

/**
 * The valid suppressions recorded under `//.ml_platform.suppressions`. A malformed list is an input
 * error; entries whose expiry or reason does not hold are left out (the model keeps them as refused,
 * see {@link readSuppressionList}, so findings can say why).
 */
export function readSuppressions(raw: unknown, where = 'resource'): Suppression[] {
  return readSuppressionList(raw, where).filter((s) => !s.refused);
}
