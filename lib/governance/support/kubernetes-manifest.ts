import { GovernedResource } from '../model';
import { block, path, setProperty } from '../values';

/** Kinds whose pods sit at spec.template.spec. */
const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'];
/** Kinds that usually serve a model. */
export const MANIFEST_SERVING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'Pod'];

// Maps whose keys are data (label keys, resource names), never renamed.
const MAP_FIELDS = new Set(['labels', 'annotations', 'limits', 'requests', 'nodeSelector', 'matchLabels', 'data', 'stringData', 'hard']);
// Pod-spec fields whose provider name is not the snake_case of the manifest name.
const RENAMED: Record<string, string> = {
  containers: 'container', initContainers: 'init_container', ephemeralContainers: 'ephemeral_container', volumes: 'volume',
  hostPID: 'host_pid', hostIPC: 'host_ipc', imagePullSecrets: 'image_pull_secrets', tolerations: 'toleration',
};

const cache = new WeakMap<GovernedResource, Record<string, unknown> | null>();

/** The object a `kubernetes_manifest` declares (its `manifest` attribute). */
export function manifestObject(resource: GovernedResource): Record<string, unknown> | undefined {
  return block(resource.values, 'manifest');
}

function snake(key: string): string {
  if (Object.prototype.hasOwnProperty.call(RENAMED, key)) return RENAMED[key];
  return key.replace(/[A-Z]+/g, (m, offset: number) => `${offset ? '_' : ''}${m.toLowerCase()}`);
}

/** A manifest (camelCase) subtree as the typed provider resources spell it (snake_case blocks), map keys untouched. */
function toProviderShape(value: unknown, depth = 0): unknown {
  if (depth > 32) return undefined;
  if (Array.isArray(value)) return value.map((v) => toProviderShape(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setProperty(out, snake(k), MAP_FIELDS.has(k) ? v : toProviderShape(v, depth + 1));
  return out;
}

/**
 * The pod spec of a workload declared with `kubernetes_manifest` (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob, Pod), converted to the snake_case shape the
 * `kubernetes_*_v1` resources have, so the workload rules read both the same way. Undefined for other kinds.
 */
export function manifestPodSpec(resource: GovernedResource): Record<string, unknown> | undefined {
  const cached = cache.get(resource);
  if (cached !== undefined) return cached ?? undefined;
  const manifest = manifestObject(resource);
  const kind = manifest?.kind;
  const spec = block(manifest, 'spec');
  let pod: Record<string, unknown> | undefined;
  if (typeof kind === 'string' && TEMPLATE_KINDS.includes(kind)) pod = path(spec, 'template', 'spec');
  else if (kind === 'CronJob') pod = path(spec, 'jobTemplate', 'spec', 'template', 'spec');
  else if (kind === 'Pod') pod = spec;
  const converted = pod ? (toProviderShape(pod) as Record<string, unknown>) : undefined;
  cache.set(resource, converted ?? null);
  return converted;
}
