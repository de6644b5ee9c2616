/**
 * Issue 13 §2, one concept in one place, checked on the code rather than promised: every CronJob and DaemonSet is
 * built by lib/core/private/workloads.ts, a secret is referenced in one shape (SecretKeyRef for one value, a
 * `credentialsSecret` name for a whole secret), and network access is opened through Connections, not through
 * per-construct props.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const LIB = join(ROOT, 'lib');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one builder per workload shape', () => {
  test.each([['CronJobV1'], ['DaemonSetV1']])('only lib/core/private/workloads.ts constructs a %s', (cls) => {
    const writers = files(LIB).filter((f) => new RegExp(`new ${cls}\\(`).test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(writers).toEqual(['lib/core/private/workloads.ts']);
  });
});

describe('one renderer per secret reference', () => {
  test('only lib/core/private/secrets.ts turns a SecretKeyRef into a container\'s secretKeyRef', () => {
    const writers = files(LIB).filter((f) => /valueFrom: \{ secretKeyRef: \{ name:/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(writers).toEqual(['lib/core/private/secrets.ts']);
  });
});

/** Every property name of every interface and class exported from lib/index.ts (with the declaring type). */
function publicProperties(): Array<{ owner: string; name: string; type: string }> {
  const index = join(LIB, 'index.ts');
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([index], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  const out: Array<{ owner: string; name: string; type: string }> = [];
  for (const e of checker.getExportsOfModule(module)) {
    const symbol = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))) continue;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    for (const p of checker.getPropertiesOfType(type)) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl || (ts.getCombinedModifierFlags(decl as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))) continue;
      out.push({ owner: e.name, name: p.name, type: checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl)) });
    }
  }
  return out;
}

describe('the public API speaks of secrets and network access one way', () => {
  const props = publicProperties();

  test('no per-construct network props: a workload\'s `connections` admits its clients', () => {
    expect(props.filter((p) => /^allowedClients$|FromNamespaces$/.test(p.name)).map((p) => `${p.owner}.${p.name}`)).toEqual([]);
  });

  test('no second secret shape: no secretName/…Key fields, no credentialsSecretName', () => {
    const other = props.filter((p) => /^(secretName|credentialsSecretName|passwordKey|usernameKey|userKey|accessKeyIdKey|secretAccessKeyKey|flaskSecretKeyKey)$/.test(p.name));
    expect(other.map((p) => `${p.owner}.${p.name}`)).toEqual([]);
  });

  test('a `…Secret` prop is a SecretKeyRef (one value) or a secret\'s name (the whole secret); never `…SecretName`', () => {
    // Cloud secret managers' secrets are named by what identifies them (`…SecretArn`, `…SecretId`), so `…Secret` is Kubernetes.
    const secretish = props.filter((p) => /Secret$/.test(p.name) && !/^boolean/.test(p.type));
    expect(secretish.filter((p) => !/^(SecretKeyRef|string)( \| undefined)?$/.test(p.type)).map((p) => `${p.owner}.${p.name}: ${p.type}`)).toEqual([]);
    expect(props.filter((p) => /SecretName$/.test(p.name)).map((p) => `${p.owner}.${p.name}`)).toEqual([]);
    // Whole-secret consumers of cloud credentials all call the prop the same.
    expect(secretish.filter((p) => /^string/.test(p.type) && /credential/i.test(p.name) && p.name !== 'credentialsSecret').map((p) => `${p.owner}.${p.name}`)).toEqual([]);
  });
});
