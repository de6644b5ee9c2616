/**
 * The reference platform: one declaration for on-prem, AWS, Google Cloud and the edge.
 *
 *   acme-onprem        GPU training with team quotas, the Feast feature store, the `churn` endpoint as a
 *                      Gateway API canary on GPUs, and the central MonitoringStack (edge sites remote-write to it)
 *   acme-aws           an EKS H100 pool, the SageMaker model registry (the platform's one registry), the
 *                      `churn` SageMaker endpoint with blue/green canary updates, AMP rules for it, the feature
 *                      lake, IoT device groups per edge ring, and the `churn` retraining pipeline: the endpoint's
 *                      drift or staleness alert (AMP) starts a SageMaker pipeline run that validates the data,
 *                      trains, gates on AUC and fairness, and registers the challenger (pending approval)
 *   acme-gcp           a GKE TPU v5e slice pool
 *   acme-edge-<ring>-N the edge fleet's sites in two rings (canary, all), each ring in its own stacks of at most
 *                      about ten sites (acme-edge-canary-0, acme-edge-all-0); one canary site is a Jetson
 *
 * Stacks reference each other where they share resources (the registry's and the lake's buckets): cdktf writes
 * the outputs and remote-state lookups. Governance (baseline + ml-guardrails) runs in every stack at synth.
 *
 * Deploy order: the environments first, then the edge ring by ring, each ring once the one before is healthy:
 *
 *   cdktf deploy acme-aws acme-gcp acme-onprem
 *   cdktf deploy 'acme-edge-canary-*' --ignore-missing-stack-dependencies
 *   cdktf deploy 'acme-edge-all-*' --ignore-missing-stack-dependencies --parallelism 10
 *
 * The edge stacks read the registry's bucket from acme-aws by remote state, so cdktf refuses to deploy them without
 * acme-aws unless told it was deployed before; that flag also drops the ring order between the edge stacks, so
 * deploy one ring per command.
 */
import { App } from 'cdktf';
import {
  Accelerator, AlertReceiver, AmpMonitoring, Architecture, Capacity, Cpu, DataClassification, DatasetStore, DataValidation, Duration,
  EksTrainingCluster, EvaluationGate, FairnessMetric, ObjectStoreLocation, SageMakerRetrainingPipeline,
  FeastFeatureStore, FeastOfflineStore, FeastOnlineStore, FeastRegistry, GatewayApi, GatewayController, GkeTrainingCluster, IotDeviceFleet, KubernetesInferenceEndpoint,
  KubernetesTrainingCluster, MlPlatform, ModelArtifact, MonitoringStack, SageMakerDeployment, SageMakerInferenceEndpoint,
  PlatformGateway, type RegistryMirrorMap, SageMakerModelRegistry, SecureS3Bucket, Size, TpuVersion, Traffic, TrafficRouting, EdgeAccelerator, Peer,
} from '../../lib';
import { churnFeatures, s3Sources } from '../data-platform/features';

const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** Images are pinned by digest: what was reviewed is what runs. */
const image = (repo: string, digit: string) => `${ecr}/${repo}@sha256:${digit.repeat(64)}`;

/** Options of {@link buildHybridPlatform}. */
export interface HybridPlatformOptions {
  /** Where the library's default images are pulled from. @default - the company mirror in the approved ECR registry */
  readonly registryMirrors?: RegistryMirrorMap;
}

/** Builds the reference platform in `app`. */
export function buildHybridPlatform(app: App, options: HybridPlatformOptions = {}): MlPlatform {
  const platform = new MlPlatform(app, 'platform', {
    name: 'acme',
    labels: { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL },
    governanceParameters: { approvedRegistries: [`${ecr}/`], maxAcceleratorsPerPool: 64, maxAcceleratorsPerNamespace: 32 },
    // Every image the library chooses (Prometheus, Feast, Postgres, device plugins, charts) is pulled through the
    // company mirror, so the approved-registry rule holds for every workload, not only the models.
    registryMirrors: options.registryMirrors ?? { '*': `${ecr}/mirror` },
  });

  // ---- AWS: the registry, the feature lake, an H100 pool, SageMaker serving, device groups ----
  const aws = platform.aws('aws', { region: 'eu-west-1' });
  new EksTrainingCluster(aws, 'training', {
    clusterName: 'acme-train', kubernetesVersion: '1.33',
    subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    pools: [{ name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 4, capacity: Capacity.capacityBlock('cr-0123456789abcdef0') }],
    teams: [{ team: 'llm', maxGpus: 32 }],
  });
  const registry = new SageMakerModelRegistry(aws, 'registry', {
    groupName: 'churn', artifactBucketName: 'acme-models', releasedVersions: { churn: ['11', '12'] },
  });
  const lake = new SecureS3Bucket(aws, 'feature-lake', { bucketName: 'acme-feature-lake' });
  const sagemaker = new SageMakerInferenceEndpoint(aws, 'churn', {
    name: 'churn',
    variants: [
      { name: 'stable', model: ModelArtifact.fromRegistry(registry, 'churn', '11'), image: image('churn-server', 'c'), instanceType: 'ml.g5.xlarge', minInstances: 2, maxInstances: 8 },
      { name: 'canary', model: ModelArtifact.fromRegistry(registry, 'churn', '12'), image: image('churn-server', 'c'), instanceType: 'ml.g5.xlarge', minInstances: 2, maxInstances: 8 },
    ],
    traffic: Traffic.canary('stable', 'canary', 10),
    subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
    deployment: SageMakerDeployment.canary(10, Duration.minutes(10)),
    slo: { latencyP99Ms: 200, errorRatePercent: 1 },
  });
  // The loop: a drift or staleness alert of the endpoint starts a run; the gates decide; a passing candidate is
  // registered as the challenger, pending approval. Promotion stays a reviewed change to releasedVersions above.
  const datasets = new DatasetStore(aws, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-churn-datasets' }) });
  const retraining = new SageMakerRetrainingPipeline(aws, 'churn-retraining', {
    name: 'churn', model: 'churn',
    dataset: { store: datasets, prefix: 'churn/', version: 'main' },
    dataValidation: DataValidation.greatExpectations({ image: image('churn-gx', 'a'), checkpoint: 'churn_training_data' }),
    evaluation: {
      image: image('churn-eval', 'b'),
      gates: [
        EvaluationGate.metricAtLeast('auc', 0.85),
        EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'region', 0.1),
        EvaluationGate.fairness(FairnessMetric.EQUALIZED_ODDS_DIFFERENCE, 'region', 0.1),
      ],
    },
    training: { image: image('churn-train', 'd'), instanceType: 'ml.g5.2xlarge' },
    registration: { registry, inferenceImage: image('churn-server', 'c') },
  });
  new AmpMonitoring(aws, 'amp', {
    workspaceAlias: 'acme-ml',
    watch: [sagemaker],
    alerting: { critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-critical')], retrainingPipelines: [retraining] },
    grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] },
  });
  const rings = [{ name: 'canary', modelVersion: '12' }, { name: 'all', modelVersion: '11' }];
  // The registry grants the device role its rings' artifacts and the key that encrypts them.
  new IotDeviceFleet(aws, 'devices', { fleetName: 'acme-devices', rings, model: { source: registry, name: 'churn' } });

  // ---- Google Cloud: a TPU v5e slice pool ----
  const gcp = platform.googleCloud('gcp', { project: 'acme-ml-prod', region: 'europe-west4' });
  new GkeTrainingCluster(gcp, 'training', {
    clusterName: 'acme-tpu', project: 'acme-ml-prod', location: 'europe-west4', network: 'ml-vpc', subnetwork: 'ml-europe-west4',
    acceleratorZones: ['europe-west4-a'],
    pools: [{ name: 'v5e-2x4', accelerator: Accelerator.tpu(TpuVersion.V5E, '2x4') }],
    teams: [{ team: 'research', maxTpuChips: 8 }],
  });

  // ---- on-prem: GPU training with team quotas, features, canary serving, central monitoring ----
  const onprem = platform.onPrem('onprem', { clusterName: 'dc1', context: 'dc1-admin' });
  // Layers: the existing cluster's setup (team namespaces, quotas, priority classes) in acme-onprem, the capabilities
  // in acme-onprem-workloads, applied after it (`cdktf deploy 'acme-onprem*'` follows the order).
  const cluster = new KubernetesTrainingCluster(onprem.stack, 'training', {
    clusterName: 'dc1', target: onprem.target,
    // dc1 runs the NVIDIA GPU Operator: it labels the GPU nodes and runs their device plugin and DCGM exporter.
    gpuOperator: true,
    pools: [
      { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 6, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } },
      { name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 1, nodeCount: 8, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    ],
    teams: [{ team: 'vision', maxGpus: 16 }, { team: 'nlp', maxGpus: 24 }, { team: 'mlops' }, { team: 'serving', maxGpus: 8 }],
  });
  const features = new FeastFeatureStore(onprem.workloads, 'features', {
    target: cluster.teamTarget('mlops'), definitions: churnFeatures(s3Sources('acme-feature-lake')),
    registry: FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }), offlineStore: FeastOfflineStore.s3Files(lake),
    onlineStore: FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } }),
    credentialsSecret: 'feast-aws-credentials',
  });
  // Sized to the serving team's 8 GPUs (and the 8 L4 nodes): at most 4 + 2 replicas, plus one surge pod each
  // while a rollout runs; the capacity contract checks the sum at synth.
  const gpuVariant = (name: string, version: string, minReplicas: number, maxReplicas: number) => ({
    name, model: ModelArtifact.fromRegistry(registry, 'churn', version), image: image('churn-server', 'c'),
    cpu: Cpu.cores(2), memory: Size.gibibytes(8), accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 1, minReplicas, maxReplicas,
  });
  // dc1 runs its own Envoy Gateway controller: the platform installs the pinned Gateway API CRDs (add-ons layer)
  // and the shared Gateway the endpoints' routes attach to (workloads layer, after its CRDs).
  const gatewayApi = new GatewayApi(onprem.addons, 'gateway-api', {
    target: onprem.target, controller: GatewayController.existing({ gatewayClassName: 'envoy-gateway', installCrds: true }),
  });
  const gateway = new PlatformGateway(onprem.workloads, 'gateway', { gatewayApi, listeners: [{ tlsSecret: 'churn-ml-tls', hostname: 'churn.ml.acme.example' }] });
  new KubernetesInferenceEndpoint(onprem.workloads, 'churn', {
    name: 'churn', target: cluster.teamTarget('serving'),
    variants: [gpuVariant('stable', '11', 2, 4), gpuVariant('canary', '12', 1, 2)],
    traffic: Traffic.canary('stable', 'canary', 10),
    routing: TrafficRouting.gatewayApi({ gateway: gateway.reference, hostnames: ['churn.ml.acme.example'] }),
    featureStore: features,
    credentialsSecret: 'model-reader',
    slo: { latencyP99Ms: 150, errorRatePercent: 0.5 },
  });

  // ---- the edge: two rings, pinned to registry versions, each ring its own stacks; metrics to the central stack ----
  const edge = platform.edgeFleet('edge', {
    fleetName: 'churn-edge',
    model: { source: registry, name: 'churn' },
    rings,
    sites: [
      // A Jetson Orin: the server gets its GPU (nvidia.com/gpu) through k3s's `nvidia` RuntimeClass.
      { name: 'store-berlin', ring: 'canary', architecture: Architecture.ARM64, accelerator: EdgeAccelerator.nvidiaJetson() },
      { name: 'store-paris', ring: 'canary', architecture: Architecture.AMD64 },
      ...['hamburg', 'lyon', 'milan', 'madrid', 'vienna', 'prague'].map((city, i) => ({
        name: `store-${city}`, ring: 'all', architecture: i % 2 ? Architecture.AMD64 : Architecture.ARM64,
      })),
    ],
    image: image('churn-edge', 'e'),
    modelFetcher: { image: image('aws-cli', 'f'), credentialsSecret: 'model-reader' },
    metrics: { remoteWriteUrl: 'https://prometheus.dc1.acme.example/api/v1/write', password: { name: 'remote-write', key: 'password' } },
  });

  const monitoring = new MonitoringStack(onprem.workloads, 'monitoring', {
    target: cluster.kubernetes.inNamespace('monitoring'),
    watch: [...MonitoringStack.discover(onprem.stack), ...MonitoringStack.discover(onprem.workloads), edge],
    alerting: {
      critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })],
      // Drift of the on-prem replica reaches the team here; the churn model retrains from the AWS endpoint's alerts
      // (the retraining pipeline above), whose challenger both endpoints are promoted to by a reviewed change.
      warning: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')],
    },
    grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
    remoteWriteReceiver: true,
  });
  // Edge sites' agents write through the ingress controller (TLS and basic auth terminate there), which also serves Grafana.
  monitoring.prometheus.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
  monitoring.grafana.connections.allowDefaultPortFrom(Peer.namespace('ingress-nginx'));
  return platform;
}
