import { App, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { checkRegistryMirrors, configureRegistryMirrors, RegistryMirrorMap } from '../core/images';
import { KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels, StandardLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { requireProvider } from '../core/private/optional-provider';
import { qualifyProviderSources } from '../core/private/provider-sources';
import type { EdgeFleet, EdgeFleetProps } from '../edge/fleet';
import { Governance } from '../governance/governance';
import { Severity } from '../governance/model';
import { GovernanceParameters, PackName, RulePack } from '../governance/rule';
import { platformDiagram } from './diagram';

/** Where an environment runs. */
export enum EnvironmentKind {
  ON_PREM = 'on-prem',
  AWS = 'aws',
  GOOGLE_CLOUD = 'google-cloud',
  EDGE = 'edge',
}

/**
 * The layers an environment is applied in, each its own stack and state, in this order: what a layer's
 * providers need exists once the layers before it are applied, so no provider is configured from a resource of
 * its own stack and no custom resource is planned before its CRD.
 */
export enum PlatformLayer {
  /** Clusters, networks, keys, buckets, databases, registries: `<platform>-<env>`. */
  INFRASTRUCTURE = 'infrastructure',
  /** What runs in a cluster for the platform: device plugins, autoscaler, CRDs and controllers, team namespaces and quotas: `<platform>-<env>-addons`. */
  ADDONS = 'addons',
  /** Capabilities on Kubernetes and custom resources: feature stores, MLflow, endpoints, monitoring, gateways: `<platform>-<env>-workloads`. */
  WORKLOADS = 'workloads',
}

/**
 * One environment of the platform: its infrastructure stack (`<platform>-<environment>`), with the add-ons
 * and workloads layers as stacks of their own (`addons`, `workloads`, created on first use), each with the
 * environment's cloud provider, labels and governance, and depending on the layer before it.
 * `cdktf deploy '<platform>-*'` applies them in that order.
 */
export class PlatformEnvironment extends TerraformStack {
  /** This stack's layer. */
  public readonly layer: PlatformLayer = PlatformLayer.INFRASTRUCTURE;
  private readonly layerStacks = new Map<PlatformLayer, PlatformLayerStack>();

  constructor(
    scope: Construct,
    id: string,
    /** Where it runs. */
    public readonly kind: EnvironmentKind,
    /** The environment's short name, e.g. `onprem`. */
    public readonly environmentName: string,
    /** Gives a new layer stack the environment's provider, labels and governance. */
    private readonly prepareLayer: (stack: TerraformStack) => void = () => undefined,
  ) {
    super(scope, id);
  }

  /** The infrastructure layer: this stack. */
  public get infrastructure(): PlatformEnvironment {
    return this;
  }

  /** The cluster add-ons layer (`<platform>-<env>-addons`), applied after this stack (and before the workloads). */
  public get addons(): PlatformLayerStack {
    const created = !this.layerStacks.has(PlatformLayer.ADDONS);
    const addons = this.layerStack(PlatformLayer.ADDONS, this);
    if (created) this.layerStacks.get(PlatformLayer.WORKLOADS)?.addDependency(addons);
    return addons;
  }

  /** The workloads layer (`<platform>-<env>-workloads`), applied after the add-ons (or this stack, while there are none). */
  public get workloads(): PlatformLayerStack {
    return this.layerStack(PlatformLayer.WORKLOADS, this.layerStacks.get(PlatformLayer.ADDONS) ?? this);
  }

  /** Every layer stack created so far, in apply order (this stack first). */
  public get layers(): TerraformStack[] {
    return [this, ...[PlatformLayer.ADDONS, PlatformLayer.WORKLOADS].map((l) => this.layerStacks.get(l)).filter((s): s is PlatformLayerStack => !!s)];
  }

  private layerStack(layer: PlatformLayer, after: TerraformStack): PlatformLayerStack {
    let stack = this.layerStacks.get(layer);
    if (!stack) {
      stack = new PlatformLayerStack(this.node.scope!, `${this.node.id}-${layer}`, this, layer);
      stack.addDependency(after);
      this.layerStacks.set(layer, stack);
      this.prepareLayer(stack);
    }
    return stack;
  }
}

/** A later layer of an environment (see {@link PlatformLayer}). */
export class PlatformLayerStack extends TerraformStack {
  constructor(
    scope: Construct,
    id: string,
    /** The environment it belongs to. */
    public readonly environment: PlatformEnvironment,
    /** Its layer. */
    public readonly layer: PlatformLayer,
  ) {
    super(scope, id);
  }
}

/** An on-prem environment: its stacks plus the existing cluster it deploys to. */
export interface OnPremEnvironment {
  /** The infrastructure layer (cluster-wide setup: team namespaces, quotas, GPU software). */
  readonly stack: PlatformEnvironment;
  /** The add-ons layer (`stack.addons`): CRDs and controllers. */
  readonly addons: PlatformLayerStack;
  /** The workloads layer (`stack.workloads`): feature stores, registries, endpoints, monitoring. */
  readonly workloads: PlatformLayerStack;
  /** The cluster, reached through a kubeconfig context (each stack configures its own provider from it). */
  readonly target: KubernetesTarget;
}

/** Props for {@link MlPlatform}. */
export interface MlPlatformProps {
  /** Platform name (DNS-1123, at most 20 characters); stacks are named `<name>-<environment>`. */
  readonly name: string;
  /** Standard labels on every resource of every environment. */
  readonly labels: StandardLabels;
  /** Governance packs on top of the baseline, in every environment. @default ['ml-guardrails'] */
  readonly governancePacks?: PackName[];
  /** Governance rule parameters for every environment. @default - none */
  readonly governanceParameters?: GovernanceParameters;
  /** Rule severity changes (or `'off'`) for every environment; recorded with the rest for `ml-platform review`. @default - none */
  readonly governanceSeverityOverrides?: Readonly<Record<string, Severity | 'off'>>;
  /** Custom rule packs (`definePack`) checked in every environment. @default - none */
  readonly governanceCustomPacks?: RulePack[];
  /**
   * Registry mirrors (pull-through caches) for every default image of every environment, e.g.
   * `{ 'docker.io': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub', '*': 'registry.corp/mirror' }`:
   * configured on the app, which holds the platform's stacks (see `RegistryMirrors`). Images passed to a construct
   * are never rewritten.
   * @default - the app's `ml-platform:registryMirrors` context, else the upstream registries
   */
  readonly registryMirrors?: RegistryMirrorMap;
}

/**
 * A hybrid ML platform across on-prem, AWS, Google Cloud and edge, declared in one app. Each environment is
 * its own stack (`cdktf deploy <platform>-<env>`) carrying the platform's labels and governance; an edge
 * fleet adds its stacks, one set per rollout ring. Capabilities are placed in environments as ordinary constructs (a
 * TrainingCluster in `onprem`, a FeatureStore in `aws`, …); where one stack uses another's resources, cdktf
 * writes the outputs and remote-state lookups. `diagram()` draws what was declared and how it is wired.
 */
export class MlPlatform extends Construct {
  public readonly platformName: string;
  private readonly props: MlPlatformProps;
  private readonly environments = new Map<string, PlatformEnvironment>();

  constructor(scope: App, id: string, props: MlPlatformProps) {
    super(scope, id);
    const v = new Validator(this);
    checkResourceName(v, 'name', props?.name, 20);
    v.check(typeof props?.name === 'string', 'name', props?.name, 'is required, e.g. "acme-ml"');
    v.check(!!props?.labels, 'labels', props?.labels, 'are required: { owner, costCenter, environment }');
    if (props?.registryMirrors !== undefined) checkRegistryMirrors(v, 'registryMirrors', props.registryMirrors);
    v.throwIfAny();
    // The environments' stacks sit at the app root (see environment()), so the mirrors are the app's.
    if (props.registryMirrors !== undefined) configureRegistryMirrors(this.node.root, props.registryMirrors, v, 'registryMirrors');
    this.props = props;
    this.platformName = props.name;
  }

  /** An AWS environment with the AWS provider for `region`. */
  public aws(name: string, options: { readonly region: string }): PlatformEnvironment {
    const { AwsProvider } = requireProvider(this, `the AWS environment ${name}`, () =>
      require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider'));
    const provide = (s: TerraformStack) => new AwsProvider(s, 'aws', { region: options.region });
    const stack = this.environment(name, EnvironmentKind.AWS, provide);
    provide(stack);
    return stack;
  }

  /** A Google Cloud environment with the Google provider for `project` and `region`. */
  public googleCloud(name: string, options: { readonly project: string; readonly region: string }): PlatformEnvironment {
    const { GoogleProvider } = requireProvider(this, `the Google Cloud environment ${name}`, () =>
      require('@cdktf/provider-google/lib/provider') as typeof import('@cdktf/provider-google/lib/provider'));
    const provide = (s: TerraformStack) => new GoogleProvider(s, 'google', { project: options.project, region: options.region });
    const stack = this.environment(name, EnvironmentKind.GOOGLE_CLOUD, provide);
    provide(stack);
    return stack;
  }

  /** An on-prem environment: an existing cluster reached through a kubeconfig context. */
  public onPrem(name: string, options: { readonly clusterName: string; readonly context?: string; readonly configPath?: string }): OnPremEnvironment {
    const stack = this.environment(name, EnvironmentKind.ON_PREM);
    const target = KubernetesTarget.fromKubeconfig(stack, 'cluster', { clusterName: options.clusterName, context: options.context, configPath: options.configPath });
    // Layers are created on first use, so an environment that needs none has none.
    return { stack, get addons() { return stack.addons; }, get workloads() { return stack.workloads; }, target };
  }

  /**
   * An edge fleet: its stacks, `<platform>-<name>-<ring>-<n>` (one ring per stack, about `sitesPerStack` sites
   * each), carry the platform's labels and governance. Deploy ring by ring once the stacks the fleet reads from
   * are deployed: `cdktf deploy '<platform>-<name>-<ring>-*' --ignore-missing-stack-dependencies`.
   */
  public edgeFleet(name: string, props: Omit<EdgeFleetProps, 'labels'>): EdgeFleet {
    // Loaded here: the fleet's sites are Kubernetes workloads, and an app without an edge needs no provider-kubernetes.
    const { EdgeFleet } = requireProvider(this, `the edge fleet ${name}`, () => require('../edge/fleet') as typeof import('../edge/fleet'));
    const fleet = new EdgeFleet(this, `${this.platformName}-${name}`, { ...props, labels: this.props.labels });
    for (const stack of fleet.stacks) this.govern(stack);
    return fleet;
  }

  /** The environments declared so far, in declaration order. */
  public get stacks(): PlatformEnvironment[] {
    return [...this.environments.values()];
  }

  /** A Mermaid flowchart of the platform: environments and their layers, capabilities and how they are wired. */
  public diagram(): string {
    return platformDiagram(this.node.root);
  }

  private environment(name: string, kind: EnvironmentKind, provide: (stack: TerraformStack) => void = () => undefined): PlatformEnvironment {
    const v = new Validator(this);
    checkResourceName(v, 'environment', name, 20);
    v.check(!this.environments.has(name), 'environment', name, 'is declared twice; give each environment its own name');
    v.throwIfAny();
    const prepare = (stack: TerraformStack) => {
      PlatformLabels.apply(stack, this.props.labels);
      this.govern(stack);
      qualifyProviderSources(stack);
    };
    // Stacks sit at the app root: cdktf 0.21 records stack dependencies by construct path but `cdktf deploy`
    // matches them by stack name, so nested stacks deploy without their order (hashicorp/terraform-cdk#2976).
    const stack = new PlatformEnvironment(this.node.root as Construct, `${this.platformName}-${name}`, kind, name, (layer) => {
      provide(layer);
      prepare(layer);
    });
    this.environments.set(name, stack);
    prepare(stack);
    return stack;
  }

  private govern(stack: TerraformStack): void {
    const governance = Governance.of(stack);
    for (const pack of this.props.governancePacks ?? ['ml-guardrails']) if (pack !== 'baseline') governance.addPack(pack);
    governance.configure({ parameters: this.props.governanceParameters, severityOverrides: this.props.governanceSeverityOverrides });
    for (const pack of this.props.governanceCustomPacks ?? []) governance.addPack(pack);
  }
}

/** The PlatformEnvironment a construct is in, through whichever of its layer stacks holds it, if any. */
export function environmentOf(c: IConstruct): PlatformEnvironment | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (s instanceof PlatformEnvironment) return s;
    if (s instanceof PlatformLayerStack) return s.environment;
  }
  return undefined;
}
