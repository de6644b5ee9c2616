import { EncodedJson, setProperty, UNKNOWN } from '../../values';
import { Expr, RESERVED_ROOTS, SPLAT_ITEM } from './ast';
import { callFunction } from './functions';
import {
  containsUnknown, equalValues, HclEvaluationError, isPlainObject, ownProperty, toBoolValue, toNumberValue, toStringValue,
} from './values';

/** A reference from an expression to a managed resource: `aws_s3_bucket.b[0].id`. */
export interface ResourceReference {
  readonly type: string;
  readonly name: string;
  /** Instance key when the reference names one and it is known (`[0]`, `["raw"]`, `[count.index]` in an instance). */
  readonly key?: number | string;
  /** Whether the reference indexes an instance whose key is unknown until apply. */
  readonly keyUnknown?: boolean;
}

/** What an expression can read: the configuration around it and the instance it is evaluated for. */
export interface EvaluationScope {
  /** `var.<name>`: the declared default, UNKNOWN without one. */
  variable(name: string): unknown;
  /** `local.<name>`, evaluated (references inside it are reported through `onReference`). */
  local(name: string): unknown;
  /** `data.<type>.<name>[key]`: the data source's attributes as an object, or UNKNOWN. */
  data(type: string, name: string, key: number | string | undefined): unknown;
  /** `count.index` for this instance (UNKNOWN when the count is unknown; undefined without count). */
  readonly countIndex?: unknown;
  /** `each.key` / `each.value` for this instance. */
  readonly each?: { readonly key: unknown; readonly value: unknown };
  /** Called for every managed-resource reference evaluated. */
  onReference(reference: ResourceReference): void;
}

/** Evaluate an expression; anything that depends on apply, or that Terraform would reject, is UNKNOWN. */
export function evaluate(expr: Expr, scope: EvaluationScope): unknown {
  try {
    return evaluateExpr(expr, scope, undefined);
  } catch (e) {
    if (e instanceof HclEvaluationError) return UNKNOWN;
    throw e;
  }
}

function evaluateExpr(expr: Expr, scope: EvaluationScope, splatItem: unknown): unknown {
  const ev = (e: Expr): unknown => evaluateExpr(e, scope, splatItem);
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'template': {
      if (expr.parts.length === 1 && typeof expr.parts[0] !== 'string') return ev(expr.parts[0]);
      let out = '';
      let unknown = false;
      for (const part of expr.parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = ev(part);
        if (value === null) throw new HclEvaluationError('null in a template');
        const s = toStringValue(value);
        if (s === UNKNOWN) unknown = true; // keep evaluating: references later in the template still count
        else out += s;
      }
      return unknown ? UNKNOWN : out;
    }
    case 'tuple':
      return expr.items.map(ev);
    case 'object': {
      const out: Record<string, unknown> = {};
      let unknownKey = false;
      for (const [k, v] of expr.entries) {
        const key = ev(k);
        const value = ev(v);
        if (key === UNKNOWN) unknownKey = true;
        else setProperty(out, toStringValue(key) as string, value);
      }
      return unknownKey ? UNKNOWN : out;
    }
    case 'variable':
      if (expr.name === SPLAT_ITEM) return splatItem;
      return UNKNOWN; // a bare name outside a traversal (a for-expression symbol)
    case 'attr':
    case 'index':
      return traversal(expr, scope, splatItem);
    case 'splat': {
      const target = ev(expr.target);
      if (target === UNKNOWN) return UNKNOWN;
      const items = Array.isArray(target) ? target : target === null ? [] : [target];
      return items.map((item) => evaluateExpr(expr.each, scope, item));
    }
    case 'call': {
      if (expr.name === 'try') {
        for (const arg of expr.args) {
          try {
            return ev(arg);
          } catch (e) {
            if (!(e instanceof HclEvaluationError)) throw e;
          }
        }
        throw new HclEvaluationError('no argument of try() evaluated');
      }
      if (expr.name === 'can') {
        try {
          return containsUnknown(ev(expr.args[0])) ? UNKNOWN : true;
        } catch (e) {
          if (e instanceof HclEvaluationError) return false;
          throw e;
        }
      }
      let args = expr.args.map(ev);
      if (expr.expandLast) {
        const last = args[args.length - 1];
        if (!Array.isArray(last)) return UNKNOWN;
        args = [...args.slice(0, -1), ...last];
      }
      return callFunction(expr.name, args);
    }
    case 'unary': {
      const v = ev(expr.operand);
      if (expr.op === '!') {
        const b = toBoolValue(v);
        return b === UNKNOWN ? UNKNOWN : !b;
      }
      const n = toNumberValue(v);
      return n === UNKNOWN ? UNKNOWN : -n;
    }
    case 'binary':
      return binary(expr.op, ev(expr.left), () => ev(expr.right));
    case 'conditional': {
      const condition = toBoolValue(ev(expr.condition));
      if (condition !== UNKNOWN) return condition ? ev(expr.whenTrue) : ev(expr.whenFalse);
      const a = ev(expr.whenTrue);
      const b = ev(expr.whenFalse);
      return equalValues(a, b) === true ? a : UNKNOWN;
    }
    case 'unsupported':
      return UNKNOWN;
  }
}

function binary(op: string, left: unknown, right: () => unknown): unknown {
  if (op === '&&' || op === '||') {
    const a = toBoolValue(left);
    // Short-circuit when the left side decides, whatever the right side is.
    if (a === (op === '||')) return a;
    const b = toBoolValue(right());
    if (b === (op === '||')) return b;
    return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : b;
  }
  const r = right();
  if (op === '==' || op === '!=') {
    const eq = equalValues(left, r);
    return eq === UNKNOWN ? UNKNOWN : op === '==' ? eq : !eq;
  }
  const a = toNumberValue(left);
  const b = toNumberValue(r);
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    default: throw new HclEvaluationError('operator');
  }
}

type Step = { readonly attr: string } | { readonly index: Expr };

/** Flatten `root.a[b].c` into the root name and its steps; undefined when the chain starts elsewhere. */
function traversalSteps(expr: Expr): { root: string; steps: Step[] } | undefined {
  const steps: Step[] = [];
  let e = expr;
  while (e.kind === 'attr' || e.kind === 'index') {
    steps.unshift(e.kind === 'attr' ? { attr: e.name } : { index: e.key });
    e = e.target;
  }
  return e.kind === 'variable' ? { root: e.name, steps } : undefined;
}

function traversal(expr: Expr, scope: EvaluationScope, splatItem: unknown): unknown {
  const flat = traversalSteps(expr);
  if (!flat) {
    // Steps applied to a computed value: `jsondecode(x).a`, `[1, 2][0]`.
    if (expr.kind === 'attr') return step(evaluateExpr(expr.target, scope, splatItem), { attr: expr.name }, scope, splatItem);
    if (expr.kind === 'index') return step(evaluateExpr(expr.target, scope, splatItem), { index: expr.key }, scope, splatItem);
    return UNKNOWN;
  }
  const { root, steps } = flat;
  const attrAt = (i: number): string | undefined => (steps[i] && 'attr' in steps[i] ? (steps[i] as { attr: string }).attr : undefined);
  const rest = (value: unknown, from: number): unknown => steps.slice(from).reduce((v, s) => step(v, s, scope, splatItem), value);
  const keyAt = (i: number): { key?: number | string; unknown: boolean; present: boolean } => {
    const s = steps[i];
    if (!s || !('index' in s)) return { unknown: false, present: false };
    const k = evaluateExpr(s.index, scope, splatItem);
    if (typeof k === 'number' || typeof k === 'string') return { key: k, unknown: false, present: true };
    return { unknown: true, present: true };
  };
  switch (root) {
    case SPLAT_ITEM:
      return rest(splatItem, 0);
    case 'var': {
      const name = attrAt(0);
      return name === undefined ? UNKNOWN : rest(scope.variable(name), 1);
    }
    case 'local': {
      const name = attrAt(0);
      return name === undefined ? UNKNOWN : rest(scope.local(name), 1);
    }
    case 'count':
      return attrAt(0) === 'index' && scope.countIndex !== undefined ? rest(scope.countIndex, 1) : UNKNOWN;
    case 'each': {
      const which = attrAt(0);
      if (!scope.each || (which !== 'key' && which !== 'value')) return UNKNOWN;
      return rest(scope.each[which], 1);
    }
    case 'data': {
      const type = attrAt(0);
      const name = attrAt(1);
      if (type === undefined || name === undefined) return UNKNOWN;
      const k = keyAt(2);
      if (k.unknown) return UNKNOWN;
      return rest(scope.data(type, name, k.key), k.present ? 3 : 2);
    }
    default: {
      if (RESERVED_ROOTS.has(root)) return UNKNOWN; // path, terraform, self, module
      const name = attrAt(0);
      if (name === undefined) return UNKNOWN;
      const k = keyAt(1);
      scope.onReference({ type: root, name, ...(k.key !== undefined ? { key: k.key } : {}), ...(k.unknown ? { keyUnknown: true } : {}) });
      return UNKNOWN; // resource attributes are known only after apply (or not modelled)
    }
  }
}

function step(value: unknown, s: Step, scope: EvaluationScope, splatItem: unknown): unknown {
  if (value === UNKNOWN || value instanceof EncodedJson) return UNKNOWN;
  if ('attr' in s) {
    if (!isPlainObject(value)) throw new HclEvaluationError('attribute of a non-object');
    return ownProperty(value, s.attr);
  }
  const key = evaluateExpr(s.index, scope, splatItem);
  if (key === UNKNOWN) return UNKNOWN;
  if (Array.isArray(value)) {
    const i = toNumberValue(key);
    if (i === UNKNOWN || !Number.isInteger(i) || i < 0 || i >= value.length) throw new HclEvaluationError('index out of range');
    return value[i];
  }
  if (isPlainObject(value)) return ownProperty(value, toStringValue(key) as string);
  throw new HclEvaluationError('index of a non-collection');
}

/**
 * The managed resource an expression is exactly a reference to (`${aws_s3_bucket.b.id}`, `${aws_s3_bucket.b[count.index].bucket}`),
 * through locals that are themselves such a reference; undefined for anything else (a function, a template with text).
 */
export function directReference(expr: Expr, scope: EvaluationScope, localExpression: (name: string) => Expr | undefined, depth = 0): ResourceReference | undefined {
  if (depth > 8) return undefined;
  let inner = expr;
  if (inner.kind === 'template') {
    if (inner.parts.length !== 1 || typeof inner.parts[0] === 'string') return undefined;
    inner = inner.parts[0];
  }
  const flat = traversalSteps(inner);
  if (!flat) return undefined;
  const { root, steps } = flat;
  if (root === 'local') {
    if (steps.length !== 1 || !('attr' in steps[0])) return undefined;
    const local = localExpression(steps[0].attr);
    return local ? directReference(local, scope, localExpression, depth + 1) : undefined;
  }
  if (RESERVED_ROOTS.has(root) || steps.length === 0 || !('attr' in steps[0])) return undefined;
  const name = steps[0].attr;
  let i = 1;
  let key: number | string | undefined;
  let keyUnknown = false;
  if (steps[1] && 'index' in steps[1]) {
    let k: unknown;
    try {
      k = evaluateExpr(steps[1].index, scope, undefined);
    } catch (e) {
      if (!(e instanceof HclEvaluationError)) throw e;
      k = UNKNOWN;
    }
    if (typeof k === 'number' || typeof k === 'string') key = k;
    else keyUnknown = true;
    i = 2;
  }
  // At most one attribute after the instance: `.id`, `.bucket`, `.arn`.
  if (steps.length > i + 1 || (steps[i] && !('attr' in steps[i]))) return undefined;
  return { type: root, name, ...(key !== undefined ? { key } : {}), ...(keyUnknown ? { keyUnknown } : {}) };
}
