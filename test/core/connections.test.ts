/**
 * Issue 13 §2: network access expressed once. Connections is the one way the library opens a path to a workload's
 * pods; these tests pin what it writes and what it refuses.
 */
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Connections, Peer } from '../../lib/core/connections';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { errorOf, parse } from '../util';

function setup(stack: Construct, options: { ownNamespaceAdmitted?: boolean } = {}) {
  const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' }).inNamespace('mlflow');
  const owner = new Construct(stack, 'registry');
  const connections = new Connections(owner, {
    target, podSelector: { app: 'mlflow' }, defaultPort: 5000, policyName: 'mlflow', description: 'MLflow mlflow',
    labels: { app: 'mlflow' }, ...options,
  });
  return { target, owner, connections };
}

describe('Connections: one NetworkPolicy per admitted peer and port', () => {
  test('a namespace, labelled pods and a workload are admitted by their own policies, each once', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const { target, connections } = setup(stack);
    const identity = new WorkloadIdentity(stack, 'serving', { target: target.inNamespace('serving'), serviceAccountName: 'churn', cloudName: 'churn' });
    connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
    connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
    connections.allowDefaultPortFrom(Peer.workload(identity));
    connections.allowFrom(Peer.podsInNamespace('web', { app: 'api' }), 'metrics');
    const policies = parse(Testing.synth(stack)).resources('kubernetes_network_policy_v1');
    expect(policies.map((p) => p.metadata.name)).toEqual(['mlflow-from-ingress-nginx', 'mlflow-from-serving', expect.stringMatching(/^mlflow-from-web-[0-9a-f]{8}-metrics$/)]);
    expect(policies[0].spec).toEqual({
      pod_selector: { match_labels: { app: 'mlflow' } },
      policy_types: ['Ingress'],
      ingress: [{ from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: '5000', protocol: 'TCP' }] }],
    });
    expect(policies[2].spec.ingress[0]).toEqual({
      from: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'web' } }, pod_selector: { match_labels: { app: 'api' } } }],
      ports: [{ port: 'metrics', protocol: 'TCP' }],
    });
    expect(connections.allowed.map((a) => `${a.peer.namespace}:${a.port}`)).toEqual(['ingress-nginx:5000', 'serving:5000', 'web:metrics']);
  });

  test('the workload\'s isolating policy waits for every allow policy, so an upgrade opens new paths before closing old ones', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' }).inNamespace('serving');
    const owner = new Construct(stack, 'endpoint');
    const isolating = new NetworkPolicyV1(owner, 'network-policy', {
      provider: target.provider, metadata: { name: 'churn-ingress', namespace: 'serving' }, spec: { podSelector: { matchLabels: { app: 'churn' } }, policyTypes: ['Ingress'] },
    });
    // Named after the first admission (as MonitoringStack does for Prometheus): it still waits for both.
    const connections = new Connections(owner, { target, podSelector: { app: 'churn' }, defaultPort: 8080, policyName: 'churn', description: 'churn' });
    connections.allowDefaultPortFrom(Peer.namespace('web'));
    connections.isolatedBy(isolating);
    connections.allowFrom(Peer.namespace('monitoring'), 8082);
    const policies = parse(Testing.synth(stack)).json.resource.kubernetes_network_policy_v1;
    const own = Object.values(policies).find((p: any) => p.metadata.name === 'churn-ingress') as any;
    const waitsFor = (own.depends_on as string[]).map((address) => policies[address.replace(/^kubernetes_network_policy_v1\./, '')]?.metadata.name);
    expect(waitsFor).toEqual(['churn-from-web', 'churn-from-monitoring-8082']);
  });

  test('an isolating policy given as a prop waits the same way', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' }).inNamespace('serving');
    const isolating = new NetworkPolicyV1(stack, 'deny', {
      provider: target.provider, metadata: { name: 'churn-ingress', namespace: 'serving' }, spec: { podSelector: { matchLabels: { app: 'churn' } }, policyTypes: ['Ingress'] },
    });
    new Connections(stack, { target, podSelector: { app: 'churn' }, defaultPort: 8080, policyName: 'churn', description: 'churn', isolatingPolicy: isolating })
      .allowDefaultPortFrom(Peer.namespace('web'));
    expect(parse(Testing.synth(stack)).json.resource.kubernetes_network_policy_v1.deny.depends_on).toEqual(['kubernetes_network_policy_v1.from-web']);
  });

  test('the own namespace adds nothing where the workload\'s own policy already admits it', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const { target, connections } = setup(stack, { ownNamespaceAdmitted: true });
    expect(connections.allowDefaultPortFrom(Peer.namespace(target.namespace))).toBeUndefined();
    expect(parse(Testing.synth(stack)).resources('kubernetes_network_policy_v1')).toEqual([]);
    expect(connections.allowed).toHaveLength(1);
  });

  test('pods of the own namespace are selected by labels only', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const { connections } = setup(stack);
    connections.allowDefaultPortFrom(Peer.pods({ app: 'trainer' }));
    const [policy] = parse(Testing.synth(stack)).resources('kubernetes_network_policy_v1');
    expect(policy.spec.ingress[0].from).toEqual([{ pod_selector: { match_labels: { app: 'trainer' } } }]);
    expect(policy.metadata.name).toMatch(/^mlflow-from-pods-[0-9a-f]{8}$/);
  });

  test('a workload on another cluster is refused, naming the owner, the peer and the fix', () => {
    expect(errorOf((stack) => {
      const { connections } = setup(stack);
      const other = KubernetesTarget.fromKubeconfig(stack, 'dc2', { clusterName: 'dc2', context: 'dc2-admin' }).inNamespace('serving');
      connections.allowDefaultPortFrom(Peer.workload(new WorkloadIdentity(stack, 'remote', { target: other, serviceAccountName: 'churn', cloudName: 'churn' })));
    })).toMatch(/^test\/registry: connections\.allowFrom \("serving \(test\/remote\)"\) runs on cluster dc2, MLflow mlflow on dc1; a NetworkPolicy cannot admit another cluster\. Publish the service through an internal Ingress or Gateway/);
  });

  test('bad namespaces, labels and ports are refused together', () => {
    const message = errorOf((stack) => {
      const { connections } = setup(stack);
      connections.allowFrom(Peer.podsInNamespace('Web_1', { 'bad key!': 'x' }), 70000);
    });
    expect(message).toMatch(/^3 problems:/);
    expect(message).toMatch(/connections\.allowFrom\.namespace \("Web_1"\) is not a valid name/);
    expect(message).toMatch(/connections\.allowFrom\.podLabels\.bad key! \("bad key!"\) is not a valid Kubernetes label key/);
    expect(message).toMatch(/connections\.allowFrom\.port \(70000\) must be a port number/);
  });

  test('something that is not a Peer is refused with the factories to use', () => {
    expect(errorOf((stack) => setup(stack).connections.allowDefaultPortFrom({ namespace: 'web' } as unknown as Peer)))
      .toMatch(/connections\.allowFrom .* must be Peer\.namespace\(ns\), Peer\.pods\(labels\), Peer\.podsInNamespace\(ns, labels\) or Peer\.workload\(identity\)/);
  });
});
