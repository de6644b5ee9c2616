/**
 * The platform's wires, checked at synth: every example holds its contracts, and breaking one of each kind in
 * the serving example (a grant, a label, a quota, an ordering) fails `cdktf synth` with a message naming both
 * ends, what is missing and the fix.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { contractsOf, evaluateContracts } from '../../lib/contracts/evaluate';
import { readSynthesizedFolder, stackDependencies } from '../../lib/governance/synth-folder';
import { reviewSynthesizedFolder } from '../../lib/governance/review';

/** Synthesizes an app; returns the folder's contract evaluation (the same as `ml-platform review`), or the synth error. */
function synthesize(build: (app: App) => void, breakIt?: (app: App) => void): { error?: string; evaluated: number; findings: string[]; review?: ReturnType<typeof reviewSynthesizedFolder> } {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-wiring-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    build(app);
    breakIt?.(app);
    try {
      app.synth();
    } catch (e) {
      return { error: (e as Error).message, evaluated: 0, findings: [] };
    }
    const stacks = readSynthesizedFolder(outdir);
    const result = evaluateContracts(stacks, { dependencies: stackDependencies(outdir) });
    return { evaluated: result.evaluated, findings: result.findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`), review: reviewSynthesizedFolder(outdir) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The one resource whose construct path ends with `suffix`. */
function find(app: App, suffix: string): TerraformResource {
  const found = app.node.findAll().filter((c: IConstruct): c is TerraformResource => c instanceof TerraformResource && c.node.path.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one resource at *${suffix}, found ${found.map((f) => f.node.path).join(', ') || 'none'}`);
  return found[0];
}

describe('every example holds its contracts', () => {
  test.each([
    ['hybrid-platform', (app: App) => { buildHybridPlatform(app); }],
    ['serving', (app: App) => { buildServingExample(app); }],
    ['data-platform', (app: App) => { buildDataPlatformExample(app); }],
  ])('%s: synthesizes with contracts recorded and zero contract findings, in synth and in the folder review', (_name, build) => {
    const r = synthesize(build);
    expect(r.error).toBeUndefined();
    expect(r.evaluated).toBeGreaterThan(0);
    expect(r.findings).toEqual([]);
    expect(r.review!.findings.filter((f) => f.ruleId.startsWith('contract-'))).toEqual([]);
  });

  test('the reference platform records permission, network and capacity wires', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mlp-wiring-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      buildHybridPlatform(app);
      app.synth();
      const kinds = readSynthesizedFolder(outdir).flatMap((s) => contractsOf(s.json).map((c) => c.kind));
      for (const kind of ['aws-permission', 'network', 'capacity', 'capacity-supply']) expect(kinds).toContain(kind);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('breaking a wire fails synth with what is missing and the fix', () => {
  const serving = (app: App) => { buildServingExample(app); };

  test('permission: the SageMaker execution role loses the registry grant', () => {
    const r = synthesize(serving, (app) => find(app, 'churn/execution-grants/policy-read-artifacts-models').addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [] })));
    expect(r.error).toMatch(/\[error\] contract-permission aws_iam_role\.churn_execution-role_\w+ \(serving-aws\/churn\): serving-aws\/churn → serving-aws\/models \(model artifacts of churn v\d+\): role .* is not allowed s3:GetObject on arn:aws:s3:::/);
    expect(r.error).toMatch(/Fix: serve it with ModelArtifact.fromRegistry so .* grants the reader its objects and key/);
  });

  test('permission: a grant without kms:Decrypt is caught on the key', () => {
    const r = synthesize(serving, (app) => {
      const policy = find(app, 'churn/execution-grants/policy-read-artifacts-models');
      policy.addOverride('policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }));
    });
    expect(r.error).toMatch(/contract-permission .* is not allowed kms:Decrypt on key aws_kms_key\.models_kms_key_\w+/);
  });

  test('network: the Feast server no longer admits the endpoint namespace', () => {
    const r = synthesize(serving, (app) => find(app, 'feast/client-namespace-serving').addOverride('spec.ingress.0.from.0.namespace_selector.match_labels', { 'kubernetes.io/metadata.name': 'web' }));
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_deployment_v1\.churn_(stable|canary)_deployment_\w+ \(serving-onprem\/churn\): serving-onprem\/churn → serving-onprem\/feast \(online features\): ingress to mlops pods .* on port 6566 is admitted by none of mlops\/allow-same-namespace-ingress, mlops\/feast-server-ingress, mlops\/feast-from-serving for serving pods .*feast.ml-platform.io\/feast-client=true/);
    expect(r.error).toMatch(/Fix: pass the store as featureStore/);
  });

  test('network: the server requires a client label the endpoint pods do not carry', () => {
    const r = synthesize(serving, (app) => find(app, 'feast/client-namespace-serving').addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { 'feast.ml-platform.io/other-client': 'true' }));
    expect(r.error).toMatch(/contract-network .* is admitted by none of mlops\/allow-same-namespace-ingress, mlops\/feast-server-ingress, mlops\/feast-from-serving/);
  });

  test('configuration: the model server loses its MLflow settings', () => {
    const r = synthesize(serving, (app) => find(app, 'churn/canary/deployment').addOverride('spec.template.spec.container', [{
      name: 'model-server', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-server@sha256:${'c'.repeat(64)}`,
      env: [{ name: 'MODEL_URI', value: 'models:/churn/4' }, { name: 'MLFLOW_TRACKING_PASSWORD', value: 'not-a-secret-ref' }],
    }]));
    expect(r.error).toMatch(/\[error\] contract-configuration kubernetes_deployment_v1\.churn_canary_deployment_\w+ \(serving-onprem\/churn\): serving-onprem\/churn → serving-onprem\/mlflow \(model churn v4 from MLflow\): container model-server of \S+ has no MLFLOW_TRACKING_URI/);
    expect(r.error).toMatch(/sets MLFLOW_TRACKING_PASSWORD as a literal; it is a credential and must come from a Secret/);
  });

  test('capacity: the serving team quota shrinks below what the endpoint scales to', () => {
    const r = synthesize(serving, (app) => find(app, 'cluster/teams/serving-quota').addOverride('spec.hard', { 'requests.nvidia.com/gpu': '4' }));
    expect(r.error).toMatch(/\[error\] contract-capacity .*: namespace serving may use 4 nvidia.com\/gpu .* 8 in all.* Fix: raise the team's quota to at least 8/);
  });

  test('order: the Feast apply Job no longer waits for its identity', () => {
    const r = synthesize(serving, (app) => { find(app, 'feast/apply').dependsOn = []; });
    expect(r.error).toMatch(/\[error\] contract-order kubernetes_job_v1\.feast_apply_\w+ \(serving-onprem\/feast\): .*can be created before kubernetes_service_account_v1\./);
  });
});
