#!/usr/bin/env node
/**
 * The `ml-platform review` command inside this repository, without a build:
 *
 *   npm run review -- cdktf.out [flags]                                  (a table on stdout)
 *   npm run --silent review -- cdktf.out --format json > review.json     (--silent: npm prints its own
 *                                                                         "> cdktf-ml-platform review" banner on
 *                                                                         stdout otherwise; or use --output FILE)
 *
 * It runs lib/cli from source through ts-node with SWC, transpile only (about 2 s, against about 11 s for the
 * `npm run build` the script used to run on every call), so it always reviews with the code in the work tree.
 * Only the report goes to stdout. Apps that install the package run the compiled CLI: `npx ml-platform review`.
 */
'use strict';
const path = require('path');

const root = path.join(__dirname, '..');
require('ts-node').register({ project: path.join(root, 'tsconfig.json'), transpileOnly: true, swc: true });
const { main } = require(path.join(root, 'lib', 'cli', 'main'));

process.exitCode = main(['review', ...process.argv.slice(2)], {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
