import { Token } from 'cdktf';
import { Validator } from '../core/errors';

/**
 * Pod and container security contexts that pass the Kubernetes `restricted` Pod Security Standard: non-root,
 * no privilege escalation, every capability dropped, read-only root filesystem, RuntimeDefault seccomp.
 * Writable paths are emptyDir or persistent volumes.
 */
export function restrictedPodSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    runAsGroup: String(uid),
    fsGroup: String(uid),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container half of {@link restrictedPodSecurityContext}. */
export function restrictedContainerSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** An image reference that names a version: a tag other than `latest`, or a digest. */
export function checkPinnedImage(v: Validator, prop: string, image: string | undefined): void {
  if (image === undefined || Token.isUnresolved(image)) return;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const pinned = image.includes('@sha256:') || (last.includes(':') && !last.endsWith(':latest'));
  v.check(typeof image === 'string' && pinned && !/[$%]\{/.test(image), prop, image,
    'must name a version: repository:tag (not latest) or repository@sha256:<digest>, without "${" or "%{"');
}
