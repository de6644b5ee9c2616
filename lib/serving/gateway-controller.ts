import { TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Validator } from '../core/errors';
import { mirroredChartRegistry } from '../core/images';
import { IKubernetesTarget, KubernetesPlatform } from '../core/kubernetes-target';
import { checkResourceName } from '../core/names';
import { HelmRelease } from '../core/private/helm';
import {
  ENVOY_GATEWAY_CONTROLLER_NAME, ENVOY_GATEWAY_CRDS, ENVOY_GATEWAY_RELEASE, envoyProxyPodLabels, PinnedCrdFile, PinnedRelease,
} from './private/gateway-api-crds';

/** The Envoy Gateway release `GatewayController.envoyGateway()` installs, chart and CRDs together; built against Gateway API v1.6.1. */
export const ENVOY_GATEWAY_VERSION = ENVOY_GATEWAY_RELEASE.version;
/** Where the Envoy Gateway chart is published (`helm install eg oci://docker.io/envoyproxy/gateway-helm`). */
export const ENVOY_GATEWAY_CHART_REPOSITORY = 'oci://docker.io/envoyproxy';
/**
 * The Envoy proxy image built into Envoy Gateway v1.9.0 (api/v1alpha1/shared_types.go, `DefaultEnvoyProxyImage`):
 * named in the chart values where a registry mirror applies, since the chart rewrites the proxy image only when named.
 */
const ENVOY_PROXY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.39.0';

/**
 * The single-cluster GatewayClasses GKE's Gateway controller offers (cloud.google.com kubernetes-engine/docs/how-to/
 * gatewayclass-capabilities). Regional classes need a proxy-only subnet in the cluster's region.
 */
export enum GkeGatewayClass {
  /** Regional internal Application Load Balancer: reachable from the VPC only. */
  REGIONAL_INTERNAL = 'gke-l7-rilb',
  /** Regional external Application Load Balancer. */
  REGIONAL_EXTERNAL_MANAGED = 'gke-l7-regional-external-managed',
  /** Global external Application Load Balancer. */
  GLOBAL_EXTERNAL_MANAGED = 'gke-l7-global-external-managed',
  /** Classic global external Application Load Balancer. */
  CLASSIC_GLOBAL_EXTERNAL = 'gke-l7-gxlb',
}

/**
 * Annotations that make a LoadBalancer Service internal, by platform, for controllers that create one (Envoy Gateway):
 * the in-tree controller's and the AWS Load Balancer Controller's on EKS, GKE's on GKE (kubernetes.io
 * docs/concepts/services-networking/service#internal-load-balancer).
 */
const INTERNAL_LOAD_BALANCER: Partial<Record<KubernetesPlatform, Record<string, string>>> = {
  [KubernetesPlatform.EKS]: {
    'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  },
  [KubernetesPlatform.GKE]: { 'networking.gke.io/load-balancer-type': 'Internal' },
};

/** Which implementation serves the Gateways. */
export enum GatewayControllerKind {
  ENVOY_GATEWAY = 'envoy-gateway',
  EXISTING = 'existing',
  GKE = 'gke',
}

/** Options for {@link GatewayController.envoyGateway}. */
export interface EnvoyGatewayOptions {
  /** Name of the GatewayClass Gateways name; PlatformGateway creates it. @default 'envoy-gateway' */
  readonly gatewayClassName?: string;
  /** Namespace of the controller (created with Pod Security `restricted`). @default 'envoy-gateway-system' */
  readonly namespace?: string;
  /** Controller replicas (leader-elected; a PodDisruptionBudget keeps one up). @default 2 */
  readonly replicas?: number;
}

/** Options for {@link GatewayController.existing}. */
export interface ExistingGatewayControllerOptions {
  /** The GatewayClass your controller serves (Istio: `istio`, Cilium: `cilium`, …). */
  readonly gatewayClassName: string;
  /**
   * Whether this construct installs the standard-channel CRDs. Turn it off where the controller's installer or the
   * cluster already manages them (two owners of one CRD fight over it). @default true
   */
  readonly installCrds?: boolean;
  /**
   * Labels of a Gateway's data-plane pods, by Gateway name and namespace, where they run in the Gateway's
   * namespace; endpoints admit only those pods and PlatformGateway writes a NetworkPolicy for them.
   * @default - unknown: endpoints admit every pod of the Gateway's namespace, PlatformGateway writes no NetworkPolicy
   */
  readonly dataPlanePodLabels?: (gatewayName: string, gatewayNamespace: string) => Record<string, string>;
}

/** A GKE cluster whose Gateway API a {@link GatewayController.gke} controller relies on (`GkeTrainingCluster` is one). */
export interface GkeGatewayCluster {
  /** The cluster's name. */
  readonly clusterName: string;
  /** Whether the cluster has `gateway_api_config { channel = "CHANNEL_STANDARD" }`. */
  readonly gatewayApi: boolean;
}

/** Options for {@link GatewayController.gke}. */
export interface GkeGatewayControllerOptions {
  /** The cluster; its Gateway API must be on (GkeTrainingCluster `gatewayApi`, on by default). */
  readonly cluster: GkeGatewayCluster;
  /** @default GkeGatewayClass.REGIONAL_INTERNAL (private to the VPC) */
  readonly gatewayClass?: GkeGatewayClass;
}

/** What GatewayApi tells a controller about where it is installed. */
export interface GatewayControllerContext {
  readonly target: IKubernetesTarget;
  /** The helm provider of the GatewayApi's stack, where one was given. */
  readonly helmProvider?: TerraformProvider;
}

/** What a bound controller tells the Gateways that use it. */
export interface GatewayControllerBinding {
  readonly kind: GatewayControllerKind;
  readonly gatewayClassName: string;
  /** Whether GatewayApi installs the standard-channel CRDs. */
  readonly installsStandardCrds: boolean;
  /** The controllerName of a GatewayClass the platform must create (in a stack after the CRDs). @default - the controller brings its classes */
  readonly gatewayClassControllerName?: string;
  /** Kinds the controller adds besides the Gateway API's (`group/Kind`). */
  readonly controllerKinds: string[];
  /**
   * Annotations of the infrastructure the controller generates for a Gateway (`spec.infrastructure.annotations`) that
   * keep it private to the network: an internal load balancer where the library knows the annotations for the
   * controller and platform. @default - none
   */
  readonly internalInfrastructureAnnotations?: Record<string, string>;
  /** Labels of a Gateway's data-plane pods in its namespace; undefined where unknown. */
  dataPlanePodLabels(gatewayName: string, gatewayNamespace: string): Record<string, string> | undefined;
  /**
   * Whether the data plane runs pods in the Gateway's namespace: false for a cloud load balancer outside the
   * cluster, undefined where unknown.
   */
  readonly dataPlaneInGatewayNamespace: boolean | undefined;
}

/**
 * The Gateway API implementation: `GatewayController.envoyGateway()` (installed by Helm),
 * `GatewayController.existing({ gatewayClassName })` (one you run) or `GatewayController.gke({ cluster })` (GKE's own).
 */
export abstract class GatewayController {
  /**
   * Envoy Gateway, installed from its pinned chart with its CRDs applied separately (the chart's own `crds/` are the
   * experimental channel and never upgraded by Helm), two leader-elected replicas, and Gateway Namespace Mode: each
   * Gateway's Envoy proxies run in the Gateway's namespace (site/content/en/v1.9/tasks/operations/gateway-namespace-mode.md),
   * so a NetworkPolicy can name them.
   */
  public static envoyGateway(options: EnvoyGatewayOptions = {}): GatewayController {
    return new EnvoyGatewayController(options);
  }

  /** A controller you run (Istio, Cilium, NGINX Gateway Fabric, …); this library installs only the CRDs (or nothing). */
  public static existing(options: ExistingGatewayControllerOptions): GatewayController {
    return new ExistingGatewayController(options);
  }

  /** GKE's Google-hosted controller: nothing is installed in the cluster; GKE installs the standard CRDs itself. */
  public static gke(options: GkeGatewayControllerOptions): GatewayController {
    return new GkeGatewayController(options);
  }

  protected constructor(public readonly kind: GatewayControllerKind) {}

  /** @internal Whether GatewayApi applies the standard-channel CRDs for this controller. */
  public abstract get _installsStandardCrds(): boolean;

  /** @internal CRDs of the controller itself, applied with the standard ones. */
  public get _controllerCrds(): { readonly release: PinnedRelease; readonly files: readonly PinnedCrdFile[] } | undefined {
    return undefined;
  }

  /** Adds every problem with the options to `v`. */
  public abstract validate(v: Validator, context: GatewayControllerContext): void;

  /** Creates what the controller needs under `scope` (after the CRDs, `crds`) and says how Gateways use it. */
  public abstract bind(scope: Construct, context: GatewayControllerContext, crds: IConstruct[]): GatewayControllerBinding;

  public toString(): string {
    return this.kind;
  }
}

class EnvoyGatewayController extends GatewayController {
  constructor(private readonly options: EnvoyGatewayOptions) {
    super(GatewayControllerKind.ENVOY_GATEWAY);
  }

  public validate(v: Validator, context: GatewayControllerContext): void {
    const o = this.options ?? {};
    checkResourceName(v, 'controller.gatewayClassName', o.gatewayClassName, 253);
    checkResourceName(v, 'controller.namespace', o.namespace, 63);
    v.integer('controller.replicas', o.replicas, 1, 10);
    v.check(context.helmProvider !== undefined, 'helmProvider', context.helmProvider,
      'is required to install Envoy Gateway; pass a helm provider of this stack (cluster.helmProvider(scope)), or use GatewayController.existing / .gke');
  }

  public get _installsStandardCrds(): boolean {
    return true;
  }

  public get _controllerCrds(): { readonly release: PinnedRelease; readonly files: readonly PinnedCrdFile[] } {
    return { release: ENVOY_GATEWAY_RELEASE, files: ENVOY_GATEWAY_CRDS };
  }

  public bind(scope: Construct, context: GatewayControllerContext, crds: IConstruct[]): GatewayControllerBinding {
    const o = this.options ?? {};
    const namespaceName = o.namespace ?? 'envoy-gateway-system';
    const replicas = o.replicas ?? 2;
    // Behind the app's registry mirror, where one applies: `global.imageRegistry` replaces the registry of the
    // controller, rate-limit and (named) proxy images, all on docker.io (charts/gateway-helm/templates/_helpers.tpl @ v1.9.0).
    const mirror = mirroredChartRegistry(scope, 'docker.io', 'envoyproxy/gateway');
    const common = { provider: context.target.providerFor(scope), dependsOn: context.target.dependablesFor(scope) };
    // The chart's pods all run as non-root with every capability dropped and RuntimeDefault seccomp
    // (charts/gateway-helm/values.tmpl.yaml @ v1.9.0), and the proxies run in the Gateways' namespaces.
    const namespace = new NamespaceV1(scope, 'controller-namespace', {
      ...common,
      metadata: {
        name: namespaceName,
        labels: {
          'app.kubernetes.io/part-of': 'envoy-gateway',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    new HelmRelease(scope, 'controller', {
      provider: context.helmProvider,
      name: 'eg',
      repository: ENVOY_GATEWAY_CHART_REPOSITORY,
      chart: 'gateway-helm',
      // The chart and the CRDs applied beside it move together, with this library.
      version: ENVOY_GATEWAY_VERSION,
      namespace: namespaceName,
      // The CRDs are applied by GatewayApi: with crds.enabled the chart would install the experimental channel
      // ("Installing CRDs separately", site/content/en/v1.9/install/install-helm.md).
      skipCrds: true,
      atomic: true,
      values: [JSON.stringify({
        crds: { enabled: false },
        deployment: { replicas },
        podDisruptionBudget: { minAvailable: replicas > 1 ? 1 : 0 },
        config: { envoyGateway: { provider: { type: 'Kubernetes', kubernetes: { deploy: { type: 'GatewayNamespace' } } } } },
        ...(mirror ? { global: { imageRegistry: mirror, images: { envoyProxy: { image: ENVOY_PROXY_IMAGE } } } } : {}),
      })],
      dependsOn: [namespace, ...crds.filter((c): c is Manifest => c instanceof Manifest)],
    });
    return {
      kind: this.kind,
      gatewayClassName: o.gatewayClassName ?? 'envoy-gateway',
      installsStandardCrds: true,
      gatewayClassControllerName: ENVOY_GATEWAY_CONTROLLER_NAME,
      controllerKinds: ENVOY_GATEWAY_CRDS.map((c) => `${c.group}/${c.kind}`),
      dataPlanePodLabels: envoyProxyPodLabels,
      dataPlaneInGatewayNamespace: true,
      // Envoy Gateway puts a LoadBalancer Service in front of each Gateway's proxies.
      internalInfrastructureAnnotations: INTERNAL_LOAD_BALANCER[context.target.platform],
    };
  }
}

class ExistingGatewayController extends GatewayController {
  constructor(private readonly options: ExistingGatewayControllerOptions) {
    super(GatewayControllerKind.EXISTING);
  }

  public validate(v: Validator): void {
    if (!v.check(!!this.options && typeof this.options === 'object', 'controller', this.options,
      'needs options: GatewayController.existing({ gatewayClassName: "istio" })')) return;
    v.check(typeof this.options.gatewayClassName === 'string', 'controller.gatewayClassName', this.options.gatewayClassName,
      'is required: the GatewayClass your controller serves (kubectl get gatewayclass)');
    checkResourceName(v, 'controller.gatewayClassName', this.options.gatewayClassName, 253);
  }

  public get _installsStandardCrds(): boolean {
    return this.options.installCrds ?? true;
  }

  public bind(): GatewayControllerBinding {
    const labels = this.options.dataPlanePodLabels;
    return {
      kind: this.kind,
      gatewayClassName: this.options.gatewayClassName,
      installsStandardCrds: this._installsStandardCrds,
      controllerKinds: [],
      dataPlanePodLabels: (name, namespace) => labels?.(name, namespace),
      dataPlaneInGatewayNamespace: labels !== undefined ? true : undefined,
    };
  }
}

class GkeGatewayController extends GatewayController {
  constructor(private readonly options: GkeGatewayControllerOptions) {
    super(GatewayControllerKind.GKE);
  }

  public validate(v: Validator, context: GatewayControllerContext): void {
    const o = this.options;
    if (!v.check(!!o && typeof o === 'object' && !!o.cluster, 'controller.cluster', o?.cluster,
      'is required: the GKE cluster (GatewayController.gke({ cluster: gkeCluster }))')) return;
    v.check(o.gatewayClass === undefined || Object.values(GkeGatewayClass).includes(o.gatewayClass), 'controller.gatewayClass', o.gatewayClass,
      `must be one of ${Object.values(GkeGatewayClass).join(', ')}`);
    v.check(o.cluster.gatewayApi === true, 'controller.cluster', o.cluster.clusterName,
      'does not have the Gateway API enabled; keep GkeTrainingCluster gatewayApi on (gateway_api_config { channel = "CHANNEL_STANDARD" })');
    const target = context.target;
    if (target && typeof target === 'object') {
      v.check(target.platform === KubernetesPlatform.GKE, 'target', `${target.clusterName} (${target.platform})`,
        'is not a GKE cluster; GKE\'s Gateway controller serves GKE clusters only: use GatewayController.envoyGateway() elsewhere');
      v.check(target.clusterName === o.cluster.clusterName, 'controller.cluster', o.cluster.clusterName,
        `is not the target's cluster (${target.clusterName}); pass the cluster the target reaches`);
    }
  }

  public get _installsStandardCrds(): boolean {
    return false;
  }

  public bind(): GatewayControllerBinding {
    return {
      kind: this.kind,
      gatewayClassName: this.options.gatewayClass ?? GkeGatewayClass.REGIONAL_INTERNAL,
      installsStandardCrds: false,
      controllerKinds: [],
      dataPlanePodLabels: () => undefined,
      // Google load balancers reach the pods directly (container-native load balancing); nothing runs in the namespace.
      dataPlaneInGatewayNamespace: false,
    };
  }
}

