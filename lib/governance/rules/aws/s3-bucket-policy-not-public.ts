import { GovernedResource } from '../../model';
import { defineRule } from '../../rule';
import { isUnknown, jsonDocument, UNKNOWN } from '../../values';

/**
 * Condition keys that pin a statement to known callers: with a fixed value for one of them S3 does not treat the
 * policy as public (S3 Block Public Access, "The meaning of public"). Compared case-insensitively, as IAM does.
 */
const RESTRICTING_KEYS = [
  'aws:sourcearn', 'aws:sourceaccount', 'aws:sourceowner', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceip', 'aws:sourceorgid', 'aws:sourceorgpaths',
  'aws:principalarn', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:userid',
  's3:dataaccesspointarn', 's3:dataaccesspointaccount',
];
const PUBLIC_CIDRS = ['0.0.0.0/0', '::/0'];

type Statement = Record<string, unknown>;

/** Principal "*" or {"AWS": "*"} (any account, anonymous included), or an Allow with NotPrincipal (everyone but a few). */
function grantsEveryone(s: Statement): boolean {
  if ('NotPrincipal' in s) return true;
  const p = s.Principal;
  if (isUnknown(p)) return false;
  if (p === '*') return true;
  if (typeof p !== 'object' || p === null) return false;
  const aws = (p as Record<string, unknown>).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

/** Whether the statement's Condition pins the caller with a fixed value (a wildcard or the whole internet does not). */
function conditionRestrictsCaller(s: Statement): boolean {
  const condition = s.Condition;
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [operator, entries] of Object.entries(condition as Record<string, unknown>)) {
    if (/IfExists$/i.test(operator) || /^(StringNotEquals|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress|Null)/i.test(operator)) continue;
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      if (!RESTRICTING_KEYS.includes(key.toLowerCase())) continue;
      const raw = Array.isArray(value) ? value : [value];
      // A value known only at apply (a VPC endpoint id from a reference) pins the caller as far as review can tell.
      if (raw.some(isUnknown)) return true;
      const values = raw.filter((v): v is string => typeof v === 'string');
      if (values.length === 0) continue;
      if (values.some((v) => v === '*' || PUBLIC_CIDRS.includes(v))) continue;
      return true;
    }
  }
  return false;
}

function statementsOf(resource: GovernedResource): Statement[] | typeof UNKNOWN {
  const doc = jsonDocument(resource.values.policy);
  if (doc === UNKNOWN) return UNKNOWN;
  if (typeof doc !== 'object' || doc === null) return [];
  const raw = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.filter((s): s is Statement => typeof s === 'object' && s !== null);
}

/**
 * Bucket policies grant nothing to everyone: no Allow to Principal "*" / {"AWS": "*"} or with NotPrincipal, unless a
 * Condition pins the caller (source VPC endpoint, account, organization, ARN or IP range). The public access block
 * would refuse such a policy only when block_public_policy is on; this rule reads the policy itself.
 */
export const s3BucketPolicyNotPublic = defineRule({
  id: 'aws-s3-bucket-policy-not-public',
  severity: 'error',
  category: 'public-exposure',
  description: 'S3 bucket policies do not allow actions to Principal "*" (or with NotPrincipal) without a Condition pinning the caller.',
  remediation: 'Name the principals (account, role ARNs) in the Allow statement, or add a Condition on aws:SourceVpce, aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn.',
  references: ['CKV_AWS_70'],
  appliesTo: ['aws_s3_bucket_policy', 'aws_s3_bucket'],
  packs: ['baseline'],
  evaluate(resource) {
    // aws_s3_bucket has a deprecated inline `policy`; the companion aws_s3_bucket_policy is the usual place.
    const statements = statementsOf(resource);
    if (statements === UNKNOWN) return [];
    return statements
      .filter((s) => (s.Effect ?? 'Allow') === 'Allow' && grantsEveryone(s) && !conditionRestrictsCaller(s))
      .map((s) => `statement${typeof s.Sid === 'string' ? ` "${s.Sid}"` : ''} allows ${JSON.stringify(s.Action ?? s.NotAction)} to ${'NotPrincipal' in s ? 'everyone but NotPrincipal' : 'Principal "*"'} without a Condition pinning the caller`);
  },
});
