import { defineRule } from '../../rule';
import { bucketCompanions } from '../../support/companions';
import { jsonDocument, UNKNOWN } from '../../values';

/** Bucket policy denies requests without TLS (Condition Bool aws:SecureTransport = false). */
export const s3TlsOnly = defineRule({
  id: 'aws-s3-tls-only',
  severity: 'warning',
  category: 'encryption-in-transit',
  description: 'S3 bucket policy denies requests that do not use TLS.',
  remediation: 'Add aws_s3_bucket_policy with a Deny statement for "s3:*" on the bucket and its objects with Condition { Bool = { "aws:SecureTransport" = "false" } }.',
  references: ['CKV_AWS_379', 'CIS AWS 3.0 2.1.1'],
  appliesTo: ['aws_s3_bucket'],
  companions: ['aws_s3_bucket_policy'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const policies = bucketCompanions(resource, ctx, 'aws_s3_bucket_policy');
    for (const p of policies) {
      const doc = jsonDocument(p.values.policy);
      if (doc === UNKNOWN) return [];
      const text = JSON.stringify(doc ?? {});
      if (/"Effect":"Deny"/.test(text) && /aws:SecureTransport"?:"?false/.test(text)) return [];
    }
    return ['no bucket policy denies non-TLS requests (aws:SecureTransport = false)'];
  },
});
