#!/usr/bin/env node
/*
 * Startup / synth benchmarks. Each number is the MEDIAN over N runs (default 5, `--runs N`) of a whole
 * child `node` process, started fresh each time (so module loading, JIT warm-up and synth are all in it).
 *
 *   npm run bench                  table
 *   npm run bench -- --json        {"results":[{"name","wallMs","peakRssMb","resources"}]}
 *   npm run bench -- --runs 10     more runs
 *   npm run bench -- --ts-node     load TypeScript sources through ts-node + swc instead of compiled JS
 *
 * What exactly is measured:
 *   - Before any case runs, the bench compiles examples/ plus the lib/ sources they import with the repo's
 *     own tsc and tsconfig.json (same compiler options as `npm run build`; declarations off) into a temp
 *     dir, with a `node_modules` symlink back to the repo's. This is NOT timed. Compiled JS is the default
 *     because it is what users run (dist/ is the same code) and because it is ~2x faster and ~half the RSS
 *     of ts-node+swc, whose loader cost would otherwise dominate. `--ts-node` measures the
 *     `node -r ts-node/register` path instead (TS_NODE_TRANSPILE_ONLY=true, TS_NODE_SWC=true).
 *   - wallMs: process.hrtime around spawnSync of the child, i.e. node startup + the case + exit.
 *   - peakRssMb: the child's own process.resourceUsage().maxRSS at its 'exit' event, reported through
 *     bench/rss-probe.js, which is preloaded with `node -r`. (No dependency on GNU time.)
 *   - resources: for synth cases, the number of resource blocks (resource.<type>.<name>) over all
 *     synthesized stacks' cdk.tf.json; null for import-only cases.
 *
 * Cases (append to CASES to add one):
 *   synth.training-example  examples/training/main.ts, synthesizing its 3 stacks into a fresh temp outdir
 *   import.cdktf            require('cdktf') alone
 *   import.library          require() of the library entry (compiled lib/index.js == dist/index.js)
 *   synth.reference-stock   the reference platform with the fast synthesis path off (cdktf's stock path)
 *   synth.user-app          examples/starter installed from the packed tarball, `cdktf synth` (peak RSS: the CLI process)
 */
'use strict';

const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const PROBE = path.join(__dirname, 'rss-probe.js');

// ---------------------------------------------------------------------------------------------------
// Args
function parseArgs(argv) {
  const opts = { runs: 5, json: false, tsNode: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--ts-node') opts.tsNode = true;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      opts.runs = Number(v);
      if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs needs a positive integer, got ${v}`);
    } else if (a === '--only' || a.startsWith('--only=')) {
      opts.only = a.includes('=') ? a.split('=')[1] : argv[++i];
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.js [--json] [--runs N] [--ts-node] [--only NAME_SUBSTRING]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------------
// Helpers
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function countResources(outdir) {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new Error(`no stacks synthesized in ${outdir}`);
  let n = 0;
  for (const stack of fs.readdirSync(stacksDir)) {
    const f = path.join(stacksDir, stack, 'cdk.tf.json');
    if (!fs.existsSync(f)) continue;
    const tf = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const byName of Object.values(tf.resource || {})) n += Object.keys(byName).length;
  }
  return n;
}

/**
 * Compiles examples/**.ts (and the lib/ sources they import) into `outDir` with the repo's tsconfig.
 * A node_modules symlink lets the compiled files resolve cdktf & co from the repo.
 */
function compile(outDir) {
  const tsconfig = path.join(outDir, 'tsconfig.bench.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(REPO, 'tsconfig.json'),
    compilerOptions: {
      rootDir: REPO, outDir, noEmit: false, declaration: false, sourceMap: false, types: ['node'],
      tsBuildInfoFile: null, incremental: false,
    },
    include: [path.join(REPO, 'examples/**/*.ts'), path.join(REPO, 'lib/**/*.ts'), path.join(REPO, 'bench/**/*.ts')],
    exclude: [path.join(REPO, 'node_modules'), path.join(REPO, '**/cdktf.out')],
  }));
  // Symlink first: tsc resolves `types` relative to the tsconfig's own dir.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [REPO] }), '-p', tsconfig], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    });
  } catch (err) {
    throw new Error(`tsc failed to compile examples/ for the bench:\n${err.stdout || ''}${err.stderr || ''}`);
  }
  // The package entry is lazy as `npm run build` makes it (scripts/lazy-index.js): measure what users load.
  execFileSync(process.execPath, [path.join(REPO, 'scripts/lazy-index.js'), path.join(outDir, 'lib/index.js')], { stdio: 'ignore' });
}

/** One child process: returns { wallMs, maxRssKiB }. Throws with the child's output if it fails. */
function runChild(nodeArgs, { env = {}, cwd = REPO } = {}, scratch) {
  const probeFile = path.join(scratch, `probe-${process.hrtime.bigint()}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', PROBE, ...nodeArgs], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env, BENCH_PROBE_FILE: probeFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`child failed (exit ${r.status}, signal ${r.signal}): node ${nodeArgs.join(' ')}\n${r.stdout}\n${r.stderr}`);
  }
  const { maxRssKiB } = JSON.parse(fs.readFileSync(probeFile, 'utf8'));
  fs.rmSync(probeFile, { force: true });
  return { wallMs, maxRssKiB };
}

// ---------------------------------------------------------------------------------------------------
// Cases. Each: { name, prepare?(ctx) -> state, args(ctx, state) -> { nodeArgs, env?, cwd? }, resources?(ctx, state) }
// `prepare` runs before every run (untimed); `resources` after every run (untimed).
const TS_NODE_ENV = { TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_SWC: 'true' };

const { generatePlan } = require('./plan-generator');

/** Synthesizes the reference platform once (untimed) so the plain-cdktf baseline can declare the same resources. */
function referenceOutput(ctx) {
  const out = path.join(ctx.scratch, 'reference-out');
  if (!fs.existsSync(out)) {
    runChild([path.join(ctx.build, 'examples/hybrid-platform/main.js')], { env: { CDKTF_OUTDIR: out } }, ctx.scratch);
  }
  return out;
}

const CASES = [
  {
    name: 'synth.reference',
    prepare(ctx) {
      return { outdir: fs.mkdtempSync(path.join(ctx.scratch, 'reference-')) };
    },
    args(ctx, { outdir }) {
      if (ctx.tsNode) return { nodeArgs: ['-r', 'ts-node/register', 'examples/hybrid-platform/main.ts'], env: { ...TS_NODE_ENV, CDKTF_OUTDIR: outdir } };
      return { nodeArgs: [path.join(ctx.build, 'examples/hybrid-platform/main.js')], env: { CDKTF_OUTDIR: outdir } };
    },
    resources(ctx, { outdir }) {
      const n = countResources(outdir);
      fs.rmSync(outdir, { recursive: true, force: true });
      return n;
    },
  },
  {
    // The same app on cdktf's stock synthesis path (stack traces captured as cdktf does): the fair baseline for
    // "without this library's fast path". synth.plain-cdktf below is a floor, not this.
    name: 'synth.reference-stock',
    prepare(ctx) {
      return { outdir: fs.mkdtempSync(path.join(ctx.scratch, 'reference-stock-')) };
    },
    args(ctx, { outdir }) {
      const env = { CDKTF_OUTDIR: outdir, CDKTF_ML_PLATFORM_FAST_SYNTH: '0' };
      if (ctx.tsNode) return { nodeArgs: ['-r', 'ts-node/register', 'examples/hybrid-platform/main.ts'], env: { ...TS_NODE_ENV, ...env } };
      return { nodeArgs: [path.join(ctx.build, 'examples/hybrid-platform/main.js')], env };
    },
    resources(ctx, { outdir }) {
      const n = countResources(outdir);
      fs.rmSync(outdir, { recursive: true, force: true });
      return n;
    },
  },
  {
    // What a user runs: examples/starter installed from the packed tarball (by scripts/pack-smoke.sh, untimed), its
    // typed main.ts through `cdktf synth` (the CLI, then ts-node). Whole command, CLI start-up included.
    name: 'synth.user-app',
    prepare(ctx) {
      if (!ctx.userApp) {
        const run = spawnSync('bash', [path.join(REPO, 'scripts/pack-smoke.sh')], { env: { ...process.env, PACK_SMOKE_KEEP: '1' }, encoding: 'utf8' });
        const kept = /kept scratch dir (\S+)/.exec(`${run.stdout}${run.stderr}`);
        if (run.status !== 0 || !kept) throw new Error(`synth.user-app: scripts/pack-smoke.sh failed:\n${run.stdout}${run.stderr}`);
        ctx.userApp = path.join(kept[1], 'starter');
        ctx.cleanup.push(kept[1]);
      }
      fs.rmSync(path.join(ctx.userApp, 'cdktf.out'), { recursive: true, force: true });
      return { outdir: path.join(ctx.userApp, 'cdktf.out') };
    },
    args(ctx) {
      return {
        nodeArgs: [path.join(ctx.userApp, 'node_modules/cdktf-cli/bundle/bin/cdktf'), 'synth'],
        env: { CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
        cwd: ctx.userApp,
      };
    },
    resources(ctx, { outdir }) {
      return countResources(outdir);
    },
  },
  {
    // The same resources declared with the provider classes directly: the baseline the library is measured against.
    name: 'synth.plain-cdktf',
    prepare(ctx) {
      return { reference: referenceOutput(ctx), outdir: fs.mkdtempSync(path.join(ctx.scratch, 'plain-')) };
    },
    args(ctx, { reference, outdir }) {
      return { nodeArgs: [path.join(REPO, 'bench/plain-cdktf.js'), reference, outdir] };
    },
    resources(ctx, { outdir }) {
      const n = countResources(outdir);
      fs.rmSync(outdir, { recursive: true, force: true });
      return n;
    },
  },
  {
    name: 'synth.training-example',
    prepare(ctx) {
      const outdir = fs.mkdtempSync(path.join(ctx.scratch, 'synth-'));
      return { outdir };
    },
    args(ctx, { outdir }) {
      const env = { CDKTF_OUTDIR: outdir };
      if (ctx.tsNode) {
        return { nodeArgs: ['-r', 'ts-node/register', 'examples/training/main.ts'], env: { ...env, ...TS_NODE_ENV } };
      }
      return { nodeArgs: [path.join(ctx.build, 'examples/training/main.js')], env };
    },
    resources(ctx, { outdir }) {
      const n = countResources(outdir);
      fs.rmSync(outdir, { recursive: true, force: true });
      return n;
    },
  },
  {
    name: 'import.cdktf',
    args: () => ({ nodeArgs: ['-e', "require('cdktf')"] }),
  },
  {
    name: 'import.library',
    args(ctx) {
      if (ctx.tsNode) return { nodeArgs: ['-r', 'ts-node/register', '-e', "require('./lib')"], env: TS_NODE_ENV };
      return { nodeArgs: ['-e', `require(${JSON.stringify(path.join(ctx.build, 'lib/index.js'))})`] };
    },
  },
  ...[100, 1000].map((sites) => ({
    name: `synth.edge-${sites}`,
    prepare(ctx) {
      return { outdir: fs.mkdtempSync(path.join(ctx.scratch, 'edge-')) };
    },
    args(ctx, { outdir }) {
      if (ctx.tsNode) return { nodeArgs: ['-r', 'ts-node/register', 'bench/edge-fleet-app.ts', String(sites), outdir], env: TS_NODE_ENV };
      return { nodeArgs: [path.join(ctx.build, 'bench/edge-fleet-app.js'), String(sites), outdir] };
    },
    resources(ctx, { outdir }) {
      const n = countResources(outdir);
      fs.rmSync(outdir, { recursive: true, force: true });
      return n;
    },
  })),
  ...[5000, 50000].map((size) => ({
    name: `review.plan-${size / 1000}k`,
    // The plan is generated once per size (untimed); each run is a whole `ml-platform review` process.
    prepare(ctx) {
      const planFile = path.join(ctx.scratch, `plan-${size}.json`);
      if (!fs.existsSync(planFile)) fs.writeFileSync(planFile, JSON.stringify(generatePlan(size)));
      return { planFile, report: path.join(ctx.scratch, `report-${size}.json`) };
    },
    args(ctx, { planFile, report }) {
      const cli = ctx.tsNode ? ['-r', 'ts-node/register', 'lib/cli/ml-platform.ts'] : [path.join(ctx.build, 'lib/cli/ml-platform.js')];
      return {
        nodeArgs: [...cli, 'review', planFile, '--format', 'json', '--output', report, '--pack', 'ml-guardrails', '--fail-on', 'none'],
        env: ctx.tsNode ? TS_NODE_ENV : {},
      };
    },
    resources(ctx, { report }) {
      return JSON.parse(fs.readFileSync(report, 'utf8')).summary.resourcesReviewed + JSON.parse(fs.readFileSync(report, 'utf8')).summary.resourcesSkipped;
    },
  })),
];

// ---------------------------------------------------------------------------------------------------
function machineLine() {
  const cpus = os.cpus();
  return `${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()}-${os.arch()}`;
}

function printTable(results, opts) {
  const rows = [['case', 'wall ms (median)', 'min..max ms', 'peak RSS MB', 'resources']];
  for (const r of results) {
    rows.push([r.name, r.wallMs.toFixed(0), `${r.minMs.toFixed(0)}..${r.maxMs.toFixed(0)}`, r.peakRssMb.toFixed(1),
      r.resources === null ? '-' : String(r.resources)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const fmt = (row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(`machine: ${machineLine()}`);
  console.log(`runs: ${opts.runs} per case (median), loader: ${opts.tsNode ? 'ts-node + swc (transpile-only)' : 'tsc-compiled JS'}`);
  console.log('');
  console.log(fmt(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(fmt(row));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-ml-platform-bench-'));
  const cleanup = () => fs.rmSync(scratch, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  const ctx = { scratch, tsNode: opts.tsNode, build: path.join(scratch, 'build'), cleanup: [] };
  process.on('exit', () => ctx.cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  if (!opts.tsNode) {
    fs.mkdirSync(ctx.build);
    const t0 = Date.now();
    compile(ctx.build);
    if (!opts.json) console.log(`bench: compiled examples + lib with tsc in ${Date.now() - t0} ms (not measured)`);
  }

  const results = [];
  for (const c of CASES) {
    if (opts.only && !c.name.includes(opts.only)) continue;
    const walls = [];
    const rss = [];
    const resources = [];
    for (let i = 0; i < opts.runs; i++) {
      const state = c.prepare ? c.prepare(ctx) : {};
      const { nodeArgs, env, cwd } = c.args(ctx, state);
      const { wallMs, maxRssKiB } = runChild(nodeArgs, { env, cwd }, scratch);
      walls.push(wallMs);
      rss.push(maxRssKiB / 1024);
      if (c.resources) resources.push(c.resources(ctx, state));
    }
    if (resources.length && new Set(resources).size !== 1) {
      throw new Error(`${c.name}: resource count differs between runs: ${resources.join(', ')}`);
    }
    results.push({
      name: c.name,
      wallMs: median(walls),
      peakRssMb: median(rss),
      resources: resources.length ? resources[0] : null,
      minMs: Math.min(...walls),
      maxMs: Math.max(...walls),
    });
  }

  if (opts.json) {
    const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
    console.log(JSON.stringify({
      results: results.map((r) => ({ name: r.name, wallMs: round(r.wallMs, 1), peakRssMb: round(r.peakRssMb, 1), resources: r.resources })),
    }));
  } else {
    printTable(results, opts);
  }
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}
