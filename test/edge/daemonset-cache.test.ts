/**
 * Issue 11, part 3: in DaemonSet mode the kubelet creates the hostPath cache root-owned (0755) and fsGroup does
 * not apply to hostPath, so the fetcher (uid 65532) could not write to it. A prepare-cache init step hands the
 * directory to the pod user with CAP_CHOWN alone.
 */
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EdgeFleet } from '../../lib/edge/fleet';
import { EdgeWorkloadKind } from '../../lib/edge/site';
import { PREPARE_CACHE_SCRIPT } from '../../lib/edge/site-workload';
import { reviewTerraformJson } from '../../lib/governance/review';
import { synthApp } from '../util';
import { all, fleetProps, labels } from './fixtures';

describe('DaemonSet mode: the hostPath model cache', () => {
  const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ kind: EdgeWorkloadKind.DAEMON_SET, labels })));
  const ds = all(out, 'kubernetes_daemon_set_v1')[0];
  const spec = ds.spec.template.spec;

  test('a prepare-cache step runs first, as root with CHOWN as its only capability', () => {
    expect(spec.init_container.map((c: any) => c.name)).toEqual(['prepare-cache', 'fetch-model']);
    const prepare = spec.init_container[0];
    expect(prepare).toMatchObject({
      image: spec.init_container[1].image,
      command: ['/bin/sh', '-c', PREPARE_CACHE_SCRIPT],
      security_context: {
        run_as_user: '0', run_as_non_root: false, allow_privilege_escalation: false, read_only_root_filesystem: true,
        capabilities: { drop: ['ALL'], add: ['CHOWN'] },
      },
      volume_mount: [{ name: 'model-cache', mount_path: '/models' }],
    });
    expect(prepare.env).toBeUndefined();
    expect(prepare.env_from).toBeUndefined();
    // The fetcher and the server still run as the pod user, with every capability dropped.
    for (const c of [spec.init_container[1], spec.container[0]]) expect(c.security_context.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.security_context).toMatchObject({ run_as_user: '65532', run_as_group: '65532', run_as_non_root: true });
  });

  test('the exception is recorded on the DaemonSet with its reason, and the stack passes governance', () => {
    const raw = Object.values(out).flatMap((s) => Object.values(s.json.resource.kubernetes_daemon_set_v1 ?? {})) as any[];
    expect(raw[0]['//'].ml_platform.suppressions).toEqual([expect.objectContaining({ ruleId: 'k8s-run-as-non-root', reason: expect.stringMatching(/CHOWN/) })]);
    for (const s of Object.values(out)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'] });
      expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
    }
  });

  test('Deployment mode needs no such step: fsGroup makes the volume claim writable', () => {
    const deployment = all(synthApp((app) => new EdgeFleet(app, 'edge', fleetProps())), 'kubernetes_deployment_v1').find((d) => d.metadata.name === 'defects');
    expect(deployment.spec.template.spec.init_container.map((c: any) => c.name)).toEqual(['fetch-model']);
  });

  test('the script is valid POSIX sh with nothing Terraform would interpolate', () => {
    expect(execFileSync('sh', ['-n', '-c', PREPARE_CACHE_SCRIPT], { encoding: 'utf8' })).toBe('');
    expect(PREPARE_CACHE_SCRIPT).not.toMatch(/\$\{|%\{/);
  });

  // Runs where the tests run as root with setpriv (util-linux), as in CI: a kubelet-made cache directory, the step
  // with CHOWN as its only capability, then the fetcher's user writing into it.
  const canRun = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  (canRun ? test : test.skip)('run with CHOWN alone, it makes the kubelet-created directory writable for uid 65532, and nothing more', () => {
    const root = mkdtempSync(join(tmpdir(), 'edge-hostpath-'));
    try {
      chmodSync(root, 0o755);
      const cache = join(root, 'models');
      mkdirSync(cache, { mode: 0o755 }); // as the kubelet creates a DirectoryOrCreate hostPath: root:root 0755
      const asFetcher = (cmd: string) => spawnSync('setpriv', ['--reuid=65532', '--regid=65532', '--clear-groups', 'sh', '-c', cmd], { encoding: 'utf8' });
      expect(asFetcher(`mkdir -p ${cache}/.staging`).status).not.toBe(0); // the bug: root-owned, not writable

      const step = spawnSync('setpriv', ['--bounding-set=-all,+chown', '--inh-caps=-all', 'sh', '-c', PREPARE_CACHE_SCRIPT.replace(/\/models/g, cache)], { encoding: 'utf8' });
      expect(step).toMatchObject({ status: 0 });
      expect(statSync(cache)).toMatchObject({ uid: 65532, gid: 65532 });
      expect(asFetcher(`mkdir -p ${cache}/.staging && touch ${cache}/.staging/x`).status).toBe(0);
      // CHOWN alone: the step cannot write into what it handed over.
      const write = spawnSync('setpriv', ['--bounding-set=-all,+chown', '--inh-caps=-all', 'sh', '-c', `touch ${cache}/root-file`], { encoding: 'utf8' });
      expect(write.status).not.toBe(0);
      // A second start finds the directory already handed over and changes nothing.
      expect(spawnSync('setpriv', ['--bounding-set=-all', '--inh-caps=-all', 'sh', '-c', PREPARE_CACHE_SCRIPT.replace(/\/models/g, cache)]).status).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
