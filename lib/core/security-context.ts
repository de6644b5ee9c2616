/**
 * The library's pod and container security contexts, in one place. `restricted*` pass the Kubernetes
 * `restricted` Pod Security Standard: non-root, no privilege escalation, every capability dropped, read-only
 * root filesystem, RuntimeDefault seccomp; writable paths are emptyDir or persistent volumes. The kubernetes
 * provider takes ids as strings; `manifest*` spell the same contexts for custom resources (`kubernetes_manifest`),
 * where the API takes integers.
 */

/** Pod-level security for a non-root image: its own uid/gid, volumes group-owned, the runtime's seccomp profile. */
export function restrictedPodSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    runAsGroup: String(uid),
    fsGroup: String(uid),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level hardening for an image whose user the pod sets: no escalation, no capability, read-only root. */
export function hardenedContainerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}

/** The container half of {@link restrictedPodSecurityContext}: {@link hardenedContainerSecurityContext} plus the user, no privilege, seccomp. */
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

/** {@link restrictedPodSecurityContext} as a manifest field (integer ids). */
export function manifestPodSecurityContext(uid: number): Record<string, unknown> {
  const s = restrictedPodSecurityContext(uid);
  return { ...s, runAsUser: Number(s.runAsUser), runAsGroup: Number(s.runAsGroup), fsGroup: Number(s.fsGroup) };
}

/** {@link restrictedContainerSecurityContext} as a manifest field (integer ids). */
export function manifestContainerSecurityContext(uid: number): Record<string, unknown> {
  const s = restrictedContainerSecurityContext(uid);
  return { ...s, runAsUser: Number(s.runAsUser) };
}
