/**
 * The library's pod and container security contexts, in one place: every `securityContext` a construct of the
 * library writes comes from here (test/core/security-context.test.ts checks the synthesized examples, and that no
 * other file of lib/ spells one). `restricted*` pass the Kubernetes `restricted` Pod Security Standard: non-root,
 * no privilege escalation, every capability dropped, read-only root filesystem, RuntimeDefault seccomp; writable
 * paths are emptyDir or persistent volumes. The few node agents that cannot run so ({@link rootContainerSecurityContext},
 * {@link devicePluginContainerSecurityContext}) say why here, and their constructs record the governance exception.
 * The kubernetes provider takes ids as strings; `manifest*` spell the same contexts for custom resources
 * (`kubernetes_manifest`), where the API takes integers.
 */

/** Options of {@link restrictedPodSecurityContext}. */
export interface PodSecurityOptions {
  /**
   * `OnRootMismatch` for a large persistent volume (a database's data directory): the kubelet re-owns the volume
   * for fsGroup only when its root does not already belong to the group, instead of walking every file at each
   * start. @default - the kubelet's default (`Always`)
   */
  readonly fsGroupChangePolicy?: 'OnRootMismatch';
}

/** Pod-level security for a non-root image: its own uid/gid, volumes group-owned, the runtime's seccomp profile. */
export function restrictedPodSecurityContext(uid: number, options: PodSecurityOptions = {}) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    runAsGroup: String(uid),
    fsGroup: String(uid),
    ...(options.fsGroupChangePolicy ? { fsGroupChangePolicy: options.fsGroupChangePolicy } : {}),
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

/**
 * The container half of {@link restrictedPodSecurityContext}: {@link hardenedContainerSecurityContext} plus the
 * user, no privilege, seccomp. Without `uid` the container takes the pod's user (the pod's context sets it).
 */
export function restrictedContainerSecurityContext(uid?: number) {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: String(uid) }),
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The capabilities a root container of the library adds back, each for one reason; any other is refused by the
 * type of {@link rootContainerSecurityContext}.
 */
export const ROOT_CAPABILITIES = {
  /**
   * Hands a root-owned hostPath directory to the pod's user (fsGroup does not apply to hostPath): the edge
   * DaemonSet's model cache, which the kubelet creates as root. Changing owners needs nothing else.
   */
  CHOWN: 'CHOWN',
  /** DCGM's profiling (DCP) metrics need it, as NVIDIA ships dcgm-exporter. */
  SYS_ADMIN: 'SYS_ADMIN',
} as const;

/** A capability in {@link ROOT_CAPABILITIES}. */
export type RootCapability = keyof typeof ROOT_CAPABILITIES;

/**
 * A container that must run as root (uid 0: it reads or changes what root owns on the node), without root's
 * powers: every capability dropped but the one it needs, no privilege escalation, read-only root filesystem,
 * never privileged. The construct records the `k8s-run-as-non-root` exception with its reason.
 */
export function rootContainerSecurityContext(capability: RootCapability) {
  return {
    runAsUser: '0',
    runAsNonRoot: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: [ROOT_CAPABILITIES[capability]] },
  };
}

/**
 * Pod-level security for a node agent whose containers run as root ({@link rootContainerSecurityContext}): only
 * the runtime's seccomp profile, as each container sets its own user and the agent writes no group-owned volume.
 */
export function rootPodSecurityContext() {
  return { seccompProfile: { type: 'RuntimeDefault' } };
}

/**
 * A device plugin's container: it runs as its image's user (root), as it must create its socket in the kubelet's
 * root-owned /var/lib/kubelet/device-plugins, with no privilege escalation and every capability dropped (as NVIDIA
 * and AWS ship theirs). No user is set, so none is overridden. The construct records the `k8s-run-as-non-root`
 * exception.
 *
 * @param rootFilesystem `read-only` where the plugin is known to run so (NVIDIA's); `writable` keeps a vendor's
 *   manifest that leaves it writable, for a plugin not documented to run without it (the AWS Neuron device plugin).
 */
export function devicePluginContainerSecurityContext(rootFilesystem: 'read-only' | 'writable') {
  return {
    allowPrivilegeEscalation: false,
    ...(rootFilesystem === 'read-only' ? { readOnlyRootFilesystem: true } : {}),
    capabilities: { drop: ['ALL'] },
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
