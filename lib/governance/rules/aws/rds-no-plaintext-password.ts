import { defineRule } from '../../rule';

/**
 * No literal master password in configuration: it would sit in source control and state.
 * A reference (random_password, a variable) is unknown at review time and is not reported;
 * write-only arguments (password_wo) never reach state and are fine.
 */
export const rdsNoPlaintextPassword = defineRule({
  id: 'aws-rds-no-plaintext-password',
  severity: 'error',
  category: 'data-protection',
  description: 'RDS instance / Aurora cluster has no literal master password in configuration.',
  remediation: 'Remove password / master_password and set manage_master_user_password = true (or use password_wo from a secret).',
  references: ['CKV_SECRET_6'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const attr = resource.type === 'aws_db_instance' ? 'password' : 'master_password';
    const value = resource.values[attr];
    return typeof value === 'string' && value !== '' ? [`${attr} is a literal value in configuration`] : [];
  },
});
