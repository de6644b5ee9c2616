/**
 * Permissions of the predefined Google Cloud roles this library grants or users commonly grant for the same
 * purposes, limited to the permissions the contracts ask about. Source: Google Cloud IAM "roles and
 * permissions" reference, one page per service (https://cloud.google.com/iam/docs/roles-permissions/storage,
 * …/bigquery, …/cloudkms, …/secretmanager, …/aiplatform, …/monitoring, …/iam, …/pubsub), read 2026-12.
 * A role missing here is `unknown` to the check, never assumed to grant.
 */
export const GCP_ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'roles/storage.objectViewer': ['storage.objects.get', 'storage.objects.list', 'storage.folders.get', 'storage.folders.list', 'storage.managedFolders.get', 'storage.managedFolders.list'],
  'roles/storage.objectCreator': ['storage.objects.create', 'storage.multipartUploads.create', 'storage.multipartUploads.abort', 'storage.multipartUploads.listParts'],
  'roles/storage.objectUser': [
    'storage.objects.get', 'storage.objects.list', 'storage.objects.create', 'storage.objects.delete', 'storage.objects.update', 'storage.objects.restore',
    'storage.multipartUploads.create', 'storage.multipartUploads.abort', 'storage.multipartUploads.list', 'storage.multipartUploads.listParts',
    'storage.folders.get', 'storage.folders.list', 'storage.folders.create', 'storage.folders.delete', 'storage.folders.rename',
  ],
  'roles/storage.objectAdmin': [
    'storage.objects.get', 'storage.objects.list', 'storage.objects.create', 'storage.objects.delete', 'storage.objects.update', 'storage.objects.restore',
    'storage.objects.getIamPolicy', 'storage.objects.setIamPolicy', 'storage.multipartUploads.create', 'storage.multipartUploads.abort',
    'storage.multipartUploads.list', 'storage.multipartUploads.listParts',
  ],
  'roles/storage.admin': ['storage.buckets.*', 'storage.objects.*', 'storage.multipartUploads.*', 'storage.folders.*', 'storage.managedFolders.*'],
  'roles/bigquery.dataViewer': [
    'bigquery.datasets.get', 'bigquery.tables.get', 'bigquery.tables.getData', 'bigquery.tables.list', 'bigquery.tables.export',
    'bigquery.models.getData', 'bigquery.models.getMetadata', 'bigquery.models.list', 'bigquery.routines.get', 'bigquery.routines.list',
  ],
  'roles/bigquery.dataEditor': [
    'bigquery.datasets.get', 'bigquery.tables.get', 'bigquery.tables.getData', 'bigquery.tables.list', 'bigquery.tables.export',
    'bigquery.tables.create', 'bigquery.tables.update', 'bigquery.tables.updateData', 'bigquery.tables.delete',
    'bigquery.models.getData', 'bigquery.models.getMetadata', 'bigquery.models.list', 'bigquery.routines.get', 'bigquery.routines.list',
  ],
  'roles/bigquery.jobUser': ['bigquery.jobs.create'],
  'roles/bigquery.readSessionUser': ['bigquery.readsessions.create', 'bigquery.readsessions.getData', 'bigquery.readsessions.update'],
  'roles/bigquery.user': ['bigquery.jobs.create', 'bigquery.readsessions.create', 'bigquery.readsessions.getData', 'bigquery.readsessions.update', 'bigquery.datasets.create', 'bigquery.tables.list'],
  'roles/cloudkms.cryptoKeyEncrypterDecrypter': ['cloudkms.cryptoKeyVersions.useToEncrypt', 'cloudkms.cryptoKeyVersions.useToDecrypt'],
  'roles/cloudkms.cryptoKeyDecrypter': ['cloudkms.cryptoKeyVersions.useToDecrypt'],
  'roles/cloudkms.cryptoKeyEncrypter': ['cloudkms.cryptoKeyVersions.useToEncrypt'],
  'roles/secretmanager.secretAccessor': ['secretmanager.versions.access'],
  'roles/aiplatform.user': [
    'aiplatform.endpoints.predict', 'aiplatform.endpoints.get', 'aiplatform.featureOnlineStores.get', 'aiplatform.featureViews.fetchFeatureValues',
    'aiplatform.featureViews.searchNearestEntities', 'aiplatform.featurestores.readFeatures', 'aiplatform.entityTypes.readFeatureValues',
  ],
  'roles/aiplatform.featurestoreDataViewer': ['aiplatform.featurestores.readFeatures', 'aiplatform.entityTypes.readFeatureValues', 'aiplatform.featureViews.fetchFeatureValues'],
  'roles/monitoring.metricWriter': ['monitoring.timeSeries.create', 'monitoring.metricDescriptors.create'],
  // Pub/Sub (…/pubsub): Subscriber consumes subscriptions and attaches them to topics.
  'roles/pubsub.subscriber': ['pubsub.subscriptions.consume', 'pubsub.topics.attachSubscription', 'pubsub.snapshots.seek'],
  'roles/pubsub.publisher': ['pubsub.topics.publish'],
  'roles/iam.workloadIdentityUser': ['iam.serviceAccounts.getAccessToken', 'iam.serviceAccounts.getOpenIdToken'],
};

/** Whether a role grants a permission: true, false, or undefined when the role is not in the table. */
export function roleGrants(role: string, permission: string): boolean | undefined {
  const permissions = GCP_ROLE_PERMISSIONS[role];
  if (!permissions) return undefined;
  return permissions.some((p) => p === permission || (p.endsWith('.*') && permission.startsWith(p.slice(0, -1))));
}
