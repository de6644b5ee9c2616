/**
 * The claims of a StatefulSet's volumeClaimTemplates outlive the StatefulSet and a scale-down. Retain is the Kubernetes
 * default (`persistentVolumeClaimRetentionPolicy`, beta since 1.27, GA in 1.32; provider schema: "Default is Retain"), and
 * the library writes it out so the plan shows it and no later default change can delete the data.
 */
export const RETAIN_CLAIMS = [{ whenDeleted: 'Retain', whenScaled: 'Retain' }];
