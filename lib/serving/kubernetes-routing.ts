import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Connections, Peer } from '../core/connections';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { checkLabels, checkResourceName } from '../core/names';
import type { KubernetesVariant, KubernetesVariantProps } from './kubernetes-variant';
import { replicasPerVariant, replicasToExpress } from './private/traffic-checks';
import { Traffic } from './traffic';

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
   * Labels of the Gateway's data-plane pods in the Gateway namespace, admitted to the serving port through the
   * endpoint's `connections`. @default - the gateway reference's `podLabels`, else every pod in the Gateway's namespace
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

/** What a {@link TrafficRouting} checks: the endpoint's traffic strategy and variants. */
export interface TrafficRoutingValidationContext {
  /** The traffic strategy, where it passed its own checks. @default - unusable: the checks that need it are skipped */
  readonly traffic?: Traffic;
  /** The endpoint's variants, in declaration order (problems name them `variants[i]`). */
  readonly variants: KubernetesVariantProps[];
}

/** Replicas of one variant, as its routing sets them. */
export interface VariantReplicas {
  /** Replicas at rest: the Deployment's initial replicas and the autoscaler's minimum. */
  readonly minReplicas: number;
  /** Replicas at peak: the autoscaler's maximum. */
  readonly maxReplicas: number;
}

/** What a {@link TrafficRouting} is bound to: the endpoint, once its variants exist. */
export interface TrafficRoutingBindContext {
  /** The endpoint's name: the name of the objects the routing makes for the whole endpoint. */
  readonly endpointName: string;
  /** Where the endpoint runs. */
  readonly target: IKubernetesTarget;
  /** The traffic strategy to realise. */
  readonly traffic: Traffic;
  /** The model servers' container port (named `http`). */
  readonly servingPort: number;
  /** Labels of the objects the routing makes. */
  readonly labels: Record<string, string>;
  /** Labels selecting every variant's pods. */
  readonly podSelector: Record<string, string>;
  /** The endpoint's variants, by name. */
  readonly variants: Record<string, KubernetesVariant>;
  /** Who may reach the endpoint's pods: a routing whose proxies call the pods admits them here. */
  readonly connections: Connections;
}

/** What a bound {@link TrafficRouting} made. */
export interface TrafficRoutingBinding {
  /** The HTTPRoute carrying the weights (Gateway API routing). @default - none */
  readonly route?: Manifest;
  /** The one Service over every variant's pods (replica-proportional routing). @default - none */
  readonly service?: ServiceV1;
}

/**
 * How the traffic strategy is realised on plain Kubernetes: `TrafficRouting.gatewayApi({ gateway })` or
 * `TrafficRouting.replicaProportional({ minReplicas })`. The endpoint asks its routing to check the variants
 * ({@link validate}), to size them ({@link replicasOf}) and, once they exist, to route to them ({@link bind}).
 */
export abstract class TrafficRouting {
  /**
   * Exact weights per request through a Gateway API implementation (Envoy Gateway, Istio, GKE Gateway,
   * Cilium, …): an HTTPRoute (created with `kubernetes_manifest`) whose backendRefs are the variant Services
   * with the strategy's weights; champion-challenger adds a `RequestMirror` filter to the challenger. The
   * Gateway's proxies are admitted to the serving port through the endpoint's `connections`.
   * The Gateway API CRDs must be installed before `terraform plan` (kubernetes_manifest reads them at plan):
   * `GatewayApi` in the cluster add-ons stack installs them, and a `PlatformGateway` in the workloads stack gives
   * the Gateway: `TrafficRouting.gatewayApi({ gateway: platformGateway.reference })`.
   */
  public static gatewayApi(options: GatewayApiRoutingOptions): TrafficRouting {
    return new GatewayApiRouting(options);
  }

  /**
   * No extra software: one Service selects every variant's pods and kube-proxy spreads connections evenly
   * over them, so a variant's share is its share of replicas. Shadow traffic is impossible.
   */
  public static replicaProportional(options: ReplicaProportionalRoutingOptions): TrafficRouting {
    return new ReplicaProportionalRouting(options);
  }

  protected constructor(private readonly description: string) {}

  /** Adds every problem with the routing's options, and with the variants and traffic under it, to `v`. */
  public abstract validate(v: Validator, context: TrafficRoutingValidationContext): void;

  /** The replicas of `variant` under `traffic` (after {@link validate} found nothing wrong). */
  public abstract replicasOf(variant: KubernetesVariantProps, traffic: Traffic): VariantReplicas;

  /** Creates what routes requests to the variants under `scope` (the endpoint) and admits the routing's proxies. */
  public abstract bind(scope: Construct, context: TrafficRoutingBindContext): TrafficRoutingBinding;

  /** `gateway-api` or `replica-proportional`. */
  public toString(): string {
    return this.description;
  }
}

const DEFAULT_REPLICAS = { min: 2, max: 4 };

class GatewayApiRouting extends TrafficRouting {
  constructor(private readonly options: GatewayApiRoutingOptions) {
    super('gateway-api');
  }

  /** The Gateway's own pod labels (a PlatformGateway's reference carries them) narrow who is admitted. */
  private get gatewayPodLabels(): Record<string, string> | undefined {
    return this.options?.gatewayPodLabels ?? this.options?.gateway?.podLabels;
  }

  public validate(v: Validator, context: TrafficRoutingValidationContext): void {
    const o = this.options;
    const g = o?.gateway;
    if (v.check(!!g && typeof g === 'object', 'routing.gateway', g, 'is required: { name, namespace } of the Gateway to attach to')) {
      v.check(typeof g.name === 'string', 'routing.gateway.name', g.name, 'is required: the Gateway\'s name');
      v.check(typeof g.namespace === 'string', 'routing.gateway.namespace', g.namespace, 'is required: the Gateway\'s namespace');
      checkResourceName(v, 'routing.gateway.name', g.name, 253);
      checkResourceName(v, 'routing.gateway.namespace', g.namespace, 63);
    }
    v.matches('routing.pathPrefix', o?.pathPrefix, /^\/[^\s]*$/, 'must start with "/"');
    checkLabels(v, 'routing.gatewayPodLabels', this.gatewayPodLabels);
    (context.variants ?? []).forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      const prop = `variants[${i}]`;
      const minOk = v.integer(`${prop}.minReplicas`, p.minReplicas, 1, 1000);
      const maxOk = v.integer(`${prop}.maxReplicas`, p.maxReplicas, 1, 1000);
      if (!minOk || !maxOk) return;
      const { minReplicas, maxReplicas } = this.replicasOf(p);
      v.check(maxReplicas >= minReplicas, `${prop}.maxReplicas`, maxReplicas, `is below minReplicas (${minReplicas}); raise it`);
    });
  }

  public replicasOf(variant: KubernetesVariantProps): VariantReplicas {
    const minReplicas = variant.minReplicas ?? DEFAULT_REPLICAS.min;
    return { minReplicas, maxReplicas: variant.maxReplicas ?? Math.max(DEFAULT_REPLICAS.max, minReplicas) };
  }

  /** A Service per variant (the route's backends), the Gateway's proxies admitted, and the HTTPRoute. */
  public bind(scope: Construct, context: TrafficRoutingBindContext): TrafficRoutingBinding {
    const { target } = context;
    const g = this.options.gateway;
    for (const variant of Object.values(context.variants)) variant.addService(context.servingPort);
    // The proxies call the pods directly: a Service is only how the route names its backends.
    const labels = this.gatewayPodLabels;
    context.connections.allowDefaultPortFrom(labels ? Peer.podsInNamespace(g.namespace, labels) : Peer.namespace(g.namespace));
    const route = new Manifest(scope, 'http-route', {
      provider: target.providerFor(scope),
      dependsOn: target.dependablesFor(scope),
      manifest: this.httpRoute(context),
    });
    return { route };
  }

  /** The HTTPRoute: one rule, weighted backendRefs per live variant, RequestMirror to the shadow. */
  private httpRoute(context: TrafficRoutingBindContext): Record<string, unknown> {
    const { traffic, servingPort: port } = context;
    const o = this.options;
    const service = (variant: string) => context.variants[variant].objectName;
    const rule: Record<string, unknown> = {
      matches: [{ path: { type: 'PathPrefix', value: o.pathPrefix ?? '/' } }],
      backendRefs: traffic.weights.map((w) => ({ name: service(w.variant), port, weight: w.weight })),
    };
    if (traffic.shadow) {
      rule.filters = [{ type: 'RequestMirror', requestMirror: { backendRef: { name: service(traffic.shadow), port } } }];
    }
    return {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: context.endpointName, namespace: context.target.namespace, labels: context.labels },
      spec: {
        parentRefs: [{
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: o.gateway.name,
          namespace: o.gateway.namespace,
          ...(o.gateway.sectionName ? { sectionName: o.gateway.sectionName } : {}),
        }],
        ...(o.hostnames ? { hostnames: o.hostnames } : {}),
        rules: [rule],
      },
    };
  }
}

class ReplicaProportionalRouting extends TrafficRouting {
  constructor(private readonly options: ReplicaProportionalRoutingOptions) {
    super('replica-proportional');
  }

  private get minReplicas(): number {
    return this.options?.minReplicas;
  }

  private get maxReplicas(): number {
    return this.options?.maxReplicas ?? this.minReplicas * 2;
  }

  public validate(v: Validator, context: TrafficRoutingValidationContext): void {
    const given = this.options?.maxReplicas;
    let ok = v.check(typeof this.minReplicas === 'number', 'routing.minReplicas', this.minReplicas,
      'is required: the replicas of all variants together at rest (a multiple of 100 / gcd(weights))');
    ok = v.integer('routing.minReplicas', this.minReplicas, 1, 1000) && ok;
    ok = v.integer('routing.maxReplicas', given, 1, 1000) && ok;
    if (ok && given !== undefined) {
      ok = v.check(given >= this.minReplicas, 'routing.maxReplicas', given, `is below minReplicas (${this.minReplicas}); raise it`);
    }
    (context.variants ?? []).forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      for (const key of ['minReplicas', 'maxReplicas'] as const) {
        v.check(p[key] === undefined, `variants[${i}].${key}`, p[key],
          'is set per variant, but replica-proportional routing derives replicas from routing.minReplicas/maxReplicas and the weights; remove it');
      }
    });
    const traffic = context.traffic;
    if (!ok || !traffic) return;
    if (traffic.shadow !== undefined) {
      v.add('traffic', traffic, 'needs request mirroring, which replica-proportional routing cannot do (a Service has no shadow copy); ' +
        'use routing: TrafficRouting.gatewayApi({ gateway }) or serve on SageMaker');
      return;
    }
    const needed = replicasToExpress(traffic.weights);
    const split = traffic.weights.map((w) => `${w.variant}: ${w.weight}`).join(', ');
    for (const [prop, total] of [['routing.minReplicas', this.minReplicas], ['routing.maxReplicas', this.maxReplicas]] as const) {
      v.check(total % needed === 0, prop, total,
        `cannot express the split ${split} with equal replicas; use a multiple of ${needed} (at least ${needed}), or use TrafficRouting.gatewayApi for exact weights`);
    }
  }

  public replicasOf(variant: KubernetesVariantProps, traffic: Traffic): VariantReplicas {
    return {
      minReplicas: replicasPerVariant(traffic.weights, this.minReplicas)[variant.name],
      maxReplicas: replicasPerVariant(traffic.weights, this.maxReplicas)[variant.name],
    };
  }

  /** One ClusterIP Service over every variant's pods, named after the endpoint. */
  public bind(scope: Construct, context: TrafficRoutingBindContext): TrafficRoutingBinding {
    const { target } = context;
    const service = new ServiceV1(scope, 'service', {
      provider: target.providerFor(scope),
      dependsOn: target.dependablesFor(scope),
      metadata: { name: context.endpointName, namespace: target.namespace, labels: context.labels },
      spec: {
        type: 'ClusterIP',
        selector: context.podSelector,
        port: [{ name: 'http', port: context.servingPort, targetPort: 'http', protocol: 'TCP' }],
      },
    });
    return { service };
  }
}
