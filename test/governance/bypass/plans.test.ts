import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reviewPlan, reviewSynthesizedFolder } from '../../../lib/governance/review';
import { terraformJson } from '../helpers';

const db = (publiclyAccessible: boolean) => ({ engine: 'postgres', publicly_accessible: publiclyAccessible, storage_encrypted: true, deletion_protection: true });
/** Type and name of an address (`module.x["a"].aws_s3_bucket.b[0]` → aws_s3_bucket, b). */
const typeAndName = (address: string) => {
  const m = /([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[[^\]]*\])?$/.exec(address)!;
  return { type: m[1], name: m[2] };
};
const planned = (address: string, values: Record<string, unknown>, mode = 'managed') => ({ address, mode, ...typeAndName(address), values });
const change = (address: string, actions: string[], after: Record<string, unknown> | null, mode = 'managed') =>
  ({ address, mode, ...typeAndName(address), change: { actions, before: null, after, after_unknown: {} } });
const PUBLIC = 'aws-rds-not-publicly-accessible';
const found = (plan: unknown) => reviewPlan(plan).findings.filter((f) => f.ruleId === PUBLIC).map((f) => f.address);

describe('plans: resource_changes is authoritative', () => {
  test('a resource only in resource_changes is reviewed', () => {
    const plan = { format_version: '1.2', planned_values: { root_module: { resources: [] } }, resource_changes: [change('aws_db_instance.hidden', ['create'], db(true))] };
    expect(found(plan)).toEqual(['aws_db_instance.hidden']);
  });

  test('when planned_values disagree with resource_changes, resource_changes wins and the review says so', () => {
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [planned('aws_db_instance.db', db(false))] } },
      resource_changes: [change('aws_db_instance.db', ['update'], db(true))],
    };
    const result = reviewPlan(plan);
    expect(found(plan)).toEqual(['aws_db_instance.db']);
    expect(result.notes?.join('\n')).toMatch(/disagree/);
  });

  test('deletes, data sources and prior_state-only resources are handled explicitly', () => {
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [] } },
      prior_state: { values: { root_module: { resources: [planned('aws_db_instance.untouched', db(true)), planned('aws_db_instance.gone', db(true)), planned('data.aws_caller_identity.me', {}, 'data')] } } },
      resource_changes: [change('aws_db_instance.gone', ['delete'], null), change('data.aws_iam_policy_document.d', ['read'], {}, 'data')],
    };
    const result = reviewPlan(plan);
    expect(found(plan)).toEqual(['aws_db_instance.untouched']);
    const notes = result.notes?.join('\n') ?? '';
    expect(notes).toMatch(/1 resource\(s\) deleted/);
    expect(notes).toMatch(/data source/);
    expect(notes).toMatch(/prior_state/);
  });

  test('a plan whose resource_changes is not a list is refused', () => {
    expect(() => reviewPlan({ format_version: '1.2', planned_values: {}, resource_changes: { a: 1 } })).toThrow(/resource_changes/);
  });

  test('module instances do not share companions', () => {
    const bucket = (key: string) => planned(`module.data["${key}"].aws_s3_bucket.b`, { bucket: null });
    const pab = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { child_modules: [
        { address: 'module.data["a"]', resources: [bucket('a'), planned('module.data["a"].aws_s3_bucket_public_access_block.p', pab)] },
        { address: 'module.data["b"]', resources: [bucket('b')] },
      ] } },
      resource_changes: [],
      configuration: { root_module: { module_calls: { data: { module: { resources: [
        { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', expressions: {} },
        { address: 'aws_s3_bucket_public_access_block.p', mode: 'managed', type: 'aws_s3_bucket_public_access_block', name: 'p', expressions: { bucket: { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] } } },
      ] } } } } },
    };
    const addresses = reviewPlan(plan).findings.filter((f) => f.ruleId === 'aws-s3-public-access-blocked').map((f) => f.address);
    expect(addresses).toEqual(['module.data["b"].aws_s3_bucket.b']);
  });
});

describe('cdktf.out folders: every stack is accounted for', () => {
  const folder = (manifestStacks: string[], onDisk: string[]): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-out-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: Object.fromEntries(manifestStacks.map((n) => [n, { name: n, synthesizedStackPath: `stacks/${n}/cdk.tf.json` }])) }));
    for (const n of onDisk) {
      fs.mkdirSync(path.join(dir, 'stacks', n), { recursive: true });
      fs.writeFileSync(path.join(dir, 'stacks', n, 'cdk.tf.json'), JSON.stringify(terraformJson({ 'aws_db_instance.db': db(true) })));
    }
    return dir;
  };
  test('a stack the manifest lists but that is missing is an error', () => {
    expect(() => reviewSynthesizedFolder(folder(['a', 'b'], ['a']))).toThrow(/stack 'b'.*missing|missing.*'b'/);
  });
  test('a stack on disk that the manifest omits is an error', () => {
    expect(() => reviewSynthesizedFolder(folder(['a'], ['a', 'extra']))).toThrow(/'extra'/);
  });
  test('a manifest with no stacks is an error, not "0 reviewed"', () => {
    expect(() => reviewSynthesizedFolder(folder([], []))).toThrow(/no synthesized stack|no stack/);
  });
  test('a stack path that leaves the folder is refused', () => {
    const dir = folder(['a'], ['a']);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: { a: { synthesizedStackPath: '../../etc/passwd' } } }));
    expect(() => reviewSynthesizedFolder(dir)).toThrow(/outside/);
  });
});
