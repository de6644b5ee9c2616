#!/usr/bin/env node
/**
 * Synthesizes one example app the way `npm run synth` does the reference platform: `cdktf synth` in
 * examples/<name>/, with the cdktf CLI's checkpoint (telemetry and version) calls off, so it runs offline without
 * an error line. Output goes to examples/<name>/cdktf.out/.
 *
 *   npm run synth:example -- training        (hybrid-platform, training, data-platform, serving, monitoring)
 *   npm run synth:example -- training --output /tmp/out     (further arguments go to cdktf synth)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const examples = path.join(__dirname, '..', 'examples');
// examples/starter is not one: it is a template with its own package.json, installed where it is copied to.
const isExample = (n) => fs.existsSync(path.join(examples, n, 'cdktf.json')) && !fs.existsSync(path.join(examples, n, 'package.json'));
const names = fs.readdirSync(examples).filter(isExample).sort();
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: npm run synth:example -- <${names.join('|')}> [cdktf synth options]\n`);
  process.exit(2);
}
const cdktf = path.join(__dirname, '..', 'node_modules', '.bin', 'cdktf');
const result = spawnSync(cdktf, ['synth', ...rest], {
  cwd: path.join(examples, name),
  stdio: 'inherit',
  env: {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    // cdktf runs `terraform version` when terraform is on PATH; without a CLI config it logs a misleading error.
    TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE && require('fs').existsSync(process.env.TF_CLI_CONFIG_FILE) ? process.env.TF_CLI_CONFIG_FILE : '/dev/null',
  },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
