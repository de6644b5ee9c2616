import { defineRule } from '../../rule';
import { block, blocks, isSet, isUnknown, str } from '../../values';

/**
 * Workbench disks (boot and data) are encrypted with a customer-managed key: notebooks hold copies of training data.
 * Both google_workbench_instance (gce_setup.boot_disk / data_disks) and legacy google_notebooks_instance default to
 * Google-managed keys (disk_encryption GMEK).
 */
export const vertexAiWorkbenchCmek = defineRule({
  id: 'gcp-vertex-ai-workbench-cmek',
  severity: 'warning',
  category: 'key-management',
  description: 'Vertex AI Workbench instance disks use disk_encryption = "CMEK" with a kms_key.',
  remediation: 'Set gce_setup { boot_disk { disk_encryption = "CMEK", kms_key = <crypto key id> } data_disks { disk_encryption = "CMEK", kms_key = <crypto key id> } } (legacy notebooks: disk_encryption = "CMEK", kms_key).',
  references: ['CKV2_GCP_27', 'CKV2_GCP_21'],
  appliesTo: ['google_workbench_instance', 'google_notebooks_instance'],
  packs: ['strict'],
  evaluate(resource) {
    const disks = resource.type === 'google_notebooks_instance'
      ? [{ label: 'instance disks', disk: resource.values as Record<string, unknown> }]
      : [
        { label: 'boot disk', disk: block(block(resource.values, 'gce_setup'), 'boot_disk') ?? {} },
        ...blocks(block(resource.values, 'gce_setup'), 'data_disks').map((disk) => ({ label: 'data disk', disk })),
      ];
    const out: string[] = [];
    for (const { label, disk } of disks) {
      if (isUnknown(disk.disk_encryption)) continue;
      if (str(disk.disk_encryption) !== 'CMEK' || !isSet(disk.kms_key)) out.push(`${label} uses a Google-managed key (disk_encryption ${str(disk.disk_encryption) ?? 'GMEK'})`);
    }
    return out;
  },
});
