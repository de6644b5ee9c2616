import { IConstruct } from 'constructs';

/**
 * The provider packages an app installs only for what it targets (optional peers in package.json: a Google-only
 * or on-prem-only app has no `@cdktf/provider-aws`), with the range to install. Kept equal to package.json's
 * peerDependencies by test/packaging/optional-providers.test.ts.
 */
export const OPTIONAL_PROVIDERS: Readonly<Record<string, string>> = {
  '@cdktf/provider-aws': '^21.22.1',
  '@cdktf/provider-google': '^16.12.1',
  '@cdktf/provider-kubernetes': '^12.1.1',
};

const present = new Set<string>();

/** True when `pkg` resolves from here, as the library's own requires do. */
function installed(pkg: string): boolean {
  if (present.has(pkg)) return true;
  try {
    require.resolve(`${pkg}/package.json`);
  } catch {
    return false;
  }
  present.add(pkg);
  return true;
}

/**
 * The error to throw for `error`: when it is a failed require of a module of an optional provider package that is
 * not installed, one that says `who` needs the package and how to install it; otherwise undefined (rethrow `error`).
 * `who` is a construct path and what it was creating, or an export of the package.
 */
export function missingProviderError(error: unknown, who: string): Error | undefined {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (!e || e.code !== 'MODULE_NOT_FOUND') return undefined;
  const pkg = /Cannot find module '(@cdktf\/provider-[a-z0-9-]+)(?:\/[^']*)?'/.exec(String(e.message))?.[1];
  if (!pkg || !(pkg in OPTIONAL_PROVIDERS) || installed(pkg)) return undefined;
  return new Error(`${who} needs ${pkg}, which is not installed; run \`npm install ${pkg}@${OPTIONAL_PROVIDERS[pkg]}\``, { cause: error });
}

/**
 * Runs `load`, which requires provider bindings (always by deep path) or a module that imports them, at the point
 * of use, so modules that any app loads never require an optional provider at the top. When the provider is not
 * installed it throws `<scope path>: <what> needs <package>, which is not installed; run npm install …`.
 *
 * ```ts
 * const { IamRole } = requireProvider(this, 'the EKS workload role', () =>
 *   require('@cdktf/provider-aws/lib/iam-role') as typeof import('@cdktf/provider-aws/lib/iam-role'));
 * ```
 */
export function requireProvider<T>(scope: IConstruct, what: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    throw missingProviderError(error, `${scope.node.path}: ${what}`) ?? error;
  }
}
