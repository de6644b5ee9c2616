import { defineRule } from '../../rule';
import { SERVING_IMAGE_TYPES, servingImages } from '../../support/serving-images';

/** Serving images are pinned by digest so what was reviewed is what runs. */
export const servingImagePinnedByDigest = defineRule({
  id: 'ml-serving-image-pinned-by-digest',
  severity: 'warning',
  category: 'ml-lifecycle',
  description: 'Serving images (SageMaker models; Kubernetes workloads labelled app.kubernetes.io/component=inference) are referenced by digest (@sha256:...).',
  remediation: 'Reference the image as registry/repo@sha256:<digest> (resolve the digest in CI when promoting a model).',
  references: ['SLSA: immutable references'],
  appliesTo: SERVING_IMAGE_TYPES,
  packs: ['ml-guardrails'],
  evaluate(resource) {
    return servingImages(resource)
      .filter(({ image }) => !image.includes('@sha256:'))
      .map(({ label, image }) => `${label} image ${image} is not pinned by digest`);
  },
});
