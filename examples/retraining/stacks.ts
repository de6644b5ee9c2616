/**
 * The retraining loop on EKS: a drift alert of the `churn` endpoint starts an Argo workflow that validates the
 * data (Great Expectations), trains on the `mlops` team's L4 quota, gates the candidate on AUC, Fairlearn
 * fairness differences and the current champion's AUC, and registers it in MLflow as the challenger with its lineage
 * (dataset version, feature view versions, code digest). Promotion stays a reviewed change.
 *  - `retraining-eks`:           the cluster (L4 pool, team quotas) and the dataset bucket
 *  - `retraining-eks-addons`:    Argo Workflows and Argo Events (Helm, pinned charts)
 *  - `retraining-eks-workloads`: MLflow, the pipeline (WorkflowTemplate, CronWorkflow, EventSource, Sensor) and
 *                                the MonitoringStack whose Alertmanager posts retrain alerts to the pipeline
 * The same declaration on SageMaker Pipelines:
 *  - `retraining-sagemaker`:     the dataset bucket, the model package group, the pipeline (definition, execution
 *                                role, EventBridge Scheduler schedule, SNS → SQS → Pipe alert path) and the AMP
 *                                workspace whose Alertmanager publishes the endpoint's retrain alerts to it
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  Accelerator, AlertReceiver, AmpMonitoring, Cpu, DataClassification, DatasetStore, EksTrainingCluster, Governance, MlflowBackend,
  MlflowModelRegistry, MonitoringStack, ObjectStore, ObjectStoreLocation, PlatformLabels, SageMakerModelRegistry, Size,
} from '../../lib';
import {
  ArgoRetrainingPipeline, ArgoWorkflows, DataValidation, EvaluationGate, FairnessMetric, GateDirection, RetrainingDeclaration, SageMakerRetrainingPipeline,
} from '../../lib';
import { churnFeatures, s3Sources } from '../data-platform/features';
import { laterLayer } from '../shared/layers';

/** What the pipeline is, whatever runs it: the same object configures the Argo and the SageMaker variant. */
function churnDeclaration(datasets: DatasetStore): RetrainingDeclaration {
  return {
    name: 'churn', model: 'churn',
    dataset: { store: datasets, prefix: 'churn/', version: 'main' },
    dataValidation: DataValidation.greatExpectations({ image: `${ecr}/churn-gx:1.4.0`, checkpoint: 'churn_training_data' }),
    // Recorded on every registered version: each view's name and the version (hash) of its definition.
    featureViews: ['customer_activity', 'customer_profile'],
    featureDefinitions: churnFeatures(s3Sources('acme-feature-lake')),
    evaluation: {
      image: `${ecr}/churn-eval:2.1.0`,
      gates: [
        EvaluationGate.metricAtLeast('auc', 0.85),
        EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1),
        EvaluationGate.fairness(FairnessMetric.EQUALIZED_ODDS_DIFFERENCE, 'sex', 0.1),
      ],
    },
  };
}

const labels = { owner: 'ml-platform', costCenter: 'cc-4200', environment: 'prod', dataClassification: DataClassification.CONFIDENTIAL };
const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

function prepare(stack: TerraformStack): void {
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  PlatformLabels.apply(stack, labels);
  Governance.of(stack).addPack('ml-guardrails');
}

function layer(base: TerraformStack, after: TerraformStack, name: string): TerraformStack {
  return laterLayer(base, after, name, prepare);
}

export class RetrainingOnEks extends TerraformStack {
  public readonly addons: TerraformStack;
  public readonly workloads: TerraformStack;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    prepare(this);
    this.addons = layer(this, this, 'addons');
    this.workloads = layer(this, this.addons, 'workloads');
    const cluster = new EksTrainingCluster(this, 'training', {
      layers: { addons: this.addons, customResources: this.workloads },
      clusterName: 'ml-retraining',
      kubernetesVersion: '1.33',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
      pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 4, maxNodes: 2 }],
      teams: [{ team: 'mlops', maxGpus: 4 }],
    });
    const datasets = new DatasetStore(this, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-churn-datasets' }) });

    const argo = new ArgoWorkflows(this.addons, 'argo', { helmProvider: cluster.helmProvider(this.addons), workflowNamespaces: ['mlops'] });

    const mlops = cluster.teamTarget('mlops');
    const registry = new MlflowModelRegistry(this.workloads, 'mlflow', {
      target: mlops, image: `${ecr}/mlflow@sha256:${'5'.repeat(64)}`,
      backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' } }),
      artifactStore: new ObjectStore(this.workloads, 'mlflow-artifacts', { location: ObjectStoreLocation.s3({ bucketName: 'acme-mlflow-artifacts' }) }),
      admin: {
        username: { name: 'mlflow-admin', key: 'username' },
        password: { name: 'mlflow-admin', key: 'password' },
        flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
      },
      // Promotion: a reviewed pull request adds the challenger's version here (and points the endpoint at it).
      releasedVersions: { churn: ['3'] },
    });
    const declaration = churnDeclaration(datasets);
    const pipeline = new ArgoRetrainingPipeline(this.workloads, 'churn-retraining', {
      ...declaration, argo,
      // On Argo the candidate must also beat the version behind MLflow's `champion` alias (set on promotion) by 0.005 AUC.
      evaluation: {
        ...declaration.evaluation,
        gates: [...declaration.evaluation.gates, EvaluationGate.beatsChampion('auc', { direction: GateDirection.AT_LEAST, minImprovement: 0.005 })],
      },
      training: {
        cluster, team: 'mlops', image: `${ecr}/churn-train@sha256:${'7'.repeat(64)}`,
        cpu: Cpu.cores(8), memory: Size.gibibytes(32), accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 2,
      },
      registration: {
        registry, image: `${ecr}/mlflow-client:2.22.0`,
        registryUser: { username: 'retrain.churn', passwordSecret: { name: 'churn-retrain-mlflow', key: 'password' } },
      },
      // The Secret exists in both the monitoring and the mlops namespace.
      triggerToken: { name: 'retrain-webhook', key: 'token' },
    });
    new MonitoringStack(this.workloads, 'monitoring', {
      target: cluster.kubernetes.inNamespace('monitoring'),
      alerting: {
        critical: [AlertReceiver.pagerDuty({ name: 'alerting', key: 'pagerduty-routing-key' })],
        retrainingPipelines: [pipeline],
      },
      grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
    });
  }
}

/** The same loop on SageMaker Pipelines, started by a schedule and by the endpoint's retrain alerts in AMP. */
export class RetrainingOnSageMaker extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    prepare(this);
    const datasets = new DatasetStore(this, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-churn-sm-datasets' }) });
    // Promotion: a reviewed pull request approves the challenger's version here (and points the endpoint at it).
    const registry = new SageMakerModelRegistry(this, 'registry', { groupName: 'churn', artifactBucketName: 'acme-churn-sm-models', releasedVersions: { churn: ['3'] } });
    const pipeline = new SageMakerRetrainingPipeline(this, 'churn-retraining', {
      ...churnDeclaration(datasets),
      training: { image: `${ecr}/churn-train@sha256:${'7'.repeat(64)}`, instanceType: 'ml.g5.2xlarge' },
      registration: { registry, inferenceImage: `${ecr}/churn-serve@sha256:${'8'.repeat(64)}` },
    });
    new AmpMonitoring(this, 'monitoring', {
      workspaceAlias: 'ml-retraining', gpuMetrics: false, grafanaAccess: { vpceIds: ['vpce-0a1b2c3d4e5f60001'] },
      alerting: { critical: [AlertReceiver.sns('arn:aws:sns:us-east-1:123456789012:ml-oncall')], retrainingPipelines: [pipeline] },
    });
  }
}

/** Adds the example's stacks to `app`. */
export function buildRetrainingExample(app: App): TerraformStack[] {
  const eks = new RetrainingOnEks(app, 'retraining-eks');
  return [eks, eks.addons, eks.workloads, new RetrainingOnSageMaker(app, 'retraining-sagemaker')];
}
