#!/usr/bin/env node
/**
 * The jsii ratchet. The public API is not jsii-clean yet (docs/development.md, "jsii"): this compiles lib/ with
 * jsii and fails when any kind of jsii error (JSIInnnn) is more frequent than in scripts/jsii-baseline.json, so the
 * API never drifts further from what Python, Java and Go users could consume. Lower the baseline when errors go.
 *
 *   node scripts/jsii-check.js            check against the baseline (CI)
 *   node scripts/jsii-check.js --update   write the current counts as the baseline
 *
 * jsii (Apache-2.0) is installed on first use into a cache folder outside the repo, not into node_modules: it is a
 * check, not a build step. The version follows the TypeScript pin (jsii 5.9 compiles TypeScript 5.9).
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const JSII_VERSION = '5.9.50';
const root = path.resolve(__dirname, '..');
const baselineFile = path.join(__dirname, 'jsii-baseline.json');
const cache = process.env.JSII_CACHE || path.join(os.tmpdir(), `ml-platform-jsii-${JSII_VERSION}`);
const bin = path.join(cache, 'node_modules', '.bin', 'jsii');

if (!fs.existsSync(bin)) {
  fs.mkdirSync(cache, { recursive: true });
  execFileSync('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--no-save', `jsii@${JSII_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// jsii compiles a package: a scratch copy of lib/ with the metadata jsii requires, resolving our node_modules.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-platform-jsii-'));
try {
  fs.cpSync(path.join(root, 'lib'), path.join(work, 'lib'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  const pkg = require(path.join(root, 'package.json'));
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({
    name: pkg.name, version: pkg.version || '0.0.0', description: pkg.description || pkg.name, license: 'Apache-2.0',
    author: { name: 'ml-platform', email: 'ml-platform@example.com' }, repository: { type: 'git', url: 'https://example.com/ml-platform.git' },
    main: 'lib/index.js', types: 'lib/index.d.ts', peerDependencies: pkg.peerDependencies,
    jsii: { outdir: 'dist', targets: {}, tsc: { rootDir: 'lib', outDir: 'lib' } },
  }, null, 2));
  const run = spawnSync(bin, ['--silence-warnings=reserved-word'], { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${run.stdout}${run.stderr}`;
  const counts = {};
  for (const m of output.matchAll(/error (JSII\d+)/g)) counts[m[1]] = (counts[m[1]] || 0) + 1;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (run.status !== 0 && total === 0) {
    process.stderr.write(output.slice(-4000));
    throw new Error('jsii failed without reporting JSII errors (see above)');
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  if (process.argv.includes('--update')) {
    fs.writeFileSync(baselineFile, `${JSON.stringify({ jsii: JSII_VERSION, total, byCode: sorted }, null, 2)}\n`);
    console.log(`jsii: ${total} errors; baseline written to ${path.relative(root, baselineFile)}`);
    process.exit(0);
  }
  const baseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8'));
  const worse = Object.entries(sorted).filter(([code, n]) => n > (baseline.byCode[code] || 0));
  console.log(`jsii: ${total} errors (baseline ${baseline.total})`);
  if (worse.length) {
    const lines = output.split('\n').filter((l) => worse.some(([code]) => l.includes(`error ${code}`)));
    console.error(`jsii: more errors than the baseline for ${worse.map(([c, n]) => `${c} (${n} > ${baseline.byCode[c] || 0})`).join(', ')}:`);
    console.error(lines.join('\n'));
    console.error('Keep new public API jsii-compatible (docs/development.md, "jsii"), or lower errors elsewhere and run node scripts/jsii-check.js --update.');
    process.exit(1);
  }
  if (total < baseline.total) console.log('jsii: fewer errors than the baseline; run node scripts/jsii-check.js --update to lock them in');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
