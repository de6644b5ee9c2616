import { defineRule } from '../../rule';
import { SERVING_IMAGE_TYPES, servingImages } from '../../support/serving-images';
import { containers, POD_BEARING_TYPES } from '../../support/workloads';
import { str } from '../../values';

/**
 * Every workload image comes from an approved registry (parameter approvedRegistries, matched as prefixes): feature
 * servers, registries, monitoring, device plugins, exporters, jobs and edge workloads, not only model serving.
 * Serving images are ml-serving-image-approved-registry's, so each image is reported once. In ml-guardrails with the
 * serving rule: one `registryMirrors` setting (RegistryMirrors, lib/core/images.ts) moves every default image the
 * library uses to the approved mirror, so the policy can hold for every image, not only the model's.
 */
export const imageApprovedRegistry = defineRule({
  id: 'ml-image-approved-registry',
  severity: 'error',
  category: 'ml-lifecycle',
  description: 'Images of every Kubernetes workload (containers and init containers) come from an approved registry (parameter approvedRegistries).',
  remediation: 'Pull the library\'s default images through an approved mirror: MlPlatform registryMirrors, or RegistryMirrors.configure(app, '
    + '{ \'*\': \'<mirror host>/<path>\' }) (an ECR or Artifact Registry pull-through cache, Harbor, Artifactory). For an image you set '
    + 'yourself, push it to an approved registry and reference it there.',
  references: ['SLSA: trusted build sources', 'CIS EKS 1.5.0 5.1.4', 'CIS GKE 1.6.0 5.1.4'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['ml-guardrails', 'strict'],
  evaluate(resource, ctx) {
    const approved = ctx.parameters.approvedRegistries;
    if (!approved || approved.length === 0) return [];
    const serving = SERVING_IMAGE_TYPES.includes(resource.type) ? new Set(servingImages(resource).map((s) => s.label)) : new Set<string>();
    const out: string[] = [];
    for (const { label, container } of containers(resource)) {
      const image = str(container.image);
      if (!image || serving.has(label)) continue;
      if (!approved.some((prefix) => image.startsWith(prefix))) out.push(`${label} image ${image} is not from an approved registry`);
    }
    return out;
  },
});
