import { defineRule } from '../../rule';
import { str } from '../../values';

const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

/** Project/folder/organization IAM uses predefined or custom roles, not the basic Owner/Editor/Viewer roles. */
export const iamNoBasicRoles = defineRule({
  id: 'gcp-iam-no-basic-roles',
  severity: 'error',
  category: 'least-privilege',
  description: 'IAM grants do not use basic roles (roles/owner, roles/editor, roles/viewer).',
  remediation: 'Grant predefined roles scoped to the job (e.g. roles/aiplatform.user, roles/storage.objectViewer) or a custom role.',
  references: ['CKV_GCP_117', 'CKV_GCP_116', 'CKV_GCP_115', 'AVD-GCP-0007', 'CIS GCP 3.0 1.5'],
  appliesTo: ['google_project_iam_member', 'google_project_iam_binding', 'google_folder_iam_member', 'google_folder_iam_binding', 'google_organization_iam_member', 'google_organization_iam_binding'],
  packs: ['baseline'],
  evaluate(resource) {
    const role = str(resource.values.role);
    return role && BASIC_ROLES.includes(role) ? [`grants basic role ${role}`] : [];
  },
});
