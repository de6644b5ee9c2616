/** A plan with one entry in resource_changes per resource: `values` are `before` for deletes, `after` otherwise. */
export function changePlan(changes: ReadonlyArray<{ address: string; type: string; actions: string[]; values: Record<string, unknown>; replacePaths?: string[][] }>): Record<string, unknown> {
  return {
    format_version: '1.2',
    resource_changes: changes.map((c) => ({
      address: c.address, mode: 'managed', type: c.type, name: c.address.split('.').pop(),
      ...(c.replacePaths ? { replace_paths: c.replacePaths } : {}),
      change: { actions: c.actions, before: c.actions.includes('create') && !c.actions.includes('delete') ? null : c.values, after: c.actions.every((a) => a === 'delete') ? null : c.values, after_unknown: {} },
    })),
  };
}

/** Rule ids of plan-only rules tested in plan.test.ts (they need plans, not configurations). */
export const PLAN_RULES_TESTED: readonly string[] = ['plan-stateful-resource-destroyed'];
