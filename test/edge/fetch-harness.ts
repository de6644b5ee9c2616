import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Runs an edge site's `fetch-model` init container for real: its `/bin/sh -c` script, its env (secret
 * references replaced by fake values), against a local directory standing in for the object store or the
 * MLflow server, with fake `aws`, `gcloud` and `mlflow` binaries on PATH that behave like the real ones on the
 * points that matter (an object `cp` fails on a prefix; `sync` of an empty prefix copies nothing and exits 0).
 */
export class FetchSandbox {
  public readonly root = mkdtempSync(join(tmpdir(), 'edge-fetch-'));
  /** `s3://bucket/key` and `gs://bucket/key` live at `<store>/<bucket>/<key>`; `models:/m/v` at `<store>/mlflow/m/v`. */
  public readonly store = join(this.root, 'store');
  /** The site's model cache (the PVC mounted at /models). */
  public readonly cache = join(this.root, 'models');
  private readonly bin = join(this.root, 'bin');
  private readonly log = join(this.root, 'calls.log');

  constructor() {
    for (const d of [this.store, this.cache, this.bin]) mkdirSync(d, { recursive: true });
    writeFileSync(this.log, '');
    const tool = (name: string, body: string) => {
      writeFileSync(join(this.bin, name), `#!/bin/sh\necho "${name} $*" >> "$FAKE_LOG"\n${body}\n`);
      chmodSync(join(this.bin, name), 0o755);
    };
    tool('aws', `
[ "$1" = s3 ] || exit 64
op=$2; shift 2
[ "$1" = --only-show-errors ] && shift
src=$(printf '%s' "$1" | sed "s#^s3://#$FAKE_STORE/#"); dst=$2
case $op in
  cp) [ -f "$src" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 1; }
      cp "$src" "$dst" ;;
  sync) [ -d "$src" ] && cp -R "$src"/. "$dst"/; exit 0 ;;
  *) exit 64 ;;
esac`);
    tool('gcloud', `
[ "$1" = storage ] || exit 64
op=$2; shift 2
[ "$1" = --recursive ] && shift
src=$(printf '%s' "$1" | sed "s#^gs://#$FAKE_STORE/#"); dst=$2
[ -n "$CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE" ] || { echo "ERROR: (gcloud) You do not currently have an active account selected." >&2; exit 1; }
case $op in
  cp) [ -f "$src" ] || { echo "ERROR: (gcloud.storage.cp) The following URLs matched no objects or files: $1" >&2; exit 1; }
      cp "$src" "$dst" ;;
  rsync) [ -d "$src" ] && cp -R "$src"/. "$dst"/; exit 0 ;;
  *) exit 64 ;;
esac`);
    tool('mlflow', `
[ "$1 $2" = "artifacts download" ] || exit 64
[ -n "$MLFLOW_TRACKING_URI" ] || { echo "MlflowException: no tracking URI" >&2; exit 1; }
[ -n "$MLFLOW_TRACKING_USERNAME" ] && [ -n "$MLFLOW_TRACKING_PASSWORD" ] || { echo "RestException: 401 Unauthorized" >&2; exit 1; }
echo "$MLFLOW_TRACKING_URI $MLFLOW_TRACKING_USERNAME $MLFLOW_TRACKING_PASSWORD" >> "$FAKE_LOG"
uri=$4; dst=$6
src=$FAKE_STORE/mlflow/$(printf '%s' "$uri" | sed 's#^models:/##')
[ -d "$src" ] || { echo "RestException: RESOURCE_DOES_NOT_EXIST" >&2; exit 1; }
cp -R "$src"/. "$dst"/`);
  }

  /** Writes an object into the fake store: `put('s3://ml-models/a/b.bin', data)`. */
  public put(uri: string, data: string | Buffer): void {
    const path = this.pathOf(uri);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
  }

  /** Where a store URI lives on disk. */
  public pathOf(uri: string): string {
    return join(this.store, uri.replace(/^(s3|gs):\/\//, '').replace(/^models:\//, 'mlflow/'));
  }

  /** Runs the init container's script; returns its exit status and output. */
  public run(init: any): { status: number | null; stdout: string; stderr: string } {
    const env: Record<string, string> = {
      PATH: `${this.bin}:${process.env.PATH}`,
      FAKE_LOG: this.log,
      FAKE_STORE: this.store,
    };
    for (const e of init.env as any[]) {
      const literal = e.value !== undefined ? String(e.value) : `secret:${e.value_from.secret_key_ref.name}/${e.value_from.secret_key_ref.key}`;
      // The container sees the cache at /models and its credential files at their mount path; here, in the sandbox.
      env[e.name] = literal.replace(/^\/models(?=\/|$)/, this.cache).replace(/^\/var\/run\/secrets\//, `${this.root}/secrets/`);
    }
    const r = spawnSync('/bin/sh', ['-c', init.command[2]], { env, encoding: 'utf8', timeout: 30000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** The fake tools' calls so far, one line each. */
  public calls(): string[] {
    return readFileSync(this.log, 'utf8').split('\n').filter(Boolean);
  }

  public dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A gzipped tarball of `files` (name -> content), made with the system tar. */
export function tarball(files: Record<string, string>, options: { zip?: boolean; raw?: string[] } = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'edge-archive-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, 'in', name, '..'), { recursive: true });
      writeFileSync(join(dir, 'in', name), content);
    }
    const out = join(dir, options.zip ? 'a.zip' : 'a.tar.gz');
    const names = options.raw ?? Object.keys(files);
    const r = options.zip
      ? spawnSync('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w")\nfor n in sys.argv[3:]: z.write(sys.argv[2] + "/" + n, n)\nz.close()', out, join(dir, 'in'), ...names])
      : spawnSync('tar', ['-czf', out, '-C', join(dir, 'in'), ...names]);
    if (r.status !== 0) throw new Error(`archive failed: ${r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
