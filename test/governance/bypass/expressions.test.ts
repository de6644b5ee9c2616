import { policy } from '../helpers';
import { bucketWithBlock, reports, reviewWith, unknownFor } from './helpers';

const PAB = 'aws-s3-public-access-blocked';
const ADMIN = 'aws-iam-no-wildcard-admin-policy';
const adminStatement = '{"Effect" = "Allow", "Action" = "*", "Resource" = "*"}';

describe('expressions cdktf emits are evaluated, not waved through as unknown', () => {
  test.each([
    ['a literal in an interpolation', '${false}'],
    ['tobool of a string', '${tobool("false")}'],
    ['tobool of "0"', '${tobool("0")}'],
    ['coalesce of literals', '${coalesce("", "false")}'],
    ['a conditional on literals', '${1 == 2 ? true : false}'],
    ['a variable with a default', '${var.block}'],
    ['a local', '${local.block}'],
  ])('%s that is false fails the public access block rule', (_name, expression) => {
    const result = reviewWith(bucketWithBlock({ block_public_policy: expression }), { variable: { block: { type: 'bool', default: false } }, locals: { block: false } });
    expect(reports(result, PAB, 'aws_s3_bucket.b')).toBe(true);
  });

  test('the same expressions evaluating to true pass', () => {
    const result = reviewWith(bucketWithBlock({ block_public_acls: '${tobool("true")}', block_public_policy: '${true}', ignore_public_acls: '${var.on}', restrict_public_buckets: '${coalesce(local.on, false)}' }),
      { variable: { on: { default: true } }, locals: { on: true } });
    expect(reports(result, PAB, 'aws_s3_bucket.b')).toBe(false);
    expect(unknownFor(result, PAB, 'aws_s3_bucket.b')).toBe(false);
  });

  test('Fn.jsonencode of an admin policy is an admin policy', () => {
    const result = reviewWith({ 'aws_iam_policy.p': { policy: `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${adminStatement}]})}` } });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(true);
  });

  test('jsonencode with a reference elsewhere in the document still shows the admin statement', () => {
    const doc = `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${adminStatement}, {"Effect" = "Allow", "Action" = "s3:GetObject", "Resource" = aws_s3_bucket.b.arn}]})}`;
    const result = reviewWith({ 'aws_s3_bucket.b': { bucket: 'b' }, 'aws_iam_policy.p': { policy: doc } });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(true);
  });

  test('a JSON policy string with interpolations (JSON.stringify of tokens) keeps its literal statements', () => {
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b.arn}/*"}]}';
    const result = reviewWith({ 'aws_s3_bucket.b': { bucket: 'b' }, 'aws_iam_policy.p': { policy: doc } });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(true);
    // A scoped statement with an unknown ARN is decided, not unknown: its actions are not all actions.
    const scoped = reviewWith({ 'aws_s3_bucket.b': { bucket: 'b' }, 'aws_iam_policy.p': { policy: '{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"${aws_s3_bucket.b.arn}"}]}' } });
    expect(reports(scoped, ADMIN, 'aws_iam_policy.p')).toBe(false);
    expect(unknownFor(scoped, ADMIN, 'aws_iam_policy.p')).toBe(false);
  });

  test('data.aws_iam_policy_document renders to the policy JSON rules read', () => {
    const data = { aws_iam_policy_document: { admin: { statement: [{ actions: ['*'], resources: ['*'] }] } } };
    const result = reviewWith({ 'aws_iam_role_policy.p': { role: 'r', policy: '${data.aws_iam_policy_document.admin.json}' } }, { data });
    expect(reports(result, ADMIN, 'aws_iam_role_policy.p')).toBe(true);
  });

  test('a policy document that is not admin passes', () => {
    const data = { aws_iam_policy_document: { read: { statement: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }] } } };
    const result = reviewWith({ 'aws_iam_policy.p': { policy: '${data.aws_iam_policy_document.read.json}' } }, { data });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(false);
  });

  test('a local list of CIDRs is read as the list it is', () => {
    const result = reviewWith({ 'aws_eks_cluster.c': { name: 'c', role_arn: 'r', vpc_config: { subnet_ids: ['s'], public_access_cidrs: '${local.cidrs}' } } }, { locals: { cidrs: ['0.0.0.0/0'] } });
    expect(reports(result, 'aws-eks-endpoint-not-public', 'aws_eks_cluster.c')).toBe(true);
  });

  test('a value that depends on apply is counted as unknown per rule, not passed silently', () => {
    const result = reviewWith({ 'aws_db_instance.db': { engine: 'postgres', publicly_accessible: '${var.public}', storage_encrypted: true } }, { variable: { public: { type: 'bool' } } });
    expect(reports(result, 'aws-rds-not-publicly-accessible', 'aws_db_instance.db')).toBe(false);
    expect(unknownFor(result, 'aws-rds-not-publicly-accessible', 'aws_db_instance.db')).toBe(true);
    expect(result.summary.unknownByRule?.['aws-rds-not-publicly-accessible']).toBe(1);
    expect(result.summary.unknown).toBeGreaterThanOrEqual(1);
  });

  test('an admin statement whose resource is unknown is counted as unknown', () => {
    const doc = '${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = "*", "Resource" = aws_s3_bucket.b.arn}]})}';
    const result = reviewWith({ 'aws_s3_bucket.b': { bucket: 'b' }, 'aws_iam_policy.p': { policy: doc } });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(false);
    expect(unknownFor(result, ADMIN, 'aws_iam_policy.p')).toBe(true);
  });

  test('escaped $${ stays literal text and literal policies still parse', () => {
    const result = reviewWith({ 'aws_iam_policy.p': { policy: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) } });
    expect(reports(result, ADMIN, 'aws_iam_policy.p')).toBe(true);
  });
});
