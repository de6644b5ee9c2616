/**
 * One training platform on three targets, declared with one accelerator vocabulary:
 *  - `training-eks`:    EKS with H100 (Capacity Block, EFA), L4 spot and Trainium pools
 *  - `training-gke`:    GKE with H100 and L4 GPU pools and TPU v5e / v5p slices
 *  - `training-onprem`: an existing cluster's A100 nodes, carved into team GPU quotas
 * Synthesizes offline: `npx cdktf synth` (no cloud credentials are read at synth time).
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import {
  Accelerator, Capacity, DataClassification, EksTrainingCluster, GkeTrainingCluster, Governance, KubernetesTarget,
  KubernetesTrainingCluster, PlatformLabels, PoolPurpose, TpuVersion,
} from '../../lib';
import { laterLayer } from '../shared/layers';

const labels = { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL };

/** The example's stack setup: provider, labels and governance (which runs inside `cdktf synth`). */
function prepare(stack: TerraformStack, provider: (stack: TerraformStack) => void): void {
  provider(stack);
  PlatformLabels.apply(stack, labels);
  Governance.of(stack).addPack('ml-guardrails');
}

/**
 * A later layer of `base` (`<id>-addons`, `<id>-workloads`), applied after `after`: its kubernetes and helm providers are
 * configured from the cluster stack's outputs, never from the cluster in their own stack. (MlPlatform makes
 * these by itself: `env.addons`, `env.workloads`.)
 */
function layer(base: TerraformStack, after: TerraformStack, name: string, provider: (stack: TerraformStack) => void): TerraformStack {
  return laterLayer(base, after, name, (stack) => prepare(stack, provider));
}

export class EksTraining extends TerraformStack {
  /** Device plugins, Karpenter's controller, the EFA device plugin, team quotas. */
  public readonly addons: TerraformStack;
  /** Karpenter's NodePools (custom resources of the CRDs the add-ons install). */
  public readonly workloads: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const aws = (stack: TerraformStack) => new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    prepare(this, aws);
    this.addons = layer(this, this, 'addons', aws);
    this.workloads = layer(this, this.addons, 'workloads', aws);
    new EksTrainingCluster(this, 'training', {
      layers: { addons: this.addons, customResources: this.workloads },
      clusterName: 'ml-training',
      kubernetesVersion: '1.33',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
      pools: [
        { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') },
        { name: 'l4-spot', accelerator: Accelerator.NVIDIA_L4, maxNodes: 16, capacity: Capacity.SPOT },
        { name: 'l4-serving', accelerator: Accelerator.NVIDIA_L4, minNodes: 1, maxNodes: 6, purpose: PoolPurpose.SERVING },
        { name: 'trainium', accelerator: Accelerator.AWS_TRAINIUM, acceleratorsPerNode: 16, maxNodes: 2 },
      ],
      teams: [
        { team: 'vision', maxGpus: 16 },
        { team: 'nlp', maxGpus: 8, maxNeuronDevices: 32 },
      ],
    });
  }
}

export class GkeTraining extends TerraformStack {
  /** Team namespaces and quotas (GKE runs the device plugins and the autoscaler itself). */
  public readonly addons: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const google = (stack: TerraformStack) => new GoogleProvider(stack, 'google', { project: 'ml-platform-prod', region: 'us-central1' });
    prepare(this, google);
    this.addons = layer(this, this, 'addons', google);
    new GkeTrainingCluster(this, 'training', {
      layers: { addons: this.addons },
      clusterName: 'ml-training',
      // project and location: the stack's Google provider's (ml-platform-prod, us-central1).
      network: 'ml-vpc',
      subnetwork: 'ml-us-central1',
      acceleratorZones: ['us-central1-a', 'us-central1-b'],
      pools: [
        { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2 },
        { name: 'l4-spot', accelerator: Accelerator.NVIDIA_L4, maxNodes: 8, capacity: Capacity.SPOT },
        { name: 'v5e-2x4', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x4') },
        { name: 'v5p-2x2x4', accelerator: Accelerator.tpu(TpuVersion.V5P, '2x2x4'), capacity: Capacity.SPOT },
      ],
      teams: [
        { team: 'vision', maxGpus: 8 },
        { team: 'research', maxTpuChips: 24 },
      ],
    });
  }
}

export class OnPremTraining extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const target = KubernetesTarget.fromKubeconfig(this, 'onprem', { clusterName: 'dc1-gpu', context: 'dc1-admin' });
    PlatformLabels.apply(this, labels);
    // Governance runs inside `cdktf synth`: an error finding fails the synth, warnings become annotations.
    Governance.of(this).addPack('ml-guardrails');
    new KubernetesTrainingCluster(this, 'training', {
      clusterName: 'dc1-gpu',
      target,
      // The NVIDIA GPU Operator manages dc1's GPU nodes (labels, device plugin, DCGM exporter).
      gpuOperator: true,
      pools: [
        { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 6,
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } },
        { name: 'l40s', accelerator: Accelerator.NVIDIA_L40S, acceleratorsPerNode: 4, nodeCount: 4,
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L40S' } },
      ],
      teams: [
        { team: 'vision', maxGpus: 16 },
        { team: 'nlp', maxGpus: 24 },
        { team: 'interns', maxGpus: 2 },
      ],
    });
  }
}

/** Adds the example's stacks to `app` (each target's cluster stack, and the EKS layers after it). */
export function buildTrainingExample(app: App): TerraformStack[] {
  const eks = new EksTraining(app, 'training-eks');
  const gke = new GkeTraining(app, 'training-gke');
  return [eks, eks.addons, eks.workloads, gke, gke.addons, new OnPremTraining(app, 'training-onprem')];
}
