import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../features/hardening';

/*
 * The library's `restricted` security contexts (lib/features/hardening.ts), in the Kubernetes API's own spelling
 * for custom resources (kubernetes_manifest): ids are integers there, where the kubernetes provider takes strings.
 */

/** The uid and gid pipeline containers run as. */
export const PIPELINE_UID = 1000;

/** Pod-level security context of a pipeline pod, as a manifest field. */
export function manifestPodSecurityContext(uid = PIPELINE_UID): Record<string, unknown> {
  const s = restrictedPodSecurityContext(uid);
  return { ...s, runAsUser: Number(s.runAsUser), runAsGroup: Number(s.runAsGroup), fsGroup: Number(s.fsGroup) };
}

/** Container-level security context of a pipeline container, as a manifest field. */
export function manifestContainerSecurityContext(uid = PIPELINE_UID): Record<string, unknown> {
  const s = restrictedContainerSecurityContext(uid);
  return { ...s, runAsUser: Number(s.runAsUser) };
}
