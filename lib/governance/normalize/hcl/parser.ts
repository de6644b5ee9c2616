import { BinaryOperator, Expr, SPLAT_ITEM } from './ast';

/** A template or expression HCL would reject; the value it was in is treated as unknown. */
export class HclSyntaxError extends Error {}

const PRECEDENCE: ReadonlyArray<readonly BinaryOperator[]> = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];
const OPERATORS: readonly BinaryOperator[] = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%'];

/** Parse a Terraform JSON string value as the template it is (`"${aws_s3_bucket.b.id}-logs"`). */
export function parseTemplate(text: string): Expr {
  const parser = new Parser(text);
  return parser.template(undefined);
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  /** Literal text with `${...}` interpolations up to `close` (a quote inside expressions, end of input at top level). */
  template(close: '"' | undefined): Expr {
    const parts: Array<string | Expr> = [];
    let text = '';
    const src = this.src;
    for (;;) {
      if (this.pos >= src.length) {
        if (close) throw new HclSyntaxError('unterminated string');
        break;
      }
      const c = src[this.pos];
      if (close && c === close) {
        this.pos++;
        break;
      }
      if ((c === '$' || c === '%') && src[this.pos + 1] === c && src[this.pos + 2] === '{') {
        text += `${c}{`; // `$${` and `%%{` are escapes for literal `${` and `%{`
        this.pos += 3;
      } else if (c === '$' && src[this.pos + 1] === '{') {
        this.pos += 2;
        if (src[this.pos] === '~') this.pos++;
        if (text) parts.push(text);
        text = '';
        parts.push(this.expression());
        this.skipSpace();
        if (src[this.pos] === '~') this.pos++;
        this.expect('}');
      } else if (c === '%' && src[this.pos + 1] === '{') {
        return { kind: 'unsupported', what: 'template directive' };
      } else if (close && c === '\\') {
        text += this.escape();
      } else {
        text += c;
        this.pos++;
      }
    }
    if (text || parts.length === 0) parts.push(text);
    return { kind: 'template', parts };
  }

  private escape(): string {
    const next = this.src[this.pos + 1];
    this.pos += 2;
    switch (next) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': {
        const length = next === 'u' ? 4 : 8;
        const hex = this.src.slice(this.pos, this.pos + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new HclSyntaxError('invalid unicode escape');
        this.pos += length;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw new HclSyntaxError('invalid unicode escape');
        return String.fromCodePoint(code);
      }
      default: throw new HclSyntaxError('invalid escape');
    }
  }

  expression(): Expr {
    const condition = this.binary(0);
    this.skipSpace();
    if (this.src[this.pos] !== '?') return condition;
    this.pos++;
    const whenTrue = this.expression();
    this.skipSpace();
    this.expect(':');
    const whenFalse = this.expression();
    return { kind: 'conditional', condition, whenTrue, whenFalse };
  }

  private binary(level: number): Expr {
    if (level === PRECEDENCE.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skipSpace();
      const op = this.operator();
      if (!op || !PRECEDENCE[level].includes(op)) return left;
      this.pos += op.length;
      left = { kind: 'binary', op, left, right: this.binary(level + 1) };
    }
  }

  private operator(): BinaryOperator | undefined {
    for (const op of OPERATORS) {
      if (!this.src.startsWith(op, this.pos)) continue;
      // `=>` and `=` are not operators; `!=`/`==` are matched before `=` could be.
      if (op === '<' && this.src[this.pos + 1] === '<') return undefined; // heredoc
      return op;
    }
    return undefined;
  }

  private unary(): Expr {
    this.skipSpace();
    const c = this.src[this.pos];
    if (c === '!' || (c === '-' && !/[0-9]/.test(this.src[this.pos + 1] ?? ''))) {
      this.pos++;
      return { kind: 'unary', op: c, operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      // No whitespace skipping before `.`/`[`: HCL traversals are written without it, and a newline may separate items.
      const c = this.src[this.pos];
      if (c === '.' && this.src[this.pos + 1] === '*') {
        this.pos += 2;
        return { kind: 'splat', target, each: this.postfix({ kind: 'variable', name: SPLAT_ITEM }) };
      }
      if (c === '.') {
        this.pos++;
        if (/[0-9]/.test(this.src[this.pos] ?? '')) {
          target = { kind: 'index', target, key: { kind: 'literal', value: Number(this.digits()) } }; // legacy `.0`
        } else {
          target = { kind: 'attr', target, name: this.identifier() };
        }
      } else if (c === '[') {
        this.pos++;
        this.skipSpace();
        if (this.src[this.pos] === '*') {
          this.pos++;
          this.skipSpace();
          this.expect(']');
          return { kind: 'splat', target, each: this.postfix({ kind: 'variable', name: SPLAT_ITEM }) };
        }
        const key = this.expression();
        this.skipSpace();
        this.expect(']');
        target = { kind: 'index', target, key };
      } else {
        return target;
      }
    }
  }

  private primary(): Expr {
    this.skipSpace();
    const src = this.src;
    const c = src[this.pos];
    if (c === undefined) throw new HclSyntaxError('unexpected end of expression');
    if (c === '"') {
      this.pos++;
      return this.template('"');
    }
    if (c === '(') {
      this.pos++;
      const inner = this.expression();
      this.skipSpace();
      this.expect(')');
      return inner;
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    if (c === '<' && src[this.pos + 1] === '<') throw new HclSyntaxError('heredoc');
    if (/[0-9-]/.test(c)) return { kind: 'literal', value: this.number() };
    if (isIdentStart(src.charCodeAt(this.pos))) {
      let name = this.identifier();
      while (src.startsWith('::', this.pos)) {
        this.pos += 2;
        name += `::${this.identifier()}`;
      }
      this.skipSpace();
      if (src[this.pos] === '(') return this.call(name);
      if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
      if (name === 'null') return { kind: 'literal', value: null };
      return { kind: 'variable', name };
    }
    throw new HclSyntaxError('unexpected character');
  }

  private call(name: string): Expr {
    this.pos++; // (
    const args: Expr[] = [];
    let expandLast = false;
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ')') break;
      args.push(this.expression());
      this.skipSpace();
      if (this.src.startsWith('...', this.pos)) {
        expandLast = true;
        this.pos += 3;
        this.skipSpace();
      }
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== ')') throw new HclSyntaxError('expected , or ) in a call');
    }
    this.pos++;
    return { kind: 'call', name, args, expandLast };
  }

  private tuple(): Expr {
    this.pos++;
    if (this.startsForExpression()) return this.skipBalanced('[', ']');
    const items: Expr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === ']') break;
      items.push(this.expression());
      this.skipSpace();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== ']') throw new HclSyntaxError('expected , or ] in a tuple');
    }
    this.pos++;
    return { kind: 'tuple', items };
  }

  private object(): Expr {
    this.pos++;
    if (this.startsForExpression()) return this.skipBalanced('{', '}');
    const entries: Array<readonly [Expr, Expr]> = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '}') break;
      let key: Expr;
      const start = this.pos;
      if (isIdentStart(this.src.charCodeAt(this.pos))) {
        const name = this.identifier();
        this.skipSpace();
        // A bare identifier before `=` or `:` is the key's text, not a variable.
        if (this.src[this.pos] === '=' || this.src[this.pos] === ':') {
          key = { kind: 'literal', value: name };
        } else {
          this.pos = start;
          key = this.expression();
        }
      } else {
        key = this.expression();
      }
      this.skipSpace();
      const sep = this.src[this.pos];
      if ((sep !== '=' && sep !== ':') || this.src[this.pos + 1] === '=') throw new HclSyntaxError('expected = or : in an object');
      this.pos++;
      entries.push([key, this.expression()]);
      this.skipSpace();
      if (this.src[this.pos] === ',') this.pos++;
    }
    this.pos++;
    return { kind: 'object', entries };
  }

  private startsForExpression(): boolean {
    this.skipSpace();
    return /^for\s/.test(this.src.slice(this.pos, this.pos + 4));
  }

  /** Skip a `for` expression to its closing bracket (strings included); its value is unknown to review. */
  private skipBalanced(open: string, close: string): Expr {
    let depth = 1;
    while (depth > 0) {
      const c = this.src[this.pos];
      if (c === undefined) throw new HclSyntaxError('unterminated for expression');
      if (c === '"') {
        this.pos++;
        this.template('"');
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      this.pos++;
    }
    return { kind: 'unsupported', what: 'for expression' };
  }

  private identifier(): string {
    const start = this.pos;
    if (!isIdentStart(this.src.charCodeAt(this.pos))) throw new HclSyntaxError('expected a name');
    while (isIdentPart(this.src.charCodeAt(this.pos))) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private digits(): string {
    const start = this.pos;
    while (/[0-9]/.test(this.src[this.pos] ?? '')) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private number(): number {
    const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos, this.pos + 64));
    if (!m) throw new HclSyntaxError('invalid number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private skipSpace(): void {
    const src = this.src;
    for (;;) {
      const c = src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (c === '#' || (c === '/' && src[this.pos + 1] === '/')) {
        while (this.pos < src.length && src[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && src[this.pos + 1] === '*') {
        const end = src.indexOf('*/', this.pos + 2);
        if (end === -1) throw new HclSyntaxError('unterminated comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) throw new HclSyntaxError(`expected ${c}`);
    this.pos++;
  }
}
