/**
 * Issue 11, part 2: edge workloads request the GPU of NVIDIA Jetson sites (arm64, L4T) through the NVIDIA
 * container runtime and device plugin; CPU sites stay as they were.
 */
import { EdgeAccelerator, NvidiaRuntime } from '../../lib/edge/accelerator';
import { EdgeFleet, EdgeFleetProps } from '../../lib/edge/fleet';
import { Architecture, EdgeWorkloadKind } from '../../lib/edge/site';
import { reviewTerraformJson } from '../../lib/governance/review';
import { errorOf, Synth, synthApp } from '../util';
import { all, fleetProps, labels } from './fixtures';

const jetsonSites = [
  { name: 'clinic-jetson', ring: 'canary', architecture: Architecture.ARM64, accelerator: EdgeAccelerator.nvidiaJetson() },
  { name: 'clinic-pi', ring: 'canary', architecture: Architecture.ARM64 },
  { name: 'clinic-nuc', ring: 'canary', architecture: Architecture.AMD64 },
];

const workloadOf = (out: Record<string, Synth>, site: string, type = 'kubernetes_deployment_v1') =>
  all(out, type).find((d) => d.metadata.name === 'defects' && d.metadata.labels['ml-platform.io/site'] === site);

describe('EdgeAccelerator.nvidiaJetson()', () => {
  const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ sites: jetsonSites, labels })));
  const jetson = workloadOf(out, 'clinic-jetson');
  const spec = jetson.spec.template.spec;

  test('the server requests and is limited to one nvidia.com/gpu; the fetcher asks for none', () => {
    const server = spec.container.find((c: any) => c.name === 'inference');
    expect(server.resources).toEqual({
      requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
    });
    expect(JSON.stringify(spec.init_container)).not.toContain('nvidia.com/gpu');
  });

  test('pods run under the NVIDIA runtime k3s ships (runtimeClassName nvidia), on arm64 nodes labelled as Jetsons', () => {
    expect(spec.runtime_class_name).toBe('nvidia');
    expect(spec.node_selector).toEqual({ 'kubernetes.io/arch': 'arm64', 'ml-platform.io/accelerator': 'nvidia-jetson' });
    expect(spec.toleration).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    // The RuntimeClass is k3s's: the fleet does not create one.
    expect(all(out, 'kubernetes_runtime_class_v1')).toEqual([]);
  });

  test('without time-slicing the one GPU cannot host a surge pod: the old pod stops first', () => {
    expect(jetson.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '0', max_unavailable: '1' } });
  });

  test('CPU sites of the same fleet keep today\'s pod spec', () => {
    for (const site of ['clinic-pi', 'clinic-nuc']) {
      const cpu = workloadOf(out, site);
      expect(cpu.spec.template.spec.runtime_class_name).toBeUndefined();
      expect(cpu.spec.template.spec.toleration).toBeUndefined();
      expect(Object.keys(cpu.spec.template.spec.node_selector)).toEqual(['kubernetes.io/arch']);
      expect(cpu.spec.template.spec.container[0].resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
      expect(cpu.spec.strategy.rolling_update).toEqual({ max_surge: '1', max_unavailable: '0' });
    }
    expect(workloadOf(out, 'clinic-nuc').spec.template.spec.node_selector).toEqual({ 'kubernetes.io/arch': 'amd64' });
  });

  test('Jetson stacks pass baseline and ml-guardrails with no error or warning', () => {
    for (const s of Object.values(out)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'] });
      expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
    }
  });
});

describe('EdgeAccelerator.nvidiaJetson() options', () => {
  const one = (accelerator: EdgeAccelerator, overrides: Partial<EdgeFleetProps> = {}) => {
    const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ accelerator, sites: [{ name: 'clinic-1', ring: 'canary' }], ...overrides })));
    return { out, workload: workloadOf(out, 'clinic-1', overrides.kind === EdgeWorkloadKind.DAEMON_SET ? 'kubernetes_daemon_set_v1' : 'kubernetes_deployment_v1') };
  };

  test('the fleet-wide accelerator applies to every site that sets none', () => {
    expect(one(EdgeAccelerator.nvidiaJetson()).workload.spec.template.spec.runtime_class_name).toBe('nvidia');
  });

  test('with time-slicing replicas to spare, the rollout starts the new pod before stopping the old one', () => {
    const { workload } = one(EdgeAccelerator.nvidiaJetson({ timeSlicingReplicas: 2 }));
    expect(workload.spec.strategy.rolling_update).toEqual({ max_surge: '1', max_unavailable: '0' });
  });

  test('where NVIDIA\'s runtime is the node default, pods name no RuntimeClass', () => {
    const { workload } = one(EdgeAccelerator.nvidiaJetson({ runtime: NvidiaRuntime.NODE_DEFAULT }));
    expect(workload.spec.template.spec.runtime_class_name).toBeUndefined();
    expect(workload.spec.template.spec.container[0].resources.limits['nvidia.com/gpu']).toBe('1');
  });

  test('a site without the k3s RuntimeClass gets one created, with NVIDIA\'s handler', () => {
    const { out, workload } = one(EdgeAccelerator.nvidiaJetson({ runtime: NvidiaRuntime.createRuntimeClass() }));
    expect(all(out, 'kubernetes_runtime_class_v1')).toEqual([{ metadata: { name: 'nvidia' }, handler: 'nvidia', provider: 'kubernetes.site_clinic_1' }]);
    expect(workload.spec.template.spec.runtime_class_name).toBe('nvidia');
  });

  test('node labels of your own replace the default Jetson label', () => {
    const { workload } = one(EdgeAccelerator.nvidiaJetson({ nodeSelector: { 'nvidia.com/gpu.product': 'Orin' } }));
    expect(workload.spec.template.spec.node_selector).toEqual({ 'kubernetes.io/arch': 'arm64', 'nvidia.com/gpu.product': 'Orin' });
  });

  test('DaemonSet mode: every Jetson node\'s pod requests its GPU', () => {
    const { workload } = one(EdgeAccelerator.nvidiaJetson(), { kind: EdgeWorkloadKind.DAEMON_SET });
    expect(workload.spec.template.spec.container[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(workload.spec.template.spec.runtime_class_name).toBe('nvidia');
  });

  test('a site can opt out of the fleet\'s accelerator', () => {
    const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({
      accelerator: EdgeAccelerator.nvidiaJetson(),
      sites: [{ name: 'clinic-1', ring: 'canary', architecture: Architecture.AMD64, accelerator: EdgeAccelerator.NONE }],
    })));
    expect(workloadOf(out, 'clinic-1').spec.template.spec.runtime_class_name).toBeUndefined();
  });
});

describe('EdgeAccelerator: bad input fails with the fix', () => {
  test('a Jetson accelerator on an amd64 site is refused', () => {
    const sites = [{ name: 'clinic-nuc', ring: 'canary', architecture: Architecture.AMD64, accelerator: EdgeAccelerator.nvidiaJetson() }];
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps({ sites }))))
      .toBe('test/edge: sites[0].accelerator ("nvidia-jetson") exists only on arm64 nodes, but site clinic-nuc is amd64; ' +
        'set sites[0].architecture to Architecture.ARM64 or remove the accelerator');
  });

  test('a fleet-wide Jetson accelerator names the amd64 site it cannot serve', () => {
    const sites = [{ name: 'clinic-1', ring: 'canary' }, { name: 'clinic-nuc', ring: 'canary', architecture: Architecture.AMD64 }];
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps({ sites, accelerator: EdgeAccelerator.nvidiaJetson() }))))
      .toBe('test/edge: sites[1].architecture ("amd64") cannot run the fleet\'s accelerator nvidia-jetson, which exists only on arm64 nodes; ' +
        'give site clinic-nuc accelerator: EdgeAccelerator.NONE (a CPU site) or fix its architecture');
  });

  test('time-slicing replicas are a whole number from 1', () => {
    expect(() => EdgeAccelerator.nvidiaJetson({ timeSlicingReplicas: 0 })).toThrow(/timeSlicingReplicas \(0\) must be a whole number from 1 up/);
  });

  test('an accelerator that is not an EdgeAccelerator is refused', () => {
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps({ accelerator: 'jetson' as unknown as EdgeAccelerator }))))
      .toMatch(/accelerator \("jetson"\) must be an EdgeAccelerator, e.g. EdgeAccelerator.nvidiaJetson\(\) or EdgeAccelerator.NONE/);
  });
});
