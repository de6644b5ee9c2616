import { evaluateCondition, evaluateRequest, IamPolicy, wildcardMatch } from '../../lib/contracts/private/iam';

const ROLE = '{s:aws_iam_role.reader#arn}';
const OBJECT = 'arn:aws:s3:::models/churn/12/model.tar.gz';
const KEY = '{s:aws_kms_key.models#key}';
const ctx = new Map<string, string[]>([['aws:securetransport', ['true']], ['kms:viaservice', ['s3.{region}.amazonaws.com']]]);
const request = (action: string, resource: string) => ({ principal: ROLE, action, resource, context: ctx });
const policy = (source: string, ...statements: IamPolicy['statements'][number][]): IamPolicy => ({ source, statements });

describe('IAM evaluation (AWS evaluation logic, one account)', () => {
  test('wildcards match IAM style: * spans slashes, ? one character, actions ignore case', () => {
    expect(wildcardMatch('arn:aws:s3:::models/*', OBJECT)).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::models/churn/1?/*', OBJECT)).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::model', OBJECT)).toBe(false);
    expect(wildcardMatch('S3:get*', 's3:GetObject', true)).toBe(true);
  });

  test('given an identity Allow on the prefix, reading an object under it is allowed', () => {
    const d = evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::models/churn/*' })], undefined, false);
    expect(d.decision).toBe('allowed');
  });

  test('given an Allow on another prefix or another action, it is denied (implicitly)', () => {
    expect(evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::models/fraud/*' })], undefined, false).decision).toBe('denied');
    expect(evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::models/*' })], undefined, false).decision).toBe('denied');
  });

  test('NotAction and NotResource are evaluated as complements', () => {
    expect(evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], undefined, false).decision).toBe('allowed');
    expect(evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::models/*' })], undefined, false).decision).toBe('denied');
  });

  test('an explicit Deny in the bucket policy wins over an identity Allow; a TLS-only Deny does not apply over TLS', () => {
    const allow = [policy('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::models/*' })];
    const denyAll = policy('bucket', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::models/*' });
    const tlsOnly = policy('bucket', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::models/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(evaluateRequest(request('s3:GetObject', OBJECT), allow, denyAll, false).decision).toBe('denied');
    expect(evaluateRequest(request('s3:GetObject', OBJECT), allow, tlsOnly, false).decision).toBe('allowed');
  });

  test('a bucket policy naming the role allows without an identity policy (same account)', () => {
    const bucket = policy('bucket', { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::models/*' });
    expect(evaluateRequest(request('s3:GetObject', OBJECT), [], bucket, false).decision).toBe('allowed');
  });

  test('KMS: an identity Allow counts only when the key policy delegates to the account', () => {
    const identity = [policy('p', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY })];
    const delegating = policy('key', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{account}:root' }, Action: 'kms:*', Resource: '*' });
    const adminsOnly = policy('key', { Effect: 'Allow', Principal: { AWS: '{s:aws_iam_role.admin#arn}' }, Action: 'kms:*', Resource: '*' });
    expect(evaluateRequest(request('kms:Decrypt', KEY), identity, delegating, true).decision).toBe('allowed');
    const denied = evaluateRequest(request('kms:Decrypt', KEY), identity, adminsOnly, true);
    expect(denied.decision).toBe('denied');
    expect(denied.reason).toMatch(/neither allows the role nor delegates/);
    expect(evaluateRequest(request('kms:Decrypt', KEY), [], delegating, true).decision).toBe('denied');
  });

  test('KMS: a key policy that names the role allows it with no identity policy, and kms:ViaService conditions are evaluated', () => {
    const viaS3 = policy('key', { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } });
    const viaRds = policy('key', { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'rds.{region}.amazonaws.com' } } });
    expect(evaluateRequest(request('kms:Decrypt', KEY), [], viaS3, true).decision).toBe('allowed');
    expect(evaluateRequest(request('kms:Decrypt', KEY), [], viaRds, true).decision).toBe('denied');
  });

  test('conditions on keys the request context does not model are unknown, never a silent pass', () => {
    expect(evaluateCondition({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, ctx)).toBe('unknown');
    const d = evaluateRequest(request('s3:GetObject', OBJECT), [policy('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } })], undefined, false);
    expect(d.decision).toBe('unknown');
  });
});
