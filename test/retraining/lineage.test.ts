/*
 * Lineage of feature views: a registered candidate names each feature view it was trained on and the version of that
 * view's definition (a hash: the library's FeatureView has no version field). On Argo the register step's Python
 * writes them as MLflow model version tags (run here with python3 against a stand-in `mlflow`); on SageMaker they are
 * CustomerMetadataProperties of the model package.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { churnFeatures, s3Sources } from '../../examples/data-platform/features';
import { buildRetrainingExample } from '../../examples/retraining/stacks';
import { Duration } from '../../lib/core/units';
import { DataSource, FeatureDefinitions, FeatureView } from '../../lib/features/definitions';
import { ValueType } from '../../lib/features/value-type';
import { DatasetStore } from '../../lib/registry/dataset-store';
import { LINEAGE_KEYS } from '../../lib/registry/lineage';
import { ObjectStoreLocation } from '../../lib/registry/object-store';
import { SageMakerModelRegistry } from '../../lib/registry/sagemaker';
import { DataValidation } from '../../lib/retraining/data-validation';
import { FEATURE_VIEW_VERSION_KEY_PREFIX, featureViewVersion } from '../../lib/retraining/feature-lineage';
import { EvaluationGate } from '../../lib/retraining/gates';
import { registrationScript } from '../../lib/retraining/private/registration';
import { SageMakerRetrainingPipeline } from '../../lib/retraining/sagemaker';
import { readSynthesizedFolder } from '../../lib/governance/synth-folder';
import { parse } from '../util';
import { ECR, world } from './fixtures';

const definitions: FeatureDefinitions = churnFeatures(s3Sources('acme-feature-lake'));
const [activity, profile] = definitions.featureViews;
const errorOf = (build: () => void): string => {
  try { build(); } catch (e) { return (e as Error).message; }
  throw new Error('expected the construct to throw');
};
const warnings = (c: Construct) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));

describe('featureViewVersion: a hash of what decides the values a model reads', () => {
  const copy = (changes: Partial<ConstructorParameters<typeof FeatureView>[0]>) => new FeatureView({
    name: activity.name, entities: activity.entities, features: activity.features, ttl: activity.ttl, source: activity.source,
    online: activity.online, materializeEvery: activity.materializeEvery, owner: activity.owner, tags: activity.tags, ...changes,
  });

  test('is stable: the same definition has the same version, written as sha256:<16 hex>', () => {
    expect(featureViewVersion(activity)).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(featureViewVersion(copy({}))).toBe(featureViewVersion(activity));
    expect(featureViewVersion(profile)).not.toBe(featureViewVersion(activity));
  });

  test.each<[string, Partial<ConstructorParameters<typeof FeatureView>[0]>]>([
    ['a feature added', { features: [...activity.features, { name: 'refunds_30d', valueType: ValueType.INT32 }] }],
    ['a feature\'s type', { features: activity.features.map((f, i) => (i === 0 ? { ...f, valueType: ValueType.FLOAT64 } : f)) }],
    ['the TTL (the point-in-time join window)', { ttl: Duration.days(3) }],
    ['the source', { source: DataSource.s3Parquet('s3://acme-feature-lake/customer_activity_v2/', { timestampField: 'event_timestamp' }) }],
  ])('changes with %s', (_, changes) => {
    expect(featureViewVersion(copy(changes))).not.toBe(featureViewVersion(activity));
  });

  test('does not change with owner, tags, description, online serving or the materialization interval', () => {
    expect(featureViewVersion(copy({ owner: 'someone-else@example.com', tags: { team: 'growth' }, description: 'x', online: false, materializeEvery: Duration.hours(2) })))
      .toBe(featureViewVersion(activity));
  });
});

describe('ArgoRetrainingPipeline records each feature view\'s version on the registered candidate', () => {
  const w = world();
  const pipeline = w.pipeline({ featureViews: ['customer_profile', 'customer_activity'], featureDefinitions: definitions });
  const out = parse(Testing.synth(w.workloads, true));
  const template = out.resources('kubernetes_manifest').map((m) => m.manifest).find((m) => m.kind === 'WorkflowTemplate');
  const register = template.spec.templates.find((t: any) => t.name === 'register').container;
  const env = Object.fromEntries(register.env.map((e: any) => [e.name, e.value]));
  const versions = `customer_activity=${featureViewVersion(activity)} customer_profile=${featureViewVersion(profile)}`;

  test('every step gets ML_FEATURE_VIEWS and ML_FEATURE_VIEW_VERSIONS (view=version, sorted)', () => {
    expect(env).toMatchObject({ ML_FEATURE_VIEWS: 'customer_activity customer_profile', ML_FEATURE_VIEW_VERSIONS: versions });
    const train = template.spec.templates.find((t: any) => t.name === 'train').container;
    expect(train.env.find((e: any) => e.name === 'ML_FEATURE_VIEW_VERSIONS').value).toBe(versions);
    expect(warnings(pipeline)).toEqual([]);
  });

  test('the register step (run with python3) tags the MLflow model version with each view\'s name and version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-lineage-'));
    try {
      mkdirSync(join(dir, 'mlflow'));
      writeFileSync(join(dir, 'mlflow', '__init__.py'), [
        'import json, os',
        'from types import SimpleNamespace',
        'def register_model(uri, name, tags=None):',
        '    with open(os.environ["STUB_OUT"], "w") as f:',
        '        json.dump({"uri": uri, "name": name, "tags": tags}, f)',
        '    return SimpleNamespace(version="7")',
        'class MlflowClient:',
        '    def set_registered_model_alias(self, name, alias, version):',
        '        pass',
        '',
      ].join('\n'));
      const stubOut = join(dir, 'registered.json');
      const r = spawnSync('python3', ['-c', registrationScript()], {
        encoding: 'utf8', env: { ...process.env, ...env, PYTHONPATH: dir, STUB_OUT: stubOut, ML_MODEL_URI: 'runs:/run-1/model', ML_DATASET_VERSION: 'a1b2c3d', ML_TRAINING_RUN: 'mlops/churn-x' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const registered = JSON.parse(readFileSync(stubOut, 'utf8'));
      expect(registered.tags).toEqual({
        [LINEAGE_KEYS.datasetUri]: 's3://acme-datasets/churn/', [LINEAGE_KEYS.datasetVersion]: 'a1b2c3d',
        [LINEAGE_KEYS.featureViews]: 'customer_activity customer_profile', [LINEAGE_KEYS.trainingRun]: 'mlops/churn-x',
        [LINEAGE_KEYS.codeVersion]: expect.stringMatching(/^sha256:/),
        [`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_activity`]: featureViewVersion(activity),
        [`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_profile`]: featureViewVersion(profile),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a view the definitions do not hold is refused, naming the construct path, the prop, the value and the fix', () => {
    const w2 = world();
    expect(errorOf(() => w2.pipeline({ featureViews: ['customer_activity', 'customer_stats'], featureDefinitions: definitions }))).toBe(
      'workloads/churn-retraining: featureViews[1] ("customer_stats") is not a feature view of featureDefinitions ' +
      '(project churn: customer_activity, customer_profile); name one of them or add its definition');
  });

  test('without definitions the views are recorded by name only, and the pipeline warns, naming the prop to set', () => {
    const w2 = world();
    const byName = w2.pipeline();
    expect(warnings(byName)).toEqual([expect.stringMatching(/^workloads\/churn-retraining: featureViews \(customer_stats\) are recorded by name only: .*set featureDefinitions \(or the featureStore's definitions\)$/)]);
  });
});

describe('SageMakerRetrainingPipeline records each feature view\'s version in CustomerMetadataProperties', () => {
  function pipeline(featureViews: string[]) {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'sagemaker');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const datasets = new DatasetStore(stack, 'datasets', { location: ObjectStoreLocation.s3({ bucketName: 'acme-datasets' }) });
    const registry = new SageMakerModelRegistry(stack, 'registry', { groupName: 'churn', artifactBucketName: 'acme-models' });
    const p = new SageMakerRetrainingPipeline(stack, 'churn-retraining', {
      name: 'churn', model: 'churn', dataset: { store: datasets, prefix: 'churn/', version: 'a1b2c3d' },
      dataValidation: DataValidation.greatExpectations({ image: `${ECR}/churn-gx:1.4.0`, checkpoint: 'churn_training_data' }),
      featureViews, featureDefinitions: definitions,
      evaluation: { image: `${ECR}/churn-eval:2.1.0`, gates: [EvaluationGate.metricAtLeast('auc', 0.85)] },
      training: { image: `${ECR}/churn-train@sha256:${'7'.repeat(64)}`, instanceType: 'ml.g5.2xlarge' },
      registration: { registry, inferenceImage: `${ECR}/churn-serve@sha256:${'8'.repeat(64)}` },
    });
    return { p, stack };
  }

  test('one property per view beside the lineage keys, within SageMaker\'s limits (keys 1-128, values 1-256 of letters, digits and _.:/=+-@)', () => {
    const { p } = pipeline(['customer_activity', 'customer_profile']);
    const steps = (p.definition as any).Steps;
    const register = steps.find((s: any) => s.Name === 'CheckGates').Arguments.IfSteps[0];
    const metadata = register.Arguments.CustomerMetadataProperties;
    expect(metadata).toMatchObject({
      [LINEAGE_KEYS.featureViews]: 'customer_activity customer_profile',
      [`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_activity`]: featureViewVersion(activity),
      [`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_profile`]: featureViewVersion(profile),
    });
    for (const [k, v] of Object.entries<any>(metadata)) {
      expect(k).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u);
      // Values known only at apply (the bucket's name) are Terraform tokens here.
      if (typeof v === 'string' && !v.includes('${')) expect(v).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u);
    }
    expect(steps.find((s: any) => s.Name === 'Train').Arguments.Environment.ML_FEATURE_VIEW_VERSIONS)
      .toBe(`customer_activity=${featureViewVersion(activity)} customer_profile=${featureViewVersion(profile)}`);
  });

  test('a view the definitions do not hold is refused', () => {
    expect(errorOf(() => pipeline(['customer_stats']))).toMatch(
      /^sagemaker\/churn-retraining: featureViews\[0\] \("customer_stats"\) is not a feature view of featureDefinitions \(project churn: customer_activity, customer_profile\); name one of them or add its definition$/);
  });
});

test('examples/retraining records the versions of both views on Argo (MLflow tags) and SageMaker (package metadata)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-lineage-example-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildRetrainingExample(app);
    app.synth();
    const stacks = Object.fromEntries(readSynthesizedFolder(outdir).map((s) => [s.name, s.json as any]));
    const versions = `customer_activity=${featureViewVersion(activity)} customer_profile=${featureViewVersion(profile)}`;
    const template = Object.values<any>(stacks['retraining-eks-workloads'].resource.kubernetes_manifest).map((m) => m.manifest).find((m) => m.kind === 'WorkflowTemplate');
    const register = template.spec.templates.find((t: any) => t.name === 'register').container;
    expect(register.env.find((e: any) => e.name === 'ML_FEATURE_VIEW_VERSIONS').value).toBe(versions);
    const definition = JSON.parse(Object.values<any>(stacks['retraining-sagemaker'].resource.aws_sagemaker_pipeline)[0].pipeline_definition);
    const metadata = definition.Steps.find((s: any) => s.Name === 'CheckGates').Arguments.IfSteps[0].Arguments.CustomerMetadataProperties;
    expect(metadata[`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_activity`]).toBe(featureViewVersion(activity));
    expect(metadata[`${FEATURE_VIEW_VERSION_KEY_PREFIX}customer_profile`]).toBe(featureViewVersion(profile));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
