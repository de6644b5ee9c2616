import { ReviewResult } from '../model';
import { ReportContext } from './context';
import { formatFinding } from './format';
import { describeConfigurations } from '../recorded-configuration';

/** Human-readable report: one line per finding, suppressed findings apart, then counts. */
export function renderTable(result: ReviewResult, context: ReportContext): string {
  const lines: string[] = [`ml-platform review ${context.input}`, ''];
  if (result.findings.length === 0) lines.push('No findings.');
  for (const f of result.findings) lines.push(formatFinding(f));
  if (result.suppressed.length) {
    lines.push('', `Suppressed (${result.suppressed.length}):`);
    for (const f of result.suppressed) {
      lines.push(`  ${f.ruleId} ${f.address}: ${f.suppressed?.reason}${f.suppressed?.expires ? ` (until ${f.suppressed.expires})` : ''}`);
    }
  }
  const s = result.summary;
  lines.push('', `${s.error} error(s), ${s.warning} warning(s), ${s.info} info, ${s.suppressed} suppressed; ${s.resourcesReviewed} resource(s) reviewed with ${s.rulesEvaluated} rules (packs: ${s.packs.join(', ')})`);
  lines.push(...describeConfigurations(s.configurations));
  const skipped = Object.entries(result.skippedResourceTypes).sort(([a], [b]) => a.localeCompare(b));
  if (skipped.length) lines.push(`Skipped ${s.resourcesSkipped} resource(s) of types no rule covers: ${skipped.map(([t, n]) => `${t} (${n})`).join(', ')}`);
  return lines.join('\n') + '\n';
}
