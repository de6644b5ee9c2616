/**
 * The feature definitions a data science team owns: declared once, deployed on every backend. Only the
 * sources differ per cloud (Parquet in S3 for Feast on AWS/on-prem and SageMaker, BigQuery for Vertex AI).
 */
import { DataSource, Duration, Entity, FeatureDefinitions, FeatureView, ValueType } from '../../lib';

export const customer = new Entity({ name: 'customer', joinKey: 'customer_id', valueType: ValueType.INT64, description: 'A paying customer' });

/** Where each view's rows come from, per cloud. */
export type SourceFor = (view: 'customer_activity' | 'customer_profile') => DataSource;

export const s3Sources = (bucket: string): SourceFor => (view) =>
  DataSource.s3Parquet(`s3://${bucket}/${view}/`, { timestampField: 'event_timestamp' });

export const bigQuerySources = (dataset: string): SourceFor => (view) =>
  DataSource.bigQuery(`${dataset}.${view}`, { timestampField: 'feature_timestamp' });

export function churnFeatures(source: SourceFor): FeatureDefinitions {
  return {
    project: 'churn',
    entities: [customer],
    featureViews: [
      new FeatureView({
        name: 'customer_activity',
        entities: [customer],
        features: [
          { name: 'sessions_7d', valueType: ValueType.INT64 },
          { name: 'spend_30d', valueType: ValueType.FLOAT64 },
          { name: 'support_tickets_30d', valueType: ValueType.INT32 },
        ],
        ttl: Duration.days(2),
        materializeEvery: Duration.hours(1),
        source: source('customer_activity'),
        owner: 'churn-ml@example.com',
        tags: { team: 'retention' },
      }),
      new FeatureView({
        name: 'customer_profile',
        entities: [customer],
        features: [{ name: 'tenure_months', valueType: ValueType.INT32 }, { name: 'plan', valueType: ValueType.STRING }],
        ttl: Duration.days(30),
        materializeEvery: Duration.days(1),
        source: source('customer_profile'),
      }),
    ],
  };
}
