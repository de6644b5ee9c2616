import { TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { policyDocument } from '../core/iam';
import { awsRegion } from '../core/private/environment';
import { Duration } from '../core/units';
import { EksAmiFamily, EksPool } from './eks-catalogue';
import { EksNodePool } from './eks-node-pool';
import { KarpenterController, KarpenterControllerProps } from './karpenter-controller';
import { KarpenterNodePools, KarpenterNodePoolsProps } from './karpenter-node-pools';
import { KARPENTER_INTERRUPTION_EVENTS, KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT, karpenterControllerPolicies } from './private/karpenter-policy';

/** Settings of Karpenter on an EKS training cluster. */
export interface EksKarpenterProps {
  /**
   * How long a node must stay empty (training pools) or under-used (serving pools) before Karpenter removes it.
   * Accelerated nodes take minutes to boot, so a short pause between jobs should not cost a new node.
   * @default Duration.minutes(10)
   */
  readonly consolidateAfter?: Duration;
  /**
   * The EKS-optimized AMI release for Karpenter's nodes: `latest`, or a release tag to pin (`v20250715` for
   * AL2023, `v1.40.0` for Bottlerocket). With `latest`, a new AMI release drifts nodes: Karpenter replaces them,
   * respecting `karpenter.sh/do-not-disrupt` pods and disruption budgets. Pin in production.
   * @default 'latest'
   */
  readonly amiVersion?: string;
}

/**
 * How an EKS cluster's accelerator pools scale: `EksNodeAutoscaling.karpenter()` or `EksNodeAutoscaling.NONE`.
 *
 * Why Karpenter rather than the Cluster Autoscaler with scale-from-zero node templates: to scale an empty group,
 * the Cluster Autoscaler must learn what a node would offer from the group itself: labels and taints from
 * `eks:DescribeNodegroup` or `k8s.io/cluster-autoscaler/node-template/...` tags, and extended resources it cannot
 * derive from the instance type (Neuron devices and cores, `vpc.amazonaws.com/efa`) only from
 * `node-template/resources/<name>` tags on the group's Auto Scaling group (kubernetes/autoscaler
 * cluster-autoscaler/cloudprovider/aws/README.md), which EKS does not propagate from a managed node group. Karpenter
 * models accelerators, EFA and reserved capacity (`karpenter.sh/capacity-type: reserved`, Capacity Blocks included)
 * per instance type, launches exactly the instance a pending pod needs, handles spot interruption and rebalance
 * from an SQS queue, and is the autoscaler of the EKS user guide's AI/ML cluster setup and of awslabs/ai-on-eks.
 * See docs/training.md.
 */
export class EksNodeAutoscaling {
  /** No autoscaler: pools stay at minNodes unless something else scales their node groups. */
  public static readonly NONE = new EksNodeAutoscaling(false, {});

  /** Karpenter, with one NodePool per accelerator pool. The default where the cluster has accelerator pools. */
  public static karpenter(props: EksKarpenterProps = {}): EksNodeAutoscaling {
    return new EksNodeAutoscaling(true, props);
  }

  private constructor(
    /** True for Karpenter. */
    public readonly karpenter: boolean,
    /** Karpenter's settings. */
    public readonly props: EksKarpenterProps,
  ) {}
}

/** What {@link EksKarpenter} needs from its cluster. */
export interface EksKarpenterConfig {
  readonly cluster: EksCluster;
  readonly clusterName: string;
  readonly partition: string;
  /**
   * The cluster's Region (the controller policy and the node role's instance profiles are scoped to it).
   * @default - the region of the stack's AWS provider
   */
  readonly region?: string;
  readonly accountId: string;
  /** The cluster's subnets (multi-AZ pools). */
  readonly subnetIds: string[];
  /** The subnet of EFA and Capacity Block pools. */
  readonly singleAzSubnetId: string;
  readonly amiFamily: EksAmiFamily;
  /** The resolved accelerator pools. */
  readonly pools: EksPool[];
  /** The managed node groups of those pools (their EFA security group and placement group are reused). */
  readonly nodePools: Record<string, EksNodePool>;
  readonly settings: EksKarpenterProps;
  /** Where later layers get their providers: the training cluster. */
  readonly providers: EksClusterProviders;
}

/** Makes the providers that reach a cluster, one per stack. */
export interface EksClusterProviders {
  /** The cluster as a Kubernetes target: `kubernetes.providerFor(scope)` gives a stack its kubernetes provider. */
  readonly kubernetes: IKubernetesTarget;
  /** A helm provider for `scope`'s stack. */
  helmProvider(scope: IConstruct): TerraformProvider;
}

/**
 * The AWS side of Karpenter for one EKS cluster, in the cluster's (infrastructure) scope: the interruption queue
 * (SSE-SQS, TLS only, writable by EventBridge) and the EventBridge rules that feed it, the controller's IAM role
 * with the controller policy scoped to this cluster and bound to its service account by EKS Pod Identity, and the
 * IAM role of the nodes Karpenter launches with its EC2_LINUX access entry.
 *
 * The in-cluster parts go in the scopes of later layers: {@link install} (the CRDs and controller, Helm) in the
 * cluster add-ons layer, and {@link nodePools} (EC2NodeClass and NodePool custom resources) in a stack applied after
 * it, since a `kubernetes_manifest` cannot be planned before its CRD exists.
 */
export class EksKarpenter extends Construct {
  /** The cluster's name. */
  public readonly clusterName: string;
  /** The interruption queue (`settings.interruptionQueue`). */
  public readonly queue: SqsQueue;
  /** Its name, known at synth. */
  public readonly interruptionQueueName: string;
  /** The EventBridge rules feeding the queue, by event. */
  public readonly rules: Record<string, CloudwatchEventRule> = {};
  /** The controller's role (EKS Pod Identity). */
  public readonly controllerRole: IamRole;
  /** The controller role's inline policies, by name. */
  public readonly controllerPolicies: Record<string, IamRolePolicy> = {};
  /** Binds the role to `kube-system/karpenter`. */
  public readonly podIdentityAssociation: EksPodIdentityAssociation;
  /** The role of the nodes Karpenter launches. */
  public readonly nodeRole: IamRole;
  /** Its name, known at synth (the EC2NodeClass `role`). */
  public readonly nodeRoleName: string;
  /** Lets those nodes join the cluster. */
  public readonly nodeAccessEntry: EksAccessEntry;
  /** What the node pools are built from. */
  public readonly config: EksKarpenterConfig;
  /** The Region the controller works in (`config.region`, or the stack's AWS provider's). */
  public readonly region: string;
  private installed?: KarpenterController;

  constructor(scope: Construct, id: string, config: EksKarpenterConfig) {
    super(scope, id);
    this.region = EksKarpenter.validate(this, config);
    this.config = config;
    const name = config.clusterName;
    this.clusterName = name;
    const partition = config.partition;

    this.interruptionQueueName = `${name}-karpenter`;
    this.queue = new SqsQueue(this, 'interruption-queue', {
      name: this.interruptionQueueName,
      // Karpenter's own template: interruption events are useless after five minutes.
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, 'interruption-queue-policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: 'EventBridgeDeliversInterruptionEvents',
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
          Action: 'sqs:SendMessage',
          Resource: this.queue.arn,
        },
        {
          Sid: 'DenyHTTP',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: this.queue.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
    for (const event of KARPENTER_INTERRUPTION_EVENTS) {
      const rule = new CloudwatchEventRule(this, `rule-${event.key}`, {
        name: `${name}-karpenter-${event.short}`,
        description: `Karpenter (${name}): ${event.detailType} events to the interruption queue`,
        eventPattern: JSON.stringify({ source: [event.source], 'detail-type': [event.detailType] }),
      });
      new CloudwatchEventTarget(this, `rule-${event.key}-target`, {
        rule: rule.name,
        targetId: 'KarpenterInterruptionQueueTarget',
        arn: this.queue.arn,
      });
      this.rules[event.key] = rule;
    }

    this.nodeRoleName = `${name}-karpenter-node`;
    this.nodeRole = new IamRole(this, 'node-role', {
      name: this.nodeRoleName,
      assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    // Karpenter's node role minus AmazonSSMManagedInstanceCore (no shell access to training nodes by default).
    for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']) {
      new IamRolePolicyAttachment(this, `node-${policy}`, { role: this.nodeRole.name, policyArn: `arn:${partition}:iam::aws:policy/${policy}` });
    }
    this.nodeAccessEntry = new EksAccessEntry(this, 'node-access', {
      clusterName: config.cluster.name,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
    });

    this.controllerRole = new IamRole(this, 'controller-role', {
      name: `${name}-karpenter-controller`,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      }]),
    });
    const policies = karpenterControllerPolicies({
      partition, region: this.region, accountId: config.accountId, clusterName: name,
      nodeRoleArn: this.nodeRole.arn, queueArn: this.queue.arn,
    });
    for (const [policyName, statements] of Object.entries(policies)) {
      this.controllerPolicies[policyName] = new IamRolePolicy(this, `controller-${policyName}`, {
        role: this.controllerRole.name,
        name: `karpenter-${policyName}`,
        policy: policyDocument(statements),
      });
    }
    this.podIdentityAssociation = new EksPodIdentityAssociation(this, 'pod-identity', {
      clusterName: config.cluster.name,
      namespace: KARPENTER_NAMESPACE,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      roleArn: this.controllerRole.arn,
    });
  }

  /** The Karpenter installation made by {@link install}, if any. */
  public get controller(): KarpenterController | undefined {
    return this.installed;
  }

  /**
   * Installs Karpenter (its CRDs and the controller, by Helm) in `scope`: the cluster add-ons layer.
   * @param scope where the Helm releases are created (not the cluster's own stack)
   */
  public install(scope: Construct, props: Omit<KarpenterControllerProps, 'karpenter'> = {}, id = 'karpenter'): KarpenterController {
    const v = new Validator(this);
    v.check(!this.installed, 'install(scope)', `${scope.node.path}/${id}`, `installs Karpenter a second time (it is installed at ${this.installed?.node.path}); install it once per cluster`);
    v.throwIfAny();
    this.installed = new KarpenterController(scope, id, { ...props, karpenter: this });
    return this.installed;
  }

  /**
   * One EC2NodeClass and NodePool per accelerator pool, in `scope`: a stack applied after the one Karpenter was
   * installed in (its CRDs must exist before these custom resources can be planned).
   */
  public nodePools(scope: Construct, props: Omit<KarpenterNodePoolsProps, 'karpenter'> = {}, id = 'karpenter-node-pools'): KarpenterNodePools {
    return new KarpenterNodePools(scope, id, { ...props, karpenter: this });
  }

  private static validate(self: Construct, config: EksKarpenterConfig): string {
    const v = new Validator(self);
    const region = awsRegion(self, v, 'region', config.region);
    const settings = config.settings;
    if (settings.consolidateAfter !== undefined) {
      let seconds: number | undefined;
      try { seconds = settings.consolidateAfter.toSeconds(); } catch { seconds = undefined; }
      v.check(settings.consolidateAfter instanceof Duration && seconds !== undefined && Number.isInteger(seconds) && seconds >= 0,
        'nodeAutoscaling.consolidateAfter', settings.consolidateAfter, 'must be a whole number of seconds, e.g. Duration.minutes(10)');
    }
    v.matches('nodeAutoscaling.amiVersion', settings.amiVersion, /^(latest|v\d+(\.\d+)*)$/,
      'must be "latest" or an EKS AMI release tag such as "v20250715" (AL2023) or "v1.40.0" (Bottlerocket)');
    v.throwIfAny();
    return region;
  }
}
