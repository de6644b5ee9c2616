import * as core from '../../core/private/security-context';

/*
 * The library's `restricted` security contexts (lib/core/security-context.ts), in the Kubernetes API's own spelling
 * for custom resources (kubernetes_manifest): ids are integers there, where the kubernetes provider takes strings.
 */

/** The uid and gid pipeline containers run as. */
export const PIPELINE_UID = 1000;

/** Pod-level security context of a pipeline pod, as a manifest field. */
export function manifestPodSecurityContext(uid = PIPELINE_UID): Record<string, unknown> {
  return core.manifestPodSecurityContext(uid);
}

/** Container-level security context of a pipeline container, as a manifest field. */
export function manifestContainerSecurityContext(uid = PIPELINE_UID): Record<string, unknown> {
  return core.manifestContainerSecurityContext(uid);
}
