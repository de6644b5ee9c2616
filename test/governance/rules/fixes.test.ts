import { ALL_RULES } from '../../../lib/governance/rules';
import { findingKeys, review } from '../helpers';

const K8S = { kubernetes: [{ config_path: '~/.kube/config' }] };
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/';

describe('dynamic blocks in cdk.tf.json are read like static ones', () => {
  const cluster = (extra: Record<string, unknown>): Record<string, unknown> => ({
    name: 'train', role_arn: 'arn:aws:iam::1:role/eks', vpc_config: { subnet_ids: ['s'], endpoint_public_access: false }, ...extra,
  });

  test('a block written with dynamic is present (no false "missing" finding)', () => {
    const result = review({
      'aws_eks_cluster.main': cluster({
        dynamic: { encryption_config: { for_each: '${var.kms_keys}', content: { resources: ['secrets'], provider: { key_arn: '${encryption_config.value}' } } } },
      }),
    });
    expect(findingKeys(result)).not.toContain('aws-eks-secrets-encrypted@aws_eks_cluster.main');
  });

  test('a literal violation inside dynamic content is reported', () => {
    const container = { name: 'app', image: 'r/app:1', security_context: { privileged: true } };
    const result = review({
      'kubernetes_deployment_v1.app': {
        metadata: { name: 'app', namespace: 'ml' },
        spec: { template: { spec: { dynamic: { container: { for_each: '${var.containers}', content: container } } } } },
      },
    }, {}, K8S);
    expect(findingKeys(result)).toContain('k8s-no-privileged-containers@kubernetes_deployment_v1.app');
  });

  test('a literal empty for_each creates no block', () => {
    const result = review({
      'aws_eks_cluster.main': cluster({ dynamic: { encryption_config: { for_each: [], content: { resources: ['secrets'], provider: { key_arn: 'arn:k' } } } } }),
    });
    expect(findingKeys(result)).toContain('aws-eks-secrets-encrypted@aws_eks_cluster.main');
  });
});

test('the IMDSv2 rule no longer tells users to open the hop limit to 2', () => {
  const rule = ALL_RULES.find((r) => r.id === 'aws-eks-node-group-imdsv2-required')!;
  expect(rule.remediation).toMatch(/http_put_response_hop_limit = 1/);
  expect(rule.remediation).not.toMatch(/hop_limit = 2/);
});

test('an S3 bucket\'s inline policy (deprecated policy argument) is read too', () => {
  const statement = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::d/*' };
  const result = review({ 'aws_s3_bucket.d': { bucket: 'd', policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) } });
  expect(findingKeys(result)).toContain('aws-s3-bucket-policy-not-public@aws_s3_bucket.d');
});

test('every workload image is checked against approved registries, each image once', () => {
  const options = { parameters: { approvedRegistries: [ECR] } };
  const serving = {
    metadata: { name: 'serve', namespace: 'serving' },
    spec: { template: { metadata: { labels: { 'app.kubernetes.io/component': 'inference' } }, spec: {
      init_container: [{ name: 'fetch', image: 'docker.io/library/busybox:1.36' }], container: [{ name: 'model', image: 'docker.io/acme/model:3' }],
    } } },
  };
  const result = review({ 'kubernetes_deployment_v1.serve': serving }, options, K8S);
  const messages = result.findings.filter((f) => /approved-registry/.test(f.ruleId)).map((f) => `${f.ruleId}: ${f.message}`);
  expect(messages.sort()).toEqual([
    'ml-serving-image-approved-registry: container "model" image docker.io/acme/model:3 is not from an approved registry',
    'ml-serving-image-approved-registry: init_container "fetch" image docker.io/library/busybox:1.36 is not from an approved registry',
  ]);
  const feast = { metadata: { name: 'feast', namespace: 'features' }, spec: { template: { spec: { container: [{ name: 'feature-server', image: 'quay.io/feastdev/feature-server:0.53.0' }] } } } };
  expect(findingKeys(review({ 'kubernetes_deployment_v1.feast': feast }, options, K8S))).toContain('ml-image-approved-registry@kubernetes_deployment_v1.feast');
  expect(findingKeys(review({ 'kubernetes_deployment_v1.feast': feast }, {}, K8S))).not.toContain('ml-image-approved-registry@kubernetes_deployment_v1.feast');
});

test('a bucket policy condition pinned to a value known only at apply is not public', () => {
  const result = review({
    'aws_s3_bucket.d': { bucket: 'd' },
    'aws_s3_bucket_policy.d': {
      bucket: '${aws_s3_bucket.d.id}',
      policy: '${jsonencode({"Statement" = [{"Effect" = "Allow", "Principal" = "*", "Action" = "s3:GetObject", "Resource" = "arn:aws:s3:::d/*", "Condition" = {"StringEquals" = {"aws:SourceVpce" = aws_vpc_endpoint.s3.id}}}]})}',
    },
  });
  expect(findingKeys(result)).not.toContain('aws-s3-bucket-policy-not-public@aws_s3_bucket_policy.d');
});
