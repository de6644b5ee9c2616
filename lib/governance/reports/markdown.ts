import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';
import { markdownCode, markdownText } from './escape';
import { ChunkedWriter, collect } from './writer';
import { describeConfigurations } from '../recorded-configuration';

const ICON: Record<string, string> = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info' };

function row(f: Finding): string {
  const note = f.note ? ` _(${markdownText(f.note)})_` : '';
  return `| ${ICON[f.severity] ?? markdownText(f.severity)} | ${markdownCode(f.ruleId)} | ${markdownCode(f.address)} | ${markdownText(f.message)}${note} | ${markdownText(f.remediation)} |`;
}

/** Markdown for a pull-request comment: counts, findings table, suppressed findings folded. Input text is escaped. */
export function writeMarkdown(result: ReviewResult, context: ReportContext, out: ChunkedWriter): void {
  const s = result.summary;
  out.line('### ml-platform governance review');
  out.line();
  out.line(`${markdownCode(context.input)}: **${s.error}** error(s), **${s.warning}** warning(s), **${s.info}** info, ${s.suppressed} suppressed — ${s.resourcesReviewed} resource(s) reviewed (packs: ${s.packs.map(markdownText).join(', ')}).`);
  out.line();
  if (result.findings.length) {
    out.line('| Severity | Rule | Resource | Finding | Fix |');
    out.line('|---|---|---|---|---|');
    for (const f of result.findings) out.line(row(f));
    out.line();
  } else {
    out.line('No findings. ✅');
    out.line();
  }
  if (result.suppressed.length) {
    out.line(`<details><summary>${result.suppressed.length} suppressed finding(s)</summary>`);
    out.line();
    out.line('| Rule | Resource | Reason | Expires |');
    out.line('|---|---|---|---|');
    for (const f of result.suppressed) {
      out.line(`| ${markdownCode(f.ruleId)} | ${markdownCode(f.address)} | ${markdownText(f.suppressed?.reason ?? '')} | ${f.suppressed?.expires ? markdownText(f.suppressed.expires) : '—'} |`);
    }
    out.line();
    out.line('</details>');
    out.line();
  }
  const configuration = describeConfigurations(s.configurations);
  if (configuration.length) {
    out.line(`<sub>${configuration.map(markdownText).join('<br>')}</sub>`);
    out.line();
  }
  const unknown = Object.entries(s.unknownByRule ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (unknown.length) {
    out.line(`<sub>Unknown until apply: ${s.unknown ?? 0} rule evaluation(s) could not be decided (${unknown.map(([id, n]) => `${markdownCode(id)} ${n}`).join(', ')}).</sub>`);
    out.line();
  }
  const skipped = Object.entries(result.skippedResourceTypes);
  if (skipped.length) {
    out.line(`<sub>Skipped ${s.resourcesSkipped} resource(s) of ${skipped.length} type(s) no rule covers.</sub>`);
    out.line();
  }
  for (const note of result.notes ?? []) {
    out.line(`<sub>${markdownText(note)}</sub>`);
    out.line();
  }
}

/** The Markdown report as one string. */
export function renderMarkdown(result: ReviewResult, context: ReportContext): string {
  return collect((out) => writeMarkdown(result, context, out));
}
