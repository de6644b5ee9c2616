import { bucketWithBlock, reports, reviewWith, unknownFor } from './helpers';

const PAB = 'aws-s3-public-access-blocked';
const flags = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };

describe('companion resources match the exact bucket instance', () => {
  test('a public access block with count = 0 protects nothing', () => {
    const result = reviewWith(bucketWithBlock({ count: 0 }));
    expect(reports(result, PAB, 'aws_s3_bucket.b')).toBe(true);
  });

  test('a block for instance [0] does not cover instance [1]', () => {
    const result = reviewWith({
      'aws_s3_bucket.b': { count: 2, bucket: 'b-${count.index}' },
      'aws_s3_bucket_public_access_block.p': { bucket: '${aws_s3_bucket.b[0].id}', ...flags },
    });
    expect(reports(result, PAB, 'aws_s3_bucket.b[0]')).toBe(false);
    expect(reports(result, PAB, 'aws_s3_bucket.b[1]')).toBe(true);
  });

  test('count.index pairs each block with its own bucket', () => {
    const result = reviewWith({
      'aws_s3_bucket.b': { count: 2, bucket: 'b-${count.index}' },
      'aws_s3_bucket_public_access_block.p': { count: 2, bucket: '${aws_s3_bucket.b[count.index].id}', ...flags },
    });
    expect(result.findings.filter((f) => f.ruleId === PAB)).toEqual([]);
  });

  test('for_each keys pair blocks with buckets; a missing key is reported', () => {
    const result = reviewWith({
      'aws_s3_bucket.b': { for_each: '${toset(["raw", "features"])}', bucket: 'ml-${each.key}' },
      'aws_s3_bucket_public_access_block.p': { for_each: '${toset(["raw"])}', bucket: '${aws_s3_bucket.b[each.key].id}', ...flags },
    });
    expect(reports(result, PAB, 'aws_s3_bucket.b["raw"]')).toBe(false);
    expect(reports(result, PAB, 'aws_s3_bucket.b["features"]')).toBe(true);
  });

  test('a block whose bucket is a coalesce of several buckets covers neither', () => {
    const result = reviewWith({
      'aws_s3_bucket.a': { bucket: 'a' },
      'aws_s3_bucket.b': { bucket: 'b' },
      'aws_s3_bucket_public_access_block.p': { bucket: '${coalesce(aws_s3_bucket.a.id, aws_s3_bucket.b.id)}', ...flags },
    });
    for (const bucket of ['aws_s3_bucket.a', 'aws_s3_bucket.b']) expect(reports(result, PAB, bucket)).toBe(true);
  });

  test('a block on a different bucket name that mentions the bucket does not cover it', () => {
    const result = reviewWith(bucketWithBlock({ bucket: '${aws_s3_bucket.b.id}-logs' }));
    expect(reports(result, PAB, 'aws_s3_bucket.b')).toBe(true);
  });

  test('a block whose bucket is unknown until apply makes the bucket unknown, not unprotected', () => {
    const result = reviewWith(bucketWithBlock({ bucket: '${var.bucket}' }), { variable: { bucket: { type: 'string' } } });
    expect(reports(result, PAB, 'aws_s3_bucket.b')).toBe(false);
    expect(unknownFor(result, PAB, 'aws_s3_bucket.b')).toBe(true);
  });

  test('versioning, encryption and logging companions follow the same matching', () => {
    const result = reviewWith({
      'aws_s3_bucket.b': { count: 2, bucket: 'b-${count.index}' },
      'aws_s3_bucket_versioning.v': { bucket: '${aws_s3_bucket.b[0].id}', versioning_configuration: { status: 'Enabled' } },
      'aws_s3_bucket_logging.l': { count: 0, bucket: '${aws_s3_bucket.b[1].id}', target_bucket: 'logs' },
    });
    expect(reports(result, 'aws-s3-versioning-enabled', 'aws_s3_bucket.b[0]')).toBe(false);
    expect(reports(result, 'aws-s3-versioning-enabled', 'aws_s3_bucket.b[1]')).toBe(true);
    expect(reports(result, 'aws-s3-access-logging', 'aws_s3_bucket.b[1]')).toBe(true);
  });
});
