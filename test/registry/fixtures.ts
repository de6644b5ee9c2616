import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IKubernetesTarget, KubernetesPlatform, KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentityMode } from '../../lib/core/workload-identity';
import { MlflowBackend } from '../../lib/registry/mlflow-backend';
import { MlflowAdminCredentials, MlflowModelRegistry, MlflowModelRegistryProps } from '../../lib/registry/mlflow';
import { ObjectStore, ObjectStoreLocation } from '../../lib/registry/object-store';

/** An image pinned by digest, as production should use. */
export const MLFLOW_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlflow@sha256:${'a'.repeat(64)}`;

/** A Kubernetes target on EKS (Pod Identity) without synthesizing a whole cluster. */
export function eksTarget(stack: TerraformStack, namespace = 'ml'): IKubernetesTarget {
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const provider = new KubernetesProvider(stack, 'k8s-eks', { alias: 'eks', configPath: '~/.kube/config' });
  return KubernetesTarget.fromProvider(provider, {
    clusterName: 'ml', namespace, platform: KubernetesPlatform.EKS, identity: WorkloadIdentityMode.eksPodIdentity('ml'),
  });
}

/** A Kubernetes target on GKE (Workload Identity). */
export function gkeTarget(stack: TerraformStack, namespace = 'ml'): IKubernetesTarget {
  new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
  const provider = new KubernetesProvider(stack, 'k8s-gke', { alias: 'gke', configPath: '~/.kube/config' });
  return KubernetesTarget.fromProvider(provider, {
    clusterName: 'ml', namespace, platform: KubernetesPlatform.GKE, identity: WorkloadIdentityMode.gkeWorkloadIdentity('ml-prod-123'),
  });
}

/** An existing on-prem cluster. */
export function onPremTarget(stack: TerraformStack, namespace = 'ml'): IKubernetesTarget {
  return KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', namespace });
}

export const rdsProps = {
  identifier: 'mlflow', vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], clientSecurityGroupIds: ['sg-0123456789abcdef0'],
};

/** MinIO credentials, by reference to the existing secret `minio-mlflow`. */
export const minioCredentials = {
  accessKeyId: { name: 'minio-mlflow', key: 'AWS_ACCESS_KEY_ID' },
  secretAccessKey: { name: 'minio-mlflow', key: 'AWS_SECRET_ACCESS_KEY' },
};

export const onPremArtifacts = ObjectStoreLocation.s3Compatible({
  endpointUrl: 'https://minio.dc1.example.com', bucketName: 'mlflow-artifacts', credentials: minioCredentials,
});

/** The admin user and Flask secret key, from the existing secret `mlflow-admin`. */
export const mlflowAdmin: MlflowAdminCredentials = {
  username: { name: 'mlflow-admin', key: 'username' },
  password: { name: 'mlflow-admin', key: 'password' },
  flaskSecretKey: { name: 'mlflow-admin', key: 'flask-secret-key' },
};

/** The in-cluster database's password, from the existing secret `mlflow-db`. */
export const mlflowDbPassword = { name: 'mlflow-db', key: 'password' };

/** MLflow on EKS with RDS and an S3 artifact bucket. */
export function mlflowOnEks(scope: Construct, target: IKubernetesTarget, overrides: Partial<MlflowModelRegistryProps> = {}): MlflowModelRegistry {
  return new MlflowModelRegistry(scope, 'registry', {
    target, image: MLFLOW_IMAGE,
    backend: MlflowBackend.rds(rdsProps),
    artifactStore: new ObjectStore(scope, 'artifacts', { location: ObjectStoreLocation.s3({ bucketName: 'ml-mlflow-artifacts' }) }),
    admin: mlflowAdmin,
    ...overrides,
  });
}

/** MLflow on-prem with in-cluster PostgreSQL and MinIO. */
export function mlflowOnPrem(scope: Construct, target: IKubernetesTarget, overrides: Partial<MlflowModelRegistryProps> = {}): MlflowModelRegistry {
  return new MlflowModelRegistry(scope, 'registry', {
    target, image: MLFLOW_IMAGE,
    backend: MlflowBackend.inCluster({ passwordSecret: mlflowDbPassword }),
    artifactStore: new ObjectStore(scope, 'artifacts', { location: onPremArtifacts }),
    admin: mlflowAdmin,
    ...overrides,
  });
}

export const cloudSqlProps = {
  project: 'ml-prod-123', region: 'europe-west4', instanceName: 'mlflow',
  privateNetwork: 'projects/ml-prod-123/global/networks/ml', passwordSecretId: 'mlflow-db-password',
};

/** MLflow on GKE with Cloud SQL and a GCS artifact bucket. */
export function mlflowOnGke(scope: Construct, target: IKubernetesTarget, overrides: Partial<MlflowModelRegistryProps> = {}): MlflowModelRegistry {
  return new MlflowModelRegistry(scope, 'registry', {
    target, image: MLFLOW_IMAGE,
    backend: MlflowBackend.cloudSql(cloudSqlProps),
    artifactStore: new ObjectStore(scope, 'artifacts', {
      location: ObjectStoreLocation.gcs({ project: 'ml-prod-123', bucketName: 'ml-mlflow-artifacts', location: 'europe-west4' }),
    }),
    admin: mlflowAdmin,
    ...overrides,
  });
}
