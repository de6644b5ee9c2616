import { Fn, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { recordCustomResources } from '../core/private/custom-resources';
import { DataHttpDocument } from '../core/private/http';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { checkProvider } from '../core/private/providers';
import { GatewayController, GatewayControllerBinding, GatewayControllerKind } from './gateway-controller';
import {
  GATEWAY_API_CORE_KINDS, GATEWAY_API_RELEASE, GATEWAY_API_SAFE_UPGRADES, GATEWAY_API_STANDARD_CRDS, PinnedCrdFile, PinnedRelease, pinnedUrl,
} from './private/gateway-api-crds';

/** The Gateway API bundle GatewayApi installs (standard channel). */
export const GATEWAY_API_VERSION = GATEWAY_API_RELEASE.version;

/** Props for {@link GatewayApi}. */
export interface GatewayApiProps {
  /** The cluster (its namespace is not used). Place the construct in the cluster add-ons stack. */
  readonly target: IKubernetesTarget;
  /** @default GatewayController.envoyGateway() */
  readonly controller?: GatewayController;
  /** A helm provider of this stack reaching the cluster; required by Envoy Gateway. @default - none */
  readonly helmProvider?: TerraformProvider;
  /**
   * Apply the standard install's `safe-upgrades` ValidatingAdmissionPolicy, which refuses experimental-channel CRDs
   * over standard ones and downgrades. Needs Kubernetes 1.30 or later. @default true
   */
  readonly safeUpgradePolicy?: boolean;
}

/**
 * The Kubernetes Gateway API on a cluster: the standard-channel CRDs (Gateway API {@link GATEWAY_API_VERSION},
 * each file fetched at plan time from its release commit and applied only if its SHA-256 matches) and a controller:
 * Envoy Gateway by default, one you run, or GKE's own (then nothing is installed: GKE manages the CRDs).
 *
 * Custom resources of these kinds cannot be planned in the stack that installs their CRDs (`kubernetes_manifest`
 * reads the CRD at plan), so put this construct in the cluster add-ons stack and the Gateways ({@link PlatformGateway})
 * and routes in a later one. The kinds it makes available are recorded in the stack's JSON under
 * `//.ml_platform.crds` (`{ "gateway.networking.k8s.io/HTTPRoute": "<this construct's path>" }`), so a deploy-order
 * check can prove every manifest's kind is installed by a stack it depends on.
 *
 * The CRDs are protected from destroy: deleting a CRD deletes every Gateway and route of that kind. They are applied
 * with `kubernetes_manifest` (server-side apply), not Helm: Envoy Gateway's own CRD chart must be rendered and
 * applied server-side rather than installed, because its release record exceeds Kubernetes' 1 MiB Secret limit
 * (site/content/en/v1.9/install/install-helm.md, "Installing CRDs separately"; envoyproxy/gateway#6105).
 */
export class GatewayApi extends Construct {
  public readonly target: IKubernetesTarget;
  public readonly controllerKind: GatewayControllerKind;
  /** The GatewayClass Gateways on this cluster name. */
  public readonly gatewayClassName: string;
  /** The bundle installed by this construct; undefined where the CRDs are managed elsewhere. */
  public readonly bundleVersion?: string;
  /** The CRDs applied, by `group/Kind` (escape hatch). */
  public readonly crds: Record<string, Manifest> = {};
  /** The safe-upgrades ValidatingAdmissionPolicy and its binding, where applied. */
  public readonly safeUpgradePolicy: Manifest[] = [];
  /** The kinds served once this construct's stack is applied, as `group/Kind`, sorted. */
  public readonly kinds: string[];
  private readonly binding: GatewayControllerBinding;
  private gatewayClass?: Manifest;

  constructor(scope: Construct, id: string, props: GatewayApiProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { target, controller?, helmProvider? }');
      v.throwIfAny();
    }
    v.check(!!props.target && typeof props.target.providerFor === 'function', 'target', props.target,
      'is required: the cluster\'s Kubernetes target (cluster.kubernetes)');
    const controller = props.controller ?? GatewayController.envoyGateway();
    if (v.check(controller instanceof GatewayController, 'controller', controller,
      'must be GatewayController.envoyGateway(), GatewayController.existing({ gatewayClassName }) or GatewayController.gke({ cluster })')) {
      controller.validate(v, { target: props.target, helmProvider: props.helmProvider });
    }
    if (props.helmProvider !== undefined) checkProvider(v, 'helmProvider', props.helmProvider, 'helm', this);
    v.throwIfAny();

    this.target = props.target;
    this.controllerKind = controller.kind;
    const context = { target: props.target, helmProvider: props.helmProvider };
    const applied: Manifest[] = [];
    if (controller._installsStandardCrds) {
      this.bundleVersion = GATEWAY_API_VERSION;
      for (const crd of GATEWAY_API_STANDARD_CRDS) applied.push(this.applyCrd(GATEWAY_API_RELEASE, crd));
      if (props.safeUpgradePolicy ?? true) this.applySafeUpgradePolicy();
    }
    const own = controller._controllerCrds;
    for (const crd of own?.files ?? []) applied.push(this.applyCrd(own!.release, crd));
    this.binding = controller.bind(this, context, applied);
    this.gatewayClassName = this.binding.gatewayClassName;
    const gatewayKinds = this.binding.installsStandardCrds ? GATEWAY_API_STANDARD_CRDS.map((c) => `${c.group}/${c.kind}`) : GATEWAY_API_CORE_KINDS;
    this.kinds = [...new Set([...gatewayKinds, ...this.binding.controllerKinds])].sort();
    recordCustomResources(this, () => this.kinds);
  }

  /**
   * Whether Gateways' data planes run as pods in the Gateways' namespaces: true for Envoy Gateway, false for GKE's
   * load balancers, undefined where the controller's layout is unknown.
   */
  public get dataPlaneInGatewayNamespace(): boolean | undefined {
    return this.binding.dataPlaneInGatewayNamespace;
  }

  /** Labels of the data-plane pods of Gateway `name` in `namespace`, where the controller says. */
  public dataPlanePodLabels(name: string, namespace: string): Record<string, string> | undefined {
    return this.binding.dataPlanePodLabels(name, namespace);
  }

  /**
   * Infrastructure annotations that keep a Gateway's load balancer internal, where the library knows them for the
   * controller and platform (Envoy Gateway on EKS and GKE); undefined elsewhere.
   */
  public get internalInfrastructureAnnotations(): Record<string, string> | undefined {
    return this.binding.internalInfrastructureAnnotations;
  }

  /**
   * The GatewayClass the controller needs the platform to create, in `scope`'s stack (a stack after this one: the
   * class is a custom resource). Made once; asking from another stack throws, since one object cannot have two owners.
   * Undefined where the controller brings its classes (GKE, existing controllers).
   */
  public gatewayClassIn(scope: IConstruct): Manifest | undefined {
    const controllerName = this.binding.gatewayClassControllerName;
    if (!controllerName) return undefined;
    const stack = TerraformStack.of(scope);
    if (this.gatewayClass) {
      const owner = TerraformStack.of(this.gatewayClass);
      if (owner !== stack) {
        throw new Error(`${scope.node.path}: GatewayClass ${this.gatewayClassName} is created in stack ${owner.node.id} (${this.gatewayClass.node.path}); `
          + `put every PlatformGateway of ${this.node.path} in that stack, or give the second controller its own gatewayClassName`);
      }
      return this.gatewayClass;
    }
    // At the stack's root, one per cluster and class: it outlives any one Gateway that asked for it first.
    this.gatewayClass = new Manifest(stack, `gateway-class-${this.target.clusterName}-${this.gatewayClassName}`, {
      provider: this.target.providerFor(stack),
      manifest: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: this.gatewayClassName, labels: { 'app.kubernetes.io/managed-by': 'cdktf-ml-platform' } },
        spec: { controllerName, description: `Gateways served by the controller installed by ${this.node.path}` },
      },
    });
    return this.gatewayClass;
  }

  /** One CRD: its pinned file, fetched and verified at plan, applied server-side. */
  private applyCrd(release: PinnedRelease, crd: PinnedCrdFile): Manifest {
    const name = `${crd.plural}-${crd.group.replace(/\./g, '-')}`;
    const source = new DataHttpDocument(this, `crd-source-${name}`, { url: pinnedUrl(release, crd.path), sha256: crd.sha256 });
    const manifest = new Manifest(this, `crd-${name}`, {
      provider: this.target.providerFor(this),
      dependsOn: this.target.dependablesFor(this),
      manifest: Fn.yamldecode(source.responseBody) as unknown as Record<string, unknown>,
      // The controller and later stacks need the API served, not just the object stored.
      wait: { condition: [{ type: 'Established', status: 'True' }] },
      // Deleting a CRD deletes every object of its kind: every Gateway and route of the platform.
      lifecycle: { preventDestroy: true },
    });
    this.crds[`${crd.group}/${crd.kind}`] = manifest;
    return manifest;
  }

  private applySafeUpgradePolicy(): void {
    const source = new DataHttpDocument(this, 'safe-upgrades-source', {
      url: pinnedUrl(GATEWAY_API_RELEASE, GATEWAY_API_SAFE_UPGRADES.path), sha256: GATEWAY_API_SAFE_UPGRADES.sha256,
    });
    // The file holds the policy, then `---`, then its binding.
    const documents = Fn.split('\n---\n', source.responseBody);
    ['policy', 'binding'].forEach((what, i) => {
      this.safeUpgradePolicy.push(new Manifest(this, `safe-upgrades-${what}`, {
        provider: this.target.providerFor(this),
        dependsOn: this.target.dependablesFor(this),
        manifest: Fn.yamldecode(Fn.element(documents, i)) as unknown as Record<string, unknown>,
      }));
    });
  }
}
