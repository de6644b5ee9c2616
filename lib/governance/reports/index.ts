import { ReviewResult } from '../model';
import { ReportContext } from './context';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderTable } from './table';

export { ReportContext } from './context';
export { formatFinding } from './format';
export { renderJson, JsonFinding } from './json';
export { renderJunit } from './junit';
export { renderMarkdown } from './markdown';
export { renderSarif } from './sarif';
export { renderTable } from './table';

/** Report formats the CLI can write. */
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Render a review result in the given format. */
export function renderReport(format: ReportFormat, result: ReviewResult, context: ReportContext): string {
  switch (format) {
    case 'json': return renderJson(result, context);
    case 'sarif': return renderSarif(result, context);
    case 'junit': return renderJunit(result, context);
    case 'markdown': return renderMarkdown(result, context);
    case 'table': return renderTable(result, context);
  }
}
