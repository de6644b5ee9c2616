import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';
import { describeConfigurations } from '../recorded-configuration';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const ICON: Record<string, string> = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info' };

function row(f: Finding): string {
  const note = f.note ? ` _(${f.note})_` : '';
  return `| ${ICON[f.severity]} | \`${cell(f.ruleId)}\` | \`${cell(f.address)}\` | ${cell(f.message)}${cell(note)} | ${cell(f.remediation)} |`;
}

/** Markdown for a pull-request comment: counts, findings table, suppressed findings folded. */
export function renderMarkdown(result: ReviewResult, context: ReportContext): string {
  const s = result.summary;
  const lines = [
    `### ml-platform governance review`,
    '',
    `\`${cell(context.input)}\`: **${s.error}** error(s), **${s.warning}** warning(s), **${s.info}** info, ${s.suppressed} suppressed — ${s.resourcesReviewed} resource(s) reviewed (packs: ${s.packs.join(', ')}).`,
    '',
  ];
  if (result.findings.length) {
    lines.push('| Severity | Rule | Resource | Finding | Fix |', '|---|---|---|---|---|', ...result.findings.map(row), '');
  } else {
    lines.push('No findings. ✅', '');
  }
  if (result.suppressed.length) {
    lines.push(`<details><summary>${result.suppressed.length} suppressed finding(s)</summary>`, '', '| Rule | Resource | Reason | Expires |', '|---|---|---|---|');
    for (const f of result.suppressed) {
      lines.push(`| \`${cell(f.ruleId)}\` | \`${cell(f.address)}\` | ${cell(f.suppressed?.reason ?? '')} | ${f.suppressed?.expires ?? '—'} |`);
    }
    lines.push('', '</details>', '');
  }
  const configuration = describeConfigurations(s.configurations);
  if (configuration.length) lines.push(`<sub>${configuration.map(cell).join('<br>')}</sub>`, '');
  const skipped = Object.entries(result.skippedResourceTypes);
  if (skipped.length) lines.push(`<sub>Skipped ${s.resourcesSkipped} resource(s) of ${skipped.length} type(s) no rule covers.</sub>`, '');
  return lines.join('\n');
}
