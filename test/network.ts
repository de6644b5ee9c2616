/**
 * Just enough of Kubernetes NetworkPolicy semantics to check one connection in synthesized JSON: a pod
 * reaches another on a TCP port when every policy that isolates the client for egress allows it, and every
 * policy that isolates the server for ingress admits it (policies add up; no policy means open).
 */

/** Pods as a NetworkPolicy sees them: their namespace and labels. */
export interface Pods {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** The pods of a synthesized workload resource (Deployment, StatefulSet, Job: `spec.template`; CronJob: its job template). */
export function podsOf(resource: any): Pods {
  const template = resource.spec.job_template ? resource.spec.job_template.spec.template : resource.spec.template;
  return { namespace: resource.metadata.namespace, labels: template.metadata.labels ?? {} };
}

/** Whether a label selector (snake_case JSON) selects `labels`; an absent or empty selector selects everything. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const matchLabels = Object.entries(selector.match_labels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.match_expressions ?? []).every((e: any) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': return has && e.values.includes(labels[e.key]);
      case 'NotIn': return !has || !e.values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
  return matchLabels && expressions;
}

function peerSelects(peer: any, policyNamespace: string, pods: Pods): boolean {
  if (peer.ip_block) return false;
  const namespaceOk = peer.namespace_selector
    ? selects(peer.namespace_selector, { 'kubernetes.io/metadata.name': pods.namespace })
    : pods.namespace === policyNamespace;
  return namespaceOk && selects(peer.pod_selector, pods.labels);
}

function portAllowed(ports: any[] | undefined, port: number, portName?: string): boolean {
  return !ports?.length || ports.some((p) => (p.protocol ?? 'TCP') === 'TCP'
    && (p.port === undefined || String(p.port) === String(port) || (portName !== undefined && p.port === portName)));
}

function types(policy: any): string[] {
  return policy.spec.policy_types ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

/** The policies that isolate `pods` in one direction. */
export function isolating(policies: any[], pods: Pods, direction: 'Ingress' | 'Egress'): any[] {
  return policies.filter((p) => p.metadata.namespace === pods.namespace && types(p).includes(direction) && selects(p.spec.pod_selector, pods.labels));
}

/** The policies that let `client` reach `server` on the port (empty when the direction is not isolated, or nothing admits). */
export function admitting(policies: any[], client: Pods, server: Pods, port: number, portName?: string): { ingress: any[]; egress: any[] } {
  const ingress = isolating(policies, server, 'Ingress').filter((p) => (p.spec.ingress ?? []).some((rule: any) =>
    portAllowed(rule.ports, port, portName) && (!rule.from?.length || rule.from.some((peer: any) => peerSelects(peer, p.metadata.namespace, client)))));
  const egress = isolating(policies, client, 'Egress').filter((p) => (p.spec.egress ?? []).some((rule: any) =>
    portAllowed(rule.ports, port, portName) && (!rule.to?.length || rule.to.some((peer: any) => peerSelects(peer, p.metadata.namespace, server)))));
  return { ingress, egress };
}

/** Whether `client` pods can open a TCP connection to `server` pods on `port`. */
export function reaches(policies: any[], client: Pods, server: Pods, port: number, portName?: string): boolean {
  const { ingress, egress } = admitting(policies, client, server, port, portName);
  return (isolating(policies, server, 'Ingress').length === 0 || ingress.length > 0)
    && (isolating(policies, client, 'Egress').length === 0 || egress.length > 0);
}
