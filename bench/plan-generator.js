'use strict';
/**
 * Generates `terraform show -json` plans with a realistic mix of resources (S3 buckets with companions, KMS
 * keys, EKS node groups with launch templates, IAM policies, RDS, Kubernetes deployments, types no rule
 * covers), half of them inside modules. Used by bench/review-plan.js and bench/run.js.
 */
/** One group of 12 resources; `i` keeps names unique. Returns planned values, changes and configuration. */
function group(i) {
  const u = true;
  const items = [];
  const add = (type, name, values, afterUnknown, expressions) => items.push({ type, name, values, afterUnknown, expressions });
  const ref = (address, attr) => ({ references: [`${address}.${attr}`, address] });
  add('aws_s3_bucket', `data_${i}`, { bucket: `ml-data-${i}`, force_destroy: false, tags: { owner: 'ml', environment: 'prod' } }, { id: u, arn: u, tags_all: u }, { bucket: { constant_value: `ml-data-${i}` } });
  add('aws_s3_bucket_public_access_block', `data_${i}`, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: i % 7 !== 0 }, { bucket: u, id: u }, { bucket: ref(`aws_s3_bucket.data_${i}`, 'id') });
  add('aws_s3_bucket_server_side_encryption_configuration', `data_${i}`, { rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] }] }, { bucket: u, id: u, rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: u }] }] }, { bucket: ref(`aws_s3_bucket.data_${i}`, 'id'), rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: ref(`aws_kms_key.k_${i}`, 'arn') }] }] });
  add('aws_s3_bucket_versioning', `data_${i}`, { versioning_configuration: [{ status: 'Enabled' }] }, { bucket: u, id: u }, { bucket: ref(`aws_s3_bucket.data_${i}`, 'id') });
  add('aws_kms_key', `k_${i}`, { enable_key_rotation: i % 5 !== 0, description: 'k' }, { arn: u, id: u, key_id: u, policy: u }, { enable_key_rotation: { constant_value: i % 5 !== 0 } });
  add('aws_launch_template', `lt_${i}`, { metadata_options: [{ http_tokens: 'required' }], block_device_mappings: [{ device_name: '/dev/xvda', ebs: [{ encrypted: 'true', volume_size: 200 }] }] }, { id: u, arn: u, latest_version: u }, {});
  add('aws_eks_node_group', `gpu_${i}`, { instance_types: ['g5.12xlarge'], ami_type: 'AL2023_x86_64_NVIDIA', scaling_config: [{ min_size: 0, max_size: 4, desired_size: 0 }], taint: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }], node_role_arn: 'arn', subnet_ids: ['s'] }, { id: u, arn: u, cluster_name: u, launch_template: [{ id: u, version: u }] }, { cluster_name: { references: ['var.cluster_name'] }, launch_template: [{ id: ref(`aws_launch_template.lt_${i}`, 'id'), version: ref(`aws_launch_template.lt_${i}`, 'latest_version') }] });
  add('aws_iam_role_policy', `p_${i}`, { name: 'p', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: i % 11 === 0 ? '*' : ['s3:GetObject'], Resource: i % 11 === 0 ? '*' : [`arn:aws:s3:::ml-data-${i}/*`] }] }) }, { id: u, role: u }, { role: { references: ['var.role'] } });
  add('aws_db_instance', `db_${i}`, { engine: 'postgres', instance_class: 'db.r6g.large', storage_encrypted: true, deletion_protection: true, backup_retention_period: 7, manage_master_user_password: true, publicly_accessible: false }, { id: u, arn: u, endpoint: u, kms_key_id: u }, {});
  add('kubernetes_deployment_v1', `serve_${i}`, {
    metadata: [{ name: `serve-${i}`, namespace: 'serving', labels: { app: 'serve' } }],
    spec: [{ replicas: 2, template: [{ metadata: [{ labels: { app: 'serve' } }], spec: [{ container: [{ name: 'model', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/model:${i}`, security_context: [{ allow_privilege_escalation: false, run_as_non_root: true }], resources: [{ limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '1', memory: '4Gi' } }] }] }] }] }],
  }, { id: u }, {});
  add('random_id', `suffix_${i}`, { byte_length: 4 }, { id: u, hex: u }, {});
  add('aws_cloudwatch_log_group', `logs_${i}`, { name: `/ml/${i}`, retention_in_days: 30 }, { arn: u, id: u }, {});
  return items;
}

function generatePlan(size) {
  const groups = Math.ceil(size / 12);
  const root = { resources: [], child_modules: [] };
  const config = { resources: [], module_calls: {} };
  const changes = [];
  for (let g = 0; g < groups; g++) {
    // Half the groups live in modules of 100 groups each: module.team_N.
    const moduleName = g % 2 === 1 ? `team_${Math.floor(g / 200)}` : undefined;
    let planned = root;
    let configured = config;
    if (moduleName) {
      let child = root.child_modules.find((m) => m.address === `module.${moduleName}`);
      if (!child) {
        child = { address: `module.${moduleName}`, resources: [] };
        root.child_modules.push(child);
        config.module_calls[moduleName] = { source: './team', module: { resources: [] } };
      }
      planned = child;
      configured = config.module_calls[moduleName].module;
    }
    for (const r of group(g)) {
      const local = `${r.type}.${r.name}`;
      const address = moduleName ? `module.${moduleName}.${local}` : local;
      const provider = r.type.startsWith('kubernetes_') ? 'kubernetes' : r.type.startsWith('random_') ? 'random' : 'aws';
      planned.resources.push({ address, mode: 'managed', type: r.type, name: r.name, provider_name: `registry.terraform.io/hashicorp/${provider}`, schema_version: 0, values: r.values, sensitive_values: {} });
      changes.push({ address, mode: 'managed', type: r.type, name: r.name, change: { actions: g % 13 === 0 ? ['update'] : ['create'], before: null, after: r.values, after_unknown: r.afterUnknown } });
      configured.resources.push({ address: local, mode: 'managed', type: r.type, name: r.name, provider_config_key: provider, expressions: r.expressions });
    }
  }
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: root },
    resource_changes: changes,
    configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' }, default_tags: [{ tags: { constant_value: { 'cost-center': 'ml' } } }] } } }, root_module: config },
  };
}


module.exports = { generatePlan };
