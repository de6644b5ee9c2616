import { Finding, ReviewResult } from '../model';
import { ReportContext } from './context';

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

/** `--format json`: exactly one object `{ findings, summary }`; suppressed findings carry `suppressed`. */
export function renderJson(result: ReviewResult, context: ReportContext): string {
  const report = {
    findings: [...result.findings, ...result.suppressed].map(toJson),
    summary: { ...result.summary, input: context.input },
  };
  return JSON.stringify(report, null, 2) + '\n';
}
