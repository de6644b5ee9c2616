/** One statement of an AWS IAM policy document, in IAM's own spelling. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, string | string[]> | '*';
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * An IAM policy document as a JSON string. Written inline (not through a data source) so that the
 * synthesized Terraform shows the policy to reviewers and to governance rules as it will be applied;
 * references inside it stay Terraform interpolations.
 */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
