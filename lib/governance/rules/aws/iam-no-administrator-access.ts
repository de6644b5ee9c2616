import { defineRule } from '../../rule';
import { strings } from '../../values';

const ADMIN_ARN = /^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/;

/** The AWS-managed AdministratorAccess policy is not attached to roles, users or groups. */
export const iamNoAdministratorAccess = defineRule({
  id: 'aws-iam-no-administrator-access',
  severity: 'error',
  category: 'least-privilege',
  description: 'The AdministratorAccess managed policy is not attached.',
  remediation: 'Attach a least-privilege customer-managed policy instead; keep admin access in break-glass roles outside this stack.',
  references: ['CKV_AWS_274', 'CIS AWS 3.0 1.16'],
  appliesTo: ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_role'],
  packs: ['baseline'],
  evaluate(resource) {
    const arns = resource.type === 'aws_iam_role' ? strings(resource.values.managed_policy_arns) : strings(resource.values.policy_arn);
    return arns.some((a) => ADMIN_ARN.test(a)) ? ['AdministratorAccess is attached'] : [];
  },
});
