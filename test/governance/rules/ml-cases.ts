import { RuleCase } from '../helpers';

const gpuGroup = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  cluster_name: '${aws_eks_cluster.main.name}', node_role_arn: 'arn', subnet_ids: ['s'], instance_types: ['p5.48xlarge'], ami_type: 'AL2023_x86_64_NVIDIA',
  scaling_config: { min_size: 0, max_size: 2, desired_size: 0 }, taint: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }], ...extra,
});
const cluster = { 'aws_eks_cluster.main': { name: 'train', role_arn: 'arn', vpc_config: { subnet_ids: ['s'] } } };
const tpuPool = (autoscaling: Record<string, unknown>): Record<string, unknown> => ({
  cluster: '${google_container_cluster.main.id}', node_config: { machine_type: 'ct5lp-hightpu-4t' }, autoscaling,
});
const quota = (gpus: string): Record<string, unknown> => ({ metadata: { name: 'team-a', namespace: 'team-a' }, spec: { hard: { 'requests.nvidia.com/gpu': gpus } } });
const servingDeployment = (image: string, component: string) => ({
  metadata: { name: 'serve', namespace: 'serving' },
  spec: { template: { metadata: { labels: { 'app.kubernetes.io/component': component } }, spec: { container: [{ name: 'model', image }] } } },
});
const sagemakerModel = (image: string): Record<string, unknown> => ({ execution_role_arn: 'arn', primary_container: { image } });
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/';
const tags = { owner: 'ml', 'cost-center': 'cc1', environment: 'prod' };

/** One compliant and one non-compliant configuration per ML-aware rule. */
export const ML_CASES: RuleCase[] = [
  {
    ruleId: 'ml-accelerator-budget-per-pool', address: 'aws_eks_node_group.gpu', options: { parameters: { maxAcceleratorsPerPool: 16 } },
    compliant: { ...cluster, 'aws_eks_node_group.gpu': gpuGroup() },
    nonCompliant: { ...cluster, 'aws_eks_node_group.gpu': gpuGroup({ scaling_config: { min_size: 0, max_size: 4, desired_size: 0 } }) },
  },
  {
    name: 'GKE TPU pool', ruleId: 'ml-accelerator-budget-per-pool', address: 'google_container_node_pool.tpu', options: { parameters: { maxAcceleratorsPerPool: 16 } },
    compliant: { 'google_container_node_pool.tpu': tpuPool({ total_min_node_count: 0, total_max_node_count: 4 }) },
    nonCompliant: { 'google_container_node_pool.tpu': tpuPool({ total_min_node_count: 0, total_max_node_count: 8 }) },
    provider: { google: [{ project: 'ml', region: 'us-central1' }] },
  },
  {
    ruleId: 'ml-accelerator-budget-per-cluster', address: 'aws_eks_cluster.main', options: { parameters: { maxAcceleratorsPerCluster: 32 } },
    compliant: { ...cluster, 'aws_eks_node_group.a': gpuGroup(), 'aws_eks_node_group.b': gpuGroup() },
    nonCompliant: { ...cluster, 'aws_eks_node_group.a': gpuGroup(), 'aws_eks_node_group.b': gpuGroup(), 'aws_eks_node_group.c': gpuGroup() },
  },
  {
    ruleId: 'ml-accelerator-budget-per-namespace', address: 'kubernetes_resource_quota_v1.team_a', options: { parameters: { maxAcceleratorsPerNamespace: 8 } },
    compliant: { 'kubernetes_resource_quota_v1.team_a': quota('8') },
    nonCompliant: { 'kubernetes_resource_quota_v1.team_a': quota('32') },
    provider: { kubernetes: [{}] },
  },
  {
    ruleId: 'ml-accelerator-pool-scales-to-zero', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_eks_node_group.gpu': gpuGroup() },
    nonCompliant: { 'aws_eks_node_group.gpu': gpuGroup({ scaling_config: { min_size: 1, max_size: 2, desired_size: 1 } }) },
  },
  {
    name: 'GKE', ruleId: 'ml-accelerator-pool-scales-to-zero', address: 'google_container_node_pool.tpu',
    compliant: { 'google_container_node_pool.tpu': tpuPool({ total_min_node_count: 0, total_max_node_count: 4 }) },
    nonCompliant: { 'google_container_node_pool.tpu': tpuPool({ min_node_count: 2, max_node_count: 4 }) },
    provider: { google: [{ project: 'ml', region: 'us-central1' }] },
  },
  {
    ruleId: 'ml-accelerator-pool-tainted', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_eks_node_group.gpu': gpuGroup() },
    nonCompliant: { 'aws_eks_node_group.gpu': gpuGroup({ taint: [] }) },
  },
  {
    name: 'Neuron', ruleId: 'ml-accelerator-pool-tainted', address: 'aws_eks_node_group.trn',
    compliant: { 'aws_eks_node_group.trn': gpuGroup({ instance_types: ['trn1.32xlarge'], ami_type: 'AL2023_x86_64_NEURON', taint: { key: 'aws.amazon.com/neuron', effect: 'NO_SCHEDULE' } }) },
    nonCompliant: { 'aws_eks_node_group.trn': gpuGroup({ instance_types: ['trn1.32xlarge'], ami_type: 'AL2023_x86_64_NEURON' }) },
  },
  {
    ruleId: 'ml-serving-image-approved-registry', address: 'aws_sagemaker_model.m', options: { parameters: { approvedRegistries: [ECR] } },
    compliant: { 'aws_sagemaker_model.m': sagemakerModel(`${ECR}llm@sha256:${'b'.repeat(64)}`) },
    nonCompliant: { 'aws_sagemaker_model.m': sagemakerModel('docker.io/someone/llm:1.0') },
  },
  {
    // Kubernetes workloads count as serving when labelled app.kubernetes.io/component=inference.
    name: 'Kubernetes inference deployment', ruleId: 'ml-serving-image-pinned-by-digest', address: 'kubernetes_deployment_v1.serve',
    compliant: { 'kubernetes_deployment_v1.serve': servingDeployment(`${ECR}llm@sha256:${'b'.repeat(64)}`, 'inference') },
    nonCompliant: { 'kubernetes_deployment_v1.serve': servingDeployment(`${ECR}llm:1.0`, 'inference') },
  },
  {
    name: 'infrastructure deployments are not serving', ruleId: 'ml-serving-image-pinned-by-digest', address: 'kubernetes_deployment_v1.serve',
    compliant: { 'kubernetes_deployment_v1.serve': servingDeployment('quay.io/prometheus/prometheus:v3.5.0', 'monitoring') },
    nonCompliant: { 'kubernetes_deployment_v1.serve': servingDeployment('quay.io/prometheus/prometheus:v3.5.0', 'inference') },
  },
  {
    ruleId: 'ml-serving-image-pinned-by-digest', address: 'aws_sagemaker_model.m',
    compliant: { 'aws_sagemaker_model.m': sagemakerModel(`${ECR}llm@sha256:${'b'.repeat(64)}`) },
    nonCompliant: { 'aws_sagemaker_model.m': sagemakerModel(`${ECR}llm:1.0`) },
  },
  {
    name: 'GCS location', ruleId: 'ml-data-residency', address: 'google_storage_bucket.data',
    options: { parameters: { allowedRegions: ['europe-west4', 'EU'] } },
    compliant: { 'google_storage_bucket.data': { name: 'd', location: 'EU' } },
    nonCompliant: { 'google_storage_bucket.data': { name: 'd', location: 'US' } },
  },
  {
    ruleId: 'ml-required-tags', address: 'aws_s3_bucket.data',
    compliant: { 'aws_s3_bucket.data': { bucket: 'd', tags: { ...tags, 'data-classification': 'internal' } } },
    nonCompliant: { 'aws_s3_bucket.data': { bucket: 'd', tags } },
  },
  {
    name: 'GKE resource_labels', ruleId: 'ml-required-tags', address: 'google_container_cluster.main', options: { parameters: { requiredTags: ['owner'] } },
    compliant: { 'google_container_cluster.main': { name: 'c', location: 'europe-west4', resource_labels: { owner: 'ml' } } },
    nonCompliant: { 'google_container_cluster.main': { name: 'c', location: 'europe-west4', resource_labels: { team: 'ml' } } },
  },
  {
    // Cloud SQL keeps its labels in settings.user_labels.
    name: 'Cloud SQL settings.user_labels', ruleId: 'ml-required-tags', address: 'google_sql_database_instance.db', options: { parameters: { requiredTags: ['owner'] } },
    compliant: { 'google_sql_database_instance.db': { name: 'db', settings: { tier: 'db-custom-2-7680', user_labels: { owner: 'ml' } } } },
    nonCompliant: { 'google_sql_database_instance.db': { name: 'db', settings: { tier: 'db-custom-2-7680', user_labels: { team: 'ml' } } } },
  },
  {
    // A node pool's VM labels are node_config.resource_labels; node_config.labels are Kubernetes node labels.
    name: 'GKE node pool node_config.resource_labels', ruleId: 'ml-required-tags', address: 'google_container_node_pool.gpu', options: { parameters: { requiredTags: ['owner'] } },
    compliant: { 'google_container_node_pool.gpu': { cluster: 'c', node_config: { resource_labels: { owner: 'ml' }, labels: { team: 'ml' } } } },
    nonCompliant: { 'google_container_node_pool.gpu': { cluster: 'c', node_config: { resource_labels: { team: 'ml' }, labels: { owner: 'ml' } } } },
  },
  {
    ruleId: 'ml-image-approved-registry', address: 'kubernetes_stateful_set_v1.prometheus', options: { parameters: { approvedRegistries: [ECR] } },
    compliant: { 'kubernetes_stateful_set_v1.prometheus': { metadata: { name: 'prometheus', namespace: 'monitoring' }, spec: { template: { spec: { container: [{ name: 'prometheus', image: `${ECR}prometheus:v3.5.0` }] } } } } },
    nonCompliant: { 'kubernetes_stateful_set_v1.prometheus': { metadata: { name: 'prometheus', namespace: 'monitoring' }, spec: { template: { spec: {
      init_container: [{ name: 'init', image: `${ECR}busybox:1.36` }], container: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v3.5.0' }],
    } } } } },
  },
  {
    name: 'KMS key: only prevent_destroy protects it', ruleId: 'ml-stateful-resource-protected', address: 'aws_kms_key.data',
    compliant: { 'aws_kms_key.data': { enable_key_rotation: true, lifecycle: { prevent_destroy: true } } },
    nonCompliant: { 'aws_kms_key.data': { enable_key_rotation: true, deletion_window_in_days: 30 } },
  },
  {
    name: 'S3 bucket: force_destroy deletes the objects', ruleId: 'ml-stateful-resource-protected', address: 'aws_s3_bucket.data',
    compliant: { 'aws_s3_bucket.data': { bucket: 'ml-data' } },
    nonCompliant: { 'aws_s3_bucket.data': { bucket: 'ml-data', force_destroy: 'true' } },
  },
  {
    name: 'CloudWatch log group: deletion_protection_enabled', ruleId: 'ml-stateful-resource-protected', address: 'aws_cloudwatch_log_group.eks',
    compliant: { 'aws_cloudwatch_log_group.eks': { name: '/aws/eks/ml/cluster', deletion_protection_enabled: true } },
    nonCompliant: { 'aws_cloudwatch_log_group.eks': { name: '/aws/eks/ml/cluster', skip_destroy: false } },
  },
  {
    name: 'Cloud SQL instance: deletion_protection defaults to true', ruleId: 'ml-stateful-resource-protected', address: 'google_sql_database_instance.db',
    compliant: { 'google_sql_database_instance.db': { name: 'db', database_version: 'POSTGRES_16' } },
    nonCompliant: { 'google_sql_database_instance.db': { name: 'db', database_version: 'POSTGRES_16', deletion_protection: false } },
  },
  {
    name: 'Cloud SQL database: deletion_policy ABANDON', ruleId: 'ml-stateful-resource-protected', address: 'google_sql_database.mlflow',
    compliant: { 'google_sql_database.mlflow': { name: 'mlflow', instance: 'db', deletion_policy: 'ABANDON' } },
    nonCompliant: { 'google_sql_database.mlflow': { name: 'mlflow', instance: 'db' } },
  },
  {
    name: 'StatefulSet deleting its claims', ruleId: 'ml-stateful-resource-protected', address: 'kubernetes_stateful_set_v1.redis',
    compliant: { 'kubernetes_stateful_set_v1.redis': { metadata: { name: 'redis', namespace: 'features' }, spec: {
      volume_claim_template: [{ metadata: { name: 'data' } }], persistent_volume_claim_retention_policy: { when_deleted: 'Retain', when_scaled: 'Retain' } } } },
    nonCompliant: { 'kubernetes_stateful_set_v1.redis': { metadata: { name: 'redis', namespace: 'features' }, spec: {
      volume_claim_template: [{ metadata: { name: 'data' } }], persistent_volume_claim_retention_policy: { when_deleted: 'Delete', when_scaled: 'Retain' } } } },
  },
  {
    name: 'a namespace holding claims', ruleId: 'ml-stateful-resource-protected', address: 'kubernetes_namespace_v1.monitoring',
    compliant: {
      'kubernetes_namespace_v1.monitoring': { metadata: { name: 'monitoring' }, lifecycle: { prevent_destroy: true } },
      'kubernetes_stateful_set_v1.prometheus': { metadata: { name: 'prometheus', namespace: '${kubernetes_namespace_v1.monitoring.metadata[0].name}' }, spec: { volume_claim_template: [{ metadata: { name: 'data' } }] } },
      // A namespace without claims is not stateful.
      'kubernetes_namespace_v1.team': { metadata: { name: 'team' } },
    },
    nonCompliant: {
      'kubernetes_namespace_v1.monitoring': { metadata: { name: 'monitoring' } },
      'kubernetes_stateful_set_v1.prometheus': { metadata: { name: 'prometheus', namespace: '${kubernetes_namespace_v1.monitoring.metadata[0].name}' }, spec: { volume_claim_template: [{ metadata: { name: 'data' } }] } },
    },
  },
  {
    name: 'a PersistentVolumeClaim manifest', ruleId: 'ml-stateful-resource-protected', address: 'kubernetes_manifest.claim',
    compliant: { 'kubernetes_manifest.claim': { manifest: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'ml' } }, lifecycle: { prevent_destroy: true } } },
    nonCompliant: { 'kubernetes_manifest.claim': { manifest: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'ml' } } } },
  },
];
