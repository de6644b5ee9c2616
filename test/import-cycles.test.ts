/**
 * Issue 13 §3: variants bind themselves, so no module needs one that needs it back. A runtime import cycle makes an
 * export `undefined` while the cycle loads (which export depends on which module an app imports first); type-only
 * imports vanish when compiled and do not count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = join(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The relative modules a file loads at run time: `import`/`export … from` that are not type-only. */
export function runtimeImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+['"](\.[^'"]+)['"]/gm)) {
    if (m[2]) continue;
    const names = m[3].replace(/^\{|\}$/g, '').split(',').map((n) => n.trim()).filter(Boolean);
    if (m[3].trim().startsWith('{') && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    const base = resolve(dirname(file), m[4]);
    const target = existsSync(`${base}.ts`) ? `${base}.ts` : existsSync(join(base, 'index.ts')) ? join(base, 'index.ts') : undefined;
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected groups of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next); low.set(v, next); next++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); group.push(w); } while (w !== v);
      if (group.length > 1) out.push(group.map((g) => relative(ROOT, g)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('lib/ has no runtime import cycle', () => {
  const graph = new Map(files(join(ROOT, 'lib')).map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8'))]));
  expect(cycles(graph)).toEqual([]);
});

test('the detector sees a cycle through value imports and ignores type-only ones', () => {
  const a = join(ROOT, 'lib/core/errors.ts'), b = join(ROOT, 'lib/core/names.ts');
  expect(runtimeImports(a, "import { Validator } from './names';\nimport type { X } from './units';\nimport { type Y } from './labels';")).toEqual([b]);
  expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['lib/core/errors.ts', 'lib/core/names.ts']]);
  expect(cycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
});
