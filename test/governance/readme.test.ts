import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES } from '../../lib/governance/rules';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderRulesMarkdown, RULES_FILE } = require('../../scripts/rules-table') as { renderRulesMarkdown: (rules: typeof ALL_RULES) => string; RULES_FILE: string };

// docs/RULES.md is the catalogue users read; it is generated from the rules, so it cannot drift from them.
describe('the rule catalogue (docs/RULES.md)', () => {
  const catalogue = readFileSync(join(__dirname, '..', '..', RULES_FILE), 'utf8');

  test('is exactly what `npm run docs:rules` writes from the rules in lib/', () => {
    // On failure: run `npm run docs:rules` and commit docs/RULES.md.
    expect(catalogue).toBe(renderRulesMarkdown(ALL_RULES));
  });

  test('lists every rule once with its severity, pack and fix', () => {
    for (const r of ALL_RULES) {
      const rows = catalogue.split('\n').filter((line) => line.startsWith(`| \`${r.id}\` |`));
      expect([r.id, rows]).toEqual([r.id, [expect.stringContaining(`| \`${r.id}\` | ${r.severity} | ${r.category} |`)]]);
      expect(rows[0]).toContain(r.remediation.replace(/\|/g, '\\|').replace(/\n/g, ' '));
    }
    expect(ALL_RULES.length).toBeGreaterThan(80);
  });

  test('a rule that changes shows up as a difference (the check can fail)', () => {
    const [first, ...rest] = ALL_RULES;
    expect(renderRulesMarkdown([{ ...first, severity: first.severity === 'error' ? 'warning' : 'error' }, ...rest])).not.toBe(catalogue);
  });
});
