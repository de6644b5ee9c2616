import { policy, RuleCase } from '../helpers';

const bucket = { 'aws_s3_bucket.data': { bucket: 'ml-data' } };
const ref = (address: string, attr = 'id'): string => `\${${address}.${attr}}`;
const cluster = (vpc: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'train', role_arn: 'arn:aws:iam::1:role/eks', vpc_config: { subnet_ids: ['subnet-1'], ...vpc }, ...extra,
});
const nodeGroup = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  cluster_name: 'train', node_role_arn: 'arn:aws:iam::1:role/node', subnet_ids: ['subnet-1'],
  scaling_config: { min_size: 0, max_size: 2, desired_size: 0 }, launch_template: { id: ref('aws_launch_template.lt'), version: '1' }, ...extra,
});
const db = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ engine: 'postgres', instance_class: 'db.t4g.micro', ...extra });
const rg = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ replication_group_id: 'cache', description: 'c', engine: 'redis', ...extra });
const notebook = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'nb', role_arn: 'arn', instance_type: 'ml.t3.medium', ...extra });
const adminStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
const scopedStatement = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ml-data/*'] };

/** One compliant and one non-compliant configuration per AWS rule. */
export const AWS_CASES: RuleCase[] = [
  {
    ruleId: 'aws-eks-endpoint-not-public', address: 'aws_eks_cluster.main',
    compliant: { 'aws_eks_cluster.main': cluster({ endpoint_public_access: false, endpoint_private_access: true }) },
    nonCompliant: { 'aws_eks_cluster.main': cluster({}) },
  },
  {
    name: 'public CIDRs', ruleId: 'aws-eks-endpoint-not-public', address: 'aws_eks_cluster.main',
    compliant: { 'aws_eks_cluster.main': cluster({ endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] }) },
    nonCompliant: { 'aws_eks_cluster.main': cluster({ endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] }) },
  },
  {
    ruleId: 'aws-eks-secrets-encrypted', address: 'aws_eks_cluster.main',
    compliant: { 'aws_eks_cluster.main': cluster({}, { encryption_config: { resources: ['secrets'], provider: { key_arn: ref('aws_kms_key.k', 'arn') } } }) },
    nonCompliant: { 'aws_eks_cluster.main': cluster({}) },
  },
  {
    ruleId: 'aws-eks-control-plane-logging', address: 'aws_eks_cluster.main',
    compliant: { 'aws_eks_cluster.main': cluster({}, { enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] }) },
    nonCompliant: { 'aws_eks_cluster.main': cluster({}, { enabled_cluster_log_types: ['api'] }) },
  },
  {
    ruleId: 'aws-eks-authentication-mode-uses-access-entries', address: 'aws_eks_cluster.main',
    compliant: { 'aws_eks_cluster.main': cluster({}, { access_config: [{ authentication_mode: 'API' }] }) },
    nonCompliant: { 'aws_eks_cluster.main': cluster({}) },
  },
  {
    ruleId: 'aws-eks-node-group-imdsv2-required', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'required' } }, 'aws_eks_node_group.gpu': nodeGroup() },
    nonCompliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'optional' } }, 'aws_eks_node_group.gpu': nodeGroup() },
  },
  {
    ruleId: 'aws-eks-node-group-volumes-encrypted', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_launch_template.lt': { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true' } }] }, 'aws_eks_node_group.gpu': nodeGroup() },
    nonCompliant: { 'aws_launch_template.lt': { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 100 } }] }, 'aws_eks_node_group.gpu': nodeGroup() },
  },
  {
    ruleId: 'aws-s3-public-access-blocked', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_public_access_block.data': { bucket: ref('aws_s3_bucket.data'), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_public_access_block.data': { bucket: ref('aws_s3_bucket.data'), block_public_acls: true } },
  },
  {
    name: 'no companion', ruleId: 'aws-s3-public-access-blocked', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_public_access_block.data': { bucket: 'ml-data', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
    nonCompliant: bucket,
  },
  {
    ruleId: 'aws-s3-encrypted-with-kms', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_server_side_encryption_configuration.data': { bucket: ref('aws_s3_bucket.data'), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }] } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_server_side_encryption_configuration.data': { bucket: ref('aws_s3_bucket.data'), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] } },
  },
  {
    ruleId: 'aws-s3-versioning-enabled', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_versioning.data': { bucket: ref('aws_s3_bucket.data'), versioning_configuration: { status: 'Enabled' } } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_versioning.data': { bucket: ref('aws_s3_bucket.data'), versioning_configuration: { status: 'Suspended' } } },
  },
  {
    ruleId: 'aws-s3-access-logging', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_logging.data': { bucket: ref('aws_s3_bucket.data'), target_bucket: 'logs', target_prefix: 'data/' } },
    nonCompliant: bucket,
  },
  {
    ruleId: 'aws-s3-tls-only', address: 'aws_s3_bucket.data',
    compliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: ref('aws_s3_bucket.data'), policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::ml-data', 'arn:aws:s3:::ml-data/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: ref('aws_s3_bucket.data'), policy: policy(scopedStatement) } },
  },
  {
    ruleId: 'aws-rds-storage-encrypted', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ storage_encrypted: true }) },
    nonCompliant: { 'aws_db_instance.db': db() },
  },
  {
    name: 'aurora', ruleId: 'aws-rds-storage-encrypted', address: 'aws_rds_cluster.db',
    compliant: { 'aws_rds_cluster.db': { engine: 'aurora-postgresql', storage_encrypted: true } },
    nonCompliant: { 'aws_rds_cluster.db': { engine: 'aurora-postgresql', storage_encrypted: false } },
  },
  {
    ruleId: 'aws-rds-deletion-protection', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ deletion_protection: true }) },
    nonCompliant: { 'aws_db_instance.db': db() },
  },
  {
    ruleId: 'aws-rds-backup-retention', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ backup_retention_period: 7 }) },
    nonCompliant: { 'aws_db_instance.db': db({ backup_retention_period: 0 }) },
  },
  {
    ruleId: 'aws-rds-not-publicly-accessible', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db() },
    nonCompliant: { 'aws_db_instance.db': db({ publicly_accessible: true }) },
  },
  {
    ruleId: 'aws-rds-iam-or-managed-credentials', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ manage_master_user_password: true }) },
    nonCompliant: { 'aws_db_instance.db': db({ username: 'admin' }) },
  },
  {
    ruleId: 'aws-rds-no-plaintext-password', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ password: ref('random_password.db', 'result') }) },
    nonCompliant: { 'aws_db_instance.db': db({ password: 'hunter2hunter2' }) },
  },
  {
    ruleId: 'aws-elasticache-at-rest-encryption', address: 'aws_elasticache_replication_group.cache',
    compliant: { 'aws_elasticache_replication_group.cache': rg({ at_rest_encryption_enabled: 'true' }) },
    nonCompliant: { 'aws_elasticache_replication_group.cache': rg() },
  },
  {
    ruleId: 'aws-elasticache-in-transit-encryption', address: 'aws_elasticache_replication_group.cache',
    compliant: { 'aws_elasticache_replication_group.cache': rg({ transit_encryption_enabled: true }) },
    nonCompliant: { 'aws_elasticache_replication_group.cache': rg({ transit_encryption_enabled: false }) },
  },
  {
    ruleId: 'aws-elasticache-auth-enabled', address: 'aws_elasticache_replication_group.cache',
    compliant: { 'aws_elasticache_replication_group.cache': rg({ user_group_ids: [ref('aws_elasticache_user_group.g')] }) },
    nonCompliant: { 'aws_elasticache_replication_group.cache': rg() },
  },
  {
    ruleId: 'aws-sagemaker-endpoint-config-encrypted', address: 'aws_sagemaker_endpoint_configuration.ec',
    compliant: { 'aws_sagemaker_endpoint_configuration.ec': { kms_key_arn: ref('aws_kms_key.k', 'arn'), production_variants: [{ variant_name: 'a', model_name: 'm' }] } },
    nonCompliant: { 'aws_sagemaker_endpoint_configuration.ec': { production_variants: [{ variant_name: 'a', model_name: 'm' }] } },
  },
  {
    ruleId: 'aws-sagemaker-notebook-no-direct-internet', address: 'aws_sagemaker_notebook_instance.nb',
    compliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ direct_internet_access: 'Disabled' }) },
    nonCompliant: { 'aws_sagemaker_notebook_instance.nb': notebook() },
  },
  {
    ruleId: 'aws-sagemaker-notebook-no-root-access', address: 'aws_sagemaker_notebook_instance.nb',
    compliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ root_access: 'Disabled' }) },
    nonCompliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ root_access: 'Enabled' }) },
  },
  {
    ruleId: 'aws-sagemaker-notebook-encrypted', address: 'aws_sagemaker_notebook_instance.nb',
    compliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ kms_key_id: 'arn:aws:kms:eu-west-1:1:key/abc' }) },
    nonCompliant: { 'aws_sagemaker_notebook_instance.nb': notebook() },
  },
  {
    ruleId: 'aws-sagemaker-domain-vpc-only', address: 'aws_sagemaker_domain.studio',
    compliant: { 'aws_sagemaker_domain.studio': { domain_name: 'd', app_network_access_type: 'VpcOnly' } },
    nonCompliant: { 'aws_sagemaker_domain.studio': { domain_name: 'd' } },
  },
  {
    ruleId: 'aws-sagemaker-feature-group-encrypted', address: 'aws_sagemaker_feature_group.fg',
    compliant: { 'aws_sagemaker_feature_group.fg': { offline_store_config: { s3_storage_config: { s3_uri: 's3://x', kms_key_id: 'k' } }, online_store_config: { enable_online_store: true, security_config: { kms_key_id: 'k' } } } },
    nonCompliant: { 'aws_sagemaker_feature_group.fg': { offline_store_config: { s3_storage_config: { s3_uri: 's3://x' } }, online_store_config: { enable_online_store: true } } },
  },
  {
    ruleId: 'aws-sagemaker-model-network-isolation', address: 'aws_sagemaker_model.m',
    compliant: { 'aws_sagemaker_model.m': { execution_role_arn: 'arn', enable_network_isolation: true } },
    nonCompliant: { 'aws_sagemaker_model.m': { execution_role_arn: 'arn' } },
  },
  {
    ruleId: 'aws-iam-no-wildcard-admin-policy', address: 'aws_iam_policy.p',
    compliant: { 'aws_iam_policy.p': { policy: policy(scopedStatement) } },
    nonCompliant: { 'aws_iam_policy.p': { policy: policy(adminStatement) } },
  },
  {
    name: 'inline role policy', ruleId: 'aws-iam-no-wildcard-admin-policy', address: 'aws_iam_role.r',
    compliant: { 'aws_iam_role.r': { assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }), inline_policy: [{ name: 'p', policy: policy(scopedStatement) }] } },
    nonCompliant: { 'aws_iam_role.r': { assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }), inline_policy: [{ name: 'p', policy: policy({ Effect: 'Allow', Action: ['*:*'], Resource: ['*'] }) }] } },
  },
  {
    ruleId: 'aws-iam-no-administrator-access', address: 'aws_iam_role_policy_attachment.a',
    compliant: { 'aws_iam_role_policy_attachment.a': { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy' } },
    nonCompliant: { 'aws_iam_role_policy_attachment.a': { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
  },
  {
    ruleId: 'aws-iam-trust-policy-no-wildcard-principal', address: 'aws_iam_role.r',
    compliant: { 'aws_iam_role.r': { assume_role_policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }) } },
    nonCompliant: { 'aws_iam_role.r': { assume_role_policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }) } },
  },
  {
    ruleId: 'aws-kms-key-rotation', address: 'aws_kms_key.k',
    compliant: { 'aws_kms_key.k': { enable_key_rotation: true } },
    nonCompliant: { 'aws_kms_key.k': { description: 'k' } },
  },
  {
    ruleId: 'aws-kms-key-policy-no-wildcard', address: 'aws_kms_key.k',
    compliant: { 'aws_kms_key.k': { enable_key_rotation: true, policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*', Resource: '*' }) } },
    nonCompliant: { 'aws_kms_key.k': { enable_key_rotation: true, policy: policy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }) } },
  },
  {
    ruleId: 'aws-prometheus-workspace-logging', address: 'aws_prometheus_workspace.amp',
    compliant: { 'aws_prometheus_workspace.amp': { logging_configuration: { log_group_arn: 'arn:aws:logs:eu-west-1:1:log-group:amp:*' } } },
    nonCompliant: { 'aws_prometheus_workspace.amp': { alias: 'amp' } },
  },
  {
    ruleId: 'aws-prometheus-workspace-encrypted', address: 'aws_prometheus_workspace.amp',
    compliant: { 'aws_prometheus_workspace.amp': { kms_key_arn: ref('aws_kms_key.k', 'arn') } },
    nonCompliant: { 'aws_prometheus_workspace.amp': { alias: 'amp' } },
  },
  {
    ruleId: 'aws-grafana-workspace-network-restricted', address: 'aws_grafana_workspace.g',
    compliant: { 'aws_grafana_workspace.g': { account_access_type: 'CURRENT_ACCOUNT', network_access_control: { vpce_ids: ['vpce-1'], prefix_list_ids: [] } } },
    nonCompliant: { 'aws_grafana_workspace.g': { account_access_type: 'CURRENT_ACCOUNT' } },
  },
  {
    ruleId: 'aws-iot-policy-no-wildcard-actions', address: 'aws_iot_policy.p',
    compliant: { 'aws_iot_policy.p': { name: 'p', policy: policy({ Effect: 'Allow', Action: ['iot:Publish'], Resource: ['arn:aws:iot:eu-west-1:1:topic/t'] }) } },
    nonCompliant: { 'aws_iot_policy.p': { name: 'p', policy: policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }) } },
  },
  {
    ruleId: 'aws-iot-policy-scoped-to-thing', address: 'aws_iot_policy.p',
    // In cdk.tf.json the IoT policy variable must be escaped as $${...}; the review unescapes it like Terraform does.
    compliant: { 'aws_iot_policy.p': { name: 'p', policy: policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:eu-west-1:1:client/$${iot:Connection.Thing.ThingName}' }) } },
    nonCompliant: { 'aws_iot_policy.p': { name: 'p', policy: policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:eu-west-1:1:client/*' }) } },
  },
  {
    ruleId: 'aws-s3-bucket-policy-not-public', address: 'aws_s3_bucket_policy.data',
    compliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: ref('aws_s3_bucket.data'), policy: policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-data/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } } },
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::ml-data/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ) } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: ref('aws_s3_bucket.data'), policy: policy({ Sid: 'Public', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-data/*' }) } },
  },
  {
    name: 'a condition that pins nothing', ruleId: 'aws-s3-bucket-policy-not-public', address: 'aws_s3_bucket_policy.data',
    compliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: 'ml-data', policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/reader' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-data/*' }) } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: 'ml-data', policy: policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-data/*', Condition: { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } },
    ) } },
  },
  {
    name: 'NotPrincipal', ruleId: 'aws-s3-bucket-policy-not-public', address: 'aws_s3_bucket_policy.data',
    compliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: 'ml-data', policy: policy({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::1:role/admin' }, Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::ml-data' }) } },
    nonCompliant: { ...bucket, 'aws_s3_bucket_policy.data': { bucket: 'ml-data', policy: policy({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:role/x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-data/*' }) } },
  },
  {
    ruleId: 'aws-eks-node-group-ssh-restricted', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 } }, 'aws_eks_node_group.gpu': nodeGroup({ launch_template: undefined, remote_access: { ec2_ssh_key: 'ops', source_security_group_ids: ['sg-bastion'] } }) },
    nonCompliant: { 'aws_eks_node_group.gpu': nodeGroup({ launch_template: undefined, remote_access: { ec2_ssh_key: 'ops' } }) },
  },
  {
    ruleId: 'aws-eks-node-group-imds-hop-limit', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 } }, 'aws_eks_node_group.gpu': nodeGroup() },
    nonCompliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } }, 'aws_eks_node_group.gpu': nodeGroup() },
  },
  {
    name: 'unset (AL2023 AMIs default to 2)', ruleId: 'aws-eks-node-group-imds-hop-limit', address: 'aws_eks_node_group.gpu',
    compliant: { 'aws_launch_template.lt': { metadata_options: [{ http_tokens: 'required', http_put_response_hop_limit: '1' }] }, 'aws_eks_node_group.gpu': nodeGroup() },
    nonCompliant: { 'aws_launch_template.lt': { metadata_options: { http_tokens: 'required' } }, 'aws_eks_node_group.gpu': nodeGroup() },
  },
  {
    ruleId: 'aws-rds-tls-enforced', address: 'aws_db_instance.db',
    compliant: {
      'aws_db_parameter_group.pg': { family: 'postgres14', parameter: [{ name: 'rds.force_ssl', value: '1' }] },
      'aws_db_instance.db': db({ engine_version: '14.12', parameter_group_name: ref('aws_db_parameter_group.pg', 'name') }),
    },
    nonCompliant: {
      'aws_db_parameter_group.pg': { family: 'postgres14', parameter: [{ name: 'rds.force_ssl', value: '0' }] },
      'aws_db_instance.db': db({ engine_version: '14.12', parameter_group_name: ref('aws_db_parameter_group.pg', 'name') }),
    },
  },
  {
    name: 'default parameter group: PostgreSQL 15+ forces TLS, MySQL does not', ruleId: 'aws-rds-tls-enforced', address: 'aws_db_instance.db',
    compliant: { 'aws_db_instance.db': db({ engine_version: '16.4' }) },
    nonCompliant: { 'aws_db_instance.db': db({ engine: 'mysql', engine_version: '8.0.39' }) },
  },
  {
    name: 'Aurora cluster parameter group by name', ruleId: 'aws-rds-tls-enforced', address: 'aws_rds_cluster.aurora',
    compliant: {
      'aws_rds_cluster_parameter_group.tls': { name: 'aurora-tls', family: 'aurora-postgresql16', parameter: { name: 'rds.force_ssl', value: 1 } },
      'aws_rds_cluster.aurora': { engine: 'aurora-postgresql', db_cluster_parameter_group_name: 'aurora-tls' },
    },
    nonCompliant: { 'aws_rds_cluster.aurora': { engine: 'aurora-postgresql', engine_version: '16.4' } },
  },
  {
    ruleId: 'aws-sagemaker-domain-encrypted', address: 'aws_sagemaker_domain.studio',
    compliant: { 'aws_sagemaker_domain.studio': { domain_name: 'studio', auth_mode: 'IAM', app_network_access_type: 'VpcOnly', kms_key_id: ref('aws_kms_key.k', 'arn') } },
    nonCompliant: { 'aws_sagemaker_domain.studio': { domain_name: 'studio', auth_mode: 'IAM', app_network_access_type: 'VpcOnly' } },
  },
  {
    ruleId: 'aws-sagemaker-notebook-imdsv2', address: 'aws_sagemaker_notebook_instance.nb',
    compliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ instance_metadata_service_configuration: { minimum_instance_metadata_service_version: '2' } }) },
    nonCompliant: { 'aws_sagemaker_notebook_instance.nb': notebook() },
  },
  {
    ruleId: 'aws-sagemaker-notebook-in-vpc', address: 'aws_sagemaker_notebook_instance.nb',
    compliant: { 'aws_sagemaker_notebook_instance.nb': notebook({ subnet_id: 'subnet-1', security_groups: ['sg-1'] }) },
    nonCompliant: { 'aws_sagemaker_notebook_instance.nb': notebook() },
  },
  {
    ruleId: 'aws-ecr-image-tags-immutable', address: 'aws_ecr_repository.models',
    compliant: { 'aws_ecr_repository.models': { name: 'models', image_tag_mutability: 'IMMUTABLE' } },
    nonCompliant: { 'aws_ecr_repository.models': { name: 'models' } },
  },
  {
    ruleId: 'aws-ecr-scan-on-push', address: 'aws_ecr_repository.models',
    compliant: { 'aws_ecr_repository.models': { name: 'models', image_scanning_configuration: { scan_on_push: true } } },
    nonCompliant: { 'aws_ecr_repository.models': { name: 'models', image_scanning_configuration: { scan_on_push: false } } },
  },
  {
    name: 'registry-level enhanced scanning', ruleId: 'aws-ecr-scan-on-push', address: 'aws_ecr_repository.models',
    compliant: {
      'aws_ecr_repository.models': { name: 'models' },
      'aws_ecr_registry_scanning_configuration.scan': { scan_type: 'ENHANCED', rule: [{ scan_frequency: 'CONTINUOUS_SCAN', repository_filter: [{ filter: '*', filter_type: 'WILDCARD' }] }] },
    },
    nonCompliant: { 'aws_ecr_repository.models': { name: 'models' } },
  },
  {
    ruleId: 'aws-cloudwatch-log-group-encrypted', address: 'aws_cloudwatch_log_group.eks',
    compliant: { 'aws_cloudwatch_log_group.eks': { name: '/aws/eks/train/cluster', kms_key_id: ref('aws_kms_key.k', 'arn') } },
    nonCompliant: { 'aws_cloudwatch_log_group.eks': { name: '/aws/eks/train/cluster' } },
  },
  {
    ruleId: 'aws-fsx-lustre-encrypted', address: 'aws_fsx_lustre_file_system.scratch',
    compliant: { 'aws_fsx_lustre_file_system.scratch': { storage_capacity: 1200, subnet_ids: ['s'], deployment_type: 'PERSISTENT_2', per_unit_storage_throughput: 250, kms_key_id: ref('aws_kms_key.k', 'arn') } },
    nonCompliant: { 'aws_fsx_lustre_file_system.scratch': { storage_capacity: 1200, subnet_ids: ['s'] } },
  },
  {
    name: 'persistent without a key', ruleId: 'aws-fsx-lustre-encrypted', address: 'aws_fsx_lustre_file_system.scratch',
    compliant: { 'aws_fsx_lustre_file_system.scratch': { storage_capacity: 1200, subnet_ids: ['s'], deployment_type: 'PERSISTENT_1', kms_key_id: 'arn:aws:kms:eu-west-1:1:key/k' } },
    nonCompliant: { 'aws_fsx_lustre_file_system.scratch': { storage_capacity: 1200, subnet_ids: ['s'], deployment_type: 'PERSISTENT_2' } },
  },
  {
    name: 'Aurora Serverless v1 is always encrypted', ruleId: 'aws-rds-storage-encrypted', address: 'aws_rds_cluster.aurora',
    compliant: { 'aws_rds_cluster.aurora': { engine: 'aurora-postgresql', engine_mode: 'serverless' } },
    nonCompliant: { 'aws_rds_cluster.aurora': { engine: 'aurora-postgresql', engine_mode: 'provisioned', serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 } } },
  },
];
