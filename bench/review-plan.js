#!/usr/bin/env node
/**
 * Benchmark: `ml-platform review` over generated `terraform show -json` plans of 5,000 and 50,000
 * resources with a realistic mix (S3 buckets with companions, KMS keys, EKS node groups with launch
 * templates, IAM policies, RDS, Kubernetes deployments, unmanaged types), half of them inside modules.
 *
 * Runs the compiled CLI as a child process and prints wall time and peak RSS (the child's
 * process.resourceUsage().maxRSS, reported through a preloaded hook). Budget: 50k resources in
 * at most 3 s and 1 GB.
 *
 *   npx tsc -p tsconfig.build.json        # builds dist/
 *   node bench/review-plan.js [sizes...]  # default: 5000 50000; MLP_DIST=<dir> to use another build
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const dist = process.env.MLP_DIST || path.join(__dirname, '..', 'dist');
const cli = path.join(dist, 'cli', 'ml-platform.js');
if (!fs.existsSync(cli)) {
  console.error(`bench: ${cli} not found; run \`npx tsc -p tsconfig.build.json\` first (or set MLP_DIST)`);
  process.exit(1);
}
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const LIMIT_MS = 3000;
const LIMIT_MB = 1024;

const { generatePlan } = require('./plan-generator');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-bench-'));
const hook = path.join(tmp, 'rss-hook.js');
// Preloaded into the child: reports its own peak RSS on exit through an env-named file.
fs.writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.MLP_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");

let failed = false;
const rows = [];
for (const size of sizes.length ? sizes : [5000, 50000]) {
  const planFile = path.join(tmp, `plan-${size}.json`);
  const plan = generatePlan(size);
  fs.writeFileSync(planFile, JSON.stringify(plan));
  const resources = plan.resource_changes.length;
  const rssFile = path.join(tmp, `rss-${size}`);
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-r', hook, cli, 'review', planFile, '--format', 'json', '--output', path.join(tmp, `report-${size}.json`), '--pack', 'ml-guardrails', '--fail-on', 'none'], {
    env: { ...process.env, MLP_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    console.error(`bench: review of ${resources} resources exited ${child.status}: ${child.stderr}`);
    process.exit(1);
  }
  const rssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  const report = JSON.parse(fs.readFileSync(path.join(tmp, `report-${size}.json`), 'utf8'));
  rows.push({ resources, ms, rssMb, findings: report.findings.length, mb: fs.statSync(planFile).size / 1048576 });
  if (resources >= 50000 && (ms > LIMIT_MS || rssMb > LIMIT_MB)) failed = true;
}
console.log('resources  plan MB  wall ms  ms/1k res  peak RSS MB  findings');
for (const r of rows) {
  console.log(`${String(r.resources).padStart(9)}  ${r.mb.toFixed(1).padStart(7)}  ${r.ms.toFixed(0).padStart(7)}  ${(r.ms / (r.resources / 1000)).toFixed(1).padStart(9)}  ${r.rssMb.toFixed(0).padStart(11)}  ${String(r.findings).padStart(8)}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
if (failed) {
  console.error(`bench: over budget (${LIMIT_MS} ms / ${LIMIT_MB} MB at 50k resources)`);
  process.exit(1);
}
