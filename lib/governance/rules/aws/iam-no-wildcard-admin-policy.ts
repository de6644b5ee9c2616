import { defineRule } from '../../rule';
import { allowsAdministratorAccess, anyStatement, policyStatements } from '../../support/policy-document';
import { blocks, UNKNOWN } from '../../values';

const POLICY_ATTRIBUTE: Record<string, string> = {
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
};

/**
 * No policy allows every action on every resource (full admin): Action "*" / "*:*" or any NotAction, on Resource "*",
 * an ARN of wildcards (arn:*:*:*:*:*) or any NotResource. Policies are JSON strings; inline role policies included.
 */
export const iamNoWildcardAdminPolicy = defineRule({
  id: 'aws-iam-no-wildcard-admin-policy',
  severity: 'error',
  category: 'least-privilege',
  description: 'IAM policies do not allow Action "*" on Resource "*".',
  remediation: 'List the actions and resource ARNs the principal needs; use IAM Access Analyzer policy generation to find them.',
  references: ['CKV_AWS_1', 'CKV_AWS_62', 'CKV_AWS_63', 'AVD-AWS-0057', 'CIS AWS 3.0 1.16'],
  appliesTo: [...Object.keys(POLICY_ATTRIBUTE), 'aws_iam_role'],
  packs: ['baseline'],
  evaluate(resource) {
    const documents = resource.type === 'aws_iam_role'
      ? blocks(resource.values, 'inline_policy').map((p) => p.policy)
      : [resource.values[POLICY_ATTRIBUTE[resource.type]]];
    const out: string[] = [];
    for (const doc of documents) {
      const statements = policyStatements(doc);
      if (statements === UNKNOWN) continue;
      for (const s of statements) {
        if (anyStatement([s], allowsAdministratorAccess) === true) out.push('policy allows every action on every resource (Action "*", NotAction or NotResource, Resource "*")');
      }
    }
    return out;
  },
});
