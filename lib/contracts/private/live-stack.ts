/**
 * A synthesized stack's JSON, resolved only as far as a contract check reads it: `resource[type]` resolves the
 * resources of that type, `data`, `output`, `provider` and `//` resolve the elements that write them. A check
 * of a few workloads in a stack of a thousand resources resolves a few dozen, which keeps contracts cheap in
 * stacks without governance (whose validation would otherwise resolve the stack a second time).
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

type Json = Record<string, any>;

const RESOLVER = new DefaultTokenResolver(new StringConcat());

function elementsOf(stack: TerraformStack): TerraformElement[] {
  const out: TerraformElement[] = [];
  const visit = (c: IConstruct) => {
    if (TerraformElement.isTerraformElement(c)) out.push(c);
    for (const child of c.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return out;
}

/** Objects merge key by key, lists concatenate (provider blocks), anything else is replaced. */
function merge(into: Json, from: Json): Json {
  for (const [k, v] of Object.entries(from ?? {})) {
    if (Array.isArray(v) && Array.isArray(into[k])) into[k] = [...into[k], ...v];
    else if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object' && !Array.isArray(into[k])) merge(into[k], v);
    else into[k] = v;
  }
  return into;
}

/** The stack's Terraform JSON, resolved lazily by top-level key and resource type. */
export function liveStackJson(stack: TerraformStack): Json {
  const elements = elementsOf(stack);
  const resolve = (e: TerraformElement): Json => Tokenization.resolve(e.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER }) as Json;
  const resourcesByType = new Map<string, TerraformResource[]>();
  const others: TerraformElement[] = [];
  for (const e of elements) {
    if (TerraformResource.isTerraformResource(e)) {
      const type = (e as TerraformResource).terraformResourceType;
      resourcesByType.set(type, [...(resourcesByType.get(type) ?? []), e as TerraformResource]);
    } else {
      others.push(e);
    }
  }
  let rest: Json | undefined;
  const restJson = (): Json => (rest ??= others.reduce((acc, e) => merge(acc, resolve(e)), {} as Json));
  const byType = new Map<string, Json | undefined>();
  const resource = new Proxy({} as Json, {
    get: (_t, type) => {
      if (typeof type !== 'string') return undefined;
      if (!byType.has(type)) {
        const list = resourcesByType.get(type);
        byType.set(type, list ? list.reduce((acc, e) => merge(acc, resolve(e)), {} as Json).resource?.[type] : undefined);
      }
      return byType.get(type);
    },
    has: (_t, type) => typeof type === 'string' && resourcesByType.has(type),
    ownKeys: () => [...resourcesByType.keys()],
    getOwnPropertyDescriptor: (_t, type) => (typeof type === 'string' && resourcesByType.has(type) ? { enumerable: true, configurable: true } : undefined),
  });
  return {
    resource,
    get data() { return restJson().data; },
    get output() { return restJson().output; },
    get provider() { return restJson().provider; },
    get terraform() { return restJson().terraform; },
    get '//'() { return restJson()['//']; },
  };
}
