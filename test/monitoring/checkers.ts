import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/**
 * Runs the real Prometheus and Alertmanager validators (promtool, amtool) over generated files.
 *
 * CI installs both (.ci/run: Debian packages prometheus and prometheus-alertmanager); there a missing binary
 * fails the test. Locally without them the checks are skipped with a message.
 */

/** True when `tool` is on PATH. Throws under CI when it is not: CI must run the real checkers. */
export function haveTool(tool: 'promtool' | 'amtool'): boolean {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found && process.env.CI) {
    throw new Error(`${tool} is not installed; CI installs it with apt-get install prometheus prometheus-alertmanager (see .ci/run)`);
  }
  if (!found) console.warn(`skipping ${tool} checks: ${tool} is not installed (apt-get install prometheus prometheus-alertmanager)`);
  return found;
}

/** Every ConfigMap data entry whose key ends in .yml/.yaml/.json, from synthesized Terraform JSON. */
export function configMapFiles(json: any): Array<{ configMap: string; key: string; value: string }> {
  const out: Array<{ configMap: string; key: string; value: string }> = [];
  for (const cm of Object.values<any>(json.resource?.kubernetes_config_map_v1 ?? {})) {
    for (const [key, value] of Object.entries<string>(cm.data ?? {})) {
      if (/\.(ya?ml|json)$/.test(key)) out.push({ configMap: cm.metadata.name, key, value });
    }
  }
  return out;
}

/** A scratch directory, removed by `done()`. */
export function scratch(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mlp-mon-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Re-roots every absolute `*_file` path of a config under `root` and creates a placeholder file there, so
 * the checkers (which stat referenced files) resolve them as they would inside the pod.
 */
export function rebaseFiles(config: any, root: string): any {
  const walk = (v: any): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => {
        if (k.endsWith('_file') && typeof x === 'string' && x.startsWith('/')) {
          const path = join(root, x);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, k === 'url_file' || k === 'api_url_file' ? 'https://hooks.example.com/placeholder\n' : 'placeholder\n');
          return [k, path];
        }
        return [k, walk(x)];
      }));
    }
    return v;
  };
  return walk(config);
}

/** Runs a checker; returns its exit status and combined output. */
export function run(tool: string, args: string[], cwd?: string): { status: number; output: string } {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

let kubernetesSd: boolean | undefined;

/**
 * Debian's promtool is built without the Kubernetes service discovery (it rejects `kubernetes_sd_configs`
 * as an unknown field); upstream builds have it. Probed once.
 */
export function promtoolHasKubernetesSd(): boolean {
  if (kubernetesSd !== undefined) return kubernetesSd;
  const { dir, done } = scratch();
  try {
    writeFileSync(join(dir, 'p.yml'), JSON.stringify({ scrape_configs: [{ job_name: 'x', kubernetes_sd_configs: [{ role: 'pod' }] }] }));
    kubernetesSd = run('promtool', ['check', 'config', join(dir, 'p.yml')]).status === 0;
    return kubernetesSd;
  } finally {
    done();
  }
}

const SD_ROLES = ['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress'];

/**
 * Where promtool lacks the Kubernetes SD: checks each `kubernetes_sd_configs` block against its documented
 * schema here (role, namespaces.names), and hands promtool the config with the block replaced by an
 * equivalent `file_sd_configs`, so everything else (relabeling, auth, TLS, rule files) is still validated
 * by the real parser. Returns the problems found in the SD blocks.
 */
export function substituteKubernetesSd(config: any, dir: string): { config: any; problems: string[] } {
  const problems: string[] = [];
  const scrapeConfigs = (config.scrape_configs ?? []).map((sc: any) => {
    if (!sc.kubernetes_sd_configs) return sc;
    for (const sd of sc.kubernetes_sd_configs) {
      const extra = Object.keys(sd).filter((k) => !['role', 'namespaces', 'selectors', 'api_server', 'attach_metadata'].includes(k));
      if (!SD_ROLES.includes(sd.role)) problems.push(`${sc.job_name}: role ${sd.role} is not one of ${SD_ROLES.join(', ')}`);
      if (extra.length) problems.push(`${sc.job_name}: unknown kubernetes_sd_configs fields ${extra.join(', ')}`);
      if (sd.namespaces && (!Array.isArray(sd.namespaces.names) || sd.namespaces.names.some((n: unknown) => typeof n !== 'string'))) {
        problems.push(`${sc.job_name}: namespaces.names must be a list of strings`);
      }
    }
    const file = join(dir, 'sd', `${sc.job_name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '[]');
    const { kubernetes_sd_configs: _sd, ...rest } = sc;
    return { ...rest, file_sd_configs: [{ files: [file] }] };
  });
  return { config: { ...config, scrape_configs: scrapeConfigs }, problems };
}

/** `promtool check config` over prometheus.yml with its rule files beside it (as in the pod). */
export function checkPrometheusConfig(prometheusYml: string, ruleFiles: Record<string, string>): { status: number; output: string } {
  const { dir, done } = scratch();
  try {
    let config = rebaseFiles(JSON.parse(prometheusYml), join(dir, 'root'));
    let sdProblems: string[] = [];
    if (!promtoolHasKubernetesSd()) ({ config, problems: sdProblems } = substituteKubernetesSd(config, dir));
    mkdirSync(join(dir, 'rules'));
    for (const [name, text] of Object.entries(ruleFiles)) writeFileSync(join(dir, 'rules', name), text);
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const r = run('promtool', ['check', 'config', 'prometheus.yml'], dir);
    return sdProblems.length ? { status: 1, output: `${r.output}\n${sdProblems.join('\n')}` } : r;
  } finally {
    done();
  }
}

/** `promtool check rules` over rule files (one batch). */
export function checkRules(ruleFiles: Record<string, string>): { status: number; output: string } {
  const { dir, done } = scratch();
  try {
    const paths = Object.entries(ruleFiles).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return name;
    });
    return run('promtool', ['check', 'rules', ...paths], dir);
  } finally {
    done();
  }
}

/** `amtool check-config` over alertmanager.yml, with its secret files created as placeholders. */
export function checkAlertmanager(alertmanagerYml: string): { status: number; output: string } {
  const { dir, done } = scratch();
  try {
    const config = rebaseFiles(JSON.parse(alertmanagerYml), join(dir, 'root'));
    writeFileSync(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
    return run('amtool', ['check-config', 'alertmanager.yml'], dir);
  } finally {
    done();
  }
}

/** amtool's version, e.g. [0, 25, 0]. */
export function amtoolVersion(): number[] {
  const text = execFileSync('amtool', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /version (\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? m.slice(1).map(Number) : [0, 0, 0];
}

/** `promtool test rules` with a unit-test file (and the rule files it loads) in one directory. */
export function testRules(ruleFiles: Record<string, string>, unitTest: object): { status: number; output: string } {
  const { dir, done } = scratch();
  try {
    for (const [name, text] of Object.entries(ruleFiles)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'tests.yml'), JSON.stringify(unitTest, null, 2));
    return run('promtool', ['test', 'rules', 'tests.yml'], dir);
  } finally {
    done();
  }
}
