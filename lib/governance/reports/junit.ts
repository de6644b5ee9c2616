import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';
import { xmlAttribute, xmlText } from './escape';
import { ChunkedWriter, collect } from './writer';

type Case = { kind: 'fail'; finding: Finding } | { kind: 'skip'; finding: Finding } | { kind: 'pass' | 'unknown'; address: string };

/**
 * JUnit XML: one testsuite per rule, one testcase per rule × resource; findings are failures,
 * suppressed findings and evaluations left unknown until apply are skipped. Passing pairs appear when the
 * review recorded them (recordPasses). Written suite by suite.
 */
export function writeJunit(result: ReviewResult, context: ReportContext, out: ChunkedWriter): void {
  const suites = new Map<string, Case[]>();
  const add = (ruleId: string, c: Case): void => {
    const list = suites.get(ruleId);
    if (list) list.push(c);
    else suites.set(ruleId, [c]);
  };
  for (const f of result.findings) add(f.ruleId, { kind: 'fail', finding: f });
  for (const f of result.suppressed) add(f.ruleId, { kind: 'skip', finding: f });
  for (const u of result.unknown ?? []) add(u.ruleId, { kind: 'unknown', address: u.address });
  for (const p of result.passed ?? []) add(p.ruleId, { kind: 'pass', address: p.address });
  const count = (cases: Case[], kinds: Array<Case['kind']>): number => cases.reduce((n, c) => n + (kinds.includes(c.kind) ? 1 : 0), 0);
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const cases of suites.values()) {
    tests += cases.length;
    failures += count(cases, ['fail']);
    skipped += count(cases, ['skip', 'unknown']);
  }
  out.line('<?xml version="1.0" encoding="UTF-8"?>');
  out.line(`<testsuites name="${xmlAttribute(`ml-platform review ${context.input}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`);
  for (const rule of [...suites.keys()].sort()) {
    const cases = suites.get(rule)!;
    out.line(`  <testsuite name="${xmlAttribute(rule)}" tests="${cases.length}" failures="${count(cases, ['fail'])}" errors="0" skipped="${count(cases, ['skip', 'unknown'])}">`);
    for (const c of cases) {
      const address = 'finding' in c ? c.finding.address : c.address;
      let body = '';
      if (c.kind === 'fail') {
        const f = c.finding;
        body = `<failure type="${xmlAttribute(f.severity)}" message="${xmlAttribute(f.message)}">${xmlText(`${f.message}\nFix: ${f.remediation}${f.note ? `\n${f.note}` : ''}`)}</failure>`;
      } else if (c.kind === 'skip') {
        body = `<skipped message="${xmlAttribute(`suppressed: ${c.finding.suppressed?.reason ?? ''}`)}"/>`;
      } else if (c.kind === 'unknown') {
        body = '<skipped message="unknown until apply: a value the rule reads is known only after apply"/>';
      }
      out.line(`    <testcase classname="${xmlAttribute(rule)}" name="${xmlAttribute(address)}">${body}</testcase>`);
    }
    out.line('  </testsuite>');
  }
  out.line('</testsuites>');
}

/** The JUnit report as one string. */
export function renderJunit(result: ReviewResult, context: ReportContext): string {
  return collect((out) => writeJunit(result, context, out));
}
