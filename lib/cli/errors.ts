import { visible } from '../governance/reports/escape';

/**
 * The one line the CLI prints for an error. Errors the review raises on purpose (bad usage, bad input) say
 * what to fix; a JavaScript error from inside (a TypeError on a shape nothing anticipated, a stack
 * overflow) is not shown as is: its text means nothing to the user and could quote the input.
 */
export function errorLine(e: unknown, input: string | undefined): string {
  const internal = !(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError
    || e instanceof SyntaxError || e instanceof EvalError || e instanceof URIError;
  if (internal) {
    return `internal error while reviewing ${input ? visible(input) : 'the input'}: part of it has a shape the review does not handle; ` +
      'check that it is a cdk.tf.json, a cdktf.out folder or `terraform show -json` output, and report the problem if it is';
  }
  return visible(e.message.split('\n')[0]);
}
