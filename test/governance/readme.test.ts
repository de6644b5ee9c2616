import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES } from '../../lib/governance/rules';

// The README is the catalogue users read: every rule must be listed with its severity.
test('the README lists every governance rule with its severity', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const missing = ALL_RULES.filter((r) => !readme.includes(`| \`${r.id}\` | ${r.severity} |`)).map((r) => r.id);
  expect(missing).toEqual([]);
  expect(ALL_RULES.length).toBeGreaterThan(80);
});
