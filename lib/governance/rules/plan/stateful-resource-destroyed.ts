import { defineRule } from '../../rule';
import { dataLostByDeleting, STATEFUL_RESOURCE_TYPES } from '../../support/stateful';

/**
 * A plan does not delete or replace a resource that holds data. Renaming a construct changes its Terraform address, and
 * Terraform plans that as a delete and a create: the rename looks harmless in code and loses the data on apply.
 */
export const statefulResourceDestroyed = defineRule({
  id: 'plan-stateful-resource-destroyed',
  severity: 'error',
  category: 'data-protection',
  description: 'A plan does not delete or replace a resource that holds data (bucket, database, cache, volume, file system, table, '
    + 'encryption key, log group, feature store, model registry, metrics workspace, PersistentVolumeClaim, namespace). Plans only.',
  remediation: 'Keep the data: when the construct id or module path changed (construct ids are Terraform addresses), run '
    + '`terraform state mv <old address> <new address>` (or add a moved block) so the resource is kept; when an argument forces '
    + 'the replacement, revert it or migrate the data first; protect the resource (lifecycle prevent_destroy, '
    + 'deletion_protection = true). When the deletion is intended, accept it with the reason: '
    + 'Governance.of(stack).allowDeletion(address, { reason }) for a construct removed from the code, or '
    + 'Governance.suppress(resource, ruleId, { reason }) for a resource being replaced; both are read by '
    + '`ml-platform review plan.json --suppressions-from cdktf.out`.',
  references: ['STYLE.md rule 7 (construct ids are public API)'],
  appliesTo: STATEFUL_RESOURCE_TYPES,
  packs: ['baseline'],
  reviewsDeletions: true,
  evaluate(resource) {
    const actions = resource.plannedActions ?? [];
    if (!actions.includes('delete')) return [];
    const lost = dataLostByDeleting(resource);
    if (!lost) return [];
    const replaced = actions.includes('create');
    const what = replaced ? `replaces this resource (${actions.join(' then ')})` : 'deletes this resource';
    const because = replaced && resource.replacePaths?.length ? ` because ${resource.replacePaths.join(', ')} changed` : '';
    return [`the plan ${what}${because}: ${lost} would be lost`];
  },
});
