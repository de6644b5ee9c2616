import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../../../lib/governance/rules';
import { AWS_CASES } from './aws-cases';
import { GOOGLE_CASES } from './google-cases';
import { KUBERNETES_CASES } from './kubernetes-cases';
import { ML_CASES } from './ml-cases';
import { PLAN_RULES_TESTED } from './plan-cases';

const CATEGORIES = ['encryption-at-rest', 'encryption-in-transit', 'public-exposure', 'least-privilege', 'logging-audit', 'data-protection',
  'workload-hardening', 'network-isolation', 'tagging-labels', 'key-management', 'cost-capacity', 'ml-lifecycle'];

describe('rule catalogue', () => {
  const tested = new Set([...[...AWS_CASES, ...GOOGLE_CASES, ...KUBERNETES_CASES, ...ML_CASES].map((c) => c.ruleId), ...PLAN_RULES_TESTED]);

  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s has a compliant and a non-compliant test case', (id) => {
    expect(tested.has(id)).toBe(true);
  });

  test('rule ids are unique and follow <provider>-<assertion>', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(aws|gcp|k8s|ml|plan)-[a-z0-9-]+$/);
  });

  test('every rule documents category, remediation, references and resource types', () => {
    for (const r of ALL_RULES) {
      expect(CATEGORIES).toContain(r.category);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.remediation.length).toBeGreaterThan(10);
      expect(r.references.length).toBeGreaterThan(0);
      expect(r.appliesTo.length).toBeGreaterThan(0);
    }
  });

  test('one file per rule, named for what it asserts: rules/<provider>/<name>.ts holds rule <prefix>-<name>', () => {
    const dir = path.resolve(__dirname, '../../../lib/governance/rules');
    const prefix: Record<string, string> = { aws: 'aws', google: 'gcp', kubernetes: 'k8s', ml: 'ml', plan: 'plan' };
    const expected = Object.entries(prefix).flatMap(([folder, p]) =>
      fs.readdirSync(path.join(dir, folder)).filter((f) => f.endsWith('.ts')).map((f) => `${p}-${f.replace(/\.ts$/, '')}`));
    expect(ALL_RULES.map((r) => r.id).sort()).toEqual(expected.sort());
  });
});
