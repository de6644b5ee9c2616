import { defineRule } from '../../rule';
import { companionsOf } from '../../support/companions';
import { anyStatement, deniesInsecureTransport, policyStatements } from '../../support/policy-document';
import { noteUnknown, UNKNOWN } from '../../values';

/**
 * Bucket policy denies requests without TLS: a statement that is Effect Deny, for Principal "*", on every S3 action, with
 * exactly Condition Bool aws:SecureTransport = false, read as a policy (not by matching text in it).
 */
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
    const { definite, uncertain } = companionsOf(resource, ctx, 'aws_s3_bucket_policy');
    for (const p of definite) {
      const statements = policyStatements(p.values.policy);
      if (statements === UNKNOWN) return [];
      if (anyStatement(statements, deniesInsecureTransport) !== false) return []; // true, or unknown (counted)
    }
    if (uncertain) {
      noteUnknown();
      return [];
    }
    return ['no bucket policy denies every non-TLS request (Deny s3:* for Principal "*" when aws:SecureTransport is false)'];
  },
});
