/**
 * Serving and monitoring, wired to the registry and the feature store.
 *  - `serving-onprem`: an on-prem GPU cluster; MLflow (the registry, versions 3 and 4 released), Feast (features
 *    from the S3 data lake), the `churn` endpoint as a Gateway API canary (v3 90%, v4 10%) on L4 GPUs reading
 *    features, and a MonitoringStack that discovers the cluster and the endpoint (alerts, dashboards, drift job)
 *  - `serving-aws`: a SageMaker model registry and the `churn` SageMaker endpoint (production variants 90/10,
 *    blue/green canary updates with alarm rollback, data capture), watched by Amazon Managed Prometheus rules
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  Accelerator, AlertReceiver, AmpMonitoring, Cpu, DataClassification, FeastFeatureStore, FeastOfflineStore, FeastOnlineStore, FeastRegistry,
  GatewayApi, GatewayController, Governance, KubernetesInferenceEndpoint, KubernetesTarget, KubernetesTrainingCluster, MlflowBackend, MlflowModelRegistry, ModelArtifact,
  MonitoringStack, ObjectStore, ObjectStoreLocation, PlatformLabels, SageMakerDeployment, SageMakerInferenceEndpoint, SageMakerModelRegistry,
  PlatformGateway, RegistryMirrors, type RegistryMirrorMap, SecureS3Bucket, Size, Traffic, TrafficRouting, Duration,
} from '../../lib';
import { churnFeatures, s3Sources } from '../data-platform/features';

const labels = { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL };
const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** Serving images are pinned by digest: what was reviewed is what runs. */
const servingImage = `${ecr}/churn-server@sha256:${'c'.repeat(64)}`;

function governed(stack: TerraformStack): void {
  PlatformLabels.apply(stack, labels);
  Governance.of(stack).addPack('ml-guardrails').configure({ parameters: { approvedRegistries: [`${ecr}/`] } });
}

export class OnPremServing extends TerraformStack {
  /** The Gateway API CRDs, applied before this stack (its Gateway and HTTPRoute are custom resources). */
  public readonly gatewayApiStack: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    governed(this);
    const target = KubernetesTarget.fromKubeconfig(this, 'dc1', { clusterName: 'dc1', context: 'dc1-admin' });
    this.gatewayApiStack = new TerraformStack(scope, `${id}-gateway-api`);
    governed(this.gatewayApiStack);
    this.addDependency(this.gatewayApiStack);
    // dc1 runs its own Envoy Gateway controller; the platform installs the pinned Gateway API CRDs it serves.
    const gatewayApi = new GatewayApi(this.gatewayApiStack, 'gateway-api', {
      target, controller: GatewayController.existing({ gatewayClassName: 'envoy-gateway', installCrds: true }),
    });
    const gateway = new PlatformGateway(this, 'gateway', { gatewayApi, listeners: [{ tlsSecret: 'churn-ml-tls', hostname: 'churn.ml.example.com' }] });
    const cluster = new KubernetesTrainingCluster(this, 'cluster', {
      clusterName: 'dc1', target,
      teams: [{ team: 'mlops' }, { team: 'serving', maxGpus: 8 }],
      pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 1, nodeCount: 8 }], // nodes labelled ml-platform.io/pool=l4
    });
    const mlops = cluster.teamTarget('mlops');

    const registry = new MlflowModelRegistry(this, 'mlflow', {
      target: mlops,
      image: `${ecr}/mlflow@sha256:${'5'.repeat(64)}`,
      backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' } }),
      artifactStore: new ObjectStore(this, 'mlflow-artifacts', {
        location: ObjectStoreLocation.s3Compatible({
          endpointUrl: 'https://minio.dc1.example.com', bucketName: 'mlflow',
          credentials: {
            accessKeyId: { name: 'minio-mlflow', key: 'AWS_ACCESS_KEY_ID' },
            secretAccessKey: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' },
          },
        }),
      }),
      admin: {
        username: { name: 'mlflow-admin', key: 'username' },
        password: { name: 'mlflow-admin', key: 'password' },
        flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
      },
      releasedVersions: { churn: ['3', '4'] },
    });
    const lake = new SecureS3Bucket(this, 'feature-lake', { bucketName: 'acme-dc1-feature-lake' });
    const features = new FeastFeatureStore(this, 'feast', {
      target: mlops, definitions: churnFeatures(s3Sources('acme-dc1-feature-lake')),
      registry: FeastRegistry.sql({ name: 'feast-registry-db', key: 'url' }), offlineStore: FeastOfflineStore.s3Files(lake),
      onlineStore: FeastOnlineStore.inClusterRedis({ passwordSecret: { name: 'feast-redis', key: 'password' } }),
      credentialsSecret: 'feast-aws-credentials',
    });

    // Sized to the serving team's 8 GPUs and the 8 L4 nodes: 4 + 2 replicas at most, plus one surge pod each
    // during a rollout (the capacity contract checks the sum at synth).
    const variant = (name: string, version: string, minReplicas: number, maxReplicas: number) => ({
      name, model: ModelArtifact.fromRegistry(registry, 'churn', version), image: servingImage,
      cpu: Cpu.cores(2), memory: Size.gibibytes(8), accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 1, minReplicas, maxReplicas,
    });
    new KubernetesInferenceEndpoint(this, 'churn', {
      name: 'churn',
      target: cluster.teamTarget('serving'),
      variants: [variant('stable', '3', 2, 4), variant('canary', '4', 1, 2)],
      traffic: Traffic.canary('stable', 'canary', 10),
      routing: TrafficRouting.gatewayApi({ gateway: gateway.reference, hostnames: ['churn.ml.example.com'] }),
      featureStore: features,
      slo: { latencyP99Ms: 150, errorRatePercent: 0.5 },
    });

    new MonitoringStack(this, 'monitoring', {
      target: cluster.kubernetes.inNamespace('monitoring'),
      watch: MonitoringStack.discover(this),
      // The Secrets exist already; Alertmanager reads them from files, Terraform never sees their values.
      alerting: {
        critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })],
        warning: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')],
        retraining: AlertReceiver.webhook('http://retrain-trigger.mlops.svc:8080/alerts', { name: 'alerting', key: 'retrain-token' }),
      },
      grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
    });
  }
}

export class AwsServing extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    governed(this);
    const registry = new SageMakerModelRegistry(this, 'models', {
      groupName: 'churn', artifactBucketName: 'acme-churn-models', releasedVersions: { churn: ['11', '12'] },
    });
    const variant = (name: string, version: string) => ({
      name, model: ModelArtifact.fromRegistry(registry, 'churn', version), image: servingImage,
      instanceType: 'ml.g5.xlarge', minInstances: 2, maxInstances: 8,
    });
    const endpoint = new SageMakerInferenceEndpoint(this, 'churn', {
      name: 'churn',
      variants: [variant('stable', '11'), variant('canary', '12')],
      traffic: Traffic.canary('stable', 'canary', 10),
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
      deployment: SageMakerDeployment.canary(10, Duration.minutes(10)),
      slo: { latencyP99Ms: 200, errorRatePercent: 1 },
    });
    new AmpMonitoring(this, 'amp', {
      workspaceAlias: 'ml-prod',
      watch: [endpoint],
      alerting: {
        critical: [AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-critical')],
        retraining: AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-retrain'),
      },
      grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] },
    });
  }
}

/** Adds the example's stacks to `app`. */
export function buildServingExample(app: App, options: { registryMirrors?: RegistryMirrorMap } = {}): TerraformStack[] {
  // The approved registry holds every image: the library's defaults (Feast, Prometheus, PostgreSQL, device plugins)
  // are pulled through the company mirror in it.
  RegistryMirrors.configure(app, options.registryMirrors ?? { '*': `${ecr}/mirror` });
  const onprem = new OnPremServing(app, 'serving-onprem');
  return [onprem.gatewayApiStack, onprem, new AwsServing(app, 'serving-aws')];
}
