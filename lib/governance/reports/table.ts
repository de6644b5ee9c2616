import { ReviewResult } from '../model';
import { ReportContext } from './context';
import { visible } from './escape';
import { formatFinding } from './format';
import { describeConfigurations } from '../recorded-configuration';
import { ChunkedWriter, collect } from './writer';

/** Human-readable report, written line by line: one line per finding, suppressed findings apart, then counts. */
export function writeTable(result: ReviewResult, context: ReportContext, out: ChunkedWriter): void {
  out.line(`ml-platform review ${visible(context.input)}`);
  out.line();
  if (result.findings.length === 0) out.line('No findings.');
  for (const f of result.findings) out.line(formatFinding(f));
  if (result.suppressed.length) {
    out.line();
    out.line(`Suppressed (${result.suppressed.length}):`);
    for (const f of result.suppressed) {
      const until = f.suppressed?.expires ? ` (until ${visible(f.suppressed.expires)})` : '';
      out.line(`  ${visible(f.ruleId)} ${visible(f.address)}: ${visible(f.suppressed?.reason ?? '')}${until}`);
    }
  }
  const s = result.summary;
  out.line();
  out.line(`${s.error} error(s), ${s.warning} warning(s), ${s.info} info, ${s.suppressed} suppressed; ${s.resourcesReviewed} resource(s) reviewed with ${s.rulesEvaluated} rules (packs: ${s.packs.map(visible).join(', ')})`);
  for (const line of describeConfigurations(s.configurations)) out.line(visible(line));
  const unknown = Object.entries(s.unknownByRule ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (unknown.length) {
    out.line(`Unknown until apply: ${s.unknown ?? 0} rule evaluation(s) could not be decided: ${unknown.map(([id, n]) => `${visible(id)} (${n})`).join(', ')}`);
  }
  const skipped = Object.entries(result.skippedResourceTypes).sort(([a], [b]) => a.localeCompare(b));
  if (skipped.length) out.line(`Skipped ${s.resourcesSkipped} resource(s) of types no rule covers: ${skipped.map(([t, n]) => `${visible(t)} (${n})`).join(', ')}`);
  for (const note of result.notes ?? []) out.line(`Note: ${visible(note)}`);
}

/** The table report as one string. */
export function renderTable(result: ReviewResult, context: ReportContext): string {
  return collect((out) => writeTable(result, context, out));
}
