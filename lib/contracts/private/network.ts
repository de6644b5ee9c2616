/**
 * NetworkPolicy semantics for one connection (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * a pod is isolated for a direction when any policy in its namespace selects it for that direction; then the
 * connection needs one rule of one such policy that admits the peer and the port. Policies only add up.
 * Egress from the client and ingress to the server are both checked, and a client isolated for egress also
 * needs DNS (port 53) to resolve the server's Service name.
 */
import { NetworkPolicy, PodTemplate, Rule, selects } from './kubernetes';

/** One end of a connection. */
export interface Endpoint {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Whether a connection passes, and which policies block it. */
export interface NetworkVerdict {
  readonly ok: boolean;
  /** Policies that isolate the client for egress and admit nothing to the server. */
  readonly egressBlockedBy: readonly string[];
  /** Policies that isolate the server for ingress and admit nothing from the client. */
  readonly ingressBlockedBy: readonly string[];
  /** The client is isolated for egress and no rule admits DNS. */
  readonly dnsBlocked: boolean;
}

/** Resolve a named port to the server's container port number. */
export function resolvePort(server: PodTemplate, port: number | string): { number?: number; name?: string } {
  if (typeof port === 'number') {
    const named = server.containers.flatMap((c) => c.ports).find((p) => p.containerPort === port);
    return { number: port, name: named?.name };
  }
  const p = server.containers.flatMap((c) => c.ports).find((x) => x.name === port);
  return { number: p?.containerPort, name: port };
}

function portMatches(rule: Rule, port: { number?: number; name?: string }, protocol: string): boolean {
  if (rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if (p.protocol.toUpperCase() !== protocol.toUpperCase()) return false;
    if (p.port === undefined) return true;
    if (/^\d+$/.test(p.port)) {
      const from = Number(p.port);
      const to = p.endPort ?? from;
      return port.number !== undefined && port.number >= from && port.number <= to;
    }
    return port.name !== undefined && p.port === port.name;
  });
}

/** Whether a rule's peers include the given pod, for a policy in `policyNamespace`. */
function peerMatches(rule: Rule, policyNamespace: string, peer: Endpoint): boolean {
  if (rule.peers.length === 0) return true;
  return rule.peers.some((p) => {
    if (p.ipBlock) return p.ipBlock.cidr === '0.0.0.0/0' && p.ipBlock.except.length === 0;
    const nsOk = p.namespaceSelector ? selects(p.namespaceSelector, peer.namespaceLabels) : peer.namespace === policyNamespace;
    const podOk = p.podSelector ? selects(p.podSelector, peer.labels) : true;
    return nsOk && podOk;
  });
}

/** Evaluate client → server:port under every policy of the cluster. */
export function evaluateConnection(
  policies: readonly NetworkPolicy[], client: Endpoint, server: Endpoint, port: { number?: number; name?: string }, protocol: string,
): NetworkVerdict {
  const egress = policies.filter((p) => p.egress && p.namespace === client.namespace && selects(p.podSelector, client.labels));
  const ingress = policies.filter((p) => p.ingress && p.namespace === server.namespace && selects(p.podSelector, server.labels));
  const egressOk = egress.length === 0 || egress.some((p) => p.egress!.some((r) => peerMatches(r, p.namespace, server) && portMatches(r, port, protocol)));
  const ingressOk = ingress.length === 0 || ingress.some((p) => p.ingress!.some((r) => peerMatches(r, p.namespace, client) && portMatches(r, port, protocol)));
  const dnsOk = egress.length === 0 || egress.some((p) => p.egress!.some((r) => portMatches(r, { number: 53, name: 'dns' }, 'UDP')));
  return {
    ok: egressOk && ingressOk && dnsOk,
    egressBlockedBy: egressOk ? [] : egress.map((p) => `${p.namespace}/${p.name}`),
    ingressBlockedBy: ingressOk ? [] : ingress.map((p) => `${p.namespace}/${p.name}`),
    dnsBlocked: !dnsOk,
  };
}
