import { Finding } from '../model';

/**
 * One finding as a line of text. Synth-time validation errors and the CLI's table format print
 * exactly this, so a finding reads the same wherever it was found.
 */
export function formatFinding(f: Finding): string {
  const where = f.constructPath ? ` (${f.constructPath})` : '';
  const note = f.note ? ` [${f.note}]` : '';
  return `[${f.severity}] ${f.ruleId} ${f.address}${where}: ${f.message}. Fix: ${f.remediation}${note}`;
}
