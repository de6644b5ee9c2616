import { PolicyStatement } from '../../core/iam';

/** The namespace and service account Karpenter runs as (the getting-started guide's KARPENTER_NAMESPACE). */
export const KARPENTER_NAMESPACE = 'kube-system';
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter';

/** What the Karpenter controller policy is scoped to. Every value may be a Terraform reference. */
export interface KarpenterPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  /** The role Karpenter passes to the instances it launches. */
  readonly nodeRoleArn: string;
  /** The interruption queue. */
  readonly queueArn: string;
}

/**
 * The Karpenter controller's permissions, by the policy it belongs to, statement for statement as Karpenter
 * v1.14 ships them: aws/karpenter-provider-aws website/content/en/v1.14/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml @ 1d927085 (NodeLifecyclePolicy, IAMIntegrationPolicy, EKSIntegrationPolicy,
 * InterruptionPolicy, ResourceDiscoveryPolicy). Scoped to one cluster by the `kubernetes.io/cluster/<name>`,
 * `eks:eks-cluster-name` and `karpenter.sh/nodepool` tags Karpenter puts on what it creates, and to one Region.
 * Left out: ZonalShiftPolicy (only read with `settings.enableZonalShift`, which this library leaves off).
 */
export function karpenterControllerPolicies(s: KarpenterPolicyScope): Record<string, PolicyStatement[]> {
  const ec2 = (type: string, account = '*') => `arn:${s.partition}:ec2:${s.region}:${account}:${type}`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned' };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': s.clusterName,
  };
  const taggedResources = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map((t) => ec2(t));
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  return {
    'node-lifecycle': [
      {
        Sid: 'AllowScopedEC2InstanceAccessActions',
        Effect: 'Allow',
        Resource: [ec2('image/*', ''), ec2('snapshot/*', ''), ec2('security-group/*'), ec2('subnet/*'), ec2('capacity-reservation/*'), ec2('placement-group/*')],
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      },
      {
        Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
        Effect: 'Allow',
        Resource: ec2('launch-template/*'),
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedEC2InstanceActionsWithTags',
        Effect: 'Allow',
        Resource: taggedResources,
        Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
        Condition: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedResourceCreationTagging',
        Effect: 'Allow',
        Resource: taggedResources,
        Action: 'ec2:CreateTags',
        Condition: {
          StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
          StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
        },
      },
      {
        Sid: 'AllowScopedResourceTagging',
        Effect: 'Allow',
        Resource: ec2('instance/*'),
        Action: 'ec2:CreateTags',
        Condition: {
          StringEquals: owned,
          StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
          StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': s.clusterName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
        },
      },
      {
        Sid: 'AllowScopedDeletion',
        Effect: 'Allow',
        Resource: [ec2('instance/*'), ec2('launch-template/*')],
        Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
    ],
    'iam-integration': [
      {
        Sid: 'AllowPassingInstanceRole',
        Effect: 'Allow',
        Resource: s.nodeRoleArn,
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
      },
      {
        Sid: 'AllowScopedInstanceProfileCreationActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:CreateInstanceProfile'],
        Condition: {
          StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': s.region },
          StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileTagActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:TagInstanceProfile'],
        Condition: {
          StringEquals: {
            ...owned,
            'aws:ResourceTag/topology.kubernetes.io/region': s.region,
            ...requestOwned,
            'aws:RequestTag/topology.kubernetes.io/region': s.region,
          },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
        Condition: {
          StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': s.region },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
    ],
    'eks-integration': [{
      Sid: 'AllowAPIServerEndpointDiscovery',
      Effect: 'Allow',
      Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
      Action: 'eks:DescribeCluster',
    }],
    interruption: [{
      Sid: 'AllowInterruptionQueueActions',
      Effect: 'Allow',
      Resource: s.queueArn,
      Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
    }],
    'resource-discovery': [
      {
        Sid: 'AllowRegionalReadActions',
        Effect: 'Allow',
        Resource: '*',
        Action: [
          'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
          'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates',
          'ec2:DescribePlacementGroups', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
        ],
        Condition: { StringEquals: { 'aws:RequestedRegion': s.region } },
      },
      {
        Sid: 'AllowSSMReadActions',
        Effect: 'Allow',
        Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
        Action: 'ssm:GetParameter',
      },
      { Sid: 'AllowPricingReadActions', Effect: 'Allow', Resource: '*', Action: 'pricing:GetProducts' },
      { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Resource: '*', Action: 'iam:ListInstanceProfiles' },
      { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Resource: instanceProfiles, Action: 'iam:GetInstanceProfile' },
    ],
  };
}

/**
 * The EventBridge events Karpenter handles from its interruption queue, as its CloudFormation template routes
 * them (same source as above: ScheduledChangeRule, SpotInterruptionRule, RebalanceRule, InstanceStateChangeRule,
 * CapacityReservationInterruptionRule). The key is the short name used in rule names and construct ids.
 */
export const KARPENTER_INTERRUPTION_EVENTS: ReadonlyArray<{ readonly key: string; readonly short: string; readonly source: string; readonly detailType: string }> = [
  { key: 'scheduled-change', short: 'health', source: 'aws.health', detailType: 'AWS Health Event' },
  { key: 'spot-interruption', short: 'spot', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { key: 'rebalance', short: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { key: 'instance-state-change', short: 'state', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { key: 'capacity-reservation-interruption', short: 'odcr', source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
];
