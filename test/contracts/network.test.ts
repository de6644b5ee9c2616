import { NetworkPolicy } from '../../lib/contracts/private/kubernetes';
import { evaluateConnection } from '../../lib/contracts/private/network';

const sel = (matchLabels: Record<string, string> = {}) => ({ matchLabels, matchExpressions: [] });
const client = { namespace: 'serving', labels: { app: 'churn', 'feast/client': 'true' }, namespaceLabels: { 'kubernetes.io/metadata.name': 'serving' } };
const server = { namespace: 'features', labels: { app: 'feast' }, namespaceLabels: { 'kubernetes.io/metadata.name': 'features' } };
const port = { number: 6566, name: 'http' };
const admitClients = (labels: Record<string, string>): NetworkPolicy => ({
  address: 'p.admit', name: 'admit', namespace: 'features', podSelector: sel({ app: 'feast' }),
  ingress: [{ peers: [{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'serving' }), podSelector: sel(labels) }], ports: [{ port: '6566', protocol: 'TCP' }] }],
});
const denyAll: NetworkPolicy = { address: 'p.deny', name: 'deny-all', namespace: 'features', podSelector: sel(), ingress: [] };

describe('NetworkPolicy semantics for one connection', () => {
  test('no policy selects either pod: the connection passes', () => {
    expect(evaluateConnection([], client, server, port, 'TCP').ok).toBe(true);
  });

  test('a default-deny on the server namespace blocks; a policy admitting the client label and namespace lets it through (policies add up)', () => {
    expect(evaluateConnection([denyAll], client, server, port, 'TCP').ingressBlockedBy).toEqual(['features/deny-all']);
    expect(evaluateConnection([denyAll, admitClients({ 'feast/client': 'true' })], client, server, port, 'TCP').ok).toBe(true);
  });

  test('a pod without the client label, another port, or a podSelector-only peer (same namespace) is not admitted', () => {
    expect(evaluateConnection([admitClients({ 'feast/client': 'true' })], { ...client, labels: { app: 'churn' } }, server, port, 'TCP').ok).toBe(false);
    expect(evaluateConnection([admitClients({ 'feast/client': 'true' })], client, server, { number: 8080 }, 'TCP').ok).toBe(false);
    const sameNamespaceOnly: NetworkPolicy = { ...admitClients({}), ingress: [{ peers: [{ podSelector: sel({ 'feast/client': 'true' }) }], ports: [] }] };
    expect(evaluateConnection([sameNamespaceOnly], client, server, port, 'TCP').ok).toBe(false);
  });

  test('egress isolation on the client needs a rule to the server and DNS', () => {
    const egressToFeast: NetworkPolicy = {
      address: 'p.egress', name: 'egress', namespace: 'serving', podSelector: sel(),
      egress: [{ peers: [{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'features' }) }], ports: [{ port: 'http', protocol: 'TCP' }] }],
    };
    const verdict = evaluateConnection([egressToFeast], client, server, port, 'TCP');
    expect(verdict.egressBlockedBy).toEqual([]);
    expect(verdict.dnsBlocked).toBe(true);
    const dns: NetworkPolicy = { ...egressToFeast, name: 'dns', egress: [{ peers: [], ports: [{ port: '53', protocol: 'UDP' }] }] };
    expect(evaluateConnection([egressToFeast, dns], client, server, port, 'TCP').ok).toBe(true);
  });
});
