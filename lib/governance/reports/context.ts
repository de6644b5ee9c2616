import { Rule } from '../rule';

/** What every report format needs besides the review result. */
export interface ReportContext {
  /** Rules that were enabled (their metadata fills SARIF rule descriptors). */
  readonly rules: readonly Rule[];
  /** The reviewed input path (SARIF artifact uri fallback, report titles). */
  readonly input: string;
}
