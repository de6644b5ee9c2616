import { MonitoredKind } from '../../lib/core/monitoring-contract';
import { dashboardUid, DASHBOARD_SCHEMA_VERSION, workloadDashboard } from '../../lib/monitoring/dashboards';
import { synth } from '../util';
import { configMapFiles } from './checkers';
import { buildStack, endpoint } from './fakes';

describe('Grafana dashboards', () => {
  const files = configMapFiles(synth((stack) => { buildStack(stack); }).json);
  const datasources = JSON.parse(files.find((f) => f.key === 'datasources.yml')!.value);
  const providers = JSON.parse(files.find((f) => f.key === 'dashboards.yml')!.value);
  const dashboards = files.filter((f) => f.configMap === 'grafana-dashboards').map((f) => ({ key: f.key, json: JSON.parse(f.value) }));

  test('one provisioned Prometheus datasource pointing at the in-cluster Service', () => {
    expect(datasources).toEqual({
      apiVersion: 1,
      datasources: [expect.objectContaining({ type: 'prometheus', uid: 'ml-prometheus', url: 'http://prometheus.monitoring.svc:9090', access: 'proxy', editable: false })],
    });
    expect(providers.providers[0]).toMatchObject({ type: 'file', allowUiUpdates: false, options: { path: '/etc/grafana/dashboards' } });
  });

  test('every dashboard is a valid JSON model: uid, title, schemaVersion, panels with targets', () => {
    expect(dashboards.map((d) => d.key).sort()).toEqual(['ml-churn.json', 'ml-dc1.json', 'ml-features.json', 'ml-registry.json']);
    for (const { key, json } of dashboards) {
      expect(`${json.uid}.json`).toBe(key);
      expect(json).toMatchObject({ schemaVersion: DASHBOARD_SCHEMA_VERSION, title: expect.any(String), editable: false });
      expect(json.panels.length).toBeGreaterThan(0);
      const ids = json.panels.map((p: any) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of json.panels) {
        expect(p.targets.length).toBeGreaterThan(0);
        for (const t of p.targets) expect(t).toEqual(expect.objectContaining({ refId: expect.stringMatching(/^[A-Z]$/), expr: expect.any(String) }));
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      }
      // No two panels overlap on the 24-column grid.
      const overlapping = json.panels.flatMap((p: any, i: number) => json.panels.slice(i + 1)
        .filter((q: any) => p.gridPos.x < q.gridPos.x + q.gridPos.w && q.gridPos.x < p.gridPos.x + p.gridPos.w
          && p.gridPos.y < q.gridPos.y + q.gridPos.h && q.gridPos.y < p.gridPos.y + p.gridPos.h)
        .map((q: any) => `${key}: ${p.title} / ${q.title}`));
      expect(overlapping).toEqual([]);
    }
  });

  test('every panel and target references a provisioned datasource by uid', () => {
    const uids = new Set(datasources.datasources.map((d: any) => d.uid));
    const referenced = dashboards.flatMap(({ json }) => json.panels.flatMap((p: any) => [p.datasource.uid, ...p.targets.map((t: any) => t.datasource.uid)]));
    expect(referenced.length).toBeGreaterThan(20);
    expect(referenced.filter((uid: string) => !uids.has(uid))).toEqual([]);
  });

  test('an endpoint\'s dashboard shows traffic, latency against its SLO, errors, GPUs, drift and model age', () => {
    const churn = dashboards.find((d) => d.key === 'ml-churn.json')!.json;
    expect(churn.panels.map((p: any) => p.title)).toEqual([
      'Targets up', 'Requests per second by status', 'Latency p50 / p99', 'Error ratio (5xx)', 'CPU throttling by pod',
      'GPU utilisation', 'GPU memory used', 'Feature drift by feature', 'Prediction drift', 'Served model age',
    ]);
    const latency = churn.panels.find((p: any) => p.title === 'Latency p50 / p99');
    expect(latency.fieldConfig.defaults.thresholds.steps[1].value).toBe(0.25);
  });

  test('dashboard uids stay within Grafana\'s 40 characters, keep short names readable and never collide on a shared prefix', () => {
    // Given names up to 37 characters, the uid is the name; longer ones are cut and suffixed with a hash of the whole name.
    expect(dashboardUid('churn')).toBe('ml-churn');
    expect(dashboardUid('b'.repeat(37))).toBe(`ml-${'b'.repeat(37)}`);
    // Pinned: a changed uid orphans every bookmark and link to the dashboard.
    expect(dashboardUid('b'.repeat(38))).toBe(`ml-${'b'.repeat(28)}-cf49d99f`);
    const eu = dashboardUid(`${'a'.repeat(30)}-eu-west-1-churn`);
    const us = dashboardUid(`${'a'.repeat(30)}-us-east-1-churn`);
    expect([eu.length, us.length]).toEqual([40, 40]);
    expect(eu).not.toBe(us);
    expect(dashboardUid('c'.repeat(200))).toMatch(/^ml-c{28}-[0-9a-f]{8}$/);
  });

  test('a workload without scrape targets gets only the panels its kind and its GPUs can fill', () => {
    const store = workloadDashboard({ kind: MonitoredKind.FEATURE_STORE, name: 'features', clusterName: 'dc1' });
    expect((store.panels as any[]).map((p) => p.title)).toEqual(['Feature materialization lag']);
    const gpuEndpoint = workloadDashboard(endpoint('x', { scrape: [] }));
    expect((gpuEndpoint.panels as any[]).map((p) => p.title)).toEqual(['GPU utilisation', 'GPU memory used', 'Feature drift by feature', 'Prediction drift', 'Served model age']);
    // Without a scrape job, GPU panels select DCGM series by node, not by the (unknown) pods.
    expect((gpuEndpoint.panels as any[])[0].targets[0].expr).toBe('max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)');
  });
});
