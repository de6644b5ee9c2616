import { buildDataPlatformExample } from '../examples/data-platform/stacks';
import { reviewTerraformJson } from '../lib/governance/review';
import { literalSecrets, synthApp } from './util';

describe('examples/data-platform: features, datasets and models on each target', () => {
  const out = synthApp((app) => buildDataPlatformExample(app));

  test('writes one stack per target, and the cloud clusters\' add-ons and workloads as later layers', () => {
    expect(Object.keys(out).sort()).toEqual(['data-aws', 'data-aws-addons', 'data-aws-workloads', 'data-gcp', 'data-gcp-addons', 'data-gcp-workloads', 'data-onprem']);
    // The clusters are in the first layer; what runs on them (and the stores it uses) is applied after.
    expect(out['data-aws'].resources('aws_eks_cluster')).toHaveLength(1);
    expect(out['data-aws'].resources('kubernetes_deployment_v1')).toHaveLength(0);
    expect(out['data-gcp'].resources('google_container_cluster')).toHaveLength(1);
    expect(out['data-gcp'].resources('kubernetes_deployment_v1')).toHaveLength(0);
  });

  test('AWS: MLflow on RDS with a managed password, SageMaker registry, Feast and SageMaker feature groups from the same views', () => {
    const aws = out['data-aws-workloads'];
    expect(aws.resources('aws_db_instance')[0]).toMatchObject({ manage_master_user_password: true, storage_encrypted: true, deletion_protection: true, lifecycle: { prevent_destroy: true } });
    expect(aws.resources('aws_sagemaker_model_package_group')[0].model_package_group_name).toBe('churn-classifier');
    expect(aws.resources('aws_sagemaker_feature_group').map((g) => g.feature_group_name).sort()).toEqual(['churn-customer-activity', 'churn-customer-profile']);
    const feastYaml = aws.resources('kubernetes_config_map_v1').find((c) => c.data['features.py']).data['features.py'];
    expect(feastYaml).toContain('name="customer_activity"');
  });

  test('Google Cloud: MLflow on private Cloud SQL, Vertex AI feature views and Feast on BigQuery from the same views; GCS datasets', () => {
    const gcp = out['data-gcp-workloads'];
    expect(gcp.resources('google_sql_database_instance')[0]).toMatchObject({ deletion_protection: true, settings: { ip_configuration: { ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY' } } });
    expect(gcp.resources('google_vertex_ai_feature_online_store_featureview')).toHaveLength(2);
    expect(gcp.resources('google_storage_bucket').map((b) => b.name)).toEqual(expect.arrayContaining(['acme-ml-datasets-eu', 'acme-mlflow-artifacts-eu']));
  });

  test('on-prem: MLflow on in-cluster PostgreSQL with a persistent volume, artifacts and datasets on MinIO', () => {
    const onprem = out['data-onprem'];
    const postgres = onprem.resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name.includes('postgres'));
    expect(postgres.spec.volume_claim_template[0].spec.resources.requests.storage).toMatch(/Gi$/);
    const mlflowEnv = onprem.resources('kubernetes_deployment_v1').find((d) => d.metadata.name === 'mlflow').spec.template.spec.container[0].env;
    expect(mlflowEnv).toContainEqual({ name: 'MLFLOW_ARTIFACTS_DESTINATION', value: 's3://mlflow/mlflow-artifacts' });
  });

  test('every stateful store is versioned or protected, and no secret appears anywhere', () => {
    for (const [name, s] of Object.entries(out)) {
      expect([name, literalSecrets(s.json)]).toEqual([name, []]);
      for (const b of s.resources('aws_s3_bucket')) expect(b.lifecycle.prevent_destroy).toBe(true);
      for (const b of s.resources('google_storage_bucket')) expect(b.versioning.enabled).toBe(true);
    }
  });

  test('every stack passes governance baseline and ml-guardrails with no error or warning', () => {
    for (const s of Object.values(out)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'] });
      expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
    }
  });

  test('synthesis is deterministic', () => {
    const again = synthApp((app) => buildDataPlatformExample(app));
    for (const name of Object.keys(out)) expect(again[name].text).toBe(out[name].text);
  });
});
