import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Accelerator } from '../../lib/core/accelerators/accelerator';
import { KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { Cpu, Size } from '../../lib/core/units';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { HelmProvider } from '../../lib/core/private/helm';
import { MlflowBackend } from '../../lib/registry/mlflow-backend';
import { mlflowAdmin } from '../registry/fixtures';
import { MlflowModelRegistry } from '../../lib/registry/mlflow';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { ObjectStore, ObjectStoreLocation } from '../../lib/registry/object-store';
import { KubernetesTrainingCluster } from '../../lib/training/kubernetes';
import { ArgoRetrainingPipeline, ArgoRetrainingPipelineProps } from '../../lib/retraining/argo';
import { ArgoWorkflows } from '../../lib/retraining/argo-workflows';
import { DataValidation } from '../../lib/retraining/data-validation';
import { EvaluationGate, FairnessMetric } from '../../lib/retraining/gates';

export const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const TRAIN_DIGEST = `sha256:${'7'.repeat(64)}`;

/** An add-ons stack (Argo) and a workloads stack (cluster setup, registry, data, pipeline) on one EKS cluster. */
export interface World {
  readonly app: App;
  readonly addons: TerraformStack;
  readonly workloads: TerraformStack;
  readonly argo: ArgoWorkflows;
  readonly cluster: KubernetesTrainingCluster;
  readonly registry: MlflowModelRegistry;
  readonly datasets: DatasetStore;
  pipeline(overrides?: Partial<ArgoRetrainingPipelineProps>, id?: string): ArgoRetrainingPipeline;
}

export function world(): World {
  const app = Testing.app();
  const addons = new TerraformStack(app, 'addons');
  const workloads = new TerraformStack(app, 'workloads');
  workloads.addDependency(addons);
  const helm = new HelmProvider(addons, 'helm', {
    kubernetes: { host: 'https://ml.example.com', clusterCaCertificate: 'pem', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } },
  });
  const argo = new ArgoWorkflows(addons, 'argo', { helmProvider: helm, workflowNamespaces: ['mlops'] });

  new AwsProvider(workloads, 'aws', { region: 'eu-west-1' });
  const provider = new KubernetesProvider(workloads, 'k8s', { alias: 'ml', configPath: '~/.kube/config' });
  const target = KubernetesTarget.fromProvider(provider, {
    clusterName: 'ml', namespace: 'default', platform: KubernetesPlatform.EKS, identity: WorkloadIdentityMode.eksPodIdentity('ml'),
  });
  const cluster = new KubernetesTrainingCluster(workloads, 'cluster', {
    clusterName: 'ml', target,
    teams: [{ team: 'mlops', maxGpus: 2 }, { team: 'serving' }],
    pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 4, nodeCount: 2 }],
  });
  const mlops = cluster.teamTarget('mlops');
  const registry = new MlflowModelRegistry(workloads, 'mlflow', {
    target: mlops, image: `${ECR}/mlflow@sha256:${'5'.repeat(64)}`,
    backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' } }),
    artifactStore: new ObjectStore(workloads, 'artifacts', { location: ObjectStoreLocation.s3({ bucketName: 'acme-mlflow-artifacts' }) }),
    admin: mlflowAdmin,
  });
  const datasets = new DatasetStore(workloads, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-datasets' }) });
  return {
    app, addons, workloads, argo, cluster, registry, datasets,
    pipeline: (overrides = {}, id = 'churn-retraining') => new ArgoRetrainingPipeline(workloads, id, { ...pipelineProps(argo, datasets, cluster, registry), ...overrides }),
  };
}

function pipelineProps(argo: ArgoWorkflows, datasets: DatasetStore, cluster: KubernetesTrainingCluster, registry: MlflowModelRegistry): ArgoRetrainingPipelineProps {
  return {
    name: 'churn', model: 'churn', argo,
    dataset: { store: datasets, prefix: 'churn/', version: 'a1b2c3d' },
    dataValidation: DataValidation.greatExpectations({ image: `${ECR}/churn-gx:1.4.0`, checkpoint: 'churn_training_data' }),
    featureViews: ['customer_stats'],
    training: {
      cluster, team: 'mlops', image: `${ECR}/churn-train@${TRAIN_DIGEST}`,
      cpu: Cpu.cores(8), memory: Size.gibibytes(32), accelerator: Accelerator.NVIDIA_L4, acceleratorCount: 2,
    },
    evaluation: {
      image: `${ECR}/churn-eval:2.1.0`,
      gates: [
        EvaluationGate.metricAtLeast('auc', 0.85),
        EvaluationGate.fairness(FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE, 'sex', 0.1),
        EvaluationGate.fairness(FairnessMetric.EQUALIZED_ODDS_DIFFERENCE, 'sex', 0.1),
      ],
    },
    registration: {
      registry, image: `${ECR}/mlflow-client:2.22.0`,
      registryUser: { username: 'retrain.churn', passwordSecret: { name: 'churn-retrain-mlflow', key: 'password' } },
    },
    triggerToken: { name: 'retrain-webhook', key: 'token' },
  };
}

/**
 * The same pipeline on GKE (Workload Identity), data and artifacts on GCS, in one stack with a Google provider:
 * what GmpMonitoring's Pub/Sub trigger needs.
 */
export function gkeWorld(): World {
  const app = Testing.app();
  const addons = new TerraformStack(app, 'addons');
  const workloads = new TerraformStack(app, 'workloads');
  workloads.addDependency(addons);
  const helm = new HelmProvider(addons, 'helm', {
    kubernetes: { host: 'https://ml.example.com', clusterCaCertificate: 'pem', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] } },
  });
  const argo = new ArgoWorkflows(addons, 'argo', { helmProvider: helm, workflowNamespaces: ['mlops'] });
  new GoogleProvider(workloads, 'google', { project: 'ml-prod-123' });
  const provider = new KubernetesProvider(workloads, 'k8s', { alias: 'ml', configPath: '~/.kube/config' });
  const target = KubernetesTarget.fromProvider(provider, {
    clusterName: 'ml', namespace: 'default', platform: KubernetesPlatform.GKE, identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123'),
  });
  const cluster = new KubernetesTrainingCluster(workloads, 'cluster', {
    clusterName: 'ml', target, teams: [{ team: 'mlops', maxGpus: 2 }],
    pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4, acceleratorsPerNode: 4, nodeCount: 2 }],
  });
  const gcs = (bucketName: string) => ObjectStoreLocation.gcs({ project: 'ml-prod-123', bucketName, location: 'europe-west4' });
  const registry = new MlflowModelRegistry(workloads, 'mlflow', {
    target: cluster.teamTarget('mlops'), image: `${ECR}/mlflow@sha256:${'5'.repeat(64)}`,
    backend: MlflowBackend.inCluster({ passwordSecret: { name: 'mlflow-db', key: 'password' }, backups: false }),
    artifactStore: new ObjectStore(workloads, 'artifacts', { location: gcs('acme-mlflow-artifacts') }),
    admin: mlflowAdmin,
  });
  const datasets = new DatasetStore(workloads, 'datasets', { location: gcs('acme-datasets') });
  return {
    app, addons, workloads, argo, cluster, registry, datasets,
    pipeline: (overrides = {}, id = 'churn-retraining') => new ArgoRetrainingPipeline(workloads, id, { ...pipelineProps(argo, datasets, cluster, registry), ...overrides }),
  };
}
