import { defineRule } from '../../rule';
import { block, blocks, bool, isUnknown, str } from '../../values';

/**
 * Images are scanned for vulnerabilities when pushed: the repository's image_scanning_configuration.scan_on_push
 * (default false), or a registry-wide aws_ecr_registry_scanning_configuration in the same configuration with a rule
 * that scans on push or continuously (enhanced scanning replaces the repository setting).
 */
export const ecrScanOnPush = defineRule({
  id: 'aws-ecr-scan-on-push',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'ECR repository scans images on push (scan_on_push, or registry-level scanning rules).',
  remediation: 'Set image_scanning_configuration { scan_on_push = true }, or configure aws_ecr_registry_scanning_configuration with scan_type = "ENHANCED" and a rule with scan_frequency = "SCAN_ON_PUSH" or "CONTINUOUS_SCAN".',
  references: ['CKV_AWS_163', 'AVD-AWS-0030', 'CIS EKS 1.5.0 5.1.1'],
  appliesTo: ['aws_ecr_repository'],
  companions: ['aws_ecr_registry_scanning_configuration'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const onPush = bool(block(resource.values, 'image_scanning_configuration')?.scan_on_push);
    if (isUnknown(onPush) || onPush === true) return [];
    const registryScans = ctx.resourcesOfType('aws_ecr_registry_scanning_configuration')
      .some((c) => blocks(c.values, 'rule').some((r) => ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'].includes(str(r.scan_frequency) ?? '') || isUnknown(r.scan_frequency)));
    return registryScans ? [] : ['images are not scanned on push (image_scanning_configuration.scan_on_push is not true, no registry scanning rule)'];
  },
});
