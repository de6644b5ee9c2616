import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Peer } from '../core/connections';
import { ScrapeTarget } from '../core/monitoring-contract';
import { componentLabels, componentSelector } from './private/pod-security';

/**
 * One of the monitoring stack's own flows: which pods of a namespace admit which peers on one port. Clients of the
 * stack are admitted through its components' `connections` instead (`monitoring.prometheus.connections`, …).
 */
export interface MonitoringIngressRule {
  /** The NetworkPolicy's name (and construct id). */
  readonly name: string;
  /** The namespace of the protected pods. */
  readonly namespace: string;
  /** Labels selecting the protected pods. */
  readonly podSelector: Record<string, string>;
  /** The port admitted: a number or the container port's name. */
  readonly port: string | number;
  /** The peers admitted, in order; `Peer.pods(labels)` selects pods of {@link namespace}. At least one. */
  readonly from: Peer[];
}

/**
 * The monitoring stack's network isolation: default-deny ingress in its namespace, then only the flows it
 * needs (Grafana → Prometheus, Prometheus → Alertmanager, Prometheus and drift jobs → Pushgateway,
 * Prometheus → every scraped pod on its metrics port, Prometheus → the DCGM exporter). Egress is left open:
 * Prometheus scrapes kubelets and pods anywhere, and receivers call external services. Anyone else is admitted
 * through the components' `connections` (`monitoring.grafana.connections.allowDefaultPortFrom(...)`), whose
 * policies live beside the components.
 */
export class MonitoringNetworkPolicies extends Construct {
  public readonly policies: NetworkPolicyV1[] = [];
  private readonly provider: TerraformProvider;
  private readonly dependsOn: ITerraformDependable[];
  private readonly monitoringNamespace: string;

  constructor(scope: Construct, id: string, provider: TerraformProvider, dependsOn: ITerraformDependable[], monitoringNamespace: string) {
    super(scope, id);
    this.provider = provider;
    this.dependsOn = dependsOn;
    this.monitoringNamespace = monitoringNamespace;
    this.policies.push(new NetworkPolicyV1(this, 'default-deny', {
      provider, dependsOn,
      metadata: { name: 'default-deny-ingress', namespace: monitoringNamespace, labels: componentLabels('network-policy') },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    }));
  }

  /** Admits the rule's peers to a component's port (one NetworkPolicy named after the rule). */
  public allow(a: MonitoringIngressRule): NetworkPolicyV1 {
    const from = a.from.map((peer) => peer.toPolicyPeer());
    // An ingress rule with an empty `from` admits everyone: never emit one.
    if (from.length === 0 || from.some((f) => Object.keys(f).length === 0)) throw new Error(`${this.node.path}: policy ${a.name} admits no source`);
    const policy = new NetworkPolicyV1(this, a.name, {
      provider: this.provider,
      dependsOn: this.dependsOn,
      metadata: { name: a.name, namespace: a.namespace, labels: componentLabels('network-policy') },
      spec: {
        podSelector: { matchLabels: a.podSelector },
        policyTypes: ['Ingress'],
        ingress: [{ from, ports: [{ port: String(a.port), protocol: 'TCP' }] }],
      },
    });
    this.policies.push(policy);
    return policy;
  }

  /** Admits Prometheus to a scraped workload's pods on the metrics port (a policy in the workload's namespace). */
  public allowScrape(s: ScrapeTarget): NetworkPolicyV1 {
    return this.allow({
      name: `allow-prometheus-scrape-${s.jobName}`.slice(0, 63).replace(/-+$/, ''),
      namespace: s.namespace,
      podSelector: s.podLabels,
      port: s.portName,
      from: [s.namespace === this.monitoringNamespace
        ? Peer.pods(componentSelector('prometheus'))
        : Peer.podsInNamespace(this.monitoringNamespace, componentSelector('prometheus'))],
    });
  }
}
