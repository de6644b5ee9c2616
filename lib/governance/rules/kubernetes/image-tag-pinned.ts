import { defineRule } from '../../rule';
import { containers, POD_BEARING_TYPES } from '../../support/workloads';
import { str } from '../../values';

/** True when an image reference has no tag/digest or uses :latest. */
export function isUnpinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon === -1 || lastSegment.slice(colon + 1) === 'latest';
}

/** Container images name a tag other than latest (or a digest). */
export const imageTagPinned = defineRule({
  id: 'k8s-image-tag-pinned',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Container images use an explicit tag other than latest, or a digest.',
  remediation: 'Reference images as registry/repo:1.2.3 or, better, registry/repo@sha256:<digest>.',
  references: ['CKV_K8S_14', 'AVD-KSV-0013'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    for (const { label, container } of containers(resource)) {
      const image = str(container.image);
      if (image && isUnpinnedImage(image)) out.push(`${label} image ${image} has no tag or uses :latest`);
    }
    return out;
  },
});
