import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup, EksNodeGroupConfig } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LaunchTemplate, LaunchTemplateNetworkInterfaces } from '@cdktf/provider-aws/lib/launch-template';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { EksPool } from './eks-catalogue';

/** Props for {@link EksNodePool}: either an accelerator pool or the system (CPU) pool. */
export interface EksNodePoolProps {
  readonly cluster: EksCluster;
  readonly clusterName: string;
  readonly nodeRole: IamRole;
  readonly subnetIds: string[];
  readonly singleAzSubnetId: string;
  readonly kubernetesVersion: string;
  readonly dependsOn: ITerraformDependable[];
  readonly pool?: EksPool;
  readonly system?: { instanceType: string; minNodes: number; maxNodes: number; amiType: string };
}

/** EKS spells taint effects in upper snake case. */
const EKS_TAINT_EFFECT: Record<string, string> = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' };

/**
 * One EKS managed node group with its launch template, and for EFA pools the cluster placement group and
 * the EFA security group (all traffic to and from itself, as EFA's OS-bypass requires).
 */
export class EksNodePool extends Construct {
  public readonly nodeGroup: EksNodeGroup;
  public readonly launchTemplate: LaunchTemplate;
  public readonly placementGroup?: PlacementGroup;
  public readonly efaSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: EksNodePoolProps) {
    super(scope, id);
    const pool = props.pool;
    const poolName = pool ? pool.name : 'system';
    const fullName = `${props.clusterName}-${poolName}`;
    const isBottlerocket = (pool?.amiType ?? props.system!.amiType).startsWith('BOTTLEROCKET');
    // The system node group is bought on demand.
    const capacity = pool?.capacityConfig;
    const singleAz = !!pool && (pool.efaEnabled || !!capacity?.capacityBlock);

    if (pool?.efaEnabled) {
      // A reservation (Capacity Block or ODCR) fixes placement itself; a placement group on top could not be filled.
      if (capacity?.capacityReservationId === undefined) this.placementGroup = new PlacementGroup(this, 'placement-group', { name: fullName, strategy: 'cluster' });
      this.efaSecurityGroup = new SecurityGroup(this, 'efa-security-group', {
        name: `${fullName}-efa`,
        description: `EFA traffic between ${fullName} nodes`,
        vpcId: props.cluster.vpcConfig.vpcId,
        ingress: [{ description: 'EFA from the same group', fromPort: 0, toPort: 0, protocol: '-1', selfAttribute: true }],
        egress: [{ description: 'EFA to the same group', fromPort: 0, toPort: 0, protocol: '-1', selfAttribute: true }],
      });
    }

    let networkInterfaces: LaunchTemplateNetworkInterfaces[] | undefined;
    if (pool?.efaEnabled && this.efaSecurityGroup) {
      const groups = [props.cluster.vpcConfig.clusterSecurityGroupId, this.efaSecurityGroup.id];
      // One EFA interface per network card, as many as the instance supports (the catalogue's efaInterfaces).
      networkInterfaces = Array.from({ length: pool.instance.efaInterfaces }, (_, i) => ({
        deviceIndex: i === 0 ? 0 : 1,
        networkCardIndex: i,
        interfaceType: 'efa',
        deleteOnTermination: 'true',
        securityGroups: groups,
      }));
    }

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: fullName,
      description: `Nodes of ${fullName}`,
      updateDefaultVersion: true,
      // IMDSv2 only, one hop: pods cannot reach the node's instance credentials.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        // Bottlerocket keeps images and pod data on its second volume; AL2023 on the root volume.
        deviceName: isBottlerocket ? '/dev/xvdb' : '/dev/xvda',
        ebs: { volumeSize: pool?.diskGiB ?? 100, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      }],
      ...(networkInterfaces ? { networkInterfaces } : {}),
      ...(this.placementGroup ? { placement: { groupName: this.placementGroup.name } } : {}),
      ...(capacity?.capacityBlock ? { instanceType: pool!.instance.instanceType, instanceMarketOptions: { marketType: 'capacity-block' } } : {}),
      ...(capacity?.capacityReservationId !== undefined ? {
        capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: capacity.capacityReservationId } },
      } : {}),
    });

    const config: EksNodeGroupConfig = {
      clusterName: props.cluster.name,
      nodeGroupName: fullName,
      nodeRoleArn: props.nodeRole.arn,
      version: props.kubernetesVersion,
      subnetIds: singleAz ? [props.singleAzSubnetId] : props.subnetIds,
      amiType: pool ? pool.amiType : props.system!.amiType,
      capacityType: capacity?.capacityType ?? 'ON_DEMAND',
      // Capacity Blocks take the instance type from the launch template (EKS User Guide, capacity-blocks-mng).
      ...(capacity?.capacityBlock ? {} : { instanceTypes: [pool ? pool.instance.instanceType : props.system!.instanceType] }),
      scalingConfig: pool
        ? { minSize: pool.minNodes, maxSize: pool.maxNodes, desiredSize: pool.minNodes }
        : { minSize: props.system!.minNodes, maxSize: props.system!.maxNodes, desiredSize: props.system!.minNodes },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      labels: pool ? pool.labels : { 'ml-platform.io/pool': 'system' },
      ...(pool ? { taint: pool.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: EKS_TAINT_EFFECT[t.effect] })) } : {}),
      // The desired size belongs to whatever scales the group once it exists (Karpenter adds its own nodes beside it).
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn: props.dependsOn,
    };
    this.nodeGroup = new EksNodeGroup(this, 'node-group', config);
  }
}
