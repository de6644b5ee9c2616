import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
// Deep imports only: the provider package root costs seconds to load.
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Governance } from '../../lib/governance/governance';
import { ReviewResult } from '../../lib/governance/model';
import { reviewPlan, reviewSynthesizedFolder, reviewTerraformJson } from '../../lib/governance/review';
import { formatFinding } from '../../lib/governance/reports/format';
import { TRAINING_OPTIONS, trainingPlan, trainingStack } from './fixtures/training-stack';

const keys = (r: ReviewResult): string[] => r.findings.map((f) => `${f.ruleId}@${f.address}`).sort();

describe('same findings at synth, over cdk.tf.json and over a plan', () => {
  const { stack } = trainingStack();
  Governance.of(stack).addPack('ml-guardrails').configure({ parameters: { maxAcceleratorsPerPool: 16 } });
  const atSynth = Governance.of(stack).review();
  const asJson = reviewTerraformJson(JSON.parse(Testing.synth(stack)), TRAINING_OPTIONS);
  const asPlan = reviewPlan(trainingPlan(), TRAINING_OPTIONS);

  test('the synth-time review finds the deliberate violations', () => {
    expect(keys(atSynth)).toEqual(expect.arrayContaining([
      'aws-s3-public-access-blocked@aws_s3_bucket.data',
      'aws-eks-endpoint-not-public@aws_eks_cluster.train',
      'aws-eks-node-group-imdsv2-required@aws_eks_node_group.gpu',
      'ml-accelerator-pool-tainted@aws_eks_node_group.gpu',
      'ml-accelerator-budget-per-pool@aws_eks_node_group.gpu',
      'aws-rds-storage-encrypted@aws_db_instance.db',
      'aws-rds-no-plaintext-password@aws_db_instance.db',
    ]));
    // Compliant parts stay quiet: KMS SSE via a reference, secrets encryption via a reference, encrypted volumes.
    expect(keys(atSynth)).not.toContain('aws-s3-encrypted-with-kms@aws_s3_bucket.data');
    expect(keys(atSynth)).not.toContain('aws-eks-secrets-encrypted@aws_eks_cluster.train');
    expect(keys(atSynth)).not.toContain('aws-eks-node-group-volumes-encrypted@aws_eks_node_group.gpu');
    expect(keys(atSynth)).not.toContain('aws-kms-key-rotation@aws_kms_key.key');
  });

  test('cdk.tf.json review equals the synth review', () => {
    expect(keys(asJson)).toEqual(keys(atSynth));
  });

  test('plan review equals the synth review', () => {
    // A plan carries no lifecycle block: the configuration-only rule is left to plan-stateful-resource-destroyed there.
    const configurationOnly = (k: string) => !k.startsWith('ml-stateful-resource-protected@');
    expect(keys(asPlan)).toEqual(keys(atSynth).filter(configurationOnly));
    expect(keys(atSynth)).toContain('ml-stateful-resource-protected@aws_kms_key.key');
  });

  test('resources reviewed and skipped agree across inputs', () => {
    expect(asPlan.summary.resourcesReviewed).toBe(atSynth.summary.resourcesReviewed);
    expect(asJson.skippedResourceTypes).toEqual(atSynth.skippedResourceTypes);
  });

  test('synth-time findings carry the construct path', () => {
    expect(atSynth.findings.find((f) => f.address === 'aws_eks_cluster.train')?.constructPath).toBe('training/train');
  });
});

describe('Governance at synth time', () => {
  test('error findings fail Testing.synth with the CLI text', () => {
    const { stack } = trainingStack();
    const governance = Governance.of(stack);
    const expected = governance.review().findings.find((f) => f.ruleId === 'aws-eks-endpoint-not-public')!;
    expect(() => Testing.synth(stack, true)).toThrow(formatFinding(expected));
  });

  test('app.synth() throws on error findings', () => {
    const { app, stack } = trainingStack(fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-synth-')));
    Governance.of(stack);
    expect(() => app.synth()).toThrow(/aws-eks-endpoint-not-public aws_eks_cluster.train/);
  });

  test('warnings become annotations on the construct, once, and synth succeeds without errors', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-synth-'));
    const { app, stack, cluster } = trainingStack(outdir);
    const governance = Governance.of(stack).configure({ severityOverrides: {
      'aws-s3-public-access-blocked': 'warning', 'aws-eks-endpoint-not-public': 'warning', 'aws-eks-node-group-imdsv2-required': 'warning',
      'aws-rds-storage-encrypted': 'warning', 'aws-rds-no-plaintext-password': 'warning',
    } });
    expect(governance).toBe(Governance.of(cluster));
    Testing.synth(stack, true);
    app.synth();
    const warnings = cluster.node.metadata.filter((m) => m.type === '@cdktf/warn' && String(m.data).includes('aws-eks-endpoint-not-public'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].data)).toMatch(/^\[warning\] aws-eks-endpoint-not-public aws_eks_cluster.train \(training\/train\)/);
    // The folder written by synth reviews to the same findings.
    expect(keys(reviewSynthesizedFolder(outdir, governance.options()))).toEqual(keys(governance.review()));
  });

  test('unknown packs and rule ids are rejected', () => {
    const { stack } = trainingStack();
    expect(() => Governance.of(stack).addPack('nope' as never)).toThrow(/unknown governance pack 'nope'/);
    expect(() => Governance.of(stack).configure({ disabledRules: ['aws-nope'] })).toThrow(/unknown rule id 'aws-nope'/);
  });
});

describe('Kubernetes workloads synthesized by cdktf', () => {
  test('pod specs are found at every nesting, whatever block shape cdktf renders', () => {
    const stack = new TerraformStack(Testing.app(), 'workloads');
    new KubernetesProvider(stack, 'k8s', { configPath: '~/.kube/config' });
    const ns = new NamespaceV1(stack, 'ml', { metadata: { name: 'ml', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    const container = { name: 'trainer', image: 'trainer:latest', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } };
    new DeploymentV1(stack, 'serve', {
      metadata: { name: 'serve', namespace: ns.metadata.name },
      spec: { selector: { matchLabels: { app: 'serve' } }, template: { metadata: { labels: { app: 'serve' } }, spec: { hostNetwork: true, container: [container] } } },
    });
    new CronJobV1(stack, 'nightly', {
      metadata: { name: 'nightly', namespace: 'ml' },
      spec: { schedule: '0 0 * * *', jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { container: [container] } } } } },
    });
    const governance = Governance.of(stack);
    const found = keys(governance.review());
    for (const address of ['kubernetes_deployment_v1.serve', 'kubernetes_cron_job_v1.nightly']) {
      expect(found).toEqual(expect.arrayContaining([
        `k8s-no-privileged-containers@${address}`, `k8s-no-dangerous-capabilities@${address}`, `k8s-image-tag-pinned@${address}`,
        `k8s-resource-limits-set@${address}`, `k8s-run-as-non-root@${address}`, `k8s-no-privilege-escalation@${address}`,
      ]));
    }
    expect(found).toContain('k8s-no-host-namespaces@kubernetes_deployment_v1.serve');
    // The deployment's namespace is a reference to the namespace resource: resolved through the reference index.
    expect(found).toContain('k8s-namespace-has-network-policy@kubernetes_namespace_v1.ml');
    expect(found).not.toContain('k8s-namespace-pod-security-enforced@kubernetes_namespace_v1.ml');
    expect(keys(reviewTerraformJson(JSON.parse(Testing.synth(stack)), {}))).toEqual(found);
  });
});
