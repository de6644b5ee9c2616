/**
 * Nothing lost: every resource that holds data in every example is protected from deletion in the synthesized
 * configuration (ml-stateful-resource-protected), and the plan rule and the configuration rule read one table.
 */
import { App } from 'cdktf';
import { buildDataPlatformExample } from '../../examples/data-platform/stacks';
import { buildHybridPlatform } from '../../examples/hybrid-platform/platform';
import { buildMonitoringExample } from '../../examples/monitoring/stacks';
import { buildRetrainingExample } from '../../examples/retraining/stacks';
import { buildServingExample } from '../../examples/serving/stacks';
import { buildTrainingExample } from '../../examples/training/stacks';
import { reviewPlan, reviewTerraformJson } from '../../lib/governance/review';
import { STATEFUL_TYPES } from '../../lib/governance/support/stateful';
import { statefulResourceDestroyed } from '../../lib/governance/rules/plan/stateful-resource-destroyed';
import { changePlan } from './rules/plan-cases';
import { synthApp } from '../util';

const RULE = 'ml-stateful-resource-protected';

function unprotected(build: (app: App) => unknown): { findings: string[]; stateful: number } {
  const findings: string[] = [];
  let stateful = 0;
  for (const [name, stack] of Object.entries(synthApp((app) => { build(app); }, { skipValidation: true }))) {
    const result = reviewTerraformJson(stack.json, { source: name });
    findings.push(...result.findings.filter((f) => f.ruleId === RULE).map((f) => `${name} ${f.address}: ${f.message}`));
    for (const [type, byName] of Object.entries<Record<string, unknown>>(stack.json.resource ?? {})) if (type in STATEFUL_TYPES) stateful += Object.keys(byName).length;
  }
  return { findings, stateful };
}

describe('every resource holding data in the examples is protected from deletion', () => {
  test.each([
    ['hybrid-platform', (app: App) => buildHybridPlatform(app)],
    ['training', (app: App) => buildTrainingExample(app)],
    ['data-platform', (app: App) => buildDataPlatformExample(app)],
    ['serving', (app: App) => buildServingExample(app)],
    ['monitoring', (app: App) => buildMonitoringExample(app)],
    ['retraining', (app: App) => buildRetrainingExample(app)],
  ])('%s', (_name, build) => {
    const { findings, stateful } = unprotected(build);
    expect(stateful).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });
});

describe('ml-stateful-resource-protected', () => {
  test('is for configurations: a plan (which carries no lifecycle) is left to plan-stateful-resource-destroyed', () => {
    const plan = changePlan([{ address: 'aws_kms_key.data', type: 'aws_kms_key', actions: ['create'], values: { enable_key_rotation: true } }]);
    expect(reviewPlan(plan).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    const config = { resource: { aws_kms_key: { data: { enable_key_rotation: true } } } };
    const [finding] = reviewTerraformJson(config).findings.filter((f) => f.ruleId === RULE);
    expect(finding).toMatchObject({ severity: 'warning', category: 'data-protection', address: 'aws_kms_key.data' });
    expect(finding.message).toBe('nothing stops Terraform deleting every piece of data encrypted with the key (it becomes unreadable); set lifecycle { prevent_destroy = true }');
  });

  test('a namespace finding names the claims it would delete', () => {
    const config = { resource: {
      kubernetes_namespace_v1: { features: { metadata: { name: 'features' } } },
      kubernetes_persistent_volume_claim_v1: { redis: { metadata: { name: 'redis', namespace: 'features' }, spec: { access_modes: ['ReadWriteOnce'] }, lifecycle: { prevent_destroy: true } } },
    } };
    const messages = reviewTerraformJson(config).findings.filter((f) => f.ruleId === RULE).map((f) => `${f.address}: ${f.message}`);
    expect(messages).toEqual(['kubernetes_namespace_v1.features: nothing stops Terraform deleting every persistent volume claim in the namespace: '
      + 'kubernetes_persistent_volume_claim_v1.redis; set lifecycle { prevent_destroy = true }']);
  });

  test('the plan rule reviews exactly the types the protection table names', () => {
    expect([...statefulResourceDestroyed.appliesTo].sort()).toEqual([...Object.keys(STATEFUL_TYPES), 'kubernetes_manifest'].sort());
  });
});
