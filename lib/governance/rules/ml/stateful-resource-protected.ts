import { defineRule } from '../../rule';
import { STATEFUL_RESOURCE_TYPES, unprotectedData } from '../../support/stateful';

const RULE_ID = 'ml-stateful-resource-protected';

/**
 * A resource that holds data is protected from deletion in the configuration itself, so a rename, a replacing change
 * or a `terraform destroy` fails instead of losing it. Configurations only: a plan does not carry `lifecycle`, and
 * `plan-stateful-resource-destroyed` reviews what a plan deletes.
 */
export const statefulResourceProtected = defineRule({
  id: RULE_ID,
  severity: 'warning',
  category: 'data-protection',
  description: 'A resource that holds data (bucket, database, cache, volume, file system, table, encryption key, log group, feature store, '
    + 'model registry, metrics workspace, PersistentVolumeClaim, a namespace holding claims) is protected from deletion: '
    + 'lifecycle prevent_destroy, or the provider\'s own guard (deletion_protection, no force_destroy, a Retain policy). Configurations only.',
  remediation: 'Add lifecycle { prevent_destroy = true } (cdktf: `lifecycle: { preventDestroy: true }`), or turn on the guard the finding '
    + 'names. To delete the resource on purpose, turn the protection off in one change and delete it in the next. When the data is '
    + 'disposable (a scratch cache, a test stack), suppress this rule on the resource with the reason.',
  references: ['STYLE.md rule 7 (construct ids are public API)', 'docs/governance.md#data-protection'],
  appliesTo: STATEFUL_RESOURCE_TYPES,
  packs: ['baseline'],
  evaluate(resource, context) {
    if (context.model.input === 'plan') return [];
    const gap = unprotectedData(resource, context, RULE_ID);
    return gap ? [`nothing stops Terraform deleting ${gap.loses}; set ${gap.fix}`] : [];
  },
});
