import * as fs from 'fs';
import * as path from 'path';
import { Suppression } from './model';
import { InputError } from './normalize/strict-json';
import { readJsonFile } from './support/input-file';
import { readAllowedDeletions } from './support/allowed-deletions';
import { readSuppressionList } from './support/suppression-check';
import { SynthMetadata } from './normalize/plan';

/** One stack of a synthesized cdktf.out folder. */
export interface SynthesizedStack {
  readonly name: string;
  /** Path of the stack's cdk.tf.json. */
  readonly file: string;
  readonly json: unknown;
}

/**
 * Stacks of a cdktf output folder: from manifest.json when present (stacks[name].synthesizedStackPath),
 * otherwise every stacks/<name>/cdk.tf.json; a folder holding cdk.tf.json directly is one stack.
 * Every stack is accounted for: a stack the manifest lists but that is missing, a stack on disk the
 * manifest omits, or a stack path outside the folder is an error, never "0 reviewed". Throws a one-line error.
 */
export function readSynthesizedFolder(dir: string): SynthesizedStack[] {
  const files: Array<{ name: string; file: string }> = [];
  const manifestFile = path.join(dir, 'manifest.json');
  const stacksDir = path.join(dir, 'stacks');
  const onDisk = (): Array<{ name: string; file: string }> => {
    if (!isDirectory(stacksDir)) return [];
    return fs.readdirSync(stacksDir).sort()
      .map((name) => ({ name, file: path.join(stacksDir, name, 'cdk.tf.json') }))
      .filter(({ file }) => fs.existsSync(file));
  };
  if (fs.existsSync(manifestFile)) {
    const manifest = parseJsonFile(manifestFile);
    const stacks = isRecord(manifest) ? manifest.stacks : undefined;
    if (stacks !== undefined && !isRecord(stacks)) throw new InputError(`${manifestFile}: stacks must be an object`);
    const root = path.resolve(dir);
    for (const [key, stack] of Object.entries(stacks ?? {})) {
      // Stack names are construct ids; anything else is not echoed into a message.
      const name = /^[\w.-]{1,128}$/.test(key) ? key : `#${files.length + 1}`; // for messages
      if (!isRecord(stack)) throw new InputError(`${manifestFile}: stack '${name}' must be an object`);
      const declared = stack.synthesizedStackPath ?? path.join('stacks', key, 'cdk.tf.json');
      if (typeof declared !== 'string') throw new InputError(`${manifestFile}: stack '${name}' has a synthesizedStackPath that is not a string`);
      const file = path.resolve(root, declared);
      const relative = path.relative(root, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        throw new InputError(`${manifestFile}: stack '${name}' points outside ${dir}; only stacks inside the folder are reviewed`);
      }
      if (!fs.existsSync(file)) throw new InputError(`${dir}: manifest.json lists stack '${name}' but its file ${path.join(dir, relative)} is missing; synthesize again`);
      files.push({ name: key, file: path.join(dir, relative) });
    }
    const listed = new Set(files.map((f) => path.resolve(f.file)));
    const extra = onDisk().filter((s) => !listed.has(path.resolve(s.file)));
    if (extra.length) {
      throw new InputError(`${dir}: stack '${extra[0].name}' is in stacks/ but not in manifest.json; synthesize again or remove it (an unlisted stack is not reviewed silently)`);
    }
  } else if (isDirectory(stacksDir)) {
    files.push(...onDisk());
  } else if (fs.existsSync(path.join(dir, 'cdk.tf.json'))) {
    files.push({ name: path.basename(path.resolve(dir)), file: path.join(dir, 'cdk.tf.json') });
  }
  if (files.length === 0) throw new InputError(`${dir} holds no synthesized stack (expected manifest.json, stacks/<name>/cdk.tf.json or cdk.tf.json)`);
  return files.map(({ name, file }) => ({ name, file, json: parseJsonFile(file) }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Stack name → names of the stacks it depends on, from a cdktf.out manifest (empty without one). */
export function stackDependencies(dir: string): Map<string, string[]> {
  const manifestFile = path.join(dir, 'manifest.json');
  const out = new Map<string, string[]>();
  if (!fs.existsSync(manifestFile)) return out;
  const manifest = parseJsonFile(manifestFile) as { stacks?: Record<string, { constructPath?: string; dependencies?: string[] }> };
  const byPath = new Map(Object.entries(manifest.stacks ?? {}).map(([name, s]) => [s.constructPath ?? name, name]));
  for (const [name, s] of Object.entries(manifest.stacks ?? {})) {
    out.set(name, (Array.isArray(s.dependencies) ? s.dependencies : []).map((d) => byPath.get(d) ?? d));
  }
  return out;
}

/**
 * Construct paths and suppressions by resource address, for a plan reviewed with `--suppressions-from`.
 * Suppressions are scoped to their stack: they come from the one stack the plan was made from (the only
 * stack, or the one holding most of `planAddresses`), never merged across stacks where one address can
 * name different resources. Throws when several stacks match the plan equally.
 */
export function synthMetadataFromFolder(dir: string, planAddresses?: readonly string[]): SynthMetadata {
  return synthMetadataOf(planStack(readSynthesizedFolder(dir), dir, planAddresses));
}

/** The stack of a folder a plan was made from (see {@link synthMetadataFromFolder}); undefined when none holds its resources. */
export function planStack(stacks: readonly SynthesizedStack[], dir: string, planAddresses?: readonly string[]): SynthesizedStack | undefined {
  if (stacks.length === 1) return stacks[0];
  if (!planAddresses) throw new InputError(`${dir} holds ${stacks.length} stacks; point at the plan's own stack (${path.join(dir, 'stacks', stacks[0].name)})`);
  const inPlan = new Set(planAddresses);
  const scored = stacks.map((stack) => ({ stack, score: stackAddresses(stack.json).filter((a) => inPlan.has(a)).length }));
  const best = Math.max(...scored.map((s) => s.score));
  if (best === 0) return undefined;
  const winners = scored.filter((s) => s.score === best);
  if (winners.length > 1) {
    throw new InputError(`the plan matches stacks ${winners.map((w) => w.stack.name).join(', ')} of ${dir} equally; ` +
      `point --suppressions-from at the plan's own stack (${path.join(dir, 'stacks', winners[0].stack.name)})`);
  }
  return winners[0].stack;
}

function stackAddresses(json: unknown): string[] {
  const resources = isRecord(json) && isRecord(json.resource) ? json.resource : {};
  return Object.entries(resources).flatMap(([type, byName]) => (isRecord(byName) ? Object.keys(byName).map((name) => `${type}.${name}`) : []));
}

/** Construct paths and suppressions of the stack of `stacks` a plan was made from (see {@link synthMetadataFromFolder}). */
export function synthMetadataForPlan(stacks: readonly SynthesizedStack[], dir: string, planAddresses: readonly string[]): SynthMetadata {
  return synthMetadataOf(planStack(stacks, dir, planAddresses));
}

function synthMetadataOf(stack: SynthesizedStack | undefined): SynthMetadata {
  const out = new Map<string, { constructPath?: string; suppressions: Suppression[] }>();
  if (!stack || !isRecord(stack.json)) return out;
  const resources = isRecord(stack.json.resource) ? stack.json.resource : {};
  for (const [type, byName] of Object.entries(resources)) {
    if (!isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      const meta = isRecord(body) && isRecord(body['//']) ? body['//'] : {};
      const metadata = isRecord(meta.metadata) ? meta.metadata : {};
      const ours = isRecord(meta.ml_platform) ? meta.ml_platform : {};
      const address = `${type}.${name}`;
      out.set(address, {
        constructPath: typeof metadata.path === 'string' ? metadata.path : undefined,
        suppressions: readSuppressionList(ours.suppressions, `${stack.file}: ${address}`),
      });
    }
  }
  // Deletions the stack's owners accepted (Governance.allowDeletion): most name resources no longer in the stack.
  for (const [address, suppression] of readAllowedDeletions(stack.json, stack.file)) {
    const entry = out.get(address);
    out.set(address, { constructPath: entry?.constructPath, suppressions: [...(entry?.suppressions ?? []), suppression] });
  }
  return out;
}

/** Read and parse a JSON file: regular files only, duplicate keys refused; errors are one line naming the file, never quoting it. */
export function parseJsonFile(file: string): unknown {
  return readJsonFile(file);
}
