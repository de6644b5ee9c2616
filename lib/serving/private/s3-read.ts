import { Token } from 'cdktf';
import { PolicyStatement } from '../../core/iam';

/** Splits `s3://bucket/key/prefix` into bucket and key prefix; undefined for other schemes or tokens. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  if (Token.isUnresolved(uri)) return undefined;
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  return m ? { bucket: m[1], prefix: m[2] ?? '' } : undefined;
}

/**
 * IAM statements to read the objects under each `s3://bucket/prefix` (listing only those prefixes) and
 * decrypt them with the given keys.
 */
export function s3ReadStatements(partition: string, uris: readonly string[], kmsKeyArns: readonly string[] = []): PolicyStatement[] {
  const parsed = uris.map(parseS3Uri).filter((x): x is { bucket: string; prefix: string } => x !== undefined);
  const buckets = [...new Set(parsed.map((p) => p.bucket))].sort();
  const keys = [...new Set(kmsKeyArns)];
  return [
    ...buckets.map((bucket): PolicyStatement => ({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': parsed.filter((p) => p.bucket === bucket).map((p) => `${p.prefix}*`) } },
    })),
    ...(parsed.length ? [{ Effect: 'Allow' as const, Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: parsed.map((p) => `arn:${partition}:s3:::${p.bucket}/${p.prefix}*`) }] : []),
    ...(keys.length ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: keys }] : []),
  ];
}
