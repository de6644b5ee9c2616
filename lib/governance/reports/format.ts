import { Finding } from '../model';
import { visible } from './escape';

/**
 * One finding as a line of text. Synth-time validation errors and the CLI's table format print
 * exactly this, so a finding reads the same wherever it was found. Text from the input is made
 * visible: a control character or direction mark cannot hide or forge part of the line.
 */
export function formatFinding(f: Finding): string {
  const where = f.constructPath ? ` (${visible(f.constructPath)})` : '';
  const note = f.note ? ` [${visible(f.note)}]` : '';
  return `[${f.severity}] ${visible(f.ruleId)} ${visible(f.address)}${where}: ${visible(f.message)}. Fix: ${visible(f.remediation)}${note}`;
}
