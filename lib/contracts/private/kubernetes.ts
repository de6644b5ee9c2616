/**
 * Kubernetes objects as the synthesized JSON holds them (hashicorp/kubernetes `*_v1` resources with
 * snake_case blocks, or `kubernetes_manifest` with the API's camelCase), read into one shape for the checks:
 * pod templates of workloads, NetworkPolicies and namespace labels.
 */
import { StackSet } from './stacks';

type Json = Record<string, any>;

/** A block that cdktf writes as an object or as a one-element list. */
export function one(x: unknown): Json | undefined {
  const v = Array.isArray(x) ? x[0] : x;
  return v && typeof v === 'object' ? (v as Json) : undefined;
}

/** A repeated block, whatever its spelling. */
export function many(x: unknown): Json[] {
  if (Array.isArray(x)) return x.filter((v) => v && typeof v === 'object');
  return x && typeof x === 'object' ? [x as Json] : [];
}

/** One container of a pod template. */
export interface ContainerSpec {
  readonly name: string;
  readonly init: boolean;
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly containerPort: number; readonly protocol: string }>;
  readonly env: ReadonlyArray<{ readonly name: string; readonly value?: unknown; readonly secretRef?: { readonly name: string; readonly key: string } }>;
  /** Secrets whose keys all become env vars (`env_from.secret_ref`). */
  readonly envFromSecrets: readonly string[];
  /** Extended resource requests/limits, e.g. `nvidia.com/gpu` → 1. */
  readonly resources: Readonly<Record<string, string>>;
}

/** The pod template of a workload. */
export interface PodTemplate {
  readonly kind: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerSpec[];
}

const WORKLOAD_KINDS: Record<string, string> = {
  kubernetes_deployment_v1: 'Deployment', kubernetes_deployment: 'Deployment',
  kubernetes_stateful_set_v1: 'StatefulSet', kubernetes_stateful_set: 'StatefulSet',
  kubernetes_daemon_set_v1: 'DaemonSet', kubernetes_daemonset: 'DaemonSet',
  kubernetes_job_v1: 'Job', kubernetes_job: 'Job',
  kubernetes_cron_job_v1: 'CronJob', kubernetes_cron_job: 'CronJob',
  kubernetes_pod_v1: 'Pod', kubernetes_pod: 'Pod',
};

function strings(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (x && typeof x === 'object') for (const [k, v] of Object.entries(x as Json)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

/** The pod template of a workload resource (provider resource or manifest), or undefined when it is not one. */
export function podTemplate(stacks: StackSet, stack: string, address: string): PodTemplate | undefined {
  const body = stacks.resource(stack, address);
  if (!body) return undefined;
  const type = address.split('.')[0];
  if (type === 'kubernetes_manifest') return manifestPodTemplate(one(body.manifest), (ns) => stacks.text(stack, ns ?? 'default')!);
  const kind = WORKLOAD_KINDS[type];
  if (!kind) return undefined;
  const namespace = stacks.text(stack, one(body.metadata)?.namespace ?? 'default')!;
  let template: Json | undefined;
  if (kind === 'Pod') template = { metadata: body.metadata, spec: body.spec };
  else if (kind === 'CronJob') template = one(one(one(one(body.spec)?.job_template)?.spec)?.template);
  else template = one(one(body.spec)?.template);
  const spec = one(template?.spec);
  const containers = [
    ...many(spec?.init_container).map((c) => container(c, true, false)),
    ...many(spec?.container).map((c) => container(c, false, false)),
  ];
  return { kind, namespace, labels: strings(one(template?.metadata)?.labels), containers };
}

/**
 * Argo Workflows kinds: a pod per template, labelled by `podMetadata`; a `container` template's container is named
 * by its template, a `containerSet` template's containers `<template>/<container>`.
 */
function workflowPodTemplate(m: Json, namespace: string): PodTemplate | undefined {
  const spec = m.kind === 'CronWorkflow' ? m.spec?.workflowSpec : m.spec;
  if (!spec) return undefined;
  const containers = many(spec.templates).flatMap((t) => [
    ...(t.container ? [{ ...container(t.container, false, true), name: String(t.name) }] : []),
    ...many(t.containerSet?.containers).map((c) => ({ ...container(c, false, true), name: `${t.name}/${c.name}` })),
  ]);
  return { kind: m.kind, namespace, labels: strings(spec.podMetadata?.labels), containers };
}

/** The port of the Argo Events EventSource container's metrics server (`EventSourceMetricsPort`). */
const EVENT_SOURCE_METRICS_PORT = 7777;

/**
 * An Argo Events EventSource: the controller runs it as a Deployment whose pods carry the template's labels plus
 * `controller: eventsource-controller`, `eventsource-name` and `owner-name` (both the EventSource's name), in one
 * container `main` that declares only the `metrics` port 7777; each webhook event source listens on its own `port`
 * (`Addr: ":<port>"`) and the `<name>-eventsource-svc` Service forwards `spec.service.ports` to the pods. Source:
 * argoproj/argo-events v1.9.10 (the version ARGO_EVENTS_CHART_VERSION installs), pkg/reconciler/eventsource/controller.go
 * (`Labels` of the AdaptorArgs), resource.go (`buildDeploymentSpec`, `buildService`),
 * pkg/apis/events/v1alpha1/const.go (`LabelEventSourceName`, `LabelOwnerName`, `EventSourceMetricsPort = 7777`) and
 * pkg/eventsources/common/webhook/webhook.go (`Addr`). Later controllers (argo-events master) label the pods with
 * `app.kubernetes.io/*` and `eventsource-name` only: update this reader with the chart.
 */
function eventSourcePodTemplate(m: Json, namespace: string): PodTemplate {
  const name = String(m.metadata?.name ?? '');
  const webhookPorts = [...new Set(Object.values<Json>(m.spec?.webhook ?? {}).map((w) => Number(w?.port)).filter((p) => Number.isInteger(p) && p > 0))];
  return {
    kind: 'EventSource',
    namespace,
    labels: { ...strings(m.spec?.template?.metadata?.labels), 'controller': 'eventsource-controller', 'eventsource-name': name, 'owner-name': name },
    containers: [{
      name: 'main', init: false, env: [], envFromSecrets: [], resources: {},
      ports: [{ name: 'metrics', containerPort: EVENT_SOURCE_METRICS_PORT, protocol: 'TCP' }, ...webhookPorts.map((p) => ({ containerPort: p, protocol: 'TCP' }))],
    }],
  };
}

function manifestPodTemplate(m: Json | undefined, ns: (value: unknown) => string): PodTemplate | undefined {
  if (!m || typeof m.kind !== 'string') return undefined;
  const namespace = ns(m.metadata?.namespace);
  if (/^argoproj\.io\//.test(String(m.apiVersion)) && ['WorkflowTemplate', 'CronWorkflow', 'Workflow'].includes(m.kind)) return workflowPodTemplate(m, namespace);
  if (/^argoproj\.io\//.test(String(m.apiVersion)) && m.kind === 'EventSource') return eventSourcePodTemplate(m, namespace);
  let template: Json | undefined;
  if (m.kind === 'Pod') template = m;
  else if (m.kind === 'CronJob') template = m.spec?.jobTemplate?.spec?.template;
  else if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(m.kind)) template = m.spec?.template;
  if (!template) return undefined;
  const containers = [
    ...many(template.spec?.initContainers).map((c) => container(c, true, true)),
    ...many(template.spec?.containers).map((c) => container(c, false, true)),
  ];
  return { kind: m.kind, namespace, labels: strings(template.metadata?.labels), containers };
}

function container(c: Json, init: boolean, camel: boolean): ContainerSpec {
  const k = (snake: string, camelName: string) => (camel ? c[camelName] : c[snake]);
  const ports = many(k('port', 'ports')).map((p) => ({
    name: typeof p.name === 'string' ? p.name : undefined,
    containerPort: Number(camel ? p.containerPort : p.container_port),
    protocol: String(p.protocol ?? 'TCP'),
  }));
  const env = many(k('env', 'env')).map((e) => {
    const ref = camel ? e.valueFrom?.secretKeyRef : one(one(e.value_from)?.secret_key_ref);
    return { name: String(e.name), value: e.value, secretRef: ref ? { name: String(ref.name), key: String(ref.key) } : undefined };
  });
  const envFromSecrets = many(k('env_from', 'envFrom')).map((e) => (camel ? e.secretRef : one(e.secret_ref))).filter(Boolean).map((r) => String(r!.name));
  const res = one(k('resources', 'resources'));
  const resources = { ...strings(res?.requests), ...strings(res?.limits) };
  return { name: String(c.name), init, ports, env, envFromSecrets, resources };
}

/** A label selector (matchLabels + matchExpressions), normalised. */
export interface Selector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values: readonly string[] }>;
}

function selector(x: unknown, camel: boolean): Selector | undefined {
  const s = one(x);
  if (!s) return undefined;
  const exprs = many(camel ? s.matchExpressions : s.match_expressions).map((e) => ({ key: String(e.key), operator: String(e.operator), values: (e.values ?? []).map(String) }));
  return { matchLabels: strings(camel ? s.matchLabels : s.match_labels), matchExpressions: exprs };
}

/** Whether a selector selects a label set (an empty selector selects everything). */
export function selects(s: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** One peer of a NetworkPolicy rule. */
export interface Peer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: { readonly cidr: string; readonly except: readonly string[] };
}

/** One ingress or egress rule: empty `peers` admits everyone, empty `ports` every port. */
export interface Rule {
  readonly peers: readonly Peer[];
  readonly ports: ReadonlyArray<{ readonly port?: string; readonly endPort?: number; readonly protocol: string }>;
}

/** A NetworkPolicy, normalised. */
export interface NetworkPolicy {
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

/** Every NetworkPolicy of a stack (provider resources and manifests) for one provider configuration. */
export function networkPolicies(stacks: StackSet, stack: string, provider: string | undefined): NetworkPolicy[] {
  const out: NetworkPolicy[] = [];
  for (const [address, body] of stacks.resourcesOfType(stack, 'kubernetes_network_policy_v1', 'kubernetes_network_policy', 'kubernetes_manifest')) {
    if ((body.provider ?? undefined) !== provider) continue;
    if (address.startsWith('kubernetes_manifest.')) {
      const m = one(body.manifest);
      if (m?.kind !== 'NetworkPolicy') continue;
      out.push(policy(address, m.metadata, m.spec, true, stacks.text(stack, m.metadata?.namespace ?? 'default')!));
    } else {
      out.push(policy(address, one(body.metadata), one(body.spec), false, stacks.text(stack, one(body.metadata)?.namespace ?? 'default')!));
    }
  }
  return out;
}

function policy(address: string, metadata: Json | undefined, spec: Json | undefined, camel: boolean, namespace: string): NetworkPolicy {
  const types: string[] = (camel ? spec?.policyTypes : spec?.policy_types) ?? [];
  const hasEgress = types.includes('Egress');
  // A policy without policyTypes is Ingress, plus Egress when it has egress rules (Kubernetes defaulting).
  const ingressOn = types.length === 0 || types.includes('Ingress');
  const egressOn = hasEgress || (types.length === 0 && many(spec?.egress).length > 0);
  const rules = (list: unknown, peerKey: string): Rule[] => many(list).map((r) => ({
    peers: many(r[peerKey]).map((p) => ({
      podSelector: selector(camel ? p.podSelector : p.pod_selector, camel),
      namespaceSelector: selector(camel ? p.namespaceSelector : p.namespace_selector, camel),
      ipBlock: (() => {
        const b = one(camel ? p.ipBlock : p.ip_block);
        return b ? { cidr: String(b.cidr), except: (b.except ?? []).map(String) } : undefined;
      })(),
    })),
    ports: many(r.ports).map((p) => ({
      port: p.port === undefined ? undefined : String(p.port),
      endPort: (camel ? p.endPort : p.end_port) === undefined ? undefined : Number(camel ? p.endPort : p.end_port),
      protocol: String(p.protocol ?? 'TCP'),
    })),
  }));
  return {
    address,
    name: String(metadata?.name ?? address),
    namespace,
    podSelector: selector(camel ? spec?.podSelector : spec?.pod_selector, camel) ?? { matchLabels: {}, matchExpressions: [] },
    ingress: ingressOn ? rules(spec?.ingress, 'from') : undefined,
    egress: egressOn ? rules(spec?.egress, 'to') : undefined,
  };
}

/** Labels of the namespaces a stack creates, plus the label Kubernetes sets on every namespace. */
export function namespaceLabels(stacks: StackSet, stack: string, namespace: string): Record<string, string> {
  const labels: Record<string, string> = { 'kubernetes.io/metadata.name': namespace };
  for (const [, body] of stacks.resourcesOfType(stack, 'kubernetes_namespace_v1', 'kubernetes_namespace')) {
    const meta = one(body.metadata);
    if (meta?.name === namespace) Object.assign(labels, strings(meta.labels));
  }
  return labels;
}
