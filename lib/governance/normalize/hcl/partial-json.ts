import { EncodedJson, setProperty, UNKNOWN } from '../../values';
import { Expr } from './ast';
import { isPlainObject, toStringValue } from './values';

const OPEN = '\ue000';
const CLOSE = '\ue001';
const PLACEHOLDER = /\ue000\d+\ue001/;

/**
 * A JSON document written as a string with interpolations (`JSON.stringify` of a policy whose ARNs are
 * tokens gives `{"Resource":"${aws_s3_bucket.b.arn}"}` in cdk.tf.json). Terraform shows the string as
 * unknown until apply; review keeps the known structure: strings holding an unknown interpolation become
 * UNKNOWN, everything else stays as written. Undefined when the template is not such a document.
 */
export function partialJsonTemplate(expr: Expr, values: readonly unknown[]): EncodedJson | string | undefined {
  if (expr.kind !== 'template' || typeof expr.parts[0] !== 'string' || !/^\s*[{[]/.test(expr.parts[0])) return undefined;
  let text = '';
  const unknown: boolean[] = [];
  for (let i = 0; i < expr.parts.length; i++) {
    const part = expr.parts[i];
    if (typeof part === 'string') {
      if (part.includes(OPEN)) return undefined;
      text += part;
      continue;
    }
    const value = values[i];
    let known: string | typeof UNKNOWN = UNKNOWN;
    try {
      known = value === null ? UNKNOWN : toStringValue(value);
    } catch {
      return undefined; // a list or map in a string: Terraform refuses it
    }
    if (known === UNKNOWN) {
      unknown.push(true);
      text += `${OPEN}${unknown.length - 1}${CLOSE}`;
    } else {
      text += JSON.stringify(known).slice(1, -1); // inside a JSON string literal
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined; // an interpolation outside a string literal, or not JSON after all
  }
  let partial = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!PLACEHOLDER.test(value)) return value;
      partial = true;
      return UNKNOWN;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (PLACEHOLDER.test(k)) {
          partial = true;
          return UNKNOWN;
        }
        setProperty(out, k, walk(v));
      }
      return out;
    }
    return value;
  };
  const walked = walk(document);
  return partial ? new EncodedJson(walked) : text;
}
