#!/usr/bin/env node
// Prints the README's governance rule tables from the rule catalogue (run after `npm run build`):
//   node scripts/rules-table.js > /tmp/rules.md
'use strict';
const path = require('path');
const { ALL_RULES } = require(path.join(__dirname, '..', 'dist', 'governance'));

const groups = [['aws-', 'AWS'], ['gcp-', 'Google Cloud'], ['k8s-', 'Kubernetes'], ['ml-', 'ML-aware (cross-provider)']];
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
for (const [prefix, title] of groups) {
  console.log(`#### ${title}\n`);
  console.log('| Rule id | Severity | Category | Pack | Asserts | How to fix |');
  console.log('|---|---|---|---|---|---|');
  for (const r of ALL_RULES.filter((x) => x.id.startsWith(prefix)).sort((a, b) => a.id.localeCompare(b.id))) {
    console.log(`| \`${r.id}\` | ${r.severity} | ${r.category} | ${(r.packs || ['baseline']).join(', ')} | ${cell(r.description)} | ${cell(r.remediation)} |`);
  }
  console.log('');
}
