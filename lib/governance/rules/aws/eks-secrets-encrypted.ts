import { defineRule } from '../../rule';
import { anyUnknown, block, blocks, isSet, strings } from '../../values';

/** Kubernetes secrets are envelope-encrypted with a KMS key (encryption_config has no default). */
export const eksSecretsEncrypted = defineRule({
  id: 'aws-eks-secrets-encrypted',
  severity: 'error',
  category: 'encryption-at-rest',
  description: 'EKS cluster encrypts Kubernetes secrets with a KMS key (envelope encryption).',
  remediation: 'Add encryption_config { resources = ["secrets"], provider { key_arn = <KMS key ARN> } }.',
  references: ['CKV_AWS_58', 'AVD-AWS-0039', 'CIS EKS 1.5.0 5.3.1'],
  appliesTo: ['aws_eks_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const configs = blocks(resource.values, 'encryption_config');
    const ok = configs.some((c) => (anyUnknown(c.resources) || strings(c.resources).includes('secrets')) && isSet(block(c, 'provider')?.key_arn));
    return ok ? [] : ['Kubernetes secrets are not envelope-encrypted with a KMS key'];
  },
});
