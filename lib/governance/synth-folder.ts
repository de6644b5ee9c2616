import * as fs from 'fs';
import * as path from 'path';
import { Suppression } from './model';
import { readSuppressions } from './normalize/terraform-json';
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
 * Throws a one-line error when the folder has no stack.
 */
export function readSynthesizedFolder(dir: string): SynthesizedStack[] {
  const files: Array<{ name: string; file: string }> = [];
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = parseJsonFile(manifestFile) as { stacks?: Record<string, { synthesizedStackPath?: string }> };
    for (const [name, stack] of Object.entries(manifest.stacks ?? {})) {
      const file = path.join(dir, stack.synthesizedStackPath ?? path.join('stacks', name, 'cdk.tf.json'));
      if (fs.existsSync(file)) files.push({ name, file });
    }
  } else if (fs.existsSync(path.join(dir, 'stacks'))) {
    for (const name of fs.readdirSync(path.join(dir, 'stacks')).sort()) {
      const file = path.join(dir, 'stacks', name, 'cdk.tf.json');
      if (fs.existsSync(file)) files.push({ name, file });
    }
  } else if (fs.existsSync(path.join(dir, 'cdk.tf.json'))) {
    files.push({ name: path.basename(path.resolve(dir)), file: path.join(dir, 'cdk.tf.json') });
  }
  if (files.length === 0) throw new Error(`${dir} holds no synthesized stack (expected manifest.json, stacks/<name>/cdk.tf.json or cdk.tf.json)`);
  return files.map(({ name, file }) => ({ name, file, json: parseJsonFile(file) }));
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

/** Construct paths and suppressions from a synthesized folder, keyed by resource address (for plan reviews). */
export function synthMetadataFromFolder(dir: string): SynthMetadata {
  const out = new Map<string, { constructPath?: string; suppressions: Suppression[] }>();
  for (const stack of readSynthesizedFolder(dir)) {
    const resources = ((stack.json as Record<string, any>)?.resource ?? {}) as Record<string, Record<string, any>>;
    for (const [type, byName] of Object.entries(resources)) {
      for (const [name, body] of Object.entries(byName ?? {})) {
        const meta = body?.['//'] ?? {};
        const address = `${type}.${name}`;
        const previous = out.get(address);
        out.set(address, {
          constructPath: typeof meta.metadata?.path === 'string' ? meta.metadata.path : previous?.constructPath,
          suppressions: [...(previous?.suppressions ?? []), ...readSuppressions(meta.ml_platform?.suppressions)],
        });
      }
    }
  }
  return out;
}

/** Read and parse a JSON file; errors are one line naming the file. */
export function parseJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}
