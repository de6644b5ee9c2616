import { ITerraformDependable, Lazy, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { mirroredChartImage } from '../core/images';
import { AcceleratorNodes, Toleration } from '../core/kubernetes-target';
import { HelmRelease } from '../core/private/helm';
import { POOL_LABELS } from './pool';
import { checkProvider } from '../core/private/providers';
import { deviceTolerations } from './private/tolerations';

/**
 * The `aws-efa-k8s-device-plugin` chart of aws/eks-charts (stable/aws-efa-k8s-device-plugin/Chart.yaml @ 5239609,
 * 2026-08-03: version v0.5.30, image v0.5.20), from the repository `helm repo add eks https://aws.github.io/eks-charts`
 * (its README).
 */
export const EFA_DEVICE_PLUGIN_CHART_VERSION = 'v0.5.30';
/** The eks-charts Helm repository. */
export const EKS_CHARTS_REPOSITORY = 'https://aws.github.io/eks-charts';
/** The plugin image repository of the chart (values.yaml @ 5239609, `image.repository`; the chart sets the tag). */
const EFA_DEVICE_PLUGIN_REPOSITORY = '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin';

/** Props for {@link EfaDevicePlugin}. */
export interface EfaDevicePluginProps {
  /** A helm provider reaching the cluster, in the same stack as this construct (`cluster.helmProvider(scope)`). */
  readonly helmProvider: TerraformProvider;
  /**
   * The EFA pools (`cluster.efaPools`): the plugin runs on their nodes and tolerates their taints. Read at synth, so
   * EFA pools the cluster adds later (`EksTrainingCluster.addPool`) are included.
   */
  readonly pools: AcceleratorNodes[];
  /** Chart version. @default EFA_DEVICE_PLUGIN_CHART_VERSION */
  readonly chartVersion?: string;
  /** What the release must wait for in its own stack. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The AWS EFA Kubernetes device plugin, which advertises `vpc.amazonaws.com/efa` on nodes with EFA interfaces so
 * that pods can request them (and so that Karpenter attaches EFA interfaces to the nodes it launches for such pods).
 * Installed from eks-charts, pinned, restricted to the EFA pools' nodes by their `ml-platform.io/pool` label (the
 * chart's `supportedInstanceLabels`, instead of its list of every EFA-capable instance type) and tolerating their
 * taints. The chart runs the plugin privileged with host networking, as it needs `/dev/infiniband`; that is the
 * chart's own security context, which a Helm release hides from the library's Kubernetes governance rules.
 */
export class EfaDevicePlugin extends Construct {
  /** The release (escape hatch). */
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: EfaDevicePluginProps) {
    super(scope, id);
    const v = new Validator(this);
    checkProvider(v, 'helmProvider', props.helmProvider, 'helm', this);
    v.check(Array.isArray(props.pools) && props.pools.length > 0, 'pools', props.pools,
      'lists no EFA pool; pass cluster.efaPools, and create the plugin only where it is not empty');
    v.matches('chartVersion', props.chartVersion, /^v?\d+\.\d+\.\d+$/, `must be an exact chart version such as "${EFA_DEVICE_PLUGIN_CHART_VERSION}"`);
    v.throwIfAny();

    const repository = mirroredChartImage(this, EFA_DEVICE_PLUGIN_REPOSITORY);
    this.release = new HelmRelease(this, 'release', {
      provider: props.helmProvider,
      name: 'aws-efa-k8s-device-plugin',
      repository: EKS_CHARTS_REPOSITORY,
      chart: 'aws-efa-k8s-device-plugin',
      version: props.chartVersion ?? EFA_DEVICE_PLUGIN_CHART_VERSION,
      namespace: 'kube-system',
      atomic: true,
      values: [Lazy.stringValue({
        produce: () => {
          const tolerations: Toleration[] = deviceTolerations([], props.pools.flatMap((p) => p.tolerations));
          return JSON.stringify({
            // The chart makes one node-affinity term per key, matching any of the values.
            supportedInstanceLabels: { keys: [POOL_LABELS.pool], values: [...new Set(props.pools.map((p) => p.pool))].sort() },
            tolerations,
            ...(repository ? { image: { repository } } : {}),
          });
        },
      })],
      dependsOn: props.dependsOn,
    });
  }
}
