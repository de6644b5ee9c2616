import { defineRule } from '../../rule';
import { anyUnknown, strings } from '../../values';

const REQUIRED = ['api', 'audit', 'authenticator'];

/** Control-plane logs (api, audit, authenticator) go to CloudWatch; none are enabled by default. */
export const eksControlPlaneLogging = defineRule({
  id: 'aws-eks-control-plane-logging',
  severity: 'warning',
  category: 'logging-audit',
  description: 'EKS cluster sends api, audit and authenticator control-plane logs to CloudWatch.',
  remediation: 'Set enabled_cluster_log_types to include "api", "audit" and "authenticator" (ideally all five types).',
  references: ['CKV_AWS_37', 'AVD-AWS-0038', 'CIS EKS 1.5.0 2.1.1'],
  appliesTo: ['aws_eks_cluster'],
  packs: ['baseline'],
  evaluate(resource) {
    const types = resource.values.enabled_cluster_log_types;
    if (anyUnknown(types)) return [];
    const missing = REQUIRED.filter((t) => !strings(types).includes(t));
    return missing.length ? [`control-plane log types not enabled: ${missing.join(', ')}`] : [];
  },
});
