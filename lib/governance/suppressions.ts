import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { Suppression } from './model';
import { METADATA_KEY } from './normalize/terraform-json';
import { isIsoDate, MIN_REASON_LENGTH, visibleLength } from './support/suppression-check';

/** Options for {@link Governance.suppress}. */
export interface SuppressionOptions {
  /** Why the finding is acceptable; shown in every report. Required and non-empty. */
  readonly reason: string;
  /** Last day (YYYY-MM-DD) the suppression applies. @default - never expires */
  readonly expires?: string;
}

const recorded = new WeakMap<IConstruct, Suppression[]>();

/** Validate a suppression and return it; throws with what to fix. */
export function createSuppression(ruleId: string, options: SuppressionOptions, where: string): Suppression {
  // The rule catalogue loads on first use: constructs that record a suppression do not pay for it at import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ALL_RULES } = require('./rules') as typeof import('./rules');
  // An unknown id with a built-in prefix is a typo; any other id may name a custom rule registered later (checked at synth).
  if (!ALL_RULES.some((r) => r.id === ruleId) && (typeof ruleId !== 'string' || /^(aws|gcp|k8s|ml|plan)-/.test(ruleId) || ruleId.trim() === '')) {
    throw new Error(`${where}: cannot suppress unknown rule '${ruleId}'; use a rule id from the governance catalogue (e.g. aws-s3-access-logging) or of a custom rule`);
  }
  if (typeof options?.reason !== 'string' || visibleLength(options.reason) === 0) {
    throw new Error(`${where}: suppression of ${ruleId} needs a non-empty reason explaining why the finding is acceptable`);
  }
  if (visibleLength(options.reason) < MIN_REASON_LENGTH) {
    throw new Error(`${where}: suppression of ${ruleId} needs a reason of at least ${MIN_REASON_LENGTH} visible characters explaining why the finding is acceptable`);
  }
  if (options.expires !== undefined && (typeof options.expires !== 'string' || !isIsoDate(options.expires))) {
    throw new Error(`${where}: suppression of ${ruleId} has expires '${String(options.expires)}'; use a date as YYYY-MM-DD`);
  }
  return { ruleId, reason: options.reason.trim(), ...(options.expires ? { expires: options.expires } : {}) };
}

/**
 * Record a suppression on one Terraform resource. It is written into the resource's synthesized JSON
 * under `//.ml_platform.suppressions`, so reviews of cdk.tf.json (and plans reviewed with
 * `--suppressions-from cdktf.out`) honour it too.
 */
export function suppress(resource: IConstruct, ruleId: string, options: SuppressionOptions): void {
  if (!TerraformResource.isTerraformResource(resource)) {
    throw new Error(`${resource.node.path}: suppressions apply to one Terraform resource; pass the resource (e.g. bucket.resource), not a construct that contains resources`);
  }
  const suppression = createSuppression(ruleId, options, resource.node.path);
  const list = (recorded.get(resource) ?? []).filter((s) => s.ruleId !== ruleId);
  list.push(suppression);
  recorded.set(resource, list);
  (resource as TerraformResource).addOverride(`//.${METADATA_KEY}.suppressions`, list.map((s) => ({ ...s })));
}
