import { spawnSync } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');
/** The built package lives outside the repository: it finds cdktf and the providers here, as an app's would. */
export const nodePath = { ...process.env, NODE_PATH: join(root, 'node_modules') };

/**
 * Compiles lib/ into `outdir` as `npm run build` does: TypeScript's CommonJS emit with the build's compiler
 * options (per file, without type checking: the emitted JavaScript is the same), then scripts/lazy-index.js over
 * the entry. A full `tsc -p tsconfig.build.json` would add about 10 s for the same JavaScript. Returns lazy-index's
 * message.
 */
export function buildPackage(outdir: string): string {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.build.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  for (const file of walk(join(root, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const out = join(outdir, relative(join(root, 'lib'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { ...options, declaration: false }, fileName: file }).outputText);
  }
  // lazy-index loads each module once to list its exports: it resolves packages from this repository's node_modules.
  const rewrite = spawnSync(process.execPath, [join(root, 'scripts', 'lazy-index.js'), join(outdir, 'index.js')], { encoding: 'utf8', env: nodePath });
  expect([rewrite.status, rewrite.status === 0 ? '' : rewrite.stderr]).toEqual([0, '']);
  return rewrite.stderr;
}
