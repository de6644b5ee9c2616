import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';
import { ChunkedWriter, collect, writeJsonWithList } from './writer';

/** One finding in the `--format json` schema. */
export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly category: string;
  readonly address: string;
  readonly message: string;
  readonly remediation: string;
  readonly constructPath?: string;
  readonly suppressed?: { readonly reason: string; readonly expires?: string };
  readonly note?: string;
}

function toJson(f: Finding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    category: f.category,
    address: f.address,
    message: f.message,
    remediation: f.remediation,
    ...(f.constructPath ? { constructPath: f.constructPath } : {}),
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    ...(f.note ? { note: f.note } : {}),
  };
}

function* findingsOf(result: ReviewResult): Iterable<JsonFinding> {
  for (const f of result.findings) yield toJson(f);
  for (const f of result.suppressed) yield toJson(f);
}

/**
 * `--format json`: exactly one object `{ findings, summary }`; suppressed findings carry `suppressed`; the summary
 * counts rule evaluations left unknown until apply and carries the review's notes. Written finding by finding.
 */
export function writeJson(result: ReviewResult, context: ReportContext, out: ChunkedWriter): void {
  const summary = { ...result.summary, input: context.input, ...(result.notes?.length ? { notes: result.notes } : {}) };
  writeJsonWithList(out, { findings: [], summary }, ['findings'], findingsOf(result));
  out.add('\n');
}

/** The JSON report as one string. */
export function renderJson(result: ReviewResult, context: ReportContext): string {
  return collect((out) => writeJson(result, context, out));
}
