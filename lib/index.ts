// Public API: named exports only, so a helper never becomes API by accident (test/api.test.ts pins the names).
// Provider bindings are imported by deep path inside each module. Importing the package turns the fast
// synthesis path on (see core/fast-synthesis.ts).

// core vocabulary
export { FAST_STACK_FRAMES, disableFastSynthesis, enableFastSynthesis, isFastSynthesisEnabled } from './core/fast-synthesis';
export { Accelerator, AcceleratorKind, KUBERNETES_RESOURCE, NEURON_CORE_RESOURCE, type NeuronCoresPerDevice } from './core/accelerators/accelerator';
export { EKS_INSTANCE_TYPES, eksInstanceType, eksInstanceTypesFor, type EksInstanceType } from './core/accelerators/eks-instance-types';
export { GKE_GPU_MACHINE_TYPES, gkeMachineType, gkeMachineTypesFor, type GkeGpuMachineType } from './core/accelerators/gke-machine-types';
export { TpuVersion, type TpuMachineType, type TpuTopology } from './core/accelerators/tpu';
export { AwsRoleGrantee, type IAwsGrantee, type IAwsModelArtifactSource, type ModelVersionRef } from './core/aws-grantee';
export { MlPlatformValidationError, Validator, type ValidationProblem } from './core/errors';
export { DIGEST_PINNED_IMAGE, RegistryMirrors, defaultImage, normalizeImage, type RegistryMirrorMap } from './core/images';
export { type PolicyStatement } from './core/iam';
export {
  KubeletServingCertificates, KubernetesPlatform, KubernetesTarget, type AcceleratorNodes,
  type IKubernetesTarget, type KubeconfigTargetProps, type KubernetesProviderFactory,
  type KubernetesTargetProps, type Toleration,
} from './core/kubernetes-target';
export { DataClassification, PlatformLabels, RequiredPodLabels, STANDARD_LABEL_KEYS, type StandardLabels } from './core/labels';
export { type ClusterLayers } from './core/layers';
export {
  GCP_CREDENTIALS_DIR, StaticModelSource, type ContainerEnv, type ContainerEnvSource, type IModelSource, type ModelAccess,
  type ModelConsumer, type ModelRegistryUser, type SecretVolumeMount, type StaticModelSourceOptions,
} from './core/model-source';
export {
  DriftData, ML_METRICS, MonitoredKind, isMonitorable, type DriftInputs, type IMonitorable,
  type IReadableObjectStore, type MonitoredWorkload, type ScrapeTarget, type ServiceLevelObjectives,
} from './core/monitoring-contract';
export { KUBERNETES_LABEL_VALUE, LABEL_KEY, LABEL_VALUE, RESOURCE_NAME } from './core/names';
export { PRIORITY_CLASSES } from './core/priority-classes';
export { Cpu, Duration, Size } from './core/units';
export { type SecretKeyRef } from './core/secrets';
export { Connections, Peer, type AllowedConnection, type ConnectionsProps, type IConnectable } from './core/connections';
export { Wiring, type Connection } from './core/wiring';
export { WorkloadIdentity, type WorkloadIdentityProps } from './core/workload-identity';
export { WorkloadIdentityKind, WorkloadIdentityMode } from './core/workload-identity-mode';

// training clusters
export { EFA_DEVICE_PLUGIN_CHART_VERSION, EKS_CHARTS_REPOSITORY, EfaDevicePlugin, type EfaDevicePluginProps } from './training/efa-device-plugin';
export {
  ControlPlaneAccess, type AuthorizedNetwork, type ControlPlaneAccessConfig,
} from './training/control-plane-access';
export {
  EksTrainingCluster, type EksClusterConnection, type EksSystemNodesProps,
  type EksTrainingClusterProps,
} from './training/eks';
export { EksAmiFamily, type EksPool } from './training/eks-catalogue';
export { EksNodePool, type EksNodePoolProps } from './training/eks-node-pool';
export {
  GkeTrainingCluster, ReleaseChannel, type GkeSystemNodesProps,
  type GkeTrainingClusterProps,
} from './training/gke';
export { GkeNodePool, type GkeNodePoolProps, type GkePool } from './training/gke-node-pool';
export { EksKarpenter, EksNodeAutoscaling, type EksKarpenterConfig, type EksKarpenterProps } from './training/karpenter';
export {
  KARPENTER_CHART_REPOSITORY, KARPENTER_KINDS, KARPENTER_VERSION, KarpenterController,
  type KarpenterControllerProps,
} from './training/karpenter-controller';
export { KarpenterNodePools, type KarpenterNodePoolsProps, type KarpenterPoolResources } from './training/karpenter-node-pools';
export { KubernetesTrainingCluster, type ExistingPoolProps, type KubernetesTrainingClusterProps } from './training/kubernetes';
export { NEURON_DEVICE_PLUGIN_IMAGE, NeuronDevicePlugin, type NeuronDevicePluginProps } from './training/neuron-device-plugin';
export { NVIDIA_DEVICE_PLUGIN_IMAGE, NvidiaDevicePlugin, type NvidiaDevicePluginProps } from './training/nvidia-device-plugin';
export {
  Capacity, POOL_LABELS, PoolPurpose, TaintEffect, type AcceleratorPoolProps, type CapacityContext,
  type EksCapacityConfig, type GkeCapacityConfig, type ResolvedPool, type Taint,
} from './training/pool';
export { PodSecurityLevel, TeamQuotas, type TeamQuota, type TeamResources } from './training/team-quotas';
export { TrainingClusterBase, type ITrainingCluster, type TrainingClusterProps } from './training/training-cluster';

// storage primitives (secure by default)
export { AwsKmsKey, type AwsKmsKeyProps } from './storage/aws-kms-key';
export { DataAccessAuditLogs } from './storage/gcp-audit-logs';
export { GcpKmsKey, type GcpKmsKeyProps } from './storage/gcp-kms-key';
export { SecureGcsBucket, type SecureGcsBucketProps } from './storage/gcs-bucket';
export { SecureS3Bucket, type S3AccessLogsDestination, type SecureS3BucketProps } from './storage/s3-bucket';

// model registries and dataset stores
export { CloudSqlPostgres, type CloudSqlPostgresProps } from './registry/cloud-sql-postgres';
export { DatasetStore, type DatasetStoreProps, type DvcRemote } from './registry/dataset-store';
export { BACKUP_UPLOADER_IMAGE, InClusterPostgres, POSTGRES_IMAGE, type InClusterPostgresProps } from './registry/in-cluster-postgres';
export { LINEAGE_KEYS, ModelLineage, type MlflowTag, type ModelLineageProps } from './registry/lineage';
export {
  MlflowModelRegistry, MlflowPermission, type MlflowAdminCredentials, type MlflowExternalAccess,
  type MlflowModelGrant, type MlflowModelRegistryProps,
} from './registry/mlflow';
export { MlflowBackend } from './registry/mlflow-backend';
export {
  PostgresSslMode, type BackendContext, type BackendPlacement, type DatabaseConnection, type IMlflowDatabase,
  type InClusterDatabaseEndpoint,
} from './registry/mlflow-database';
export { ModelRegistryKind, type IModelRegistry } from './registry/model-registry';
export { type ReleasedModelVersions } from './registry/model-versions';
export {
  ObjectStore, ObjectStoreKind, ObjectStoreLocation, type GcsObjectStoreProps, type IObjectStoreBucket, type ObjectStoreAccess,
  type ObjectStoreProps, type S3CompatibleObjectStoreProps, type S3Credentials, type S3ObjectStoreProps,
} from './registry/object-store';
export { RdsPostgres, type RdsPostgresProps } from './registry/rds-postgres';
export { SAGEMAKER_MODEL_PREFIX, SageMakerModelRegistry, type SageMakerModelRegistryProps } from './registry/sagemaker';

// feature stores
export {
  DataSource, DataSourceKind, Entity, FEATURE_NAME, FeatureStoreBackend, FeatureView, type DataSourceOptions,
  type EntityProps, type Feature, type FeatureDefinitions, type FeatureViewProps, type RedshiftTable,
} from './features/definitions';
export { DEFAULT_FEAST_IMAGE, FeastFeatureStore, type FeastFeatureStoreProps, type FeastOnlineServer } from './features/feast';
export {
  ElastiCacheEngine, FeastElastiCache, FeastMemorystore, MemorystoreSnapshotPeriod,
  type ElastiCacheOnlineStoreProps, type ManagedOnlineStoreConnection, type ManagedOnlineStoreContext,
  type MemorystoreOnlineStoreProps, type SecretFileMount,
} from './features/feast-managed-redis';
export { DEFAULT_REDIS_IMAGE, FeastRedis, type FeastRedisProps, type InClusterRedisProps } from './features/feast-redis';
export {
  FeastOfflineStore, FeastOnlineStore, FeastRegistry, type BigQueryOfflineStoreProps, type FeastOnlineStoreBinding,
  type FeastOnlineStoreContext, type FeastStoreConfig, type FeastStoreContext, type YamlMap,
} from './features/feast-stores';
export { type IFeatureStore } from './features/feature-store';
export { SageMakerFeatureStore, SageMakerTableFormat, type SageMakerFeatureStoreProps } from './features/sagemaker';
export { ValueType } from './features/value-type';
export {
  VertexFeatureStore, VertexOnlineServing, type VertexBigtableServingProps, type VertexFeatureStoreProps, type VertexOnlineServingConfig,
} from './features/vertex';

// serving
export { GATEWAY_API_VERSION, GatewayApi, type GatewayApiProps } from './serving/gateway';
export {
  ENVOY_GATEWAY_CHART_REPOSITORY, ENVOY_GATEWAY_VERSION, GatewayController, GatewayControllerKind,
  GkeGatewayClass, type EnvoyGatewayOptions, type ExistingGatewayControllerOptions,
  type GatewayControllerBinding, type GatewayControllerContext, type GkeGatewayCluster,
  type GkeGatewayControllerOptions,
} from './serving/gateway-controller';
export { type IInferenceEndpoint, type InferenceEndpointProps } from './serving/inference-endpoint';
export { KubernetesInferenceEndpoint, type KubernetesInferenceEndpointProps, type ServingProbes } from './serving/kubernetes';
export {
  TrafficRouting, type GatewayApiRoutingOptions, type GatewayReference, type ReplicaProportionalRoutingOptions,
  type TrafficRoutingBindContext, type TrafficRoutingBinding, type TrafficRoutingValidationContext, type VariantReplicas,
} from './serving/kubernetes-routing';
export {
  KubernetesVariant, MODEL_DIR, SERVING_LABELS, type KubernetesVariantProps, type ResolvedVariant,
  type VariantPodSettings,
} from './serving/kubernetes-variant';
export {
  ModelArtifact, type IFeatureReader, type IReadableModelSource, type ModelUriOptions, type OnlineFeatureServer,
} from './serving/model-source';
export { PlatformGateway, type PlatformGatewayListener, type PlatformGatewayProps } from './serving/platform-gateway';
export {
  SageMakerInferenceEndpoint, type SageMakerDataCaptureProps, type SageMakerInferenceEndpointProps,
  type SageMakerRollbackAlarms, type SageMakerVariantProps,
} from './serving/sagemaker';
export { SageMakerDeployment, SageMakerTrafficShift } from './serving/sagemaker-deployment';
export { Traffic, TrafficStrategyKind, type WeightedVariant } from './serving/traffic';
export { VertexInferenceEndpoint, type VertexInferenceEndpointProps, type VertexVariantProps } from './serving/vertex';

// monitoring
export { ALERTMANAGER_PORT, AlertmanagerServer, type AlertmanagerServerProps } from './monitoring/alertmanager';
export {
  AmpMonitoring, AmpScrapeSource, type AmpCollectorProps, type AmpGrafanaAccess, type AmpMonitoringFiles, type AmpMonitoringProps,
  type AmpScrapeCluster, type AmpScrapeSourceAttributes,
} from './monitoring/amp';
export { DASHBOARD_SCHEMA_VERSION, DATASOURCE } from './monitoring/dashboards';
export { DCGM_EXPORTER_PORT, DcgmExporter, GPU_OPERATOR_DCGM_EXPORTER_APP, type DcgmExporterProps } from './monitoring/dcgm-exporter';
export {
  DRIFT_JOB_LABELS, DriftJob, PUSHGATEWAY_PORT, Pushgateway, type DriftDetectionProps, type DriftJobProps,
} from './monitoring/drift-job';
export { GmpMonitoring, type GmpMonitoringProps, type GmpNotificationChannels, type GmpRetrainingTrigger } from './monitoring/gmp';
export { GRAFANA_PORT, GrafanaServer, type GrafanaAdminCredentials, type GrafanaServerProps } from './monitoring/grafana';
export { DEFAULT_MONITORING_IMAGES, type MonitoringImages } from './monitoring/images';
export { CADVISOR_METRICS, CONTRACT_LABELS, DRIFT_ATTRIBUTES, DRIFT_PUSH_JOB, GPU_METRICS, SERVING_METRICS } from './monitoring/metrics';
export { MonitoringStack, type MonitoringFiles, type MonitoringGrafanaProps, type MonitoringStackProps } from './monitoring/monitoring-stack';
export { MonitoringNetworkPolicies, type MonitoringIngressRule } from './monitoring/network-policies';
export { PROMETHEUS_PORT, PrometheusServer, type PrometheusServerProps } from './monitoring/prometheus';
export {
  ALERTMANAGER_SECRETS_DIR, AlertReceiver, AlertmanagerHost, type AlertReceiverConfig, type AlertReceiverContext, type AlertRouting,
  type AlertmanagerPeer, type IRetrainingTrigger, type PubSubTriggerSource, type RetrainingTriggerEndpoint,
} from './monitoring/receivers';
export { AlertSeverity, RETRAIN_ACTION, type AlertRule, type AlertRuleGroup, type RuleOptions } from './monitoring/rules';
export { RESERVED_JOB_NAMES, SERVICE_ACCOUNT_DIR, type PrometheusConfigOptions } from './monitoring/scrape';
export { DEFAULT_THRESHOLDS, type AlertThresholds, type ResolvedThresholds } from './monitoring/thresholds';
export { type WorkloadCheckOptions } from './monitoring/workloads';

// retraining
export { ArgoRetrainingPipeline, type ArgoEventTrigger, type ArgoRetrainingPipelineProps } from './retraining/argo';
export {
  ARGO_CONTROLLER_METRICS, ARGO_EVENTS_CHART_VERSION, ARGO_EVENTS_KINDS, ARGO_HELM_REPOSITORY,
  ARGO_WORKFLOWS_CHART_VERSION, ARGO_WORKFLOWS_KINDS, ArgoWorkflows, type ArgoWorkflowsProps,
} from './retraining/argo-workflows';
export { DataValidation, type GreatExpectationsValidationProps } from './retraining/data-validation';
export { CHAMPION_ALIAS, EvaluationGate, FairnessMetric, GateDirection, type BeatsChampionOptions } from './retraining/gates';
export { FEATURE_VIEW_VERSION_KEY_PREFIX, featureViewVersion, featureViewVersionKey } from './retraining/feature-lineage';
export {
  CHALLENGER_ALIAS, DEFAULT_GATE_IMAGE, type RetrainingDataset, type RetrainingDeclaration, type RetrainingEvaluationStep,
  type RetrainingPipelineProps, type RetrainingRegistration, type RetrainingTrainingStep,
} from './retraining/retraining-pipeline';
export { RETRAINING_METRIC_LABELS, RETRAINING_METRICS } from './retraining/rules';
export {
  DEFAULT_PROCESSING_INSTANCE_TYPE, SageMakerRetrainingPipeline, type SageMakerPipelineVpc, type SageMakerRegistration,
  type SageMakerRetrainingPipelineProps, type SageMakerTrainingStep,
} from './retraining/sagemaker';

// edge
export {
  EdgeAccelerator, NvidiaRuntime, type CreateRuntimeClassOptions, type EdgeAcceleratorConfig, type EdgeToleration, type NvidiaJetsonOptions,
} from './edge/accelerator';
export {
  EdgeFleet, MODEL_FETCHER_IMAGES, PROMETHEUS_AGENT_IMAGE, type EdgeFleetModel, type EdgeFleetProps, type EdgeMetricsProps,
  type EdgeModelFetcherProps, type EdgeRing,
} from './edge/fleet';
export { IotDeviceFleet, type IotDeviceFleetModel, type IotDeviceFleetProps } from './edge/iot';
export { Architecture, EdgeWorkloadKind, type EdgeSiteProps } from './edge/site';
export {
  FETCH_MODEL_SCRIPT, MODEL_COMPLETE_MARKER, PREPARE_CACHE_SCRIPT, SiteWorkload, type SiteMetricsForwarding, type SiteModel,
  type SiteModelFetcher, type SiteWorkloadProps,
} from './edge/site-workload';

// platform contracts
export {
  CONTRACT_RULE_IDS, type AwsPermissionContract, type CapacityContract, type CapacitySupply,
  type ConfigurationContract, type Contract, type ContractEnds, type ContractRecord,
  type GcpPermissionContract, type GcpResourceRef, type NetworkContract, type OrderContract, type RequiredEnv,
  type ResourceLocation,
} from './contracts/contract';
export {
  Contracts, type AwsPermissionNeed, type CapacityNeed, type CapacityOffer, type ConfigurationNeed,
  type ContractParties, type GcpPermissionNeed, type NetworkNeed, type OrderNeed,
} from './contracts/contracts';
export { contractsOf, evaluateContracts, type ContractResult, type EvaluateContractsOptions } from './contracts/evaluate';

// platform composition
export { checkDeployOrder, checkStacksDeployOrder, type DeployOrderProblem } from './platform/deploy-order';
export { platformDiagram } from './platform/diagram';
export {
  EnvironmentKind, MlPlatform, PlatformEnvironment, PlatformLayer, PlatformLayerStack, environmentOf,
  type MlPlatformProps, type OnPremEnvironment,
} from './platform/ml-platform';
export { platformReport } from './platform/report';

// governance: rules, packs, suppressions, reviews and reports
export { type LoadedRules } from './governance/custom-rules';
export { runRules, selectRules, type ReviewOptions } from './governance/engine';
export { Governance, type GovernanceConfiguration } from './governance/governance';
export {
  type AppliedConfiguration, type Category, type Finding, type GovernanceModel, type GovernedResource,
  type PassedCheck, type ProviderConfig, type ResourceReference, type ReviewResult, type ReviewSummary,
  type Severity, type Suppression, type UnknownEvaluation,
} from './governance/model';
export { isPlanJson, modelFromPlan, type SynthMetadata } from './governance/normalize/plan';
export { isTerraformJson, modelFromTerraformJson } from './governance/normalize/terraform-json';
export { PACK_NAMES, rulesForPacks } from './governance/packs';
export { GOVERNANCE_METADATA_KEY, type RecordedConfigurationOptions, type RecordedGovernance } from './governance/recorded-configuration';
export { type ReportContext } from './governance/reports/context';
export { formatFinding } from './governance/reports/format';
export { REPORT_FORMATS, renderReport, writeReport, type ReportFormat } from './governance/reports/index';
export { type JsonFinding } from './governance/reports/json';
export { type ReportWriter } from './governance/reports/writer';
export {
  mergeResults, reviewPlan, reviewSynthesizedFolder, reviewTerraformJson, type PlanReviewOptions,
  type SourceOptions,
} from './governance/review';
export {
  definePack, defineRule, type GovernanceParameters, type PackName, type Rule, type RuleContext,
  type RuleDefinition, type RulePack,
} from './governance/rule';
export { ALL_RULES } from './governance/rules/index';
export { type SuppressionOptions } from './governance/suppressions';
export { readSynthesizedFolder, synthMetadataFromFolder, type SynthesizedStack } from './governance/synth-folder';
export { UNKNOWN, isUnknown } from './governance/values';
