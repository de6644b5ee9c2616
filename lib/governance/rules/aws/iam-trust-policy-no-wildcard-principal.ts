import { defineRule } from '../../rule';
import { allOf, anyStatement, coversEveryone, hasEffect, policyStatements } from '../../support/policy-document';
import { UNKNOWN } from '../../values';

/** Role trust policies do not let any principal ("*") assume the role without a condition. */
export const iamTrustPolicyNoWildcardPrincipal = defineRule({
  id: 'aws-iam-trust-policy-no-wildcard-principal',
  severity: 'error',
  category: 'least-privilege',
  description: 'IAM role trust policy does not allow Principal "*" without a Condition.',
  remediation: 'Name the trusted accounts, services or OIDC provider in Principal, and add Condition keys (sts:ExternalId, aud/sub for OIDC).',
  references: ['CKV_AWS_60'],
  appliesTo: ['aws_iam_role'],
  packs: ['baseline'],
  evaluate(resource) {
    const statements = policyStatements(resource.values.assume_role_policy);
    if (statements === UNKNOWN) return [];
    const trustsEveryone = anyStatement(statements, (s) => allOf(hasEffect(s, 'Allow'), coversEveryone(s), !s.hasCondition));
    return trustsEveryone === true ? ['trust policy allows Principal "*" (or a NotPrincipal) without a Condition'] : [];
  },
});
