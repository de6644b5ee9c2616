import { createHash } from 'crypto';
import { dependable, ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Validator } from './errors';
import { IKubernetesTarget } from './kubernetes-target';
import { checkLabels, checkResourceName } from './names';
import type { WorkloadIdentity } from './workload-identity';

/**
 * Pods that may open connections to a workload, as a NetworkPolicy ingress peer: `Peer.namespace('web')`,
 * `Peer.pods({ app: 'api' })` (in the protected workload's namespace), `Peer.podsInNamespace('web', { app: 'api' })`,
 * or `Peer.workload(identity)` (every pod running as a {@link WorkloadIdentity}'s namespace, on its cluster).
 */
export class Peer {
  /** Every pod in `namespace`. */
  public static namespace(namespace: string): Peer {
    return new Peer(namespace, undefined, undefined);
  }

  /** Pods with these labels in the protected workload's own namespace. */
  public static pods(labels: Record<string, string>): Peer {
    return new Peer(undefined, labels, undefined);
  }

  /** Pods with these labels in `namespace`. */
  public static podsInNamespace(namespace: string, labels: Record<string, string>): Peer {
    return new Peer(namespace, labels, undefined);
  }

  /**
   * The namespace a workload identity's pods run in, on the identity's cluster. A NetworkPolicy cannot admit pods
   * of another cluster, so admitting one there is an error.
   */
  public static workload(identity: WorkloadIdentity): Peer {
    return new Peer(identity.target.namespace, undefined, identity.target.clusterName, identity.node.path);
  }

  private constructor(
    /** The peer's namespace. @default - the protected workload's namespace */
    public readonly namespace: string | undefined,
    /** Labels selecting the peer's pods. @default - every pod of the namespace */
    public readonly podLabels: Record<string, string> | undefined,
    /** The cluster the peer runs on, where known. */
    public readonly clusterName: string | undefined,
    /** The construct the peer stands for, for messages. */
    private readonly source?: string,
  ) {}

  /** The NetworkPolicy `from` entry, in the kubernetes provider's spelling. */
  public toPolicyPeer(): { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } } {
    return {
      ...(this.namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.namespace } } } : {}),
      ...(this.podLabels ? { podSelector: { matchLabels: this.podLabels } } : {}),
    };
  }

  /** A stable short name: the namespace (`pods` for the protected workload's own), with a hash of the pod labels if any. */
  public get slug(): string {
    const labels = this.podLabels ? createHash('sha256').update(canonical(this.podLabels)).digest('hex').slice(0, 8) : undefined;
    return labels ? `${this.namespace ?? 'pods'}-${labels}` : this.namespace!;
  }

  public toString(): string {
    const where = this.namespace ?? '(same namespace)';
    return `${where}${this.podLabels ? ` ${canonical(this.podLabels)}` : ''}${this.source ? ` (${this.source})` : ''}`;
  }
}

/** What a {@link Connections} protects. */
export interface ConnectionsProps {
  /** Where the protected pods run. */
  readonly target: IKubernetesTarget;
  /** Labels selecting the protected pods. */
  readonly podSelector: Record<string, string>;
  /** The port clients use ({@link Connections.allowDefaultPortFrom}): a number or the container port's name. */
  readonly defaultPort: number | string;
  /** Prefix of the NetworkPolicies' names (`<prefix>-from-<peer>`), usually the workload's name. */
  readonly policyName: string;
  /** What the pods are, for messages: `MLflow mlflow on cluster ml`. */
  readonly description: string;
  /** Labels of the policies. @default - none */
  readonly labels?: Record<string, string>;
  /** What the policies wait for (the namespace). @default - the target's dependables */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The workload's own policy already admits every pod of its namespace on the default port, so admitting that
   * namespace adds nothing. @default false
   */
  readonly ownNamespaceAdmitted?: boolean;
  /**
   * The workload's own policy that isolates its pods (default-deny or same-namespace). It waits for every policy
   * admitting a peer, so a change that moves a rule out of it into an allow policy opens the new path before it
   * closes the old one (Terraform would otherwise apply both at once). @default - none
   */
  readonly isolatingPolicy?: TerraformResource;
}

/** One admitted peer and port. */
export interface AllowedConnection {
  readonly peer: Peer;
  readonly port: number | string;
  /** The policy that admits it; none where the workload's own policy already does. */
  readonly policy?: NetworkPolicyV1;
}

/**
 * Who may reach a workload's pods, the one way the library opens a network path (aws-ec2's `Connections`, for
 * Kubernetes NetworkPolicies). The workload's own policies deny the rest; each `allowFrom` adds one NetworkPolicy
 * in the workload's namespace that admits the peer on the port, created once however often it is asked for.
 * Wiring methods (`bindModelConsumer`, `grantRead`) call it too, so `connections.allowed` lists every path.
 */
export class Connections {
  private readonly admitted = new Map<string, AllowedConnection>();
  private isolating?: TerraformResource;

  constructor(private readonly scope: Construct, private readonly props: ConnectionsProps) {
    if (props.isolatingPolicy) this.isolatedBy(props.isolatingPolicy);
  }

  /**
   * Names the workload's own policy that isolates its pods, where it is made after the connections (see
   * {@link ConnectionsProps.isolatingPolicy}): it waits for every allow policy, those made before and after.
   */
  public isolatedBy(policy: TerraformResource): void {
    this.isolating = policy;
    for (const a of this.admitted.values()) if (a.policy) this.waitFor(a.policy);
  }

  /** The port {@link allowDefaultPortFrom} opens. */
  public get defaultPort(): number | string {
    return this.props.defaultPort;
  }

  /** Every admitted peer, in the order admitted. */
  public get allowed(): AllowedConnection[] {
    return [...this.admitted.values()];
  }

  /** Admits `peer` to the default port. @returns the policy that admits it, if a new one was needed */
  public allowDefaultPortFrom(peer: Peer): NetworkPolicyV1 | undefined {
    return this.allowFrom(peer, this.props.defaultPort);
  }

  /** Admits `peer` to `port` (a number or a container port's name). @returns the policy that admits it, if a new one was needed */
  public allowFrom(peer: Peer, port: number | string): NetworkPolicyV1 | undefined {
    const { target } = this.props;
    const v = new Validator(this.scope);
    if (!v.check(peer instanceof Peer, 'connections.allowFrom', peer,
      'must be Peer.namespace(ns), Peer.pods(labels), Peer.podsInNamespace(ns, labels) or Peer.workload(identity)')) v.throwIfAny();
    if (peer.clusterName !== undefined && peer.clusterName !== target.clusterName) {
      v.add('connections.allowFrom', peer.toString(),
        `runs on cluster ${peer.clusterName}, ${this.props.description} on ${target.clusterName}; a NetworkPolicy cannot admit ` +
        'another cluster. Publish the service through an internal Ingress or Gateway with TLS and admit its namespace instead');
    }
    checkResourceName(v, 'connections.allowFrom.namespace', peer.namespace, 63);
    checkLabels(v, 'connections.allowFrom.podLabels', peer.podLabels);
    v.check((typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) || (typeof port === 'string' && /^[a-z0-9]([-a-z0-9]{0,13})$/.test(port)),
      'connections.allowFrom.port', port, 'must be a port number (1-65535) or a container port name (at most 15 characters)');
    v.throwIfAny();
    const samePlace = (peer.namespace === undefined || peer.namespace === target.namespace) && !peer.podLabels;
    const key = `${peer.slug}:${port}`;
    const existing = this.admitted.get(key);
    if (existing) return existing.policy;
    if (samePlace && port === this.props.defaultPort && this.props.ownNamespaceAdmitted) {
      this.admitted.set(key, { peer, port });
      return undefined;
    }
    // `from-<peer>`, and `-<port>` for a port other than the default: the construct id and the policy's name alike.
    const from = `from-${peer.slug}${port === this.props.defaultPort ? '' : `-${port}`}`;
    const policy = new NetworkPolicyV1(this.scope, from, {
      provider: target.providerFor(this.scope),
      dependsOn: this.props.dependsOn ?? target.dependablesFor(this.scope),
      metadata: {
        name: `${this.props.policyName}-${from}`.slice(0, 63).replace(/[-.]+$/, ''),
        namespace: target.namespace,
        ...(this.props.labels ? { labels: this.props.labels } : {}),
      },
      spec: {
        podSelector: { matchLabels: this.props.podSelector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [samePlace ? { podSelector: {} } : peer.toPolicyPeer()], ports: [{ port: String(port), protocol: 'TCP' }] }],
      },
    });
    this.admitted.set(key, { peer, port, policy });
    this.waitFor(policy);
    return policy;
  }

  private waitFor(policy: NetworkPolicyV1): void {
    if (this.isolating) this.isolating.dependsOn = [...(this.isolating.dependsOn ?? []), dependable(policy)];
  }
}

/** A construct whose pods others connect to. */
export interface IConnectable {
  readonly connections: Connections;
}

function canonical(labels: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
}
