import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Validator } from '../core/errors';
import { checkLabels, checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { GatewayApi } from './gateway';
import { GatewayReference } from './kubernetes-routing';

/** One HTTPS listener of a {@link PlatformGateway}. */
export interface PlatformGatewayListener {
  /** Listener name; routes pick it as `sectionName`. @default 'https' */
  readonly name?: string;
  /** Host name it answers, exact or `*.` wildcard (`models.example.com`, `*.ml.example.com`). @default - every host name */
  readonly hostname?: string;
  /** @default 443 */
  readonly port?: number;
  /**
   * A `kubernetes.io/tls` Secret in the Gateway's namespace holding the certificate and key (cert-manager can issue
   * it). TLS terminates at the Gateway.
   */
  readonly tlsSecret: string;
}

/** Props for {@link PlatformGateway}. */
export interface PlatformGatewayProps {
  /** The Gateway API add-on of the cluster (in a stack this one is applied after). */
  readonly gatewayApi: GatewayApi;
  /** The Gateway's name. @default 'platform' */
  readonly name?: string;
  /** The Gateway's namespace. @default 'gateway' */
  readonly namespace?: string;
  /** HTTPS listeners; plain HTTP is not offered. At least one. */
  readonly listeners: PlatformGatewayListener[];
  /**
   * Labels a namespace must carry for its HTTPRoutes to attach.
   * @default - any namespace labelled `ml-platform.io/team` (every team namespace of a training cluster)
   */
  readonly routeNamespaceLabels?: Record<string, string>;
  /**
   * Create the namespace, enforcing Pod Security `restricted`, with a default-deny ingress NetworkPolicy and one
   * admitting the Gateway's proxy pods where the controller runs them there. Turn off when the namespace exists
   * (another PlatformGateway made it). @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Annotations of the infrastructure the controller generates for the Gateway (`spec.infrastructure.annotations`;
   * Envoy Gateway copies them onto the proxies' LoadBalancer Service, internal/gatewayapi/translator.go
   * infrastructureAnnotations and internal/infrastructure/kubernetes/proxy/resource_provider.go @ v1.9.0).
   * @default - an internal load balancer where the library knows the annotations: Envoy Gateway on EKS
   *   (`service.beta.kubernetes.io/aws-load-balancer-internal: "true"` for the in-tree controller and
   *   `service.beta.kubernetes.io/aws-load-balancer-scheme: internal` for the AWS Load Balancer Controller) and on GKE
   *   (`networking.gke.io/load-balancer-type: Internal`), kubernetes.io docs/concepts/services-networking/service
   *   #internal-load-balancer; none elsewhere (GKE's own classes choose their load balancer by class)
   */
  readonly infrastructureAnnotations?: Record<string, string>;
}

/** The label every team namespace of a training cluster carries (TeamQuotas). */
const TEAM_NAMESPACE_LABEL = 'ml-platform.io/team';
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A shared Gateway (`gateway.networking.k8s.io/v1`, through `kubernetes_manifest`) that inference endpoints' HTTPRoutes
 * attach to: `TrafficRouting.gatewayApi({ gateway: gw.reference })`. HTTPS listeners only, each terminating TLS with a
 * certificate from a Secret; routes attach only from namespaces with the given labels (team namespaces by default),
 * and only HTTPRoutes. Where the controller needs a GatewayClass made for it (Envoy Gateway), it is made here once.
 *
 * Put it in the workloads stack: a stack applied after the one holding its {@link GatewayApi} (the Gateway is a
 * custom resource, planned only once its CRD exists). It makes this stack depend on that one.
 */
export class PlatformGateway extends Construct {
  /** The Gateway's name. */
  public readonly gatewayName: string;
  /** The Gateway's namespace. */
  public readonly namespace: string;
  /** The Gateway (escape hatch). */
  public readonly gateway: Manifest;
  /** The namespace, where created. */
  public readonly namespaceResource?: NamespaceV1;
  /** The namespace's NetworkPolicies, where created. */
  public readonly networkPolicies: NetworkPolicyV1[] = [];
  /** Labels of the Gateway's data-plane pods, where the controller runs them in {@link namespace} and says which. */
  public readonly dataPlanePodLabels?: Record<string, string>;
  private readonly listenerNames: string[];

  constructor(scope: Construct, id: string, props: PlatformGatewayProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const listeners = PlatformGateway.validate(this, props);
    const api = props.gatewayApi;
    this.gatewayName = props.name ?? 'platform';
    this.namespace = props.namespace ?? 'gateway';
    this.listenerNames = listeners.map((l) => l.name);
    this.dataPlanePodLabels = api.dataPlanePodLabels(this.gatewayName, this.namespace);

    const stack = TerraformStack.of(this);
    const apiStack = TerraformStack.of(api);
    if (!stack.dependsOn(apiStack)) stack.addDependency(apiStack);

    const target = api.target;
    const provider = target.providerFor(this);
    const dependsOn = [...target.dependablesFor(this)];
    const labels = { 'app.kubernetes.io/name': this.gatewayName, 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' };
    if (props.createNamespace ?? true) {
      this.namespaceResource = new NamespaceV1(this, 'namespace', {
        provider,
        dependsOn: [...dependsOn],
        metadata: {
          name: this.namespace,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      });
      this.createNetworkPolicies(provider, labels, api.dataPlaneInGatewayNamespace);
      dependsOn.push(this.namespaceResource);
    }
    const gatewayClass = api.gatewayClassIn(this);
    if (gatewayClass) dependsOn.push(gatewayClass);

    const namespaces = props.routeNamespaceLabels
      ? { from: 'Selector', selector: { matchLabels: props.routeNamespaceLabels } }
      : { from: 'Selector', selector: { matchExpressions: [{ key: TEAM_NAMESPACE_LABEL, operator: 'Exists' }] } };
    const infrastructure = props.infrastructureAnnotations ?? api.internalInfrastructureAnnotations;
    this.gateway = new Manifest(this, 'gateway', {
      provider,
      dependsOn,
      manifest: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: this.gatewayName, namespace: this.namespace, labels },
        spec: {
          gatewayClassName: api.gatewayClassName,
          ...(infrastructure && Object.keys(infrastructure).length > 0 ? { infrastructure: { annotations: infrastructure } } : {}),
          listeners: listeners.map((l) => ({
            name: l.name,
            protocol: 'HTTPS',
            port: l.port,
            ...(l.hostname ? { hostname: l.hostname } : {}),
            tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: l.tlsSecret }] },
            allowedRoutes: { namespaces, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
          })),
        },
      },
    });
  }

  /** The Gateway, for `TrafficRouting.gatewayApi({ gateway })`: routes attach to every listener that admits them. */
  public get reference(): GatewayReference {
    return { name: this.gatewayName, namespace: this.namespace, ...(this.dataPlanePodLabels ? { podLabels: this.dataPlanePodLabels } : {}) };
  }

  /** One listener of the Gateway, for `TrafficRouting.gatewayApi({ gateway })`. */
  public listenerReference(listenerName: string): GatewayReference {
    if (!this.listenerNames.includes(listenerName)) {
      throw new Error(`${this.node.path}: listener "${listenerName}" does not exist; listeners: ${this.listenerNames.join(', ')}`);
    }
    return { ...this.reference, sectionName: listenerName };
  }

  /**
   * Default-deny ingress for the namespace where nothing but the proxies runs; the proxies, where the controller runs
   * them here and says how they are labelled, admit everyone (they are the entry point; their container ports are the
   * controller's choice, e.g. Envoy Gateway maps ports below 1024 to port + 10000). None for a controller whose
   * layout is unknown.
   */
  private createNetworkPolicies(provider: TerraformProvider, labels: Record<string, string>, dataPlaneHere: boolean | undefined): void {
    // Unknown pods of an unknown controller: a default deny could cut them off.
    if (dataPlaneHere === undefined || (dataPlaneHere && !this.dataPlanePodLabels)) return;
    const dependsOn = this.namespaceResource ? [this.namespaceResource] : [];
    this.networkPolicies.push(new NetworkPolicyV1(this, 'default-deny', {
      provider,
      dependsOn,
      metadata: { name: `${this.gatewayName}-default-deny`, namespace: this.namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    }));
    if (this.dataPlanePodLabels) {
      this.networkPolicies.push(new NetworkPolicyV1(this, 'proxies', {
        provider,
        dependsOn,
        metadata: { name: `${this.gatewayName}-proxies`, namespace: this.namespace, labels },
        spec: { podSelector: { matchLabels: this.dataPlanePodLabels }, policyTypes: ['Ingress'], ingress: [{}] },
      }));
    }
  }

  private static validate(self: Construct, props: PlatformGatewayProps): Array<Required<Omit<PlatformGatewayListener, 'hostname'>> & { hostname?: string }> {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { gatewayApi, listeners: [{ tlsSecret }] }');
      v.throwIfAny();
    }
    v.check(props.gatewayApi instanceof GatewayApi, 'gatewayApi', props.gatewayApi,
      'is required: the cluster\'s GatewayApi add-on (new GatewayApi(addons, "gateway-api", { target }))');
    checkResourceName(v, 'name', props.name, 63);
    checkResourceName(v, 'namespace', props.namespace, 63);
    checkLabels(v, 'routeNamespaceLabels', props.routeNamespaceLabels);
    for (const [key, value] of Object.entries(props.infrastructureAnnotations ?? {})) {
      v.check(typeof value === 'string', `infrastructureAnnotations.${key}`, value, 'must be a string (annotation values are strings: "true", not true)');
    }
    if (props.routeNamespaceLabels !== undefined) {
      v.check(Object.keys(props.routeNamespaceLabels).length > 0, 'routeNamespaceLabels', props.routeNamespaceLabels,
        'is empty, which would admit routes from every namespace; name at least one label, or leave it unset for team namespaces');
    }
    if (props.gatewayApi instanceof GatewayApi && TerraformStack.of(props.gatewayApi) === TerraformStack.of(self)) {
      v.add('gatewayApi', props.gatewayApi.node.path, `is in this stack (${TerraformStack.of(self).node.id}); the Gateway is a custom resource, planned only `
        + 'once its CRD exists: put PlatformGateway in a stack applied after the GatewayApi\'s (MlPlatform: env.workloads)');
    }
    const out: Array<Required<Omit<PlatformGatewayListener, 'hostname'>> & { hostname?: string }> = [];
    if (!v.nonEmpty('listeners', props.listeners, 'must hold at least one listener: [{ tlsSecret: "gateway-tls" }]')) {
      v.throwIfAny();
    }
    const names = new Set<string>();
    const bindings = new Set<string>();
    props.listeners.forEach((l, i) => {
      const p = `listeners[${i}]`;
      if (!v.check(!!l && typeof l === 'object', p, l, 'must be a listener: { tlsSecret, hostname?, port?, name? }')) return;
      const name = l.name ?? 'https';
      const port = l.port ?? 443;
      if (v.matches(`${p}.name`, name, SECTION_NAME, 'must be lowercase letters, digits, "-" and "."') && v.check(name.length <= 253, `${p}.name`, name, 'is longer than 253 characters')) {
        v.check(!names.has(name), `${p}.name`, name, 'repeats an earlier listener\'s name; give each listener its own name');
        names.add(name);
      }
      v.integer(`${p}.port`, port, 1, 65535);
      if (l.hostname !== undefined) {
        v.matches(`${p}.hostname`, l.hostname, HOSTNAME, 'must be a DNS name, optionally with a leading "*." wildcard (no IP addresses)');
      }
      const binding = `${port}/${l.hostname ?? '*'}`;
      v.check(!bindings.has(binding), `${p}.hostname`, l.hostname ?? '(any)', `repeats an earlier listener's port ${port} and host name; listeners on one port need distinct host names`);
      bindings.add(binding);
      if (v.check(typeof l.tlsSecret === 'string', `${p}.tlsSecret`, l.tlsSecret, 'is required: the kubernetes.io/tls Secret in the Gateway\'s namespace')) {
        checkResourceName(v, `${p}.tlsSecret`, l.tlsSecret, 253);
      }
      out.push({ name, port, hostname: l.hostname, tlsSecret: l.tlsSecret });
    });
    v.throwIfAny();
    return out;
  }
}
