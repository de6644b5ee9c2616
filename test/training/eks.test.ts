import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { TpuVersion } from '../../lib/core/accelerators/tpu';
import { Duration, Size } from '../../lib/core/units';
import { EksAmiFamily } from '../../lib/training/eks-catalogue';
import { ControlPlaneAccess } from '../../lib/training/control-plane-access';
import { EksTrainingCluster, EksTrainingClusterProps } from '../../lib/training/eks';
import { AcceleratorPoolProps, Capacity, PoolPurpose, TaintEffect } from '../../lib/training/pool';
import { errorOf, synth } from '../util';

const base: EksTrainingClusterProps = {
  clusterName: 'ml',
  kubernetesVersion: '1.33',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
};

function eks(props: Partial<EksTrainingClusterProps> = {}) {
  return synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new EksTrainingCluster(stack, 'training', { ...base, ...props });
  });
}

function eksError(props: Partial<EksTrainingClusterProps>) {
  return errorOf((stack) => new EksTrainingCluster(stack, 'training', { ...base, ...props } as EksTrainingClusterProps));
}

const pool = (p: Partial<AcceleratorPoolProps> & { accelerator: Accelerator }): AcceleratorPoolProps => ({ name: 'gpu', ...p });

describe('EksTrainingCluster: the cluster is secure by default', () => {
  const out = eks();
  const cluster = out.resources('aws_eks_cluster')[0];

  test('the API endpoint is private only', () => {
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
  });

  test('secrets are envelope-encrypted with a rotating customer-managed KMS key', () => {
    expect(cluster.encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) } });
    expect(out.resources('aws_kms_key')[0]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  test('all control-plane logs go to a KMS-encrypted log group kept a year', () => {
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(out.resources('aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/eks/ml/cluster', retention_in_days: 365, kms_key_id: expect.stringContaining('aws_kms_key') });
  });

  test('access uses access entries, not aws-auth, and the Terraform identity is granted explicitly', () => {
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    expect(out.resources('aws_eks_access_entry')[0].principal_arn).toMatch(/data\.aws_iam_session_context\..+\.issuer_arn/);
    expect(out.resources('aws_eks_access_policy_association')[0]).toMatchObject({
      policy_arn: expect.stringMatching(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/),
      access_scope: { type: 'cluster' },
    });
  });

  test('deletion protection is on and the cluster stays on standard support', () => {
    expect(cluster.deletion_protection).toBe(true);
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  test('roles are least privilege: the cluster role trusts only EKS, nodes get the documented managed policies', () => {
    const roles = out.resources('aws_iam_role');
    const clusterTrust = JSON.parse(roles.find((r) => r.name === 'ml-eks-cluster').assume_role_policy);
    expect(clusterTrust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]);
    const policies = out.resources('aws_iam_role_policy_attachment').map((a) => a.policy_arn.split('/').pop()).sort();
    expect(policies).toEqual(['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSClusterPolicy', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy']);
  });

  test('managed add-ons include the Pod Identity agent', () => {
    expect(out.resources('aws_eks_addon').map((a) => a.addon_name).sort()).toEqual(['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
  });

  test('the kubernetes provider authenticates with short-lived aws eks get-token credentials', () => {
    const provider = out.json.provider.kubernetes[0];
    expect(provider.exec[0]).toMatchObject({ command: 'aws', args: expect.arrayContaining(['eks', 'get-token']) });
    expect(provider.token).toBeUndefined();
  });

  test('provider sources are fully qualified', () => {
    expect(out.json.terraform.required_providers.aws.source).toBe('hashicorp/aws');
    expect(out.json.terraform.required_providers.kubernetes.source).toBe('hashicorp/kubernetes');
  });

  test('given no controlPlaneAccess, then only the private endpoint is on and no public CIDRs are written', () => {
    const cluster = out.resources('aws_eks_cluster')[0];
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.vpc_config.endpoint_public_access).toBe(false);
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
  });

  test('given ControlPlaneAccess.privateOnly(), then the output is the default\'s', () => {
    const explicit = eks({ controlPlaneAccess: ControlPlaneAccess.privateOnly() }).resources('aws_eks_cluster')[0];
    expect(explicit.vpc_config).toEqual(out.resources('aws_eks_cluster')[0].vpc_config);
  });

  test('given publicAndPrivate(networks), then a public endpoint is opened to those CIDRs only (display names have nowhere to go)', () => {
    const open = eks({ controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([{ cidrBlock: '203.0.113.0/24', displayName: 'office' }, { cidrBlock: '198.51.100.7/32' }]) })
      .resources('aws_eks_cluster')[0];
    expect(open.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24', '198.51.100.7/32'] });
  });
});

describe('EksTrainingCluster: the NetworkPolicies the library writes are enforced', () => {
  const vpcCni = (out: ReturnType<typeof eks>) => out.resources('aws_eks_addon').find((a) => a.addon_name === 'vpc-cni');

  test('the managed vpc-cni add-on turns on network policy enforcement (EKS controller and aws-node policy agent)', () => {
    const addon = vpcCni(eks());
    // The add-on schema takes the flag as the string "true", not a JSON boolean.
    expect(JSON.parse(addon.configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
  });

  test('without a pinned add-on version, the apply stops unless EKS installed vpc-cni v1.14 or later', () => {
    const addon = vpcCni(eks());
    expect(addon.addon_version).toBeUndefined();
    expect(addon.lifecycle.postcondition).toEqual([{
      condition: expect.stringContaining('self.addon_version'),
      error_message: expect.stringMatching(/v1\.14 or later.*vpcCniVersion/),
    }]);
  });

  test('a pinned vpc-cni version is used as is', () => {
    expect(vpcCni(eks({ vpcCniVersion: 'v1.19.2-eksbuild.1' })).addon_version).toBe('v1.19.2-eksbuild.1');
  });

  test('enforcement is left to another policy engine only when asked explicitly', () => {
    const addon = vpcCni(eks({ networkPolicyEnforcement: false }));
    expect(addon.configuration_values).toBeUndefined();
    expect(addon.lifecycle).toBeUndefined();
  });

  test.each<[string, Partial<EksTrainingClusterProps>, RegExp]>([
    ['a vpc-cni version without network policy support', { vpcCniVersion: 'v1.13.4-eksbuild.1' },
      /vpcCniVersion \("v1\.13\.4-eksbuild\.1"\) does not enforce NetworkPolicies; use v1\.14\.0-eksbuild\.3 or later/],
    ['the first 1.14 build, which lacks the setting', { vpcCniVersion: 'v1.14.0-eksbuild.2' }, /vpcCniVersion \("v1\.14\.0-eksbuild\.2"\) does not enforce/],
    ['a malformed vpc-cni version', { vpcCniVersion: '1.19' }, /vpcCniVersion \("1\.19"\) must be an EKS add-on version such as "v1\.19\.2-eksbuild\.1"/],
    ['a cluster too old for VPC CNI network policies', { kubernetesVersion: '1.24' },
      /kubernetesVersion \("1\.24"\) is below 1\.25, the first version on which the VPC CNI enforces NetworkPolicies/],
  ])('%s is refused', (_what, props, message) => {
    expect(eksError(props)).toMatch(message);
  });

  test('with enforcement off, an old add-on version is the user\'s choice', () => {
    expect(vpcCni(eks({ networkPolicyEnforcement: false, vpcCniVersion: 'v1.13.4-eksbuild.1' })).addon_version).toBe('v1.13.4-eksbuild.1');
  });
});

describe('EksTrainingCluster: GPU pools', () => {
  const out = eks({
    pools: [
      pool({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 10, capacity: Capacity.SPOT, labels: { team: 'vision' }, taints: [{ key: 'dedicated', value: 'training' }] }),
      pool({ name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4 }),
      pool({ name: 'serve', accelerator: Accelerator.NVIDIA_A10G, minNodes: 1, maxNodes: 3, purpose: PoolPurpose.SERVING, diskSize: Size.gibibytes(100) }),
    ],
  });
  const group = (name: string) => out.resources('aws_eks_node_group').find((g) => g.node_group_name === `ml-${name}`);
  const template = (name: string) => out.resources('aws_launch_template').find((t) => t.name === `ml-${name}`);

  test('GPU node groups use the AL2023 NVIDIA accelerated AMI and carry the GPU taint', () => {
    for (const name of ['l4', 'h100', 'serve']) {
      expect(group(name).ami_type).toBe('AL2023_x86_64_NVIDIA');
      expect(group(name).taint[0]).toEqual({ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' });
    }
  });

  test('the accelerator and count pick the smallest matching instance type', () => {
    expect(group('l4').instance_types).toEqual(['g6.xlarge']);
    expect(group('h100').instance_types).toEqual(['p5.48xlarge']);
    expect(group('serve').instance_types).toEqual(['g5.xlarge']);
  });

  test('training pools scale to zero; the autoscaler owns desired size afterwards', () => {
    expect(group('l4').scaling_config).toEqual({ min_size: 0, max_size: 10, desired_size: 0 });
    expect(group('serve').scaling_config).toEqual({ min_size: 1, max_size: 3, desired_size: 1 });
    expect(group('l4').lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  test('spot and on-demand map to the node group capacity type', () => {
    expect(group('l4').capacity_type).toBe('SPOT');
    expect(group('h100').capacity_type).toBe('ON_DEMAND');
  });

  test('user labels and taints are kept beside the library\'s pool labels', () => {
    expect(group('l4').labels).toEqual({
      'team': 'vision',
      'ml-platform.io/pool': 'l4',
      'ml-platform.io/accelerator': 'nvidia-l4',
      'ml-platform.io/accelerator-kind': 'nvidia-gpu',
      'ml-platform.io/purpose': 'training',
    });
    expect(group('l4').taint[1]).toEqual({ key: 'dedicated', value: 'training', effect: 'NO_SCHEDULE' });
    expect(group('serve').labels['ml-platform.io/purpose']).toBe('serving');
  });

  test('launch templates require IMDSv2 with one hop and encrypt the root volume', () => {
    const lt = template('serve');
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings[0]).toEqual({ device_name: '/dev/xvda', ebs: { volume_size: 100, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } });
  });

  test('an EFA-capable multi-node pool gets every EFA interface, a cluster placement group and one AZ', () => {
    const lt = template('h100');
    expect(lt.network_interfaces).toHaveLength(32);
    expect(lt.network_interfaces[0]).toMatchObject({ device_index: 0, network_card_index: 0, interface_type: 'efa' });
    expect(lt.network_interfaces[31]).toMatchObject({ device_index: 1, network_card_index: 31, interface_type: 'efa' });
    expect(lt.placement.group_name).toMatch(/aws_placement_group\./);
    expect(out.resources('aws_placement_group')).toEqual([expect.objectContaining({ name: 'ml-h100', strategy: 'cluster' })]);
    expect(group('h100').subnet_ids).toEqual(['subnet-0123456789abcdef0']);
    const sg = out.resources('aws_security_group').find((s) => s.name === 'ml-h100-efa');
    expect(sg.ingress[0]).toMatchObject({ self: true, protocol: '-1' });
  });

  test('a pool without EFA support, or of one node, gets neither EFA nor a placement group', () => {
    expect(template('l4').network_interfaces).toBeUndefined();
    expect(template('serve').placement).toBeUndefined();
    expect(group('l4').subnet_ids).toHaveLength(2);
  });

  test('the NVIDIA device plugin runs on GPU nodes, since the AL2023 NVIDIA AMI does not bring it', () => {
    const ds = out.resources('kubernetes_daemon_set_v1')[0];
    const spec = ds.spec.template.spec;
    expect(ds.metadata.namespace).toBe('kube-system');
    expect(spec.container[0].image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.17.1');
    // The l4 pool's own taint too, or the plugin would never run there and its GPUs never be schedulable.
    expect(spec.toleration).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'training', effect: 'NoSchedule' },
    ]);
    expect(spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term[0].match_expressions)
      .toEqual([{ key: 'ml-platform.io/accelerator-kind', operator: 'In', values: ['nvidia-gpu'] }]);
    expect(spec.container[0].security_context).toMatchObject({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
  });

  test('the NVIDIA device plugin is a node agent: node-critical, tokenless, rolled out one node at a time', () => {
    const ds = out.resources('kubernetes_daemon_set_v1')[0];
    expect(ds.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_unavailable: '1' } });
    expect(ds.spec.template.spec).toMatchObject({ priority_class_name: 'system-node-critical', automount_service_account_token: false });
  });
});

describe('EksTrainingCluster: capacity and other AMIs', () => {
  test('a Capacity Block pool gets the capacity-block market, the reservation and its instance type in the launch template', () => {
    const out = eks({ pools: [pool({ accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') })] });
    const group = out.resources('aws_eks_node_group').find((g) => g.node_group_name === 'ml-gpu');
    const lt = out.resources('aws_launch_template').find((t) => t.name === 'ml-gpu');
    expect(group.capacity_type).toBe('CAPACITY_BLOCK');
    expect(group.instance_types).toBeUndefined();
    expect(lt).toMatchObject({
      instance_type: 'p5.48xlarge',
      instance_market_options: { market_type: 'capacity-block' },
      capacity_reservation_specification: { capacity_reservation_target: { capacity_reservation_id: 'cr-0123456789abcdef0' } },
    });
    expect(group.subnet_ids).toEqual(['subnet-0123456789abcdef0']);
    expect(out.resources('aws_placement_group')).toEqual([]);
  });

  test('Trainium pools use the Neuron AMI and the Neuron taint, and get the Neuron device plugin (not the NVIDIA one)', () => {
    const out = eks({ pools: [pool({ accelerator: Accelerator.AWS_TRAINIUM, acceleratorsPerNode: 16, maxNodes: 2 })] });
    const group = out.resources('aws_eks_node_group').find((g) => g.node_group_name === 'ml-gpu');
    expect(group).toMatchObject({ ami_type: 'AL2023_x86_64_NEURON', instance_types: ['trn1.32xlarge'] });
    expect(group.taint[0]).toEqual({ key: 'aws.amazon.com/neuron', value: 'present', effect: 'NO_SCHEDULE' });
    const plugins = out.resources('kubernetes_daemon_set_v1');
    expect(plugins.map((d) => d.metadata.name)).toEqual(['neuron-device-plugin']);
    const spec = plugins[0].spec.template.spec;
    expect(spec.container[0].image).toBe('public.ecr.aws/neuron/neuron-device-plugin:2.24.23.0');
    expect(spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term[0].match_expressions)
      .toEqual([{ key: 'ml-platform.io/accelerator-kind', operator: 'In', values: ['aws-neuron'] }]);
    expect(spec.toleration).toContainEqual({ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' });
    expect(out.resources('kubernetes_cluster_role_v1')[0].rule.map((r: any) => r.resources[0])).toEqual(['nodes', 'events', 'pods', 'nodes/status']);
    // A node agent like every DaemonSet of the library, which mounts its token: it patches nodes and pods through its ClusterRole.
    expect(plugins[0].spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_unavailable: '1' } });
    expect(spec).toMatchObject({ priority_class_name: 'system-node-critical', automount_service_account_token: true, service_account_name: expect.stringContaining('neuron-device-plugin') });
  });

  test('Bottlerocket pools use the Bottlerocket NVIDIA AMI, which ships the device plugin itself', () => {
    const out = eks({ amiFamily: EksAmiFamily.BOTTLEROCKET, pools: [pool({ accelerator: Accelerator.NVIDIA_L4 })] });
    const groups = out.resources('aws_eks_node_group');
    expect(groups.find((g) => g.node_group_name === 'ml-gpu').ami_type).toBe('BOTTLEROCKET_x86_64_NVIDIA');
    expect(groups.find((g) => g.node_group_name === 'ml-system').ami_type).toBe('BOTTLEROCKET_x86_64');
    expect(out.resources('aws_launch_template').find((t) => t.name === 'ml-gpu').block_device_mappings[0].device_name).toBe('/dev/xvdb');
    expect(out.resources('kubernetes_daemon_set_v1')).toEqual([]);
  });

  test('team quotas cap GPUs and Neuron devices per namespace', () => {
    const out = eks({
      pools: [pool({ accelerator: Accelerator.NVIDIA_L4 }), pool({ name: 'trn', accelerator: Accelerator.AWS_TRAINIUM })],
      teams: [{ team: 'vision', maxGpus: 16 }, { team: 'nlp', maxNeuronDevices: 32 }],
    });
    const quotas = out.resources('kubernetes_resource_quota_v1');
    const hard = (team: string) => quotas.find((q) => q.metadata.namespace.includes(`teams_${team}-namespace`)).spec.hard;
    expect(hard('vision')).toMatchObject({ 'requests.nvidia.com/gpu': '16', 'requests.aws.amazon.com/neuron': '0' });
    expect(hard('nlp')).toMatchObject({ 'requests.nvidia.com/gpu': '0', 'requests.aws.amazon.com/neuron': '32' });
    expect(quotas.every((q) => q.provider === 'kubernetes.eks_ml')).toBe(true);
  });
});

describe('EksTrainingCluster: bad input fails with one clear error', () => {
  test.each<[string, Partial<EksTrainingClusterProps>, RegExp]>([
    ['minNodes above maxNodes', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, minNodes: 4, maxNodes: 2 })] },
      /test\/training: pools\[0\]\.maxNodes \(2\) is below minNodes \(4\); raise maxNodes or lower minNodes/],
    ['a GPU count no instance has', { pools: [pool({ accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 4 })] },
      /pools\[0\]\.acceleratorsPerNode \(4\) is not a count any EC2 type offers for NVIDIA H100 80GB; valid counts: 1, 8/],
    ['EFA on an instance without it', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, efa: true })] },
      /pools\[0\]\.efa \(true\) is not supported by g6\.xlarge; use an EFA-capable type \(g6\.8xlarge, gr6\.8xlarge/],
    ['a TPU on EKS', { pools: [pool({ accelerator: Accelerator.tpu(TpuVersion.V5E, '2x2') })] },
      /pools\[0\]\.accelerator \("tpu-v5e-2x2"\) is a TPU, which only Google Cloud offers; move this pool to a GkeTrainingCluster/],
    ['a machine type without the accelerator', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, machineType: 'g5.xlarge' })] },
      /pools\[0\]\.machineType \("g5\.xlarge"\) does not carry NVIDIA L4; use one of g6\.xlarge/],
    ['a Capacity Block on a G-family type', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') })] },
      /Capacity Blocks reserve only/],
    ['an invalid pool name', { pools: [pool({ name: 'GPU_Pool', accelerator: Accelerator.NVIDIA_L4 })] },
      /pools\[0\]\.name \("GPU_Pool"\) is not a valid name; use lowercase letters, digits and hyphens/],
    ['a disk too small for an accelerated image', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4, diskSize: Size.gibibytes(10) })] },
      /pools\[0\]\.diskSize \(10Gi\) must be from 20 GiB to 16 TiB/],
    ['duplicate pool names', { pools: [pool({ accelerator: Accelerator.NVIDIA_L4 }), pool({ accelerator: Accelerator.NVIDIA_L4 })] },
      /pools\[1\] \("gpu"\) repeats an earlier pool name/],
    ['one subnet', { subnetIds: ['subnet-0123456789abcdef0'] }, /subnetIds .* must list subnets in at least two Availability Zones/],
    ['a public endpoint open to the world', { controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([{ cidrBlock: '0.0.0.0/0' }]) },
      /controlPlaneAccess\.networks\[0\]\.cidrBlock \("0\.0\.0\.0\/0"\) opens the public endpoint to the whole internet; list your networks instead/],
    ['a public endpoint without networks', { controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([]) },
      /controlPlaneAccess\.networks \(\[\]\) must list at least one network that may reach the public endpoint/],
    ['a network that is not a CIDR block', { controlPlaneAccess: ControlPlaneAccess.publicAndPrivate([{ cidrBlock: '203.0.113.0' }]) },
      /controlPlaneAccess\.networks\[0\]\.cidrBlock \("203\.0\.113\.0"\) must be an IPv4 CIDR block/],
    ['authorized networks on the private endpoint, which EKS cannot honour', { controlPlaneAccess: ControlPlaneAccess.privateFrom([{ cidrBlock: '10.0.0.0/8' }]) },
      /controlPlaneAccess \(privateFrom\(10\.0\.0\.0\/8\)\) limits the private endpoint to networks, which EKS does not do.*ControlPlaneAccess\.privateOnly\(\)/],
    ['something other than a ControlPlaneAccess', { controlPlaneAccess: { publicAccess: true } as unknown as ControlPlaneAccess },
      /controlPlaneAccess .* must be ControlPlaneAccess\.privateOnly\(\) or ControlPlaneAccess\.publicAndPrivate/],
    ['a bad log retention', { logRetention: Duration.days(10) }, /logRetention \(10d\) must be one of the CloudWatch retention periods/],
    ['a bad Kubernetes version', { kubernetesVersion: 'latest' }, /kubernetesVersion \("latest"\) must be a Kubernetes minor version such as "1\.33"/],
    ['a cluster name that is too long', { clusterName: 'a'.repeat(41) }, /clusterName .* is 41 characters long; use at most 40/],
  ])('%s', (_what, props, message) => {
    expect(eksError(props)).toMatch(message);
  });

  test('a quota on an accelerator the cluster lacks fails at synth, once pools added with addPool are known', () => {
    expect(errorOf((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(stack, 'training', { ...base, teams: [{ team: 'vision', maxTpuChips: 8 }] });
      Testing.synth(stack as TerraformStack, true);
    })).toMatch(/test\/training: teams\[0\]\.maxTpuChips \(8\) caps TPUs but the cluster has no TPU pool/);
  });

  test('every problem is reported in the same error', () => {
    const message = eksError({ clusterName: 'Bad', subnetIds: [], pools: [pool({ accelerator: Accelerator.NVIDIA_L4, minNodes: 3, maxNodes: 1 })] });
    expect(message).toMatch(/^3 problems:/);
    expect(message).toMatch(/clusterName/);
    expect(message).toMatch(/subnetIds/);
    expect(message).toMatch(/maxNodes/);
  });

  test('asking for an undeclared team target names the declared ones', () => {
    expect(() => synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(stack, 'training', { ...base, teams: [{ team: 'vision' }] }).teamTarget('nlp');
    })).toThrow(/team "nlp" is not declared; declared teams: vision/);
  });
});

test('pools of an undeclared taint effect are refused', () => {
  expect(eksError({ pools: [pool({ accelerator: Accelerator.NVIDIA_L4, taints: [{ key: 'x', effect: 'Sometimes' as TaintEffect }] })] }))
    .toMatch(/taints\[0\]\.effect \("Sometimes"\) must be one of NoSchedule, PreferNoSchedule, NoExecute/);
});
