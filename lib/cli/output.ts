import * as fs from 'fs';
import { ReviewResult } from '../governance/model';
import { ReportContext, ReportFormat, writeReport } from '../governance/reports';
import { UsageError } from './args';

/**
 * Write the report chunk by chunk to `output` (a file) or to `stdout`, never as one string: a report of
 * hundreds of thousands of findings would pass V8's string limit.
 */
export function writeReportTo(format: ReportFormat, result: ReviewResult, context: ReportContext, output: string | undefined, stdout: (text: string) => void): void {
  if (!output) {
    writeReport(format, result, context, stdout);
    return;
  }
  let fd: number;
  try {
    fd = fs.openSync(output, 'w');
  } catch (e) {
    throw new UsageError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? 'write error'}`);
  }
  try {
    writeReport(format, result, context, (chunk) => fs.writeSync(fd, chunk));
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw new UsageError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code}`);
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}
