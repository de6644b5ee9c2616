#!/usr/bin/env node
/**
 * Generates docs/RULES.md, the governance rule catalogue, from the rules in lib/ (no build needed: lib/ is
 * loaded through ts-node with SWC, transpile only).
 *
 *   npm run docs:rules                  writes docs/RULES.md
 *   node scripts/rules-table.js         prints it to stdout
 *
 * test/governance/readme.test.ts renders the catalogue with the same function and fails when docs/RULES.md is
 * out of step with the code, so a rule added, removed or reworded without running this fails the build.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
/** Where the catalogue lives, relative to the repository root. */
const RULES_FILE = 'docs/RULES.md';

const GROUPS = [['aws-', 'AWS'], ['gcp-', 'Google Cloud'], ['k8s-', 'Kubernetes'], ['ml-', 'ML-aware (cross-provider)'], ['plan-', 'Plan review (`terraform show -json` only)']];

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The whole of docs/RULES.md for a rule catalogue (`ALL_RULES`). Pure: same rules, same text. */
function renderRulesMarkdown(rules) {
  const lines = [
    '# Governance rule catalogue',
    '',
    '<!-- Generated from lib/governance/rules by `npm run docs:rules` (scripts/rules-table.js); do not edit by hand.',
    '     test/governance/readme.test.ts fails when this file is out of step with the code. -->',
    '',
    `${rules.length} built-in rules. Each is one file under \`lib/governance/rules/<provider>/\`, named for what it asserts,`,
    'with a compliant and a non-compliant test, and lists the Checkov / Trivy (AVD) / CIS ids it corresponds to in its',
    'source (`references`). How rules run, packs, parameters, suppressions and custom rules:',
    '[governance.md](governance.md). The `contract-*` findings (the wires between capabilities) are described in',
    '[contracts.md](contracts.md).',
    '',
  ];
  const placed = new Set();
  const groups = GROUPS.map(([prefix, title]) => [title, rules.filter((r) => r.id.startsWith(prefix))]);
  for (const [, members] of groups) members.forEach((r) => placed.add(r));
  const other = rules.filter((r) => !placed.has(r));
  if (other.length > 0) groups.push(['Other', other]);
  for (const [title, members] of groups) {
    if (members.length === 0) continue;
    lines.push(`## ${title}`, '');
    lines.push('| Rule id | Severity | Category | Pack | Asserts | How to fix |');
    lines.push('|---|---|---|---|---|---|');
    for (const r of [...members].sort((a, b) => a.id.localeCompare(b.id))) {
      const packs = r.packs && r.packs.length > 0 ? r.packs : ['baseline'];
      lines.push(`| \`${r.id}\` | ${r.severity} | ${r.category} | ${packs.join(', ')} | ${cell(r.description)} | ${cell(r.remediation)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Loads the rule catalogue from lib/ (TypeScript, transpiled on the fly). */
function loadRules() {
  require('ts-node').register({ project: path.join(ROOT, 'tsconfig.json'), transpileOnly: true, swc: true });
  return require(path.join(ROOT, 'lib', 'governance', 'rules')).ALL_RULES;
}

module.exports = { renderRulesMarkdown, RULES_FILE };

if (require.main === module) {
  const text = renderRulesMarkdown(loadRules());
  if (process.argv.includes('--write')) {
    fs.writeFileSync(path.join(ROOT, RULES_FILE), text);
    process.stderr.write(`rules-table: wrote ${RULES_FILE}\n`);
  } else {
    process.stdout.write(text);
  }
}
