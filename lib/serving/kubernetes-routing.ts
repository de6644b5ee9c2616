import { Validator } from '../core/errors';
import { checkLabels, checkResourceName } from '../core/names';

/** How a Kubernetes endpoint splits traffic between variants. */
export enum TrafficRoutingKind {
  /** A Gateway API HTTPRoute with weighted backendRefs (and a RequestMirror filter for shadow traffic). */
  GATEWAY_API = 'gateway-api',
  /** One Service over every variant's pods; each variant's share is its share of the replicas. */
  REPLICA_PROPORTIONAL = 'replica-proportional',
}

/** The Gateway an HTTPRoute attaches to. Its listeners must allow routes from the endpoint's namespace. */
export interface GatewayReference {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespace: string;
  /** One listener of the Gateway. @default - every listener that admits the route */
  readonly sectionName?: string;
  /**
   * Labels of the Gateway's data-plane pods in its namespace (PlatformGateway knows them for Envoy Gateway); used as
   * the routing's `gatewayPodLabels` when those are not given. @default - unknown
   */
  readonly podLabels?: Record<string, string>;
}

/** Options for {@link TrafficRouting.gatewayApi}. */
export interface GatewayApiRoutingOptions {
  /** The Gateway to attach the HTTPRoute to. */
  readonly gateway: GatewayReference;
  /** Host names the route answers. @default - the Gateway listener's host names */
  readonly hostnames?: string[];
  /** Path prefix the route matches. @default '/' */
  readonly pathPrefix?: string;
  /**
   * Labels of the Gateway's data-plane pods in the Gateway namespace, admitted by the endpoint's
   * NetworkPolicy. @default - every pod in the Gateway's namespace
   */
  readonly gatewayPodLabels?: Record<string, string>;
}

/** Options for {@link TrafficRouting.replicaProportional}. */
export interface ReplicaProportionalRoutingOptions {
  /**
   * Replicas of all variants together at rest; each variant gets its weight's share. Must be a multiple of
   * 100 / gcd(weights): 10 for 90/10, 20 for 95/5, 2 for 50/50.
   */
  readonly minReplicas: number;
  /** Replicas of all variants together at peak (same multiple rule). @default - twice minReplicas */
  readonly maxReplicas?: number;
}

/**
 * How the traffic strategy is realised on plain Kubernetes: `TrafficRouting.gatewayApi({ gateway })` or
 * `TrafficRouting.replicaProportional({ minReplicas })`.
 */
export class TrafficRouting {
  /**
   * Exact weights per request through a Gateway API implementation (Envoy Gateway, Istio, GKE Gateway,
   * Cilium, …): an HTTPRoute (created with `kubernetes_manifest`) whose backendRefs are the variant Services
   * with the strategy's weights; champion-challenger adds a `RequestMirror` filter to the challenger.
   * The Gateway API CRDs must be installed before `terraform plan` (kubernetes_manifest reads them at plan):
   * `GatewayApi` in the cluster add-ons stack installs them, and a `PlatformGateway` in the workloads stack gives
   * the Gateway: `TrafficRouting.gatewayApi({ gateway: platformGateway.reference })`.
   */
  public static gatewayApi(options: GatewayApiRoutingOptions): TrafficRouting {
    // The Gateway's own pod labels (a PlatformGateway's reference carries them) narrow the endpoint's NetworkPolicy.
    const podLabels = options?.gatewayPodLabels ?? options?.gateway?.podLabels;
    return new TrafficRouting(TrafficRoutingKind.GATEWAY_API, podLabels ? { ...options, gatewayPodLabels: podLabels } : options, undefined);
  }

  /**
   * No extra software: one Service selects every variant's pods and kube-proxy spreads connections evenly
   * over them, so a variant's share is its share of replicas. Shadow traffic is impossible.
   */
  public static replicaProportional(options: ReplicaProportionalRoutingOptions): TrafficRouting {
    return new TrafficRouting(TrafficRoutingKind.REPLICA_PROPORTIONAL, undefined, options);
  }

  private constructor(
    public readonly kind: TrafficRoutingKind,
    public readonly gatewayApiOptions?: GatewayApiRoutingOptions,
    public readonly replicaOptions?: ReplicaProportionalRoutingOptions,
  ) {}

  public toString(): string {
    return this.kind;
  }
}

/**
 * Pods admitted to the serving port by the endpoint's NetworkPolicy: `ClientSelector.namespace('web')`,
 * `ClientSelector.pods({ app: 'api' })` (in the endpoint's namespace), `ClientSelector.podsInNamespace('web', { app: 'api' })`.
 */
export class ClientSelector {
  /** Every pod in `namespace`. */
  public static namespace(namespace: string): ClientSelector {
    return new ClientSelector(namespace, undefined);
  }

  /** Pods with these labels in the endpoint's own namespace. */
  public static pods(labels: Record<string, string>): ClientSelector {
    return new ClientSelector(undefined, labels);
  }

  /** Pods with these labels in `namespace`. */
  public static podsInNamespace(namespace: string, labels: Record<string, string>): ClientSelector {
    return new ClientSelector(namespace, labels);
  }

  private constructor(public readonly namespace?: string, public readonly podLabels?: Record<string, string>) {}

  /** The NetworkPolicy peer, in the provider's (camelCase) spelling. */
  public toPeer(): { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } } {
    return {
      ...(this.namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.namespace } } } : {}),
      ...(this.podLabels ? { podSelector: { matchLabels: this.podLabels } } : {}),
    };
  }

  public toString(): string {
    return `${this.namespace ?? '(same namespace)'}${this.podLabels ? ` ${JSON.stringify(this.podLabels)}` : ''}`;
  }
}

/** Checks routing options that do not depend on the variants. */
export function checkRouting(v: Validator, routing: TrafficRouting | undefined): boolean {
  if (!(routing instanceof TrafficRouting)) {
    v.add('routing', routing, 'must be TrafficRouting.gatewayApi({ gateway }) or TrafficRouting.replicaProportional({ minReplicas })');
    return false;
  }
  if (routing.gatewayApiOptions) {
    const g = routing.gatewayApiOptions.gateway;
    if (!v.check(!!g && typeof g === 'object', 'routing.gateway', g, 'is required: { name, namespace } of the Gateway to attach to')) return false;
    checkResourceName(v, 'routing.gateway.name', g.name, 253);
    checkResourceName(v, 'routing.gateway.namespace', g.namespace, 63);
    v.matches('routing.pathPrefix', routing.gatewayApiOptions.pathPrefix, /^\/[^\s]*$/, 'must start with "/"');
    checkLabels(v, 'routing.gatewayPodLabels', routing.gatewayApiOptions.gatewayPodLabels);
  }
  if (routing.replicaOptions) {
    const { minReplicas, maxReplicas } = routing.replicaOptions;
    v.integer('routing.minReplicas', minReplicas, 1, 1000);
    v.integer('routing.maxReplicas', maxReplicas, 1, 1000);
    if (maxReplicas !== undefined && Number.isInteger(minReplicas)) {
      v.check(maxReplicas >= minReplicas, 'routing.maxReplicas', maxReplicas, `is below minReplicas (${minReplicas}); raise it`);
    }
  }
  return v.ok;
}

/** Checks the NetworkPolicy clients. */
export function checkClients(v: Validator, clients: readonly ClientSelector[] | undefined): void {
  (clients ?? []).forEach((c, i) => {
    if (!(c instanceof ClientSelector)) {
      v.add(`allowedClients[${i}]`, c, 'must be ClientSelector.namespace(ns), ClientSelector.pods(labels) or ClientSelector.podsInNamespace(ns, labels)');
      return;
    }
    checkResourceName(v, `allowedClients[${i}].namespace`, c.namespace, 63);
    checkLabels(v, `allowedClients[${i}].podLabels`, c.podLabels);
  });
}
