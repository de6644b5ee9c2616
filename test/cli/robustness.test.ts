import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/main';
import { writeReport } from '../../lib/governance/reports';
import { ALL_RULES } from '../../lib/governance/rules';
import { Finding, ReviewResult } from '../../lib/governance/model';
import { terraformJson } from '../governance/helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-robust-'));
let counter = 0;
const write = (content: string): string => {
  const file = path.join(tmp, `input-${counter++}.json`);
  fs.writeFileSync(file, content);
  return file;
};
function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
const INTERNAL = /Cannot read propert|is not a function|is not iterable|undefined \(reading|Maximum call stack|Unexpected token|is not defined|Cannot convert|Invalid string length|\bat [\w.<>]+ \(|TypeError|RangeError|SyntaxError|ReferenceError/;
const expectRefused = (r: { code: number; stdout: string; stderr: string }): void => {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^ml-platform: /);
  expect(r.stderr).not.toMatch(INTERNAL);
  expect(r.stdout).toBe('');
};

describe('duplicate JSON keys', () => {
  test('a repeated "resource" key is refused: Terraform would plan both blocks', () => {
    const file = write('{"resource": {"aws_kms_key": {"a": {"enable_key_rotation": true}}}, "resource": {"aws_kms_key": {"b": {}}}}');
    const r = run('review', file);
    expectRefused(r);
    expect(r.stderr).toMatch(/duplicate key .*line 1/);
  });
  test('a repeated type or attribute key is refused, escapes included', () => {
    expectRefused(run('review', write('{"resource": {"aws_kms_key": {"a": {}}, "aws_kms_\\u006bey": {"b": {}}}}')));
    expectRefused(run('review', write('{"resource": {"aws_db_instance": {"a": {"publicly_accessible": true, "publicly_accessible": false}}}}')));
  });
  test('HCL\'s list form of repeated blocks is reviewed whole, and a resource declared twice that way is refused', () => {
    const both = run('review', write(JSON.stringify({ resource: [{ aws_kms_key: { a: { enable_key_rotation: true } } }, { aws_kms_key: { b: {} } }] })), '--format', 'json');
    expect(JSON.parse(both.stdout).findings.map((f: { address: string }) => f.address)).toContain('aws_kms_key.b');
    expectRefused(run('review', write(JSON.stringify({ resource: [{ aws_kms_key: { a: { enable_key_rotation: true } } }, { aws_kms_key: { a: {} } }] }))));
    expectRefused(run('review', write(JSON.stringify({ resource: { aws_kms_key: { a: [{ enable_key_rotation: true }, {}] } } }))));
  });
  test('a plan with a repeated resource_changes key is refused', () => {
    expectRefused(run('review', write('{"format_version": "1.2", "resource_changes": [], "resource_changes": [{"address": "a.b"}]}')));
  });
});

describe('errors never echo file contents', () => {
  test.each([
    ['invalid JSON', '{"resource": {"x": SECRET-TOKEN-1234}}'],
    ['truncated JSON', '{"resource": {"aws_kms_key": {"k": {"policy": "SECRET-TOKEN-1234'],
    ['a bare word', 'SECRET-TOKEN-1234'],
  ])('%s', (_name, content) => {
    const r = run('review', write(content));
    expectRefused(r);
    expect(r.stderr).not.toMatch(/SECRET/);
    expect(r.stderr).toMatch(/line \d+/);
  });
});

describe('FIFOs and devices are refused', () => {
  test('a device', () => {
    expectRefused(run('review', '/dev/zero'));
    expectRefused(run('review', '/dev/null'));
  });
  test('a FIFO is refused without blocking', () => {
    const fifo = path.join(tmp, 'fifo.json');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) return; // no mkfifo on this system
    const r = run('review', fifo);
    expectRefused(r);
    expect(r.stderr).toMatch(/not a regular file/);
  });
});

describe('fuzz: malformed inputs exit 2 with one clear line', () => {
  const plan = (extra: Record<string, unknown>) => JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources: [] } }, ...extra });
  const tf = (extra: Record<string, unknown>) => JSON.stringify(extra);
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const cases: Array<[string, string]> = [
    ['empty file', ''],
    ['whitespace', '   \n '],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"resource"'],
    ['an array', '[{"resource": {}}]'],
    ['deep nesting', deep],
    ['deep objects', '{"a":'.repeat(50000) + '1' + '}'.repeat(50000)],
    ['trailing garbage', '{"resource": {}} x'],
    ['NaN', '{"resource": {"aws_kms_key": {"k": {"enable_key_rotation": NaN}}}}'],
    ['a lone surrogate key', '{"resource": {"\\ud800": {}}}'],
    ['resource is null', tf({ resource: null })],
    ['resource is a list of numbers', tf({ resource: [1] })],
    ['resource is a string', tf({ resource: 'aws_kms_key.k' })],
    ['a resource type that is a list', tf({ resource: { aws_kms_key: [1, 2] } })],
    ['a resource body that is a string', tf({ resource: { aws_kms_key: { k: 'x' } } })],
    ['a resource body that is null', tf({ resource: { aws_kms_key: { k: null } } })],
    ['provider is a string', tf({ provider: 'aws', resource: {} })],
    ['provider configs that are numbers', tf({ provider: { aws: [1] }, resource: {} })],
    ['variable that is a list', tf({ variable: [1], resource: {} })],
    ['locals that is a string', tf({ locals: 'x', resource: {} })],
    ['data that is a list of strings', tf({ data: ['x'], resource: {} })],
    ['suppressions that are a string', tf({ resource: { aws_kms_key: { k: { '//': { ml_platform: { suppressions: 'all' } } } } } })],
    ['a suppression that is null', tf({ resource: { aws_kms_key: { k: { '//': { ml_platform: { suppressions: [null] } } } } } })],
    ['count that is a string', tf({ resource: { aws_kms_key: { k: { count: 'two' } } } })],
    ['count that is negative', tf({ resource: { aws_kms_key: { k: { count: -1 } } } })],
    ['for_each that is a number', tf({ resource: { aws_kms_key: { k: { for_each: 3 } } } })],
    ['plan: resource_changes is an object', plan({ resource_changes: {} })],
    ['plan: resource_changes holds null', plan({ resource_changes: [null] })],
    ['plan: a change without an address', plan({ resource_changes: [{ type: 'aws_kms_key', change: { actions: ['create'], after: {} } }] })],
    ['plan: actions is a string', plan({ resource_changes: [{ address: 'aws_kms_key.k', type: 'aws_kms_key', name: 'k', mode: 'managed', change: { actions: 'create', after: {} } }] })],
    ['plan: change is missing', plan({ resource_changes: [{ address: 'aws_kms_key.k', type: 'aws_kms_key', name: 'k', mode: 'managed' }] })],
    ['plan: after is a string', plan({ resource_changes: [{ address: 'aws_kms_key.k', type: 'aws_kms_key', name: 'k', mode: 'managed', change: { actions: ['create'], after: 'x' } }] })],
    ['plan: planned_values is a number', JSON.stringify({ format_version: '1.2', planned_values: 5 })],
    ['plan: root_module resources is an object', plan({ planned_values: { root_module: { resources: {} } } })],
    ['plan: child_modules holds strings', plan({ planned_values: { root_module: { resources: [], child_modules: ['x'] } } })],
    ['plan: a planned resource without a type', plan({ planned_values: { root_module: { resources: [{ address: 'a.b', mode: 'managed', values: {} }] } } })],
    ['plan: configuration is a string', plan({ configuration: 'x' })],
    ['plan: module_calls is a list', plan({ configuration: { root_module: { module_calls: [1] } } })],
    ['plan: expressions is a string', plan({ configuration: { root_module: { resources: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', expressions: 'x' }] } } })],
    ['plan: provider_config holds null', plan({ configuration: { provider_config: { aws: null } } })],
    ['plan: prior_state is a list', plan({ prior_state: [] })],
  ];
  test.each(cases)('%s', (_name, content) => {
    expectRefused(run('review', write(content)));
  });

  test('odd values inside well-formed resources never surface as internal errors', () => {
    const odd = terraformJson({
      'aws_s3_bucket.b': { bucket: ['x'], tags: ['owner'] },
      'aws_eks_cluster.c': { vpc_config: 'public', encryption_config: [null, 1], enabled_cluster_log_types: { api: true } },
      'aws_eks_node_group.g': { instance_types: 'constructor', scaling_config: [null], taint: 'x', launch_template: 5 },
      'aws_iam_policy.p': { policy: '{"Statement": [null, 1, {"Action": {"a": 1}, "Resource": 5, "Principal": [1]}]}' },
      'kubernetes_deployment_v1.d': { metadata: [], spec: { template: { spec: { container: [null, { security_context: 'x', resources: [] }] } } } },
      'kubernetes_manifest.m': { manifest: { kind: 'Deployment', spec: { template: { spec: { containers: 'x' } } } } },
      'google_container_node_pool.p': { node_config: { guest_accelerator: [{ count: 'many' }], machine_type: 5 }, autoscaling: 'x' },
      'aws_db_instance.db': { publicly_accessible: '${var.x', password: '${jsonencode({)}' },
    });
    for (const format of ['table', 'json', 'sarif', 'junit', 'markdown']) {
      const r = run('review', write(JSON.stringify(odd)), '--pack', 'ml-guardrails', '--pack', 'strict', '--param', 'maxAcceleratorsPerPool=1',
        '--param', 'allowedRegions=eu-west-1', '--format', format);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(INTERNAL);
    }
  });
});

describe('reports are written incrementally', () => {
  test('every chunk the writers hand over stays small, whatever the number of findings', () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 30000; i++) {
      findings.push({ ruleId: 'aws-kms-key-rotation', severity: 'error', category: 'key-management', address: `aws_kms_key.k_${i}`, resourceType: 'aws_kms_key', message: 'enable_key_rotation is not true', remediation: 'Set enable_key_rotation = true.' });
    }
    const result: ReviewResult = {
      findings, suppressed: [], skippedResourceTypes: {},
      summary: { error: findings.length, warning: 0, info: 0, suppressed: 0, resourcesReviewed: findings.length, resourcesSkipped: 0, skippedResourceTypes: {}, rulesEvaluated: 1, packs: ['baseline'] },
    };
    for (const format of ['table', 'json', 'sarif', 'junit', 'markdown'] as const) {
      let total = 0;
      let largest = 0;
      writeReport(format, result, { rules: ALL_RULES, input: 'big.json' }, (chunk) => {
        total += chunk.length;
        largest = Math.max(largest, chunk.length);
      });
      expect(total).toBeGreaterThan(30000 * 30);
      expect(largest).toBeLessThan(1024 * 1024);
    }
  });
});
