/**
 * The package entry is a fence: lib/index.ts exports constructs, props, value classes, enums and the
 * governance, contract and review entry points by name, never a helper by accident. The exported names are
 * pinned in test/public-api.txt (one per line, `type ` before type-only names): adding or removing one is an
 * API change, made on purpose by updating the file (`UPDATE_PUBLIC_API=1 npx jest test/api.test.ts`).
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
const PINNED = join(__dirname, 'public-api.txt');

function exportedNames(): string[] {
  const index = join(ROOT, 'lib/index.ts');
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([index], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return checker.getExportsOfModule(symbol).map((e) => {
    const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    return `${target.flags & ts.SymbolFlags.Value ? '' : 'type '}${e.name}`;
  }).sort();
}

describe('the public API', () => {
  const names = exportedNames();

  test('lib/index.ts re-exports by name only: no `export *`', () => {
    expect(readFileSync(join(ROOT, 'lib/index.ts'), 'utf8')).not.toMatch(/^export \*/m);
  });

  test('the exported names are exactly the pinned ones', () => {
    if (process.env.UPDATE_PUBLIC_API === '1') writeFileSync(PINNED, `${names.join('\n')}\n`);
    const pinned = readFileSync(PINNED, 'utf8').split('\n').filter(Boolean);
    expect({ added: names.filter((n) => !pinned.includes(n)), removed: pinned.filter((n) => !names.includes(n)) }).toEqual({ added: [], removed: [] });
  });

  test('free functions exported are entry points, not helpers (checks, renderers, parsers stay internal)', () => {
    const functions = names.filter((n) => /^[a-z]/.test(n));
    expect(functions.filter((n) => /^(check(?!DeployOrder|StacksDeployOrder)|render(?!Report)|parse|escape|resolve|prom|grafana|feast|sagemaker|bigQuery)/.test(n))).toEqual([]);
  });
});
