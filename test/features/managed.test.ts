import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { SageMakerFeatureStore } from '../../lib/features/sagemaker';
import { VertexFeatureStore, VertexOnlineServing } from '../../lib/features/vertex';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { errorOf, literalSecrets, synth } from '../util';
import { bigQueryDefinitions, eksTarget, gkeTarget, s3Definitions } from './fixtures';

function sagemaker(stack: TerraformStack): void {
  const target = eksTarget(stack);
  const store = new SageMakerFeatureStore(stack, 'features', { definitions: s3Definitions(), offlineBucketName: 'ml-features-offline' });
  // Another store in the same stack: grants must never reach it.
  new SageMakerFeatureStore(stack, 'other', { definitions: { ...s3Definitions(), project: 'other_team' }, offlineBucket: new SecureS3Bucket(stack, 'other-bucket', { bucketName: 'ml-other-offline' }) });
  store.grantRead(new WorkloadIdentity(stack, 'ranker', { target, serviceAccountName: 'ranker', cloudName: 'ranker' }));
  store.grantWrite(new WorkloadIdentity(stack, 'ingest', { target, serviceAccountName: 'ingest', cloudName: 'ingest' }));
}

describe('SageMakerFeatureStore', () => {
  const out = synth(sagemaker);
  const groups = out.resources('aws_sagemaker_feature_group');
  const stats = groups.find((g) => g.feature_group_name === 'ride-sharing-driver-hourly-stats');

  test('one feature group per view: join key as record identifier, event time, typed features', () => {
    expect(groups.map((g) => g.feature_group_name).sort()).toEqual([
      'other-team-driver-hourly-stats', 'other-team-driver-profile', 'ride-sharing-driver-hourly-stats', 'ride-sharing-driver-profile',
    ]);
    expect(stats).toMatchObject({ record_identifier_feature_name: 'driver_id', event_time_feature_name: 'event_timestamp' });
    expect(stats.feature_definition).toEqual([
      { feature_name: 'driver_id', feature_type: 'Integral' },
      { feature_name: 'event_timestamp', feature_type: 'Fractional' },
      { feature_name: 'conv_rate', feature_type: 'Fractional' },
      { feature_name: 'acc_rate', feature_type: 'Fractional' },
      { feature_name: 'avg_daily_trips', feature_type: 'Integral' },
    ]);
  });

  test('online store encrypted with the customer key, TTL from the view; offline store in the secure bucket with KMS', () => {
    expect(stats.online_store_config).toEqual({
      enable_online_store: true,
      security_config: { kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.features_offline_kms_key_\w+\.arn\}$/) },
      ttl_duration: { unit: 'Days', value: 1 },
    });
    expect(stats.offline_store_config).toMatchObject({
      table_format: 'Iceberg',
      s3_storage_config: { s3_uri: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.features_offline_bucket_\w+\.bucket\}\/feature-store\/$/), kms_key_id: expect.stringContaining('aws_kms_key.features_offline') },
    });
    expect(groups.find((g) => g.feature_group_name === 'ride-sharing-driver-profile').online_store_config.ttl_duration).toEqual({ unit: 'Days', value: 30 });
  });

  test('SageMaker assumes a role trusted only by sagemaker.amazonaws.com in this account, writing only under the prefix', () => {
    const role = out.resources('aws_iam_role').find((r) => r.name === 'ride-sharing-sagemaker-features');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': expect.stringContaining('data.aws_caller_identity.') } },
    }]);
    const policy = out.resources('aws_iam_role_policy').find((p) => p.name === 'offline-store' && p.role.includes('features_role'));
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements[0].Resource).toMatch(/features_offline_bucket_\w+\.arn\}\/feature-store\/\*$/);
    expect(statements.flatMap((s: any) => s.Action)).not.toContain('s3:*');
  });

  test('grants are scoped to this store\'s feature groups: read gets records, write puts them', () => {
    const policies = out.resources('aws_iam_role_policy').filter((p) => p.name.startsWith('features-'));
    const read = JSON.parse(policies.find((p) => p.name === 'features-read-features').policy).Statement;
    const write = JSON.parse(policies.find((p) => p.name === 'features-write-features').policy).Statement;
    expect(read[0].Action).toEqual(['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup']);
    expect(write[0].Action).toEqual(expect.arrayContaining(['sagemaker:PutRecord', 'sagemaker:DeleteRecord']));
    for (const s of [read[0], write[0]]) {
      expect(s.Resource).toHaveLength(2);
      expect(s.Resource.every((arn: string) => /aws_sagemaker_feature_group\.features_group-/.test(arn))).toBe(true);
    }
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('deterministic, and a multi-entity view or a missing bucket name is refused', () => {
    expect(synth(sagemaker).text).toBe(out.text);
    const defs = s3Definitions();
    const message = errorOf((s) => {
      new AwsProvider(s, 'aws', { region: 'eu-west-1' });
      new SageMakerFeatureStore(s, 'fs', { definitions: { ...defs, featureViews: [Object.assign(Object.create(Object.getPrototypeOf(defs.featureViews[0])), defs.featureViews[0], { entities: [defs.entities[0], defs.entities[0]] })] } });
    });
    expect(message).toContain('definitions.featureViews[0].entities (["driver","driver"]) has more than one entity; a SageMaker feature group has exactly one record identifier');
    expect(message).toContain('offlineBucketName (undefined) is required when offlineBucket is not given');
  });
});

function vertex(stack: TerraformStack): void {
  const target = gkeTarget(stack);
  const store = new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), project: 'ml-prod-123', region: 'us-central1' });
  store.grantRead(new WorkloadIdentity(stack, 'ranker', { target, serviceAccountName: 'ranker', cloudName: 'ranker' }));
  store.grantWrite(new WorkloadIdentity(stack, 'ingest', { target, serviceAccountName: 'ingest', cloudName: 'ingest' }));
}

describe('VertexFeatureStore', () => {
  const out = synth(vertex);

  test('a Bigtable online store protected from destroy', () => {
    expect(out.resources('google_vertex_ai_feature_online_store')).toEqual([expect.objectContaining({
      name: 'ride_sharing', region: 'us-central1', force_destroy: false, lifecycle: { prevent_destroy: true },
      bigtable: { auto_scaling: { min_node_count: 1, max_node_count: 3, cpu_utilization_target: 50 } },
    })]);
  });

  test('a feature group per view over its BigQuery table, a feature per feature, a synced view per online view', () => {
    expect(out.resources('google_vertex_ai_feature_group').map((g) => [g.name, g.big_query]).sort()).toEqual([
      ['driver_embeddings', { big_query_source: { input_uri: 'bq://ml-prod-123.features.driver_embeddings' }, entity_id_columns: ['driver_id'] }],
      ['driver_hourly_stats', { big_query_source: { input_uri: 'bq://ml-prod-123.features.driver_hourly_stats' }, entity_id_columns: ['driver_id'] }],
    ]);
    expect(out.resources('google_vertex_ai_feature_group_feature').map((f) => f.name).sort()).toEqual(['conv_rate', 'embedding', 'trips']);
    const views = out.resources('google_vertex_ai_feature_online_store_featureview');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      name: 'driver_hourly_stats', sync_config: { cron: '*/30 * * * *' },
      feature_registry_source: { feature_groups: [{ feature_ids: ['conv_rate', 'trips'] }] },
    });
  });

  test('grants: online read on the project (the GA provider has no feature-view IAM), data on each source table only', () => {
    expect(out.resources('google_project_iam_member').map((m) => m.role).sort()).toEqual([
      'roles/aiplatform.featurestoreDataViewer', 'roles/aiplatform.featurestoreDataViewer',
      'roles/bigquery.jobUser', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser',
    ]);
    expect(out.resources('google_bigquery_table_iam_member').map((m) => [m.table_id, m.role]).sort()).toEqual([
      ['driver_embeddings', 'roles/bigquery.dataEditor'], ['driver_embeddings', 'roles/bigquery.dataViewer'],
      ['driver_hourly_stats', 'roles/bigquery.dataEditor'], ['driver_hourly_stats', 'roles/bigquery.dataViewer'],
    ]);
    expect(out.resources('google_project_iam_audit_config')[0].service).toBe('bigquery.googleapis.com');
    expect(literalSecrets(out.json)).toEqual([]);
  });

  test('Optimized serving only through Private Service Connect; deterministic', () => {
    const psc = synth((stack) => {
      gkeTarget(stack);
      new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), project: 'ml-prod-123', region: 'us-central1', serving: VertexOnlineServing.optimizedPrivate(['ml-prod-123']) });
    });
    expect(psc.resources('google_vertex_ai_feature_online_store')[0]).toMatchObject({
      optimized: {}, dedicated_serving_endpoint: { private_service_connect_config: { enable_private_service_connect: true, project_allowlist: ['ml-prod-123'] } },
    });
    expect(synth(vertex).text).toBe(out.text);
  });
});

describe('VertexFeatureStore: project, region and serving', () => {
  test('project and region come from the stack\'s Google provider unless given', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123', region: 'europe-west4' });
      new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions() });
    });
    expect(out.resources('google_vertex_ai_feature_online_store')[0]).toMatchObject({ project: 'ml-prod-123', region: 'europe-west4' });
    expect(out.resources('google_vertex_ai_feature_group').every((g) => g.project === 'ml-prod-123' && g.region === 'europe-west4')).toBe(true);
    // Given, the prop wins over the provider's.
    const given = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123', region: 'europe-west4' });
      new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), region: 'us-central1' });
    });
    expect(given.resources('google_vertex_ai_feature_online_store')[0].region).toBe('us-central1');
  });

  test('without either, the error names the prop; bad serving settings are named under serving', () => {
    const message = errorOf((stack) => {
      new GoogleProvider(stack, 'google', {});
      new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), serving: VertexOnlineServing.bigtable({ minNodes: 4, maxNodes: 2, cpuTarget: 95 }) });
    });
    expect(message).toContain('test/features: project (undefined) is required: set project, or place the construct in a stack whose Google provider sets project');
    expect(message).toContain('test/features: region (undefined) is required: set region, or place the construct in a stack whose Google provider sets region');
    expect(message).toContain('test/features: serving.maxNodes (2) is below minNodes (4); raise maxNodes');
    expect(message).toContain('test/features: serving.cpuTarget (95) must be a CPU utilization target from 10 to 80 percent');
    expect(errorOf((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123', region: 'us-central1' });
      new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), serving: VertexOnlineServing.optimizedPrivate([]) });
    })).toContain('serving.allowedProjects ([]) must list the projects whose VPCs may reach the Private Service Connect endpoint');
  });
});

describe('VertexFeatureStore: BigQuery grants follow Google\'s predefined roles', () => {
  const out = synth(vertex);
  const membersOf = (name: string) => (m: any) => m.member.includes(`google_service_account.${name}_gcp-sa_`);

  test('a reader gets dataViewer on each source table and may run query jobs and read sessions, never dataEditor', () => {
    const tables = out.resources('google_bigquery_table_iam_member').filter(membersOf('ranker'));
    expect(tables.map((m) => [m.dataset_id, m.table_id, m.role]).sort()).toEqual([
      ['features', 'driver_embeddings', 'roles/bigquery.dataViewer'], ['features', 'driver_hourly_stats', 'roles/bigquery.dataViewer'],
    ]);
    const project = out.resources('google_project_iam_member').filter(membersOf('ranker'));
    expect(project.map((m) => [m.project, m.role]).sort()).toEqual([
      ['ml-prod-123', 'roles/aiplatform.featurestoreDataViewer'], ['ml-prod-123', 'roles/bigquery.jobUser'], ['ml-prod-123', 'roles/bigquery.readSessionUser'],
    ]);
    expect(out.resources('google_bigquery_dataset_iam_member')).toEqual([]);
    expect(JSON.stringify(out.resources('google_bigquery_table_iam_member').filter(membersOf('ranker')))).not.toContain('dataEditor');
  });

  test('a writer gets dataEditor on each source table (not the dataset) and may run load and query jobs', () => {
    const tables = out.resources('google_bigquery_table_iam_member').filter(membersOf('ingest'));
    expect(tables.map((m) => [m.table_id, m.role]).sort()).toEqual([
      ['driver_embeddings', 'roles/bigquery.dataEditor'], ['driver_hourly_stats', 'roles/bigquery.dataEditor'],
    ]);
    expect(out.resources('google_project_iam_member').filter(membersOf('ingest')).map((m) => m.role).sort())
      .toEqual(['roles/aiplatform.featurestoreDataViewer', 'roles/bigquery.jobUser']);
  });

  test('read and write granted to the same workload bind each (role, member, resource) once', () => {
    const both = synth((stack) => {
      const target = gkeTarget(stack);
      const store = new VertexFeatureStore(stack, 'features', { definitions: bigQueryDefinitions(), project: 'ml-prod-123', region: 'us-central1' });
      const ranker = new WorkloadIdentity(stack, 'ranker', { target, serviceAccountName: 'ranker', cloudName: 'ranker' });
      store.grantRead(ranker);
      store.grantWrite(ranker);
      store.grantRead(ranker);
    });
    const bindings = [...both.resources('google_project_iam_member').map((m) => `${m.project} ${m.role} ${m.member}`),
      ...both.resources('google_bigquery_table_iam_member').map((m) => `${m.table_id} ${m.role} ${m.member}`)];
    expect(bindings).toEqual([...new Set(bindings)]);
    expect(both.resources('google_project_iam_member').map((m) => m.role).sort())
      .toEqual(['roles/aiplatform.featurestoreDataViewer', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser']);
  });
});
