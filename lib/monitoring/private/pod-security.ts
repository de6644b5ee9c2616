import { createHash } from 'crypto';
import { hardenedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/private/security-context';
import { Cpu, Size } from '../../core/units';

/** Labels every monitoring object carries. */
export function componentLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'ml-monitoring', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
}

/** The selector of a component's pods (a stable subset of {@link componentLabels}). */
export function componentSelector(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'ml-monitoring' };
}

/** Pod-level security for a non-root image (lib/core/security-context.ts). */
export const nonRootPodSecurity = restrictedPodSecurityContext;

/** Container-level hardening (lib/core/security-context.ts). */
export const hardenedContainer = hardenedContainerSecurityContext;

/** Container requests and limits: CPU limit above the request (bursts), memory limit equal to it (no overcommit). */
export function resources(cpu: Cpu, memory: Size, cpuLimit?: Cpu) {
  return {
    requests: { cpu: cpu.toKubernetes(), memory: memory.toKubernetes() },
    limits: { cpu: (cpuLimit ?? Cpu.millis(cpu.toMillis() * 2)).toKubernetes(), memory: memory.toKubernetes() },
  };
}

/** An HTTP probe on a named port. */
export function httpProbe(path: string, port: string, initialDelaySeconds = 10) {
  return { httpGet: { path, port }, initialDelaySeconds, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 };
}

/**
 * A pod-template annotation holding the hash of a component's configuration, so a changed ConfigMap rolls
 * the pods (Kubernetes does not restart pods when a mounted ConfigMap changes, and these images have no
 * reload sidecar).
 */
export function configHashAnnotation(...contents: string[]): Record<string, string> {
  const hash = createHash('sha256');
  for (const c of contents) hash.update(c).update('\0');
  return { 'ml-platform.io/config-sha256': hash.digest('hex') };
}
