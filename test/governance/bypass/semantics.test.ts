import { policy } from '../helpers';
import { reports, reviewWith } from './helpers';

const eks = (cidrs: string[]) => ({ 'aws_eks_cluster.c': { name: 'c', role_arn: 'r', vpc_config: { subnet_ids: ['s'], public_access_cidrs: cidrs } } });
const gke = (cidrs: string[]) => ({ 'google_container_cluster.c': { name: 'c', master_authorized_networks_config: { cidr_blocks: cidrs.map((cidr_block) => ({ cidr_block })) } } });
const sql = (cidrs: string[]) => ({ 'google_sql_database_instance.db': { database_version: 'POSTGRES_16', settings: { tier: 't', ip_configuration: { authorized_networks: cidrs.map((value) => ({ value })) } } } });

describe('CIDR sets that cover the whole internet are public', () => {
  const whole = [['0.0.0.0/0'], ['0.0.0.0/1', '128.0.0.0/1'], ['::/0'], ['::/1', '8000::/1'], ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1']];
  test.each(whole)('EKS public_access_cidrs %s', (...cidrs) => {
    expect(reports(reviewWith(eks(cidrs)), 'aws-eks-endpoint-not-public', 'aws_eks_cluster.c')).toBe(true);
  });
  test.each(whole)('GKE master authorized networks %s', (...cidrs) => {
    expect(reports(reviewWith(gke(cidrs)), 'gcp-gke-control-plane-restricted', 'google_container_cluster.c')).toBe(true);
  });
  test.each(whole)('Cloud SQL authorized networks %s', (...cidrs) => {
    expect(reports(reviewWith(sql(cidrs)), 'gcp-sql-no-public-authorized-networks', 'google_sql_database_instance.db')).toBe(true);
  });
  test('a set that leaves part of the internet out is not public', () => {
    expect(reports(reviewWith(eks(['0.0.0.0/1', '128.0.0.0/2'])), 'aws-eks-endpoint-not-public', 'aws_eks_cluster.c')).toBe(false);
    expect(reports(reviewWith(gke(['10.0.0.0/8'])), 'gcp-gke-control-plane-restricted', 'google_container_cluster.c')).toBe(false);
  });
});

describe('IAM semantics: NotAction, NotResource and ARN wildcards are admin', () => {
  const ADMIN = 'aws-iam-no-wildcard-admin-policy';
  test.each([
    ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    ['NotResource', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit/*' }],
    ['an ARN of wildcards', { Effect: 'Allow', Action: '*', Resource: 'arn:*:*:*:*:*' }],
    ['an action of wildcards', { Effect: 'Allow', Action: '*:*', Resource: 'arn:aws:*:*:*:*' }],
    ['mixed case', { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] }],
  ])('%s', (_name, statement) => {
    expect(reports(reviewWith({ 'aws_iam_policy.p': { policy: policy(statement) } }), ADMIN, 'aws_iam_policy.p')).toBe(true);
  });
  test('a scoped policy is not admin', () => {
    expect(reports(reviewWith({ 'aws_iam_policy.p': { policy: policy({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }) } }), ADMIN, 'aws_iam_policy.p')).toBe(false);
  });
  test('a KMS key policy with NotAction for everyone is a wildcard policy', () => {
    const result = reviewWith({ 'aws_kms_key.k': { enable_key_rotation: true, policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' }) } });
    expect(reports(result, 'aws-kms-key-policy-no-wildcard', 'aws_kms_key.k')).toBe(true);
  });
});

describe('TLS-only bucket policies are evaluated as policies', () => {
  const TLS = 'aws-s3-tls-only';
  const withPolicy = (...statements: Array<Record<string, unknown>>) => reviewWith({
    'aws_s3_bucket.b': { bucket: 'b' },
    'aws_s3_bucket_policy.p': { bucket: '${aws_s3_bucket.b.id}', policy: policy(...statements) },
  });
  const denyInsecure = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

  test('a real TLS-only statement passes, in either value form', () => {
    expect(reports(withPolicy(denyInsecure), TLS, 'aws_s3_bucket.b')).toBe(false);
    expect(reports(withPolicy({ ...denyInsecure, Principal: { AWS: ['*'] }, Condition: { Bool: { 'aws:SecureTransport': ['false'] } } }), TLS, 'aws_s3_bucket.b')).toBe(false);
  });
  test.each([
    ['an unrelated Deny next to an Allow with the condition', [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]],
    ['a Deny of one action only', [{ ...denyInsecure, Action: 's3:GetObject' }]],
    ['a Deny for one principal only', [{ ...denyInsecure, Principal: { AWS: 'arn:aws:iam::123456789012:role/app' } }]],
    ['a Deny narrowed by another condition', [{ ...denyInsecure, Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }]],
    ['a Deny when TLS is used', [{ ...denyInsecure, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]],
    ['the condition spelled into a Sid', [{ Sid: 'aws:SecureTransport":"false', Effect: 'Deny', Principal: '*', Action: 's3:PutBucketAcl', Resource: '*' }]],
  ])('%s does not make the bucket TLS-only', (_name, statements) => {
    expect(reports(withPolicy(...(statements as Array<Record<string, unknown>>)), TLS, 'aws_s3_bucket.b')).toBe(true);
  });
});
