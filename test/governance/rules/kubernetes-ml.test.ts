import { describeRuleCases, findingKeys, review } from '../helpers';
import { KUBERNETES_CASES } from './kubernetes-cases';
import { ML_CASES } from './ml-cases';

describeRuleCases('Kubernetes rules', KUBERNETES_CASES);
describeRuleCases('ML-aware rules', ML_CASES);

describe('ml-data-residency by provider region and classification', () => {
  const options = { parameters: { allowedRegions: ['eu-west-1', 'us-east-1'], allowedRegionsByClassification: { restricted: ['eu-west-1'] } } };
  const restricted = { 'aws_s3_bucket.data': { bucket: 'd', tags: { 'data-classification': 'restricted' } } };

  test('restricted data in an allowed region passes', () => {
    expect(findingKeys(review(restricted, options, { aws: [{ region: 'eu-west-1' }] }))).not.toContain('ml-data-residency@aws_s3_bucket.data');
  });
  test('restricted data is held to its classification list even when the general list allows the region', () => {
    expect(findingKeys(review(restricted, options, { aws: [{ region: 'us-east-1' }] }))).toContain('ml-data-residency@aws_s3_bucket.data');
  });
  test('the classification can come from provider default_tags', () => {
    const result = review({ 'aws_s3_bucket.data': { bucket: 'd' } }, options, { aws: [{ region: 'us-east-1', default_tags: [{ tags: { 'data-classification': 'restricted' } }] }] });
    expect(findingKeys(result)).toContain('ml-data-residency@aws_s3_bucket.data');
  });
  test('an aliased provider region applies to resources using it', () => {
    const result = review({ 'aws_s3_bucket.data': { bucket: 'd', provider: 'aws.us' } }, options, { aws: [{ region: 'eu-west-1' }, { region: 'ap-south-1', alias: 'us' }] });
    expect(result.findings.find((f) => f.ruleId === 'ml-data-residency')?.message).toMatch(/ap-south-1/);
  });
});

describe('ml-required-tags merges provider default_tags', () => {
  test('tags from default_tags count, resource tags win', () => {
    const result = review(
      { 'aws_s3_bucket.data': { bucket: 'd', tags: { environment: 'prod', 'data-classification': 'internal' } } },
      {},
      { aws: [{ region: 'eu-west-1', default_tags: [{ tags: { owner: 'ml', 'cost-center': 'cc1', environment: '' } }] }] },
    );
    expect(findingKeys(result)).not.toContain('ml-required-tags@aws_s3_bucket.data');
  });
});

describe('ml-data-residency covers backups and GCP default labels', () => {
  test('a Cloud SQL backup location outside the allowed list is reported', () => {
    const result = review(
      { 'google_sql_database_instance.db': { region: 'europe-west4', settings: { tier: 't', backup_configuration: { enabled: true, location: 'us' } } } },
      { parameters: { allowedRegions: ['europe-west4', 'eu'] } },
      { google: [{ project: 'p', region: 'europe-west4' }] },
    );
    expect(result.findings.find((f) => f.ruleId === 'ml-data-residency')?.message).toMatch(/backup location in us/);
  });

  test('google provider default_labels supply the classification', () => {
    const result = review(
      { 'google_storage_bucket.b': { name: 'b', location: 'US' } },
      { parameters: { allowedRegions: ['US', 'EU'], allowedRegionsByClassification: { restricted: ['EU'] } } },
      { google: [{ project: 'p', default_labels: { 'data-classification': 'restricted' } }] },
    );
    expect(findingKeys(result)).toContain('ml-data-residency@google_storage_bucket.b');
  });
});
