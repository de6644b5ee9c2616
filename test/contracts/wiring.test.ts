/**
 * The platform's wires, checked at synth: every example holds its contracts, and breaking one of each kind in
 * the serving example (a grant, a label, a quota, an ordering) fails `cdktf synth` with a message naming both
 * ends, what is missing and the fix.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { buildRetrainingExample } from '../../examples/retraining/stacks';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { ArgoRetrainingPipeline } from '../../lib/retraining/argo';
import { GkeTrainingCluster } from '../../lib/training/gke';
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
    ['retraining', (app: App) => { buildRetrainingExample(app); }],
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
    const r = synthesize(serving, (app) => find(app, 'feast/from-serving-05cae3d5').addOverride('spec.ingress.0.from.0.namespace_selector.match_labels', { 'kubernetes.io/metadata.name': 'web' }));
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_deployment_v1\.churn_(stable|canary)_deployment_\w+ \(serving-onprem\/churn\): serving-onprem\/churn → serving-onprem\/feast \(online features\): ingress to mlops pods .* on port 6566 is admitted by none of mlops\/allow-same-namespace-ingress, mlops\/feast-server-ingress, mlops\/feast-from-serving-05cae3d5 for serving pods .*feast.ml-platform.io\/feast-client=true/);
    expect(r.error).toMatch(/Fix: pass the store as featureStore/);
  });

  test('network: the server requires a client label the endpoint pods do not carry', () => {
    const r = synthesize(serving, (app) => find(app, 'feast/from-serving-05cae3d5').addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { 'feast.ml-platform.io/other-client': 'true' }));
    expect(r.error).toMatch(/contract-network .* is admitted by none of mlops\/allow-same-namespace-ingress, mlops\/feast-server-ingress, mlops\/feast-from-serving-05cae3d5/);
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

  // The mlops team namespace admits its own pods (TeamQuotas' allow-same-namespace-ingress); these wires must hold
  // where it does not, on the stores' own policies, so that policy first admits only pods no workload carries.
  // (cdktf merges an override into a list element, so selectors are narrowed by adding a label, not replaced.)
  const isolateMlops = (app: App) => find(app, 'cluster/teams/mlops-same-namespace').addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { isolated: 'true' });

  test('network: MLflow\'s server and its nightly dump can no longer reach the in-cluster PostgreSQL', () => {
    const r = synthesize(serving, (app) => {
      isolateMlops(app);
      find(app, 'mlflow/database/network-policy').addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { app: 'other' });
      find(app, 'mlflow/database/network-policy').addOverride('spec.ingress.0.from.1.pod_selector.match_labels', { app: 'other' });
    });
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_deployment_v1\.mlflow_deployment_\w+ \(serving-onprem\/mlflow\): serving-onprem\/mlflow → serving-onprem\/mlflow\/database \(the tracking database of MLflow mlflow on .*\): ingress to mlops pods .* on port 5432 is admitted by none of/);
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_cron_job_v1\.mlflow_database_backup_\w+ .* \(the nightly dump of PostgreSQL mlflow-postgres\)/);
  });

  test('network: only the dump job\'s admission is lost', () => {
    const r = synthesize(serving, (app) => {
      isolateMlops(app);
      find(app, 'mlflow/database/network-policy').addOverride('spec.ingress.0.from.1.pod_selector.match_labels', { app: 'other' });
    });
    expect(r.error).toMatch(/contract-network kubernetes_cron_job_v1\.mlflow_database_backup_\w+ .* \(the nightly dump of PostgreSQL mlflow-postgres\).* Fix: keep the backup job's pods labelled/s);
    expect(r.error).not.toMatch(/the tracking database of MLflow/);
  });

  test('network: the Feast server and materialize jobs can no longer reach the in-cluster Redis', () => {
    const r = synthesize(serving, (app) => {
      isolateMlops(app);
      find(app, 'feast/redis/network-policy').addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { app: 'other' });
    });
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_deployment_v1\.feast_deployment_\w+ \(serving-onprem\/feast\): serving-onprem\/feast → serving-onprem\/feast\/redis \(the online store of Feast feast\): ingress to mlops pods .* on port 6379 is admitted by none of/);
    expect(r.error).toMatch(/contract-network kubernetes_cron_job_v1\.feast_materialize-\w+ .*\(the online store of Feast feast\)/);
  });

  test('order: the Feast apply Job no longer waits for its identity', () => {
    const r = synthesize(serving, (app) => { find(app, 'feast/apply').dependsOn = []; });
    expect(r.error).toMatch(/\[error\] contract-order kubernetes_job_v1\.feast_apply_\w+ \(serving-onprem\/feast\): .*can be created before kubernetes_service_account_v1\./);
  });
});

/** The one construct whose path ends with `suffix` (any construct, not only resources). */
function findConstruct(app: App, suffix: string): IConstruct {
  const found = app.node.findAll().filter((c) => c.node.path.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one construct at *${suffix}, found ${found.map((f) => f.node.path).join(', ') || 'none'}`);
  return found[0];
}

/** Removes the construct at `*<parent>/<id>` from the tree: the piece is gone from the synthesized JSON. */
function remove(app: App, parent: string, id: string): void {
  if (!findConstruct(app, parent).node.tryRemoveChild(id)) throw new Error(`no child ${id} under *${parent}`);
}

describe('the retraining loop\'s wires', () => {
  const retraining = (app: App) => { buildRetrainingExample(app); };
  /** The NetworkPolicy the pipeline's connections opened for Alertmanager (MonitoringStack asks for it). */
  const webhookPolicy = (app: App) => (findConstruct(app, 'retraining-eks-workloads/churn-retraining') as ArgoRetrainingPipeline).connections.allowed[0].policy!;

  test('examples/retraining declares Alertmanager → the pipeline\'s webhook (EventSource pods, port 12000) and it holds', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mlp-wiring-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      buildRetrainingExample(app);
      app.synth();
      const stacks = readSynthesizedFolder(outdir);
      const webhook = stacks.flatMap((s) => contractsOf(s.json)).filter((c) => c.kind === 'network' && c.what.startsWith('retrain alerts'));
      expect(webhook).toEqual([expect.objectContaining({
        consumer: 'retraining-eks-workloads/monitoring', producer: 'retraining-eks-workloads/churn-retraining', port: 12000,
        client: expect.objectContaining({ address: expect.stringMatching(/^kubernetes_stateful_set_v1\.monitoring_alertmanager_/) }),
        server: expect.objectContaining({ address: expect.stringMatching(/^kubernetes_manifest\.churn-retraining_event-source_/) }),
      })]);
      expect(evaluateContracts(stacks, { dependencies: stackDependencies(outdir) }).findings).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('network: without the policy admitting Alertmanager, the team namespace\'s own policy (an earlier layer) blocks the webhook', () => {
    const r = synthesize(retraining, (app) => remove(app, 'retraining-eks-workloads/churn-retraining', webhookPolicy(app).node.id));
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_stateful_set_v1\.monitoring_alertmanager_stateful-set_\w+ \(retraining-eks-workloads\/monitoring\): retraining-eks-workloads\/monitoring → retraining-eks-workloads\/churn-retraining \(retrain alerts to the webhook of retrain-churn\): ingress to mlops pods \{controller=eventsource-controller, eventsource-name=churn, owner-name=churn\} on port 12000 is admitted by none of mlops\/allow-same-namespace-ingress for monitoring pods \{[^}]*app\.kubernetes\.io\/name=alertmanager/);
    expect(r.error).toMatch(/Fix: list the pipeline in alerting\.retrainingPipelines, which admits Alertmanager/);
  });

  test('network: a policy admitting pods Alertmanager\'s do not match (a label) is caught', () => {
    const r = synthesize(retraining, (app) => webhookPolicy(app)
      .addOverride('spec.ingress.0.from.0.pod_selector.match_labels', { 'app.kubernetes.io/name': 'prometheus' }));
    expect(r.error).toMatch(/contract-network .*monitoring → retraining-eks-workloads\/churn-retraining .* is admitted by none of mlops\/churn-webhook-from-monitoring-[0-9a-f]{8}, mlops\/allow-same-namespace-ingress/);
  });

  test('network: an egress policy on Alertmanager\'s pods that does not let them out to the webhook is caught', () => {
    const r = synthesize(retraining, (app) => find(app, 'monitoring/network-policies/alertmanager-ingress').addOverride('spec.policy_types', ['Ingress', 'Egress']));
    expect(r.error).toMatch(/contract-network .*monitoring → retraining-eks-workloads\/churn-retraining .*egress from monitoring pods is limited by monitoring\/alertmanager-ingress, which admit nothing to mlops:12000.*admits no DNS/);
  });

  test('configuration: the register step loses its MLflow password reference (contract-configuration, register → MLflow)', () => {
    const r = synthesize(retraining, (app) => {
      const template = find(app, 'churn-retraining/workflow-template') as Manifest;
      const manifest = JSON.parse(JSON.stringify(template.manifestInput));
      const register = manifest.spec.templates.find((t: any) => t.name === 'register').container;
      register.env = register.env.map((e: any) => (e.name === 'MLFLOW_TRACKING_PASSWORD' ? { name: e.name, value: 'hunter2' } : e));
      template.manifest = manifest;
    });
    expect(r.error).toMatch(/\[error\] contract-configuration kubernetes_manifest\.churn-retraining_workflow-template_\w+ \(retraining-eks-workloads\/churn-retraining\): retraining-eks-workloads\/churn-retraining → retraining-eks-workloads\/mlflow \(registering churn in MLflow\): container register of \S+ sets MLFLOW_TRACKING_PASSWORD as a literal; it is a credential and must come from a Secret/);
  });
});

describe('declared wires, broken one at a time', () => {
  test('network: Prometheus → a scraped endpoint, once the policy admitting Prometheus is gone (the serving namespace\'s own policy blocks it)', () => {
    const r = synthesize((app) => { buildHybridPlatform(app); }, (app) => {
      // Prometheus is admitted twice: by the MonitoringStack's scrape policy and by the endpoint's connections (its monitoring namespace).
      remove(app, 'acme-onprem-workloads/monitoring/network-policies', 'allow-prometheus-scrape-inference-churn-stable');
      find(app, 'acme-onprem-workloads/churn/from-monitoring-8082').addOverride('spec.ingress.0.from.0.namespace_selector.match_labels', { 'kubernetes.io/metadata.name': 'ingress-nginx' });
    });
    expect(r.error).toMatch(/\[error\] contract-network kubernetes_stateful_set_v1\.monitoring_prometheus_stateful-set_\w+ \(acme-onprem-workloads\/monitoring\): acme-onprem-workloads\/monitoring → inference-endpoint churn \(metrics of scrape job inference-churn-stable\): ingress to serving pods \{[^}]*ml-platform\.io\/variant=stable[^}]*\} on port 8082 is admitted by none of [^{]*serving\/churn-from-monitoring-8082[^{]* for monitoring pods \{[^}]*app\.kubernetes\.io\/name=prometheus/);
    // The canary's scrape policy still stands: only the broken wire is reported.
    expect(r.error).not.toMatch(/scrape job inference-churn-canary/);
    expect(r.error).toMatch(/Fix: admit Prometheus \(namespace monitoring\) to the \S+ port in the workload's NetworkPolicy/);
  });

  test('order: a GKE workload identity binding that no longer waits for the cluster (its workload identity pool)', () => {
    const gke = (app: App) => {
      const stack = new TerraformStack(app, 'gke');
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      const cluster = new GkeTrainingCluster(stack, 'training', {
        clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'vpc', subnetwork: 'nodes', teams: [{ team: 'churn' }],
      });
      new WorkloadIdentity(stack, 'trainer', { target: cluster.teamTarget('churn'), serviceAccountName: 'churn-trainer', cloudName: 'churn-trainer' });
    };
    expect(synthesize(gke).findings).toEqual([]);
    const r = synthesize(gke, (app) => { find(app, 'trainer/gcp-sa-impersonation').dependsOn = []; });
    expect(r.error).toMatch(/\[error\] contract-order google_service_account_iam_member\.trainer_gcp-sa-impersonation_\w+ \(gke\/trainer\): gke\/trainer → gke\/training\/cluster \(the ml-prod-123\.svc\.id\.goog workload identity pool\): google_service_account_iam_member\.trainer_gcp-sa-impersonation_\w+ can be created before google_container_cluster\.training_cluster_\w+, which it uses/);
    expect(r.error).toMatch(/Fix: make the binding depend on the cluster/);
  });
});
