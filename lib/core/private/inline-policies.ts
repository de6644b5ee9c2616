import { Construct } from 'constructs';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument, PolicyStatement } from '../iam';
import { canonical } from './bindings';
import { requireProvider } from './optional-provider';

/**
 * The inline policies a construct puts on one IAM role. AWS keys an inline policy by (role, name): a second
 * `aws_iam_role_policy` with the same name overwrites the first in AWS, and destroying either deletes the
 * policy for both. So an identical document is added once, and a different document under a name already
 * used gets the next free name (`read-data-2`).
 */
export class InlinePolicies {
  private readonly byName = new Map<string, string>();
  private readonly byDocument = new Map<string, IamRolePolicy>();
  private calls = 0;

  /**
   * @param scope where the policies are created (the role's owner, so a grant lives in the consumer's stack)
   * @param roleName the role's name (may be a token)
   * @param idFor the construct id of a policy from its (unique) name and n, the number of earlier calls
   *   (deduplicated or not, so ids already in use never shift)
   */
  constructor(private readonly scope: Construct, private readonly roleName: string, private readonly idFor: (name: string, n: number) => string) {}

  /** Adds `statements` as an inline policy named `name`, or returns the policy that already holds them. */
  public add(name: string, statements: PolicyStatement[]): IamRolePolicy {
    const n = this.calls++;
    const document = policyDocument(statements);
    // Every read of an attribute mints a new token: compare documents as Terraform will see them.
    const key = canonical(this.scope, statements);
    const existing = this.byDocument.get(key);
    if (existing) return existing;
    let unique = name;
    for (let i = 2; this.byName.has(unique); i++) unique = `${name}-${i}`;
    const { IamRolePolicy } = requireProvider(this.scope, `the inline IAM policy ${unique}`, () =>
      require('@cdktf/provider-aws/lib/iam-role-policy') as typeof import('@cdktf/provider-aws/lib/iam-role-policy'));
    const policy = new IamRolePolicy(this.scope, this.idFor(unique, n), { role: this.roleName, name: unique, policy: document });
    this.byName.set(unique, key);
    this.byDocument.set(key, policy);
    return policy;
  }

  /** Every policy added so far. */
  public get policies(): IamRolePolicy[] {
    return [...this.byDocument.values()];
  }
}
