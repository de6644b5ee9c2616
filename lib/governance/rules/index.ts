import { cloudwatchLogGroupEncrypted } from './aws/cloudwatch-log-group-encrypted';
import { ecrImageTagsImmutable } from './aws/ecr-image-tags-immutable';
import { ecrScanOnPush } from './aws/ecr-scan-on-push';
import { eksAuthenticationModeUsesAccessEntries } from './aws/eks-authentication-mode-uses-access-entries';
import { eksControlPlaneLogging } from './aws/eks-control-plane-logging';
import { eksEndpointNotPublic } from './aws/eks-endpoint-not-public';
import { eksNodeGroupImdsHopLimit } from './aws/eks-node-group-imds-hop-limit';
import { eksNodeGroupImdsv2Required } from './aws/eks-node-group-imdsv2-required';
import { eksNodeGroupSshRestricted } from './aws/eks-node-group-ssh-restricted';
import { eksNodeGroupVolumesEncrypted } from './aws/eks-node-group-volumes-encrypted';
import { eksSecretsEncrypted } from './aws/eks-secrets-encrypted';
import { elasticacheAtRestEncryption } from './aws/elasticache-at-rest-encryption';
import { elasticacheAuthEnabled } from './aws/elasticache-auth-enabled';
import { elasticacheInTransitEncryption } from './aws/elasticache-in-transit-encryption';
import { fsxLustreEncrypted } from './aws/fsx-lustre-encrypted';
import { grafanaWorkspaceNetworkRestricted } from './aws/grafana-workspace-network-restricted';
import { iamNoAdministratorAccess } from './aws/iam-no-administrator-access';
import { iamNoWildcardAdminPolicy } from './aws/iam-no-wildcard-admin-policy';
import { iamTrustPolicyNoWildcardPrincipal } from './aws/iam-trust-policy-no-wildcard-principal';
import { iotPolicyNoWildcardActions } from './aws/iot-policy-no-wildcard-actions';
import { iotPolicyScopedToThing } from './aws/iot-policy-scoped-to-thing';
import { kmsKeyPolicyNoWildcard } from './aws/kms-key-policy-no-wildcard';
import { kmsKeyRotation } from './aws/kms-key-rotation';
import { prometheusWorkspaceEncrypted } from './aws/prometheus-workspace-encrypted';
import { prometheusWorkspaceLogging } from './aws/prometheus-workspace-logging';
import { rdsBackupRetention } from './aws/rds-backup-retention';
import { rdsDeletionProtection } from './aws/rds-deletion-protection';
import { rdsIamOrManagedCredentials } from './aws/rds-iam-or-managed-credentials';
import { rdsNoPlaintextPassword } from './aws/rds-no-plaintext-password';
import { rdsNotPubliclyAccessible } from './aws/rds-not-publicly-accessible';
import { rdsStorageEncrypted } from './aws/rds-storage-encrypted';
import { rdsTlsEnforced } from './aws/rds-tls-enforced';
import { s3AccessLogging } from './aws/s3-access-logging';
import { s3BucketPolicyNotPublic } from './aws/s3-bucket-policy-not-public';
import { s3EncryptedWithKms } from './aws/s3-encrypted-with-kms';
import { s3PublicAccessBlocked } from './aws/s3-public-access-blocked';
import { s3TlsOnly } from './aws/s3-tls-only';
import { s3VersioningEnabled } from './aws/s3-versioning-enabled';
import { sagemakerDomainEncrypted } from './aws/sagemaker-domain-encrypted';
import { sagemakerDomainVpcOnly } from './aws/sagemaker-domain-vpc-only';
import { sagemakerEndpointConfigEncrypted } from './aws/sagemaker-endpoint-config-encrypted';
import { sagemakerFeatureGroupEncrypted } from './aws/sagemaker-feature-group-encrypted';
import { sagemakerModelNetworkIsolation } from './aws/sagemaker-model-network-isolation';
import { sagemakerNotebookEncrypted } from './aws/sagemaker-notebook-encrypted';
import { sagemakerNotebookImdsv2 } from './aws/sagemaker-notebook-imdsv2';
import { sagemakerNotebookInVpc } from './aws/sagemaker-notebook-in-vpc';
import { sagemakerNotebookNoDirectInternet } from './aws/sagemaker-notebook-no-direct-internet';
import { sagemakerNotebookNoRootAccess } from './aws/sagemaker-notebook-no-root-access';
import { gkeBinaryAuthorization } from './google/gke-binary-authorization';
import { gkeClusterLabels } from './google/gke-cluster-labels';
import { gkeControlPlaneRestricted } from './google/gke-control-plane-restricted';
import { gkeDeletionProtection } from './google/gke-deletion-protection';
import { gkeLegacyAbacDisabled } from './google/gke-legacy-abac-disabled';
import { gkeNetworkPolicy } from './google/gke-network-policy';
import { gkeNodePoolAutoRepairUpgrade } from './google/gke-node-pool-auto-repair-upgrade';
import { gkeNodePoolCustomServiceAccount } from './google/gke-node-pool-custom-service-account';
import { gkeNodePoolSecureBoot } from './google/gke-node-pool-secure-boot';
import { gkeNodePoolWorkloadMetadata } from './google/gke-node-pool-workload-metadata';
import { gkePrivateNodes } from './google/gke-private-nodes';
import { gkeReleaseChannel } from './google/gke-release-channel';
import { gkeSecretsEncrypted } from './google/gke-secrets-encrypted';
import { gkeShieldedNodes } from './google/gke-shielded-nodes';
import { gkeWorkloadIdentity } from './google/gke-workload-identity';
import { iamNoBasicRoles } from './google/iam-no-basic-roles';
import { iamNoPublicMembers } from './google/iam-no-public-members';
import { cloudKmsKeyRotation } from './google/kms-key-rotation';
import { redisAuthEnabled } from './google/redis-auth-enabled';
import { redisTransitEncryption } from './google/redis-transit-encryption';
import { sqlBackupsPointInTime } from './google/sql-backups-point-in-time';
import { sqlDeletionProtection } from './google/sql-deletion-protection';
import { sqlNoPublicAuthorizedNetworks } from './google/sql-no-public-authorized-networks';
import { sqlPrivateIpRequiresTls } from './google/sql-private-ip-requires-tls';
import { sqlSslRequired } from './google/sql-ssl-required';
import { storageCmek } from './google/storage-cmek';
import { storagePublicAccessPrevention } from './google/storage-public-access-prevention';
import { storageUniformAccess } from './google/storage-uniform-access';
import { storageVersioning } from './google/storage-versioning';
import { vertexAiCmek } from './google/vertex-ai-cmek';
import { vertexAiEndpointPrivate } from './google/vertex-ai-endpoint-private';
import { vertexAiFeatureOnlineStorePrivate } from './google/vertex-ai-feature-online-store-private';
import { vertexAiIndexEndpointPrivate } from './google/vertex-ai-index-endpoint-private';
import { vertexAiWorkbenchCmek } from './google/vertex-ai-workbench-cmek';
import { vertexAiWorkbenchPrivate } from './google/vertex-ai-workbench-private';
import { imageTagPinned } from './kubernetes/image-tag-pinned';
import { ingressTls } from './kubernetes/ingress-tls';
import { namespaceHasNetworkPolicy } from './kubernetes/namespace-has-network-policy';
import { namespacePodSecurityEnforced } from './kubernetes/namespace-pod-security-enforced';
import { netRawDropped } from './kubernetes/net-raw-dropped';
import { noClusterAdminBinding } from './kubernetes/no-cluster-admin-binding';
import { noContainerRuntimeSocket } from './kubernetes/no-container-runtime-socket';
import { noDangerousCapabilities } from './kubernetes/no-dangerous-capabilities';
import { noHostNamespaces } from './kubernetes/no-host-namespaces';
import { noHostRunDirectory } from './kubernetes/no-host-run-directory';
import { noPrivilegeEscalation } from './kubernetes/no-privilege-escalation';
import { noPrivilegedContainers } from './kubernetes/no-privileged-containers';
import { readOnlyRootFilesystem } from './kubernetes/read-only-root-filesystem';
import { resourceLimitsSet } from './kubernetes/resource-limits-set';
import { runAsNonRoot } from './kubernetes/run-as-non-root';
import { serviceNotPublicLoadBalancer } from './kubernetes/service-not-public-load-balancer';
import { acceleratorBudgetPerCluster } from './ml/accelerator-budget-per-cluster';
import { acceleratorBudgetPerNamespace } from './ml/accelerator-budget-per-namespace';
import { acceleratorBudgetPerPool } from './ml/accelerator-budget-per-pool';
import { acceleratorPoolScalesToZero } from './ml/accelerator-pool-scales-to-zero';
import { acceleratorPoolTainted } from './ml/accelerator-pool-tainted';
import { dataResidency } from './ml/data-residency';
import { imageApprovedRegistry } from './ml/image-approved-registry';
import { requiredTags } from './ml/required-tags';
import { servingImageApprovedRegistry } from './ml/serving-image-approved-registry';
import { statefulResourceProtected } from './ml/stateful-resource-protected';
import { servingImagePinnedByDigest } from './ml/serving-image-pinned-by-digest';
import { statefulResourceDestroyed } from './plan/stateful-resource-destroyed';
import { Rule } from '../rule';

/** Every rule shipped with the library, in catalogue order (provider, then file name). */
export const ALL_RULES: readonly Rule[] = [
  cloudwatchLogGroupEncrypted,
  ecrImageTagsImmutable,
  ecrScanOnPush,
  eksAuthenticationModeUsesAccessEntries,
  eksControlPlaneLogging,
  eksEndpointNotPublic,
  eksNodeGroupImdsHopLimit,
  eksNodeGroupImdsv2Required,
  eksNodeGroupSshRestricted,
  eksNodeGroupVolumesEncrypted,
  eksSecretsEncrypted,
  elasticacheAtRestEncryption,
  elasticacheAuthEnabled,
  elasticacheInTransitEncryption,
  fsxLustreEncrypted,
  grafanaWorkspaceNetworkRestricted,
  iamNoAdministratorAccess,
  iamNoWildcardAdminPolicy,
  iamTrustPolicyNoWildcardPrincipal,
  iotPolicyNoWildcardActions,
  iotPolicyScopedToThing,
  kmsKeyPolicyNoWildcard,
  kmsKeyRotation,
  prometheusWorkspaceEncrypted,
  prometheusWorkspaceLogging,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsIamOrManagedCredentials,
  rdsNoPlaintextPassword,
  rdsNotPubliclyAccessible,
  rdsStorageEncrypted,
  rdsTlsEnforced,
  s3AccessLogging,
  s3BucketPolicyNotPublic,
  s3EncryptedWithKms,
  s3PublicAccessBlocked,
  s3TlsOnly,
  s3VersioningEnabled,
  sagemakerDomainEncrypted,
  sagemakerDomainVpcOnly,
  sagemakerEndpointConfigEncrypted,
  sagemakerFeatureGroupEncrypted,
  sagemakerModelNetworkIsolation,
  sagemakerNotebookEncrypted,
  sagemakerNotebookImdsv2,
  sagemakerNotebookInVpc,
  sagemakerNotebookNoDirectInternet,
  sagemakerNotebookNoRootAccess,
  gkeBinaryAuthorization,
  gkeClusterLabels,
  gkeControlPlaneRestricted,
  gkeDeletionProtection,
  gkeLegacyAbacDisabled,
  gkeNetworkPolicy,
  gkeNodePoolAutoRepairUpgrade,
  gkeNodePoolCustomServiceAccount,
  gkeNodePoolSecureBoot,
  gkeNodePoolWorkloadMetadata,
  gkePrivateNodes,
  gkeReleaseChannel,
  gkeSecretsEncrypted,
  gkeShieldedNodes,
  gkeWorkloadIdentity,
  iamNoBasicRoles,
  iamNoPublicMembers,
  cloudKmsKeyRotation,
  redisAuthEnabled,
  redisTransitEncryption,
  sqlBackupsPointInTime,
  sqlDeletionProtection,
  sqlNoPublicAuthorizedNetworks,
  sqlPrivateIpRequiresTls,
  sqlSslRequired,
  storageCmek,
  storagePublicAccessPrevention,
  storageUniformAccess,
  storageVersioning,
  vertexAiCmek,
  vertexAiEndpointPrivate,
  vertexAiFeatureOnlineStorePrivate,
  vertexAiIndexEndpointPrivate,
  vertexAiWorkbenchCmek,
  vertexAiWorkbenchPrivate,
  imageTagPinned,
  ingressTls,
  namespaceHasNetworkPolicy,
  namespacePodSecurityEnforced,
  netRawDropped,
  noClusterAdminBinding,
  noContainerRuntimeSocket,
  noDangerousCapabilities,
  noHostNamespaces,
  noHostRunDirectory,
  noPrivilegeEscalation,
  noPrivilegedContainers,
  readOnlyRootFilesystem,
  resourceLimitsSet,
  runAsNonRoot,
  serviceNotPublicLoadBalancer,
  acceleratorBudgetPerCluster,
  acceleratorBudgetPerNamespace,
  acceleratorBudgetPerPool,
  acceleratorPoolScalesToZero,
  acceleratorPoolTainted,
  dataResidency,
  imageApprovedRegistry,
  requiredTags,
  servingImageApprovedRegistry,
  servingImagePinnedByDigest,
  statefulResourceProtected,
  statefulResourceDestroyed,
];
