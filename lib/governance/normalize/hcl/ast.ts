/**
 * The HCL expressions cdktf writes into `${...}` interpolations, as a syntax tree. Only what review needs
 * is modelled; `for` expressions, template directives and heredocs parse to `unsupported` and evaluate
 * to unknown.
 */
export type Expr =
  | { readonly kind: 'literal'; readonly value: unknown }
  /** A quoted template: literal text and interpolations. A lone interpolation yields its value unconverted. */
  | { readonly kind: 'template'; readonly parts: ReadonlyArray<string | Expr> }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [Expr, Expr]> }
  /** A root name: `var`, `local`, `data`, `count`, `each`, a resource type, a splat item. */
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'attr'; readonly target: Expr; readonly name: string }
  | { readonly kind: 'index'; readonly target: Expr; readonly key: Expr }
  /** `target[*].rest` / `target.*.rest`: `each` is evaluated with the SPLAT_ITEM variable bound to each element. */
  | { readonly kind: 'splat'; readonly target: Expr; readonly each: Expr }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly expandLast: boolean }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly whenTrue: Expr; readonly whenFalse: Expr }
  | { readonly kind: 'unsupported'; readonly what: string };

/** Binary operators, by HCL precedence from loosest to tightest. */
export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** The variable a splat binds to each element. */
export const SPLAT_ITEM = '\u0000splat';

/** Root names Terraform reserves; any other root followed by `.name` is a managed resource. */
export const RESERVED_ROOTS: ReadonlySet<string> = new Set(['var', 'local', 'data', 'count', 'each', 'path', 'terraform', 'self', 'module', SPLAT_ITEM]);
