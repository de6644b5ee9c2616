import { TerraformStack, Testing } from 'cdktf';
import { Duration } from '../../lib/core/units';
import { cronFor, DataSource, Entity, FeatureView } from '../../lib/features/definitions';
import { renderFeastDefinitions, renderYaml } from '../../lib/features/private/render';
import { SageMakerFeatureStore, sagemakerTtl } from '../../lib/features/sagemaker';
import { ValueType } from '../../lib/features/value-type';
import { VertexFeatureStore } from '../../lib/features/vertex';
import { errorOf } from '../util';
import { bigQueryDefinitions, driver, s3Definitions } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): unknown } = require('js-yaml');

describe('feature definitions are validated once, with every problem in one error', () => {
  const rider = new Entity({ name: 'rider', joinKey: 'rider_id' });
  const bad = () => ({
    project: 'Ride-Sharing',
    entities: [driver],
    featureViews: [
      new FeatureView({
        name: 'stats', entities: [rider], ttl: Duration.seconds(0),
        features: [{ name: 'conv_rate', valueType: ValueType.FLOAT32 }, { name: 'conv_rate', valueType: ValueType.FLOAT64 }],
        source: DataSource.bigQuery('ml-prod-123.features.stats', { timestampField: 'event_timestamp' }),
      }),
      new FeatureView({
        name: 'stats', entities: [driver], ttl: Duration.days(1),
        features: [{ name: 'rating', valueType: ValueType.FLOAT32_LIST }],
        source: DataSource.s3Parquet('s3://ml-features-offline/x/', { timestampField: 'event_timestamp' }),
      }),
    ],
  });

  test('on SageMaker: invalid names, unknown entity, duplicates, TTL <= 0, a BigQuery source and a list type, all at once', () => {
    const message = errorOf((s) => new SageMakerFeatureStore(s, 'fs', { definitions: bad(), offlineBucketName: 'ml-features-offline' }));
    expect(message).toMatch(/^\d+ problems:/);
    expect(message).toContain('test/fs: definitions.project ("Ride-Sharing") is not a valid name; use 1-60 lowercase letters, digits and "_", starting with a letter');
    expect(message).toContain('test/fs: definitions.featureViews[1] ("stats") repeats an earlier feature view name; give each feature view name a unique value');
    expect(message).toContain('test/fs: definitions.featureViews[0].entities[0] ("rider") is not declared in definitions.entities; add the Entity there or use one that is');
    expect(message).toContain('test/fs: definitions.featureViews[0].features[1] ("conv_rate") repeats an earlier feature name');
    expect(message).toContain('test/fs: definitions.featureViews[0].ttl (0s) must be a Duration greater than zero, e.g. Duration.days(1)');
    expect(message).toContain('test/fs: definitions.featureViews[0].source (bigquery ml-prod-123.features.stats) is not supported on sagemaker: SageMaker Feature Store ingests from AWS; use DataSource.s3Parquet or DataSource.redshift');
    expect(message).toContain('test/fs: definitions.featureViews[1].features[0].valueType ("float32_list") has no SageMaker Feature Store type');
  });

  test('on Vertex AI: an S3 source is refused, and BigQuery sources must use feature_timestamp', () => {
    const message = errorOf((s) => new VertexFeatureStore(s, 'fs', { definitions: bad(), project: 'ml-prod-123', region: 'us-central1' }));
    expect(message).toContain('definitions.featureViews[1].source (s3-parquet s3://ml-features-offline/x/) is not supported on vertex-ai: Vertex AI feature groups read BigQuery only');
    expect(message).toContain('definitions.featureViews[0].source.timestampField ("event_timestamp") must be "feature_timestamp"');
  });

  test('a refresh interval cron cannot express, or one not shorter than the ttl, is refused', () => {
    const defs = s3Definitions();
    const views = [
      new FeatureView({ ...defs.featureViews[0], name: 'a', materializeEvery: Duration.minutes(7) }),
      new FeatureView({ ...defs.featureViews[0], name: 'b', ttl: Duration.hours(1), materializeEvery: Duration.hours(2) }),
      new FeatureView({ ...defs.featureViews[0], name: 'c', source: DataSource.s3Parquet('http://not-s3', { timestampField: 'event timestamp' }) }),
    ];
    const message = errorOf((s) => new SageMakerFeatureStore(s, 'fs', { definitions: { ...defs, featureViews: views }, offlineBucketName: 'ml-features-offline' }));
    expect(message).toContain('featureViews[0].materializeEvery (7m) must be whole minutes dividing an hour');
    expect(message).toContain('featureViews[1].materializeEvery (2h) is not shorter than the ttl (1h); online values would expire before the next refresh');
    expect(message).toContain('featureViews[2].source ("http://not-s3") is not an s3://bucket/path URI');
    expect(message).toContain('featureViews[2].source.timestampField ("event timestamp") must name the event-time column');
  });
});

describe('mappings', () => {
  test('refresh intervals become cron schedules', () => {
    expect(cronFor(Duration.minutes(15))).toBe('*/15 * * * *');
    expect(cronFor(Duration.hours(1))).toBe('0 * * * *');
    expect(cronFor(Duration.hours(6))).toBe('0 */6 * * *');
    expect(cronFor(Duration.days(1))).toBe('0 0 * * *');
    expect(cronFor(Duration.hours(5))).toBeUndefined();
  });

  test('a TTL becomes the largest SageMaker unit that expresses it exactly', () => {
    expect(sagemakerTtl(Duration.days(14))).toEqual({ unit: 'Weeks', value: 2 });
    expect(sagemakerTtl(Duration.days(1))).toEqual({ unit: 'Days', value: 1 });
    expect(sagemakerTtl(Duration.minutes(90))).toEqual({ unit: 'Minutes', value: 90 });
    expect(sagemakerTtl(Duration.seconds(61))).toEqual({ unit: 'Seconds', value: 61 });
  });

  test('generated YAML parses back to the same data', () => {
    const data = { project: 'p', registry: { path: 's3://b/feast/registry.db', cache_ttl_seconds: 60 }, flag: true, weird: 'a: "b" # c' };
    expect(yaml.load(renderYaml(data))).toEqual(data);
  });

  test('Feast definitions: entities, sources and views with ttl and typed fields, in a stable order', () => {
    const py = renderFeastDefinitions(bigQueryDefinitions());
    expect(py).toContain('from feast import BigQuerySource, Entity, FeatureView, Field, ValueType');
    expect(py).toContain('from feast.types import Array, Float32, Int64');
    expect(py).toContain('entity_driver = Entity(name="driver", join_keys=["driver_id"], value_type=ValueType.INT64, description="A ride-hailing driver")');
    expect(py).toContain('table="ml-prod-123.features.driver_hourly_stats"');
    expect(py).toContain('ttl=timedelta(seconds=21600)');
    expect(py).toContain('Field(name="embedding", dtype=Array(Float32))');
    expect(py).toContain('online=False');
    expect(py.indexOf('view_driver_hourly_stats')).toBeLessThan(py.indexOf('view_driver_embeddings'));
    expect(renderFeastDefinitions(bigQueryDefinitions())).toBe(py);
  });
});

describe('user text that lands in Terraform strings', () => {
  test('"${" and "%{" in descriptions, owners and source paths are refused, each naming the field', () => {
    const defs = s3Definitions();
    const entity = new Entity({ name: 'driver', joinKey: 'driver_id', description: 'Driver ${var.secret}' });
    const view = new FeatureView({
      ...defs.featureViews[0], entities: [entity], owner: 'team-%{if true}x%{endif}', description: 'Stats for ${local.x}',
      features: [{ name: 'conv_rate', valueType: ValueType.FLOAT32, description: 'rate ${path.module}' }],
      source: DataSource.s3Parquet('s3://ml-features-offline/${terraform.workspace}/', { timestampField: 'event_timestamp' }),
    });
    const message = errorOf((s) => new SageMakerFeatureStore(s, 'fs', { definitions: { ...defs, entities: [entity], featureViews: [view] }, offlineBucketName: 'ml-features-offline' }));
    expect(message).toMatch(/^5 problems:/);
    expect(message).toContain('test/fs: definitions.entities[0].description ("Driver ${var.secret}") contains "${" or "%{", which Terraform reads as an interpolation');
    expect(message).toContain('definitions.featureViews[0].features[0].description ("rate ${path.module}") contains "${" or "%{"');
    expect(message).toContain('definitions.featureViews[0].owner ("team-%{if true}x%{endif}") contains "${" or "%{"');
    expect(message).toContain('definitions.featureViews[0].description ("Stats for ${local.x}") contains "${" or "%{"');
    expect(message).toContain('definitions.featureViews[0].source ("s3://ml-features-offline/${terraform.workspace}/") contains "${" or "%{"');
  });

  test('a lone "$" or "{" is ordinary text and passes', () => {
    const defs = s3Definitions();
    const view = new FeatureView({ ...defs.featureViews[0], description: 'Revenue in $ per {trip}' });
    expect(() => new SageMakerFeatureStore(new TerraformStack(Testing.app(), 't'), 'fs',
      { definitions: { ...defs, featureViews: [view] }, offlineBucketName: 'ml-features-offline' })).not.toThrow();
  });
});
