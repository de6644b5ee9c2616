import { Token } from 'cdktf';
import { Validator } from '../core/errors';

// The security contexts live in lib/core/security-context.ts; re-exported for the feature-store modules.
export { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security-context';

/** An image reference that names a version: a tag other than `latest`, or a digest. */
export function checkPinnedImage(v: Validator, prop: string, image: string | undefined): void {
  if (image === undefined || Token.isUnresolved(image)) return;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const pinned = image.includes('@sha256:') || (last.includes(':') && !last.endsWith(':latest'));
  v.check(typeof image === 'string' && pinned && !/[$%]\{/.test(image), prop, image,
    'must name a version: repository:tag (not latest) or repository@sha256:<digest>, without "${" or "%{"');
}
