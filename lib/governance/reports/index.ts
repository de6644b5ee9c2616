import { ReviewResult } from '../model';
import { ReportContext } from './context';
import { writeJson } from './json';
import { writeJunit } from './junit';
import { writeMarkdown } from './markdown';
import { writeSarif } from './sarif';
import { writeTable } from './table';
import { ChunkedWriter, collect, ReportWriter } from './writer';

export { ReportContext } from './context';
export { formatFinding } from './format';
export { renderJson, JsonFinding } from './json';
export { renderJunit } from './junit';
export { renderMarkdown } from './markdown';
export { renderSarif } from './sarif';
export { renderTable } from './table';
export { ReportWriter } from './writer';

/** Report formats the CLI can write. */
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const WRITERS: Record<ReportFormat, (result: ReviewResult, context: ReportContext, out: ChunkedWriter) => void> = {
  json: writeJson,
  sarif: writeSarif,
  junit: writeJunit,
  markdown: writeMarkdown,
  table: writeTable,
};

/** Write a review result in the given format, chunk by chunk (no chunk is much larger than 64 KiB). */
export function writeReport(format: ReportFormat, result: ReviewResult, context: ReportContext, write: ReportWriter): void {
  const out = new ChunkedWriter(write);
  WRITERS[format](result, context, out);
  out.flush();
}

/** Render a review result in the given format as one string. */
export function renderReport(format: ReportFormat, result: ReviewResult, context: ReportContext): string {
  return collect((out) => WRITERS[format](result, context, out));
}
