import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';

/** Escape text for XML attribute and element content. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    // Characters XML 1.0 forbids.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML: one testsuite per rule, one testcase per rule × resource; findings are failures,
 * suppressed findings are skipped. Passing pairs appear when the review recorded them (recordPasses).
 */
export function renderJunit(result: ReviewResult, context: ReportContext): string {
  const suites = new Map<string, string[]>();
  const counts = new Map<string, { tests: number; failures: number; skipped: number }>();
  const add = (ruleId: string, xml: string, kind: 'pass' | 'fail' | 'skip'): void => {
    const list = suites.get(ruleId) ?? [];
    list.push(xml);
    suites.set(ruleId, list);
    const c = counts.get(ruleId) ?? { tests: 0, failures: 0, skipped: 0 };
    c.tests++;
    if (kind === 'fail') c.failures++;
    if (kind === 'skip') c.skipped++;
    counts.set(ruleId, c);
  };
  const testcase = (ruleId: string, address: string, body: string): string =>
    `    <testcase classname="${xmlEscape(ruleId)}" name="${xmlEscape(address)}">${body}</testcase>`;
  const failure = (f: Finding): string =>
    `<failure type="${f.severity}" message="${xmlEscape(f.message)}">${xmlEscape(`${f.message}\nFix: ${f.remediation}${f.note ? `\n${f.note}` : ''}`)}</failure>`;
  for (const f of result.findings) add(f.ruleId, testcase(f.ruleId, f.address, failure(f)), 'fail');
  for (const f of result.suppressed) add(f.ruleId, testcase(f.ruleId, f.address, `<skipped message="${xmlEscape(`suppressed: ${f.suppressed?.reason ?? ''}`)}"/>`), 'skip');
  for (const p of result.passed ?? []) add(p.ruleId, testcase(p.ruleId, p.address, ''), 'pass');
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const body: string[] = [];
  for (const rule of [...suites.keys()].sort()) {
    const c = counts.get(rule)!;
    tests += c.tests;
    failures += c.failures;
    skipped += c.skipped;
    body.push(`  <testsuite name="${xmlEscape(rule)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}">`, ...suites.get(rule)!, '  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(`ml-platform review ${context.input}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
