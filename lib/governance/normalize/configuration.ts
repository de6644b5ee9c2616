import { setProperty, UNKNOWN } from '../values';
import { Expr, RESERVED_ROOTS } from './hcl/ast';
import { directReference, evaluate, EvaluationScope, ResourceReference } from './hcl/evaluate';
import { expandDynamicBlocks } from './dynamic-blocks';
import { renderPolicyDocument } from './hcl/iam-policy-document';
import { partialJsonTemplate } from './hcl/partial-json';
import { HclSyntaxError, parseTemplate } from './hcl/parser';
import { isPlainObject } from './hcl/values';
import { InputError } from './strict-json';

/** A Terraform identifier: resource types and names, variables, locals. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Where a value sits, for references: the instance evaluating it and the top-level attribute holding it. */
export interface ReferenceSink {
  add(reference: ResourceReference, direct: boolean): void;
}

/** `count.index` / `each` of the instance a value is evaluated for. */
export interface InstanceBinding {
  readonly countIndex?: unknown;
  readonly each?: { key: unknown; value: unknown };
}

/**
 * What values are evaluated for: where references go and the instance. The scope is made on first need
 * (most values hold no expression), and reused for every attribute of the instance.
 */
export interface Evaluation {
  readonly sink?: ReferenceSink;
  readonly instance?: InstanceBinding;
  scope?: EvaluationScope;
}

const SIMPLE_REFERENCE = /^\$\{([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.[A-Za-z_][\w-]*)?\}$/;
const PARSE_CACHE_LIMIT = 20000;

/**
 * The blocks of a Terraform JSON configuration that expressions read (`variable`, `locals`, `data`),
 * and the evaluation of attribute values against them. Templates are parsed once; locals and data
 * sources are evaluated once and remember the resources they reference.
 */
export class Configuration {
  private readonly variables = new Map<string, unknown>();
  private readonly localBodies = new Map<string, unknown>();
  private readonly locals = new Map<string, { value: unknown; references: ResourceReference[] }>();
  private readonly evaluatingLocals = new Set<string>();
  private readonly dataBodies = new Map<string, Record<string, unknown>>();
  private readonly dataValues = new Map<string, { value: unknown; references: ResourceReference[] }>();
  private readonly parsed = new Map<string, Expr>();

  constructor(root: Record<string, unknown>) {
    forEachBlock(root.variable, 'variable', (name, raw) => {
      const declaration = singleBody(raw, `variable ${name}`);
      if (this.variables.has(name)) throw new InputError(`variable ${name} is declared twice`);
      // Defaults are literal values in Terraform JSON, never templates.
      this.variables.set(name, Object.prototype.hasOwnProperty.call(declaration, 'default') ? declaration.default : UNKNOWN);
    });
    for (const locals of Array.isArray(root.locals) ? root.locals : root.locals === undefined ? [] : [root.locals]) {
      if (!isPlainObject(locals)) throw new InputError('locals must be an object');
      for (const [name, value] of Object.entries(locals)) {
        if (!IDENTIFIER.test(name)) throw new InputError('locals has a name that is not a Terraform identifier');
        if (this.localBodies.has(name)) throw new InputError(`local ${name} is declared twice`);
        this.localBodies.set(name, value);
      }
    }
    forEachBlock(root.data, 'data', (type, byName) => {
      forEachBlock(byName, 'data', (name, raw) => {
        const body = singleBody(raw, `data ${type}.${name}`);
        const key = `${type}.${name}`;
        if (this.dataBodies.has(key)) throw new InputError(`data ${key} is declared twice`);
        this.dataBodies.set(key, body);
      });
    });
  }

  /** A scope for one resource instance (or the configuration root when `instance` is absent). */
  scope(sink: ReferenceSink | undefined, instance?: InstanceBinding): EvaluationScope {
    return {
      variable: (name) => (this.variables.has(name) ? this.variables.get(name) : UNKNOWN),
      local: (name) => {
        const local = this.local(name);
        if (sink) for (const r of local.references) sink.add(r, false);
        return local.value;
      },
      data: (type, name, key) => {
        const data = this.data(type, name, key);
        if (sink) for (const r of data.references) sink.add(r, false);
        return data.value;
      },
      ...(instance?.countIndex !== undefined ? { countIndex: instance.countIndex } : {}),
      ...(instance?.each ? { each: instance.each } : {}),
      onReference: (reference) => sink?.add(reference, false),
    };
  }

  /**
   * Evaluate a JSON value: strings are templates, objects and lists are walked. Unchanged subtrees are
   * returned as they are (no copy), so a large configuration is not duplicated in memory.
   */
  value(raw: unknown, evaluation: Evaluation): unknown {
    if (typeof raw === 'string') return this.string(raw, evaluation);
    if (Array.isArray(raw)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < raw.length; i++) {
        const v = this.value(raw[i], evaluation);
        if (out) out.push(v);
        else if (v !== raw[i]) out = [...raw.slice(0, i), v];
      }
      return out ?? raw;
    }
    if (isPlainObject(raw)) {
      const source = Object.prototype.hasOwnProperty.call(raw, 'dynamic') ? expandDynamicBlocks(raw) as Record<string, unknown> : raw;
      let out: Record<string, unknown> | undefined;
      for (const k in source) {
        const v = this.value(source[k], evaluation);
        if (v !== source[k] && !out) out = { ...source };
        if (out) setProperty(out, k, v);
      }
      return out ?? source;
    }
    return raw;
  }

  private string(raw: string, evaluation: Evaluation): unknown {
    const sink = evaluation.sink;
    const brace = raw.indexOf('{');
    if (brace === -1) return raw;
    if (!/(^|[^$])\$\{|(^|[^%])%\{/.test(raw)) return raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    const simple = SIMPLE_REFERENCE.exec(raw);
    if (simple && !RESERVED_ROOTS.has(simple[1])) {
      sink?.add({ type: simple[1], name: simple[2] }, true);
      return UNKNOWN;
    }
    const expr = this.parse(raw);
    if (!expr) return UNKNOWN;
    const scope = (evaluation.scope ??= this.scope(sink, evaluation.instance));
    const direct = directReference(expr, scope, (name) => this.localExpression(name));
    if (direct) {
      sink?.add(direct, true);
      return UNKNOWN; // resource attributes are known after apply
    }
    const value = evaluate(expr, scope);
    if (value !== UNKNOWN || expr.kind !== 'template' || expr.parts.length < 2) return value;
    // A JSON document with interpolations in its strings: keep what is known (each part again, references were recorded above).
    const parts = expr.parts.map((p) => (typeof p === 'string' ? p : evaluate(p, this.scope(undefined, evaluation.instance))));
    return partialJsonTemplate(expr, parts) ?? UNKNOWN;
  }

  private parse(raw: string): Expr | undefined {
    let expr = this.parsed.get(raw);
    if (expr) return expr;
    try {
      expr = parseTemplate(raw);
    } catch (e) {
      if (e instanceof HclSyntaxError) return undefined;
      throw e;
    }
    if (this.parsed.size >= PARSE_CACHE_LIMIT) this.parsed.clear();
    this.parsed.set(raw, expr);
    return expr;
  }

  private localExpression(name: string): Expr | undefined {
    const raw = this.localBodies.get(name);
    return typeof raw === 'string' ? this.parse(raw) : undefined;
  }

  private local(name: string): { value: unknown; references: ResourceReference[] } {
    const cached = this.locals.get(name);
    if (cached) return cached;
    if (!this.localBodies.has(name) || this.evaluatingLocals.has(name)) return { value: UNKNOWN, references: [] };
    this.evaluatingLocals.add(name);
    const references: ResourceReference[] = [];
    const sink: ReferenceSink = { add: (r) => references.push(r) };
    const value = this.value(this.localBodies.get(name), { sink });
    this.evaluatingLocals.delete(name);
    const result = { value, references };
    this.locals.set(name, result);
    return result;
  }

  private data(type: string, name: string, key: number | string | undefined): { value: unknown; references: ResourceReference[] } {
    const id = `${type}.${name}${key === undefined ? '' : `[${JSON.stringify(key)}]`}`;
    const cached = this.dataValues.get(id);
    if (cached) return cached;
    const body = this.dataBodies.get(`${type}.${name}`);
    this.dataValues.set(id, { value: UNKNOWN, references: [] }); // a data source that reads itself is unknown
    if (!body) return { value: UNKNOWN, references: [] };
    const references: ResourceReference[] = [];
    const sink: ReferenceSink = { add: (r) => references.push(r) };
    const instance = typeof key === 'number' ? { countIndex: key } : typeof key === 'string' ? { each: { key, value: UNKNOWN } } : undefined;
    const evaluation: Evaluation = { sink, instance };
    let value: unknown = UNKNOWN;
    if (type === 'aws_iam_policy_document') {
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (k !== '//' && k !== 'depends_on' && k !== 'provider') args[k] = this.value(v, evaluation);
      value = renderPolicyDocument(args);
    }
    const result = { value, references };
    this.dataValues.set(id, result);
    return result;
  }
}

/**
 * Entries of a labelled block in Terraform JSON: an object of label → body, or a list of such objects
 * (HCL's JSON form of repeated blocks), so a label may come back more than once; callers that need a
 * label to be unique check the full address.
 */
export function forEachBlock(raw: unknown, what: string, visit: (label: string, body: unknown) => void): void {
  if (raw === undefined) return;
  const parts = Array.isArray(raw) ? raw : [raw];
  for (const part of parts) {
    if (!isPlainObject(part)) throw new InputError(`${what} must be an object (or a list of objects)`);
    for (const label in part) {
      if (!IDENTIFIER.test(label)) throw new InputError(`${what} has a name that is not a Terraform identifier`);
      visit(label, part[label]);
    }
  }
}

/** The body of one block: an object, or a list holding exactly one (more would declare the block twice). */
export function singleBody(raw: unknown, what: string): Record<string, unknown> {
  const body = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (Array.isArray(raw) && raw.length > 1) throw new InputError(`${what} is declared ${raw.length} times; Terraform would refuse it`);
  if (!isPlainObject(body)) throw new InputError(`${what} must be an object`);
  return body;
}
