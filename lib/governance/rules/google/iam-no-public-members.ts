import { defineRule } from '../../rule';
import { str, strings } from '../../values';

const PUBLIC = ['allUsers', 'allAuthenticatedUsers'];

/** No IAM member/binding grants access to allUsers or allAuthenticatedUsers. */
export const iamNoPublicMembers = defineRule({
  id: 'gcp-iam-no-public-members',
  severity: 'error',
  category: 'public-exposure',
  description: 'IAM members and bindings do not include allUsers or allAuthenticatedUsers.',
  remediation: 'Grant the role to named users, groups or service accounts; serve public content through a load balancer or signed URLs.',
  references: ['CKV_GCP_28', 'CKV_GCP_99', 'CKV_GCP_101', 'CKV_GCP_102', 'AVD-GCP-0001', 'CIS GCP 3.0 5.1'],
  appliesTo: [
    'google_project_iam_member', 'google_project_iam_binding', 'google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding',
    'google_bigquery_dataset_iam_member', 'google_bigquery_dataset_iam_binding', 'google_cloud_run_service_iam_member', 'google_cloud_run_service_iam_binding',
    'google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding', 'google_pubsub_topic_iam_member', 'google_pubsub_topic_iam_binding',
    'google_kms_crypto_key_iam_member', 'google_kms_crypto_key_iam_binding', 'google_artifact_registry_repository_iam_member', 'google_artifact_registry_repository_iam_binding',
  ],
  packs: ['baseline'],
  evaluate(resource) {
    const members = [...strings(resource.values.members), ...(str(resource.values.member) ? [str(resource.values.member)!] : [])];
    const found = members.filter((m) => PUBLIC.includes(m));
    return found.length ? [`grants ${str(resource.values.role) ?? 'a role'} to ${found.join(', ')}`] : [];
  },
});
