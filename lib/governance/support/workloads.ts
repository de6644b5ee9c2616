import { GovernedResource } from '../model';
import { block, blocks, path } from '../values';

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

/** Every pod-bearing Kubernetes resource type. */
export const POD_BEARING_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Kubernetes workload types typically used for serving (long-running pods). */
export const SERVING_WORKLOAD_TYPES: readonly string[] = [
  'kubernetes_deployment', 'kubernetes_deployment_v1', 'kubernetes_stateful_set', 'kubernetes_stateful_set_v1', 'kubernetes_pod', 'kubernetes_pod_v1',
];

/** The pod spec of a workload, whatever the nesting and whether blocks are lists or objects. */
export function podSpec(resource: GovernedResource): Record<string, unknown> | undefined {
  const p = POD_SPEC_PATHS[resource.type];
  return p ? path(resource.values, ...p) : undefined;
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
  const ns = block(resource.values, 'metadata')?.namespace;
  if (ns === undefined || ns === null || ns === '') return 'default';
  return typeof ns === 'string' ? ns : undefined;
}
