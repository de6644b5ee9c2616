import { ITerraformDependable, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { mirroredChartImage } from '../core/images';
import { recordCustomResources } from '../core/private/custom-resources';
import { HelmRelease } from '../core/private/helm';
import type { EksKarpenter } from './karpenter';
import { POOL_LABELS } from './pool';
import { KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT } from './private/karpenter-policy';
import { checkProvider } from '../core/private/providers';

/**
 * The Karpenter release this library installs and writes its NodePools and EC2NodeClasses for (karpenter.sh/v1,
 * karpenter.k8s.aws/v1): aws/karpenter-provider-aws charts/karpenter/Chart.yaml and charts/karpenter-crd/Chart.yaml
 * @ 1d927085 ("docs: update for patch release v1.14.1", 2026-08-21).
 */
export const KARPENTER_VERSION = '1.14.1';
/**
 * Where both charts are published: `helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter`
 * (website/content/en/v1.14/getting-started/getting-started-with-karpenter/scripts/step08-apply-helm-chart.sh) and
 * `oci://public.ecr.aws/karpenter/karpenter-crd` (website/content/en/v1.14/upgrading/upgrade-guide.md, CRD Upgrades).
 */
export const KARPENTER_CHART_REPOSITORY = 'oci://public.ecr.aws/karpenter';

/** The kinds the karpenter-crd chart installs (charts/karpenter-crd/templates @ 1d927085), as `group/Kind`. */
export const KARPENTER_KINDS: readonly string[] = [
  'autoscaling.x-k8s.io/CapacityBuffer', 'karpenter.k8s.aws/EC2NodeClass', 'karpenter.sh/NodeClaim', 'karpenter.sh/NodeOverlay', 'karpenter.sh/NodePool',
];

/** Props for {@link KarpenterController}. */
export interface KarpenterControllerProps {
  /** The cluster's Karpenter infrastructure (`cluster.karpenter`). */
  readonly karpenter: EksKarpenter;
  /**
   * A helm provider reaching the cluster, in the same stack as this construct.
   * @default - the cluster's helm provider for this stack (`cluster.helmProvider(scope)`)
   */
  readonly helmProvider?: TerraformProvider;
  /**
   * Karpenter version (both charts). Upgrade the CRDs and the controller together; read the upgrade guide first.
   * @default KARPENTER_VERSION
   */
  readonly version?: string;
}

/**
 * Karpenter in the cluster, by Helm: the `karpenter-crd` chart, which keeps the CRDs upgraded with the controller
 * ("we recommend using the independent karpenter-crd chart to manage CRDs", upgrade guide, CRD Upgrades), then the
 * `karpenter` chart with `skip_crds` on, running two replicas on the system node group with
 * `settings.clusterName` and `settings.interruptionQueue` set and the controller resources of the getting-started
 * guide (1 CPU, 1 GiB). Credentials come from EKS Pod Identity (`kube-system/karpenter`), never from the node role.
 *
 * Put it in the cluster add-ons layer; put the node pools ({@link EksKarpenter.nodePools}) in a stack applied after
 * this one.
 */
export class KarpenterController extends Construct {
  /** The CRD release (escape hatch). */
  public readonly crds: HelmRelease;
  /** The controller release (escape hatch). */
  public readonly release: HelmRelease;
  /** The Karpenter version installed. */
  public readonly version: string;
  /** The kinds served once this construct's stack is applied, as `group/Kind`. */
  public readonly kinds: readonly string[] = KARPENTER_KINDS;

  constructor(scope: Construct, id: string, props: KarpenterControllerProps) {
    super(scope, id);
    const v = new Validator(this);
    if (props.helmProvider !== undefined) checkProvider(v, 'helmProvider', props.helmProvider, 'helm', this);
    v.matches('version', props.version, /^\d+\.\d+\.\d+$/, `must be an exact Karpenter release such as "${KARPENTER_VERSION}" (chart versions are pinned, never ranges)`);
    v.throwIfAny();

    const karpenter = props.karpenter;
    const helmProvider = props.helmProvider ?? karpenter.config.providers.helmProvider(this);
    this.version = props.version ?? KARPENTER_VERSION;
    // In the cluster's own stack the releases wait for what they need; across stacks the stack order does.
    const sameStack = TerraformStack.of(karpenter) === TerraformStack.of(this);
    const needs: ITerraformDependable[] = sameStack ? [karpenter.podIdentityAssociation, karpenter.nodeAccessEntry] : [];
    const common = { provider: helmProvider, repository: KARPENTER_CHART_REPOSITORY, version: this.version, namespace: KARPENTER_NAMESPACE };

    this.crds = new HelmRelease(this, 'crds', { ...common, name: 'karpenter-crd', chart: 'karpenter-crd', atomic: true });
    this.release = new HelmRelease(this, 'controller', {
      ...common,
      name: 'karpenter',
      chart: 'karpenter',
      // The CRDs come from the karpenter-crd release, which Helm upgrades; the chart's crds/ folder it never does.
      skipCrds: true,
      atomic: true,
      values: [JSON.stringify(controllerValues(karpenter, mirroredChartImage(this, KARPENTER_CONTROLLER_REPOSITORY)))],
      dependsOn: [this.crds, ...needs],
    });
    // For the deploy-order check: manifests of these kinds belong in stacks applied after this one.
    recordCustomResources(this, () => this.kinds);
  }
}

/**
 * The controller image repository of the chart (charts/karpenter/values.yaml @ 1d927085, `controller.image.repository`;
 * the chart pins the tag and digest, which a mirror keeps).
 */
const KARPENTER_CONTROLLER_REPOSITORY = 'public.ecr.aws/karpenter/controller';

/** The controller chart's values (charts/karpenter/values.yaml @ 1d927085 for the keys); `repository` where a registry mirror applies. */
function controllerValues(karpenter: EksKarpenter, repository: string | undefined): Record<string, unknown> {
  return {
    settings: {
      clusterName: karpenter.clusterName,
      interruptionQueue: karpenter.interruptionQueueName,
      // Beta and on by default in 1.14; set so capacity reservation pools do not depend on a default.
      featureGates: { reservedCapacity: true },
    },
    serviceAccount: { name: KARPENTER_SERVICE_ACCOUNT },
    replicas: 2,
    // On the system node group: never on a node Karpenter itself manages (the chart's default affinity also says so).
    nodeSelector: { 'kubernetes.io/os': 'linux', [POOL_LABELS.pool]: 'system' },
    controller: { ...(repository ? { image: { repository } } : {}), resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
  };
}
