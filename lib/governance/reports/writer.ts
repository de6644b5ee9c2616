/** Receives a report piece by piece (a file descriptor, stdout, a test's buffer). */
export type ReportWriter = (chunk: string) => void;

/**
 * Collects small pieces into chunks of about `size` characters before handing them on, so a report of
 * hundreds of thousands of findings never exists as one string (V8 strings stop at 512 MiB) and is
 * written with few calls.
 */
export class ChunkedWriter {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly write: ReportWriter, private readonly size = 64 * 1024) {}

  add(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= this.size) this.flush();
  }

  /** Add a line (a newline is appended). */
  line(text = ''): void {
    this.add(`${text}\n`);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/** Run a streaming renderer into one string (for API callers and small results). */
export function collect(render: (out: ChunkedWriter) => void): string {
  const chunks: string[] = [];
  const out = new ChunkedWriter((c) => chunks.push(c));
  render(out);
  out.flush();
  return chunks.join('');
}

/**
 * Write `JSON.stringify(value, null, 2)` where the list at `value[...path]` is replaced by `items`,
 * written one by one (the same text, without building it as one string).
 */
export function writeJsonWithList(out: ChunkedWriter, value: Record<string, unknown>, path: readonly string[], items: Iterable<unknown>): void {
  const marker = '\u0000items\u0000';
  const copy = structuredCloneShallowPath(value, path, marker);
  const text = JSON.stringify(copy, null, 2);
  const quoted = JSON.stringify(marker);
  const at = text.indexOf(quoted);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = /^ */.exec(text.slice(lineStart))![0];
  out.add(text.slice(0, at));
  let first = true;
  for (const item of items) {
    out.add(first ? '[\n' : ',\n');
    first = false;
    out.add(JSON.stringify(item, null, 2).replace(/^/gm, `${indent}  `));
  }
  out.add(first ? '[]' : `\n${indent}]`);
  out.add(text.slice(at + quoted.length));
}

/** A copy of `value` with only the objects along `path` copied, the last key set to `marker`. */
function structuredCloneShallowPath(value: Record<string, unknown>, path: readonly string[], marker: string): Record<string, unknown> {
  const root: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  let node: Record<string, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = marker;
      return;
    }
    const child = node[key] as Record<string, unknown>;
    node[key] = Array.isArray(child) ? [...child] : { ...child };
    node = node[key] as Record<string, unknown>;
  });
  return root;
}
