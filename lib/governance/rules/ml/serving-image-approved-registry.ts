import { defineRule } from '../../rule';
import { SERVING_IMAGE_TYPES, servingImages } from '../../support/serving-images';

/** Serving images come only from approved registries (parameter approvedRegistries, matched as prefixes). */
export const servingImageApprovedRegistry = defineRule({
  id: 'ml-serving-image-approved-registry',
  severity: 'error',
  category: 'ml-lifecycle',
  description: 'Serving images (SageMaker models; Kubernetes workloads labelled app.kubernetes.io/component=inference) come from an approved registry.',
  remediation: 'Push the image to an approved registry (ECR / Artifact Registry) and reference it there.',
  references: ['SLSA: trusted build sources'],
  appliesTo: SERVING_IMAGE_TYPES,
  packs: ['ml-guardrails'],
  evaluate(resource, ctx) {
    const approved = ctx.parameters.approvedRegistries;
    if (!approved || approved.length === 0) return [];
    return servingImages(resource)
      .filter(({ image }) => !approved.some((prefix) => image.startsWith(prefix)))
      .map(({ label, image }) => `${label} image ${image} is not from an approved registry`);
  },
});
