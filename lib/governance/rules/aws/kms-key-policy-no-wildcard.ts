import { defineRule } from '../../rule';
import { allOf, anyStatement, coversEveryone, coversServiceActions, hasEffect, policyStatements } from '../../support/policy-document';
import { UNKNOWN } from '../../values';

/** Key policies do not grant kms:* (or *) to Principal "*" without a condition. */
export const kmsKeyPolicyNoWildcard = defineRule({
  id: 'aws-kms-key-policy-no-wildcard',
  severity: 'error',
  category: 'key-management',
  description: 'KMS key policy does not grant kms:* to Principal "*" without a Condition.',
  remediation: 'Grant key administration to the account root or named roles, and usage (kms:Encrypt/Decrypt/GenerateDataKey*) to the principals that need it.',
  references: ['CKV_AWS_33'],
  appliesTo: ['aws_kms_key', 'aws_kms_key_policy'],
  packs: ['baseline'],
  evaluate(resource) {
    const statements = policyStatements(resource.values.policy);
    if (statements === UNKNOWN) return [];
    const grantsAllToEveryone = anyStatement(statements, (s) => allOf(hasEffect(s, 'Allow'), coversEveryone(s), !s.hasCondition, coversServiceActions(s, 'kms')));
    return grantsAllToEveryone === true ? ['key policy grants kms:* (or a NotAction) to Principal "*"'] : [];
  },
});
