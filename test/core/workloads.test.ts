/**
 * The CronJob and DaemonSet builders (lib/core/private/workloads.ts) decide once what every scheduled job and node
 * agent of the library does; these tests pin those decisions.
 */
import { Testing, TerraformStack } from 'cdktf';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { nodeAgent, scheduledJob } from '../../lib/core/private/workloads';
import { parse } from '../util';

function build(f: (stack: TerraformStack, target: KubernetesTarget) => void) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1', context: 'dc1-admin', namespace: 'monitoring' });
  f(stack, target);
  return parse(Testing.synth(stack, true));
}

const pod = { container: [{ name: 'agent', image: 'example.com/agent@sha256:' + 'a'.repeat(64) }] };

describe('nodeAgent', () => {
  test('a critical agent outside kube-system brings the quota that admits critical pods there, and waits for it', () => {
    const s = build((stack, target) => nodeAgent(stack, 'dcgm', { target, name: 'dcgm-exporter', labels: { app: 'dcgm' }, selector: { app: 'dcgm' }, pod }));
    const [quota] = s.resources('kubernetes_resource_quota_v1');
    expect(quota.metadata).toMatchObject({ name: 'dcgm-exporter-critical-pods', namespace: 'monitoring' });
    expect(quota.spec.scope_selector).toEqual({ match_expression: [{ scope_name: 'PriorityClass', operator: 'In', values: ['system-node-critical'] }] });
    const [ds] = s.resources('kubernetes_daemon_set_v1');
    expect(ds.spec.template.spec.priority_class_name).toBe('system-node-critical');
    expect(ds.depends_on).toContain('kubernetes_resource_quota_v1.dcgm-critical-pods');
    expect(ds.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_unavailable: '1' } });
    expect(ds.spec.template.spec.automount_service_account_token).toBe(false);
  });

  test('the order is a contract: a DaemonSet that no longer waits for its quota fails synth, naming the fix', () => {
    expect(() => build((stack, target) => {
      const ds = nodeAgent(stack, 'dcgm', { target, name: 'dcgm-exporter', labels: { app: 'dcgm' }, selector: { app: 'dcgm' }, pod });
      ds.dependsOn = [];
    })).toThrow(/contract-order kubernetes_daemon_set_v1\.dcgm .*admission of dcgm-exporter's system-node-critical pods in namespace monitoring.*can be created before kubernetes_resource_quota_v1\.dcgm-critical-pods[\s\S]*Fix: let DaemonSet dcgm-exporter depend on ResourceQuota/);
  });

  test('in kube-system no quota is needed; a non-critical workload gets no critical priority and no quota', () => {
    const s = build((stack, target) => {
      nodeAgent(stack, 'plugin', { target, namespace: 'kube-system', name: 'plugin', labels: { app: 'p' }, selector: { app: 'p' }, pod });
      nodeAgent(stack, 'server', { target, name: 'server', labels: { app: 's' }, selector: { app: 's' }, pod, critical: false });
    });
    expect(s.resources('kubernetes_resource_quota_v1')).toEqual([]);
    expect(s.resources('kubernetes_daemon_set_v1').map((d) => d.spec.template.spec.priority_class_name)).toEqual(['system-node-critical', undefined]);
  });
});

describe('scheduledJob', () => {
  test('never overlaps, runs in UTC, retries twice, keeps three runs of each outcome and does not delete them after a day', () => {
    const s = build((stack, target) => scheduledJob(stack, 'backup', {
      target, name: 'backup', labels: { app: 'b' }, schedule: '0 2 * * *', activeDeadlineSeconds: 3600, pod,
    }));
    const [job] = s.resources('kubernetes_cron_job_v1');
    expect(job.spec).toMatchObject({
      schedule: '0 2 * * *', timezone: 'Etc/UTC', concurrency_policy: 'Forbid', starting_deadline_seconds: 300,
      successful_jobs_history_limit: 3, failed_jobs_history_limit: 3,
    });
    expect(job.spec.job_template.spec).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 3600 });
    expect(job.spec.job_template.spec.ttl_seconds_after_finished).toBeUndefined();
    expect(job.spec.job_template.spec.template.spec.restart_policy).toBe('Never');
  });
});
