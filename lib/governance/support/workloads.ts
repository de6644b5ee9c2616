import { GovernedResource } from '../model';
import { block, blocks, isUnknown, path } from '../values';
import { manifestObject, manifestPodSpec, MANIFEST_SERVING_KINDS } from './kubernetes-manifest';

/** Kubernetes provider resource types that carry a pod template, and where its pod spec sits. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  kubernetes_deployment: ['spec', 'template', 'spec'],
  kubernetes_deployment_v1: ['spec', 'template', 'spec'],
  kubernetes_daemonset: ['spec', 'template', 'spec'],
  kubernetes_daemon_set_v1: ['spec', 'template', 'spec'],
  kubernetes_stateful_set: ['spec', 'template', 'spec'],
  kubernetes_stateful_set_v1: ['spec', 'template', 'spec'],
  kubernetes_replication_controller: ['spec', 'template', 'spec'],
  kubernetes_replication_controller_v1: ['spec', 'template', 'spec'],
  kubernetes_job: ['spec', 'template', 'spec'],
  kubernetes_job_v1: ['spec', 'template', 'spec'],
  kubernetes_cron_job: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_cron_job_v1: ['spec', 'job_template', 'spec', 'template', 'spec'],
  kubernetes_pod: ['spec'],
  kubernetes_pod_v1: ['spec'],
};

/** `kubernetes_manifest` holds any object; its Deployments, Jobs, Pods & co are workloads like the typed resources. */
export const MANIFEST_TYPE = 'kubernetes_manifest';

/** Every pod-bearing Kubernetes resource type (a `kubernetes_manifest` is one when its kind is a workload). */
export const POD_BEARING_TYPES: readonly string[] = [...Object.keys(POD_SPEC_PATHS), MANIFEST_TYPE];

/** Kubernetes workload types typically used for serving (long-running pods). */
export const SERVING_WORKLOAD_TYPES: readonly string[] = [
  'kubernetes_deployment', 'kubernetes_deployment_v1', 'kubernetes_stateful_set', 'kubernetes_stateful_set_v1', 'kubernetes_pod', 'kubernetes_pod_v1', MANIFEST_TYPE,
];

/** The pod spec of a workload, whatever the nesting and whether blocks are lists or objects (snake_case, as the typed resources). */
export function podSpec(resource: GovernedResource): Record<string, unknown> | undefined {
  if (resource.type === MANIFEST_TYPE) return manifestPodSpec(resource);
  const p = Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, resource.type) ? POD_SPEC_PATHS[resource.type] : undefined;
  return p ? path(resource.values, ...p) : undefined;
}

/** Whether a resource runs pods: a typed workload, or a manifest of a workload kind. */
export function isWorkload(resource: GovernedResource): boolean {
  return resource.type === MANIFEST_TYPE ? manifestPodSpec(resource) !== undefined : Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, resource.type);
}

/** Whether a workload usually serves (Deployment, StatefulSet, Pod), typed or as a manifest. */
export function isServingKind(resource: GovernedResource): boolean {
  if (resource.type !== MANIFEST_TYPE) return SERVING_WORKLOAD_TYPES.includes(resource.type);
  const kind = manifestObject(resource)?.kind;
  return typeof kind === 'string' && MANIFEST_SERVING_KINDS.includes(kind);
}

/** The object's own metadata and, for workloads with a pod template, the template's metadata (snake_case blocks). */
export function workloadMetadata(resource: GovernedResource): { metadata?: Record<string, unknown>; template?: Record<string, unknown> } {
  if (resource.type === MANIFEST_TYPE) {
    const manifest = manifestObject(resource);
    const kind = manifest?.kind;
    const spec = block(manifest, 'spec');
    const template = kind === 'CronJob' ? path(spec, 'jobTemplate', 'spec', 'template') : kind === 'Pod' ? undefined : block(spec, 'template');
    return { metadata: block(manifest, 'metadata'), template: block(template, 'metadata') };
  }
  const template = resource.type.startsWith('kubernetes_pod') ? undefined : block(block(block(resource.values, 'spec'), 'template'), 'metadata');
  return { metadata: block(resource.values, 'metadata'), template };
}

/** A container of a pod spec with the label reports use (`container "app"`, `init_container "setup"`). */
export interface NamedContainer {
  readonly label: string;
  readonly container: Record<string, unknown>;
}

/** Containers and init containers of a workload. */
export function containers(resource: GovernedResource): NamedContainer[] {
  const spec = podSpec(resource);
  if (!spec) return [];
  const out: NamedContainer[] = [];
  for (const kind of ['init_container', 'container']) {
    blocks(spec, kind).forEach((c, i) => {
      out.push({ label: `${kind} "${typeof c.name === 'string' ? c.name : i}"`, container: c });
    });
  }
  return out;
}

/** The container's security_context block. */
export function securityContext(container: Record<string, unknown>): Record<string, unknown> | undefined {
  return block(container, 'security_context');
}

/** The namespace named in a namespaced resource's metadata (undefined when unknown). */
export function namespaceOf(resource: GovernedResource): string | undefined {
  const metadata = resource.type === MANIFEST_TYPE ? block(manifestObject(resource), 'metadata') : block(resource.values, 'metadata');
  const ns = metadata?.namespace;
  if (ns === undefined || ns === null || ns === '') return 'default';
  if (isUnknown(ns)) return undefined;
  return typeof ns === 'string' ? ns : undefined;
}
