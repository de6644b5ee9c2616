import { ReviewOptions } from '../../lib/governance/engine';
import { ReviewResult } from '../../lib/governance/model';
import { reviewTerraformJson } from '../../lib/governance/review';

/** Resources by address (`aws_s3_bucket.data`) → attributes, as they appear in cdk.tf.json. */
export type Resources = Record<string, Record<string, unknown>>;

/** Build a cdk.tf.json document from resources by address and optional provider blocks. */
export function terraformJson(resources: Resources, provider: Record<string, unknown[]> = { aws: [{ region: 'eu-west-1' }] }): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [address, values] of Object.entries(resources)) {
    const [type, name] = address.split('.');
    resource[type] = { ...(resource[type] ?? {}), [name]: values };
  }
  return { provider, resource };
}

/** Every pack enabled, so each rule can be exercised. */
export const ALL_PACKS: ReviewOptions = { packs: ['ml-guardrails', 'strict'] };

/** Review resources as cdk.tf.json with every pack enabled. */
export function review(resources: Resources, options: ReviewOptions = {}, provider?: Record<string, unknown[]>): ReviewResult {
  return reviewTerraformJson(terraformJson(resources, provider), { ...ALL_PACKS, ...options });
}

/** `ruleId@address` of each unsuppressed finding. */
export function findingKeys(result: ReviewResult): string[] {
  return result.findings.map((f) => `${f.ruleId}@${f.address}`);
}

/** One compliant / non-compliant pair for a rule. */
export interface RuleCase {
  /** Names the case when a rule has several. */
  readonly name?: string;
  readonly ruleId: string;
  /** Address the non-compliant finding must be reported on. */
  readonly address: string;
  readonly compliant: Resources;
  readonly nonCompliant: Resources;
  readonly options?: ReviewOptions;
  readonly provider?: Record<string, unknown[]>;
}

/** Register jest tests for a table of rule cases. */
export function describeRuleCases(title: string, cases: readonly RuleCase[]): void {
  describe(title, () => {
    describe.each(cases.map((c) => [c.name ? `${c.ruleId} (${c.name})` : c.ruleId, c] as const))('%s', (_label, c) => {
      test('reports the non-compliant resource', () => {
        expect(findingKeys(review(c.nonCompliant, c.options, c.provider))).toContain(`${c.ruleId}@${c.address}`);
      });
      test('accepts the compliant resource', () => {
        const keys = findingKeys(review(c.compliant, c.options, c.provider));
        expect(keys.filter((k) => k.startsWith(`${c.ruleId}@`))).toEqual([]);
        // The compliant configuration must still contain a resource the rule applies to.
        expect(Object.keys(c.compliant).some((a) => a.split('.')[0] === c.address.split('.')[0])).toBe(true);
      });
    });
  });
}

/** A policy document as a JSON string, the way Terraform stores it. */
export function policy(...statements: Array<Record<string, unknown>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
