import { ReviewResult } from '../../../lib/governance/model';
import { renderReport, ReportFormat } from '../../../lib/governance/reports';
import { ALL_RULES } from '../../../lib/governance/rules';

const HOSTILE = 'ok\u001b[2J\u001b[31mFAKE\r[error] forged line\n| x | <img src=x onerror=alert(1)> `code` **bold** [link](http://evil) </details>\u0000\u0007\ufffe\ud800\u202eevil\u2028end';

function hostileResult(): ReviewResult {
  const finding = {
    ruleId: 'aws-kms-key-rotation', severity: 'error' as const, category: 'key-management' as const,
    address: `aws_kms_key.k["${HOSTILE}"]`, resourceType: 'aws_kms_key', message: 'enable_key_rotation is not true', remediation: 'Set it.', constructPath: `stack/${HOSTILE}`,
  };
  return {
    findings: [{ ...finding, note: `suppression expired on ${HOSTILE}` }],
    suppressed: [{ ...finding, suppressed: { reason: HOSTILE, expires: `2099-01-01${HOSTILE}` } }],
    skippedResourceTypes: { [HOSTILE]: 1 },
    summary: { error: 1, warning: 0, info: 0, suppressed: 1, resourcesReviewed: 1, resourcesSkipped: 1, skippedResourceTypes: { [HOSTILE]: 1 }, rulesEvaluated: 1, packs: ['baseline'] },
  };
}
const render = (format: ReportFormat): string => renderReport(format, hostileResult(), { rules: ALL_RULES, input: `in${HOSTILE}.json` });
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u202e\u2028]/;

describe('reports escape control characters and markup from the input', () => {
  test('table: no control characters, no forged lines', () => {
    const out = render('table');
    expect(out).not.toMatch(CONTROL);
    expect(out.split('\n').filter((l) => l.startsWith('[error]'))).toHaveLength(1);
  });

  test('markdown: no raw HTML, no table breakout, no control characters', () => {
    const out = render('markdown');
    expect(out).not.toMatch(CONTROL);
    expect(out).not.toMatch(/<img|<\/details>\s*\S*evil|\[link\]\(http/);
    expect(out.match(/<\/details>/g)).toHaveLength(1);
    // Every table row keeps its column count.
    for (const row of out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| Rule'))) {
      expect(row.replace(/\\\|/g, '').split('|').length).toBe(row.includes('🔴') ? 7 : 6);
    }
  });

  test('junit: only characters XML 1.0 allows, newlines in attributes kept as references', () => {
    const out = render('junit');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(out).not.toMatch(/<img/);
    for (const attr of out.match(/="[^"]*"/g) ?? []) expect(attr).not.toMatch(/[\n\r\t]/);
  });

  test('sarif: valid JSON whose texts carry no control or bidi characters', () => {
    const out = render('sarif');
    const sarif = JSON.parse(out);
    const texts = JSON.stringify(sarif.runs[0].results);
    expect(JSON.parse(texts)).toBeTruthy();
    for (const r of sarif.runs[0].results) {
      expect(r.message.text).not.toMatch(CONTROL);
      for (const s of r.suppressions ?? []) expect(s.justification).not.toMatch(CONTROL);
    }
  });
});
