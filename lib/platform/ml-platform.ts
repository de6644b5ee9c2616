import { App, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Validator } from '../core/errors';
import { KubernetesTarget } from '../core/kubernetes-target';
import { PlatformLabels, StandardLabels } from '../core/labels';
import { checkResourceName } from '../core/names';
import { qualifyProviderSources } from '../core/provider-sources';
import { EdgeFleet, EdgeFleetProps } from '../edge/fleet';
import { Governance } from '../governance/governance';
import { GovernanceParameters, PackName } from '../governance/rule';
import { platformDiagram } from './diagram';

/** Where an environment runs. */
export enum EnvironmentKind {
  ON_PREM = 'on-prem',
  AWS = 'aws',
  GOOGLE_CLOUD = 'google-cloud',
  EDGE = 'edge',
}

/** One environment of the platform: one Terraform stack (`<platform>-<environment>`), one state, one `cdktf deploy`. */
export class PlatformEnvironment extends TerraformStack {
  constructor(
    scope: Construct,
    id: string,
    /** Where it runs. */
    public readonly kind: EnvironmentKind,
    /** The environment's short name, e.g. `onprem`. */
    public readonly environmentName: string,
  ) {
    super(scope, id);
  }
}

/** An on-prem environment: a stack plus the existing cluster it deploys to. */
export interface OnPremEnvironment {
  readonly stack: PlatformEnvironment;
  /** The cluster, reached through a kubeconfig context. */
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
}

/**
 * A hybrid ML platform across on-prem, AWS, Google Cloud and edge, declared in one app. Each environment is
 * its own stack (`cdktf deploy <platform>-<env>`) carrying the platform's labels and governance; an edge
 * fleet adds its shard stacks. Capabilities are placed in environments as ordinary constructs (a
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
    v.throwIfAny();
    this.props = props;
    this.platformName = props.name;
  }

  /** An AWS environment with the AWS provider for `region`. */
  public aws(name: string, options: { readonly region: string }): PlatformEnvironment {
    const stack = this.environment(name, EnvironmentKind.AWS);
    new AwsProvider(stack, 'aws', { region: options.region });
    return stack;
  }

  /** A Google Cloud environment with the Google provider for `project` and `region`. */
  public googleCloud(name: string, options: { readonly project: string; readonly region: string }): PlatformEnvironment {
    const stack = this.environment(name, EnvironmentKind.GOOGLE_CLOUD);
    new GoogleProvider(stack, 'google', { project: options.project, region: options.region });
    return stack;
  }

  /** An on-prem environment: an existing cluster reached through a kubeconfig context. */
  public onPrem(name: string, options: { readonly clusterName: string; readonly context?: string; readonly configPath?: string }): OnPremEnvironment {
    const stack = this.environment(name, EnvironmentKind.ON_PREM);
    const target = KubernetesTarget.fromKubeconfig(stack, 'cluster', { clusterName: options.clusterName, context: options.context, configPath: options.configPath });
    return { stack, target };
  }

  /** An edge fleet: its shard stacks (`<platform>-edge-shard-<n>`) carry the platform's labels and governance. */
  public edgeFleet(name: string, props: Omit<EdgeFleetProps, 'labels'>): EdgeFleet {
    const fleet = new EdgeFleet(this, `${this.platformName}-${name}`, { ...props, labels: this.props.labels });
    for (const stack of fleet.stacks) this.govern(stack);
    return fleet;
  }

  /** The environments declared so far, in declaration order. */
  public get stacks(): PlatformEnvironment[] {
    return [...this.environments.values()];
  }

  /** A Mermaid flowchart of the platform: environments, capabilities and how they are wired. */
  public diagram(): string {
    return platformDiagram(this);
  }

  private environment(name: string, kind: EnvironmentKind): PlatformEnvironment {
    const v = new Validator(this);
    checkResourceName(v, 'environment', name, 20);
    v.check(!this.environments.has(name), 'environment', name, 'is declared twice; give each environment its own name');
    v.throwIfAny();
    const stack = new PlatformEnvironment(this, `${this.platformName}-${name}`, kind, name);
    this.environments.set(name, stack);
    PlatformLabels.apply(stack, this.props.labels);
    this.govern(stack);
    qualifyProviderSources(stack);
    return stack;
  }

  private govern(stack: TerraformStack): void {
    const governance = Governance.of(stack);
    for (const pack of this.props.governancePacks ?? ['ml-guardrails']) if (pack !== 'baseline') governance.addPack(pack);
    if (this.props.governanceParameters) governance.configure({ parameters: this.props.governanceParameters });
  }
}

/** The nearest PlatformEnvironment above a construct, if any. */
export function environmentOf(c: IConstruct): PlatformEnvironment | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (s instanceof PlatformEnvironment) return s;
  return undefined;
}
