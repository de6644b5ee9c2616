import { Suppression } from '../model';
import { InputError } from '../normalize/strict-json';
import { recordedSuppression } from './suppression-check';

/** Key under `//.ml_platform` of a stack where synth records the deletions a plan may make. */
export const ALLOWED_DELETIONS_KEY = 'allowedDeletions';
/** The rule an allowed deletion suppresses. */
export const DELETION_RULE_ID = 'plan-stateful-resource-destroyed';

/** A deletion of a resource holding data that the stack's owners accepted, with why. */
export interface AllowedDeletion {
  /** Terraform address of the resource in the stack (`type.name`, as the plan names it). */
  readonly address: string;
  readonly reason: string;
  /** Last day (YYYY-MM-DD) it applies. @default - never expires */
  readonly expires?: string;
}

/** A resource address of a root module: `type.name`, optionally with an instance key (`[0]`, `["a"]`). */
const ADDRESS = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(\[(\d+|"[^"\\]*")\])?$/;

/** Throws when `address` is not a resource address of a cdktf stack. */
export function checkDeletionAddress(address: unknown, where: string): void {
  if (typeof address !== 'string' || !ADDRESS.test(address)) {
    const shown = typeof address === 'string' ? JSON.stringify(address.slice(0, 120)) : typeof address;
    throw new Error(`${where}: address ${shown} is not a resource address; pass it as the plan names it, e.g. aws_s3_bucket.raw_bucket_1A2B3C4D`);
  }
}

/**
 * The allowed deletions a synthesized stack records, as suppressions of {@link DELETION_RULE_ID} by address. A
 * malformed record is an input error; an entry with a reason too short or an invalid expiry is kept as refused (the
 * review reports it as it does a refused suppression).
 */
export function readAllowedDeletions(json: unknown, where: string): Map<string, Suppression> {
  const out = new Map<string, Suppression>();
  const raw = (json as Record<string, any> | undefined)?.['//']?.ml_platform?.[ALLOWED_DELETIONS_KEY];
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) throw new InputError(`${where}: //.ml_platform.${ALLOWED_DELETIONS_KEY} must be a list`);
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null || typeof entry.address !== 'string' || !ADDRESS.test(entry.address)) {
      throw new InputError(`${where}: every entry of //.ml_platform.${ALLOWED_DELETIONS_KEY} needs a resource address`);
    }
    out.set(entry.address, recordedSuppression(DELETION_RULE_ID, entry.reason, entry.expires));
  }
  return out;
}
