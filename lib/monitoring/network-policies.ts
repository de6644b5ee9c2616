import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ScrapeTarget } from '../core/monitoring-contract';
import { componentLabels, componentSelector } from './pod-security';

/** One ingress allowance: who may reach which pods on which port. */
interface Allowance {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: Record<string, string>;
  readonly port: string | number;
  /** Pods in the monitoring namespace allowed in (by labels). */
  readonly fromPods?: Array<Record<string, string>>;
  /** Whole namespaces allowed in. */
  readonly fromNamespaces?: string[];
  /** Pods of another namespace allowed in. */
  readonly fromPodsInNamespace?: { namespace: string; podSelector: Record<string, string> };
}

/**
 * The monitoring stack's network isolation: default-deny ingress in its namespace, then only the flows it
 * needs (Grafana → Prometheus, Prometheus → Alertmanager, Prometheus and drift jobs → Pushgateway,
 * Prometheus → every scraped pod on its metrics port, Prometheus → the DCGM exporter). Egress is left open:
 * Prometheus scrapes kubelets and pods anywhere, and receivers call external services.
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

  /** Admits `from` pods of the monitoring namespace (or whole namespaces) to a component's port. */
  public allow(a: Allowance): NetworkPolicyV1 {
    const from: Record<string, unknown>[] = [
      ...(a.fromPods ?? []).map((labels) => ({ podSelector: { matchLabels: labels } })),
      ...(a.fromNamespaces ?? []).map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
      ...(a.fromPodsInNamespace ? [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': a.fromPodsInNamespace.namespace } },
        podSelector: { matchLabels: a.fromPodsInNamespace.podSelector },
      }] : []),
    ];
    // An ingress rule with an empty `from` admits everyone: never emit one.
    if (from.length === 0) throw new Error(`${this.node.path}: policy ${a.name} admits no source`);
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
      ...(s.namespace === this.monitoringNamespace
        ? { fromPods: [componentSelector('prometheus')] }
        : { fromPodsInNamespace: { namespace: this.monitoringNamespace, podSelector: componentSelector('prometheus') } }),
    });
  }
}
