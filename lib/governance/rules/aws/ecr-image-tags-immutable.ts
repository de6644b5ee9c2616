import { defineRule } from '../../rule';
import { isUnknown, str } from '../../values';

/**
 * Image tags cannot be overwritten, so a reviewed tag keeps pointing at the reviewed image (image_tag_mutability
 * defaults to MUTABLE). IMMUTABLE_WITH_EXCLUSION is accepted: its exclusion filters are an explicit, reviewable choice.
 */
export const ecrImageTagsImmutable = defineRule({
  id: 'aws-ecr-image-tags-immutable',
  severity: 'warning',
  category: 'ml-lifecycle',
  description: 'ECR repository has image_tag_mutability = "IMMUTABLE".',
  remediation: 'Set image_tag_mutability = "IMMUTABLE" and publish a new tag per build (reference images by digest when deploying).',
  references: ['CKV_AWS_51', 'AVD-AWS-0031'],
  appliesTo: ['aws_ecr_repository'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = resource.values.image_tag_mutability;
    if (isUnknown(v)) return [];
    const mode = str(v) ?? 'MUTABLE';
    return mode.startsWith('IMMUTABLE') ? [] : [`image_tag_mutability is ${mode}: a pushed tag can be replaced by another image`];
  },
});
