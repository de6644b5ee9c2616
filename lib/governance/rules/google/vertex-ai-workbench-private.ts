import { defineRule } from '../../rule';
import { block, blocks, boolOr, isUnknown } from '../../values';

/**
 * Workbench instances (google_workbench_instance, and legacy google_notebooks_instance) have no external IP: notebook
 * servers with public addresses are reachable for scanning and exfiltrate freely. Both default to a public IP
 * (gce_setup.disable_public_ip / no_public_ip default false).
 */
export const vertexAiWorkbenchPrivate = defineRule({
  id: 'gcp-vertex-ai-workbench-private',
  severity: 'error',
  category: 'network-isolation',
  description: 'Vertex AI Workbench instance has no public IP (gce_setup.disable_public_ip = true; legacy notebooks: no_public_ip = true).',
  remediation: 'Set gce_setup { disable_public_ip = true } with a subnet that has Private Google Access and Cloud NAT (legacy google_notebooks_instance: no_public_ip = true).',
  references: ['CKV2_GCP_28', 'CKV_GCP_89'],
  appliesTo: ['google_workbench_instance', 'google_notebooks_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    if (resource.type === 'google_notebooks_instance') {
      const noPublicIp = boolOr(resource.values.no_public_ip, false);
      return isUnknown(noPublicIp) || noPublicIp ? [] : ['no_public_ip is not true: the notebook gets an external IP'];
    }
    const setup = block(resource.values, 'gce_setup');
    const disabled = boolOr(setup?.disable_public_ip, false);
    if (isUnknown(disabled)) return [];
    const accessConfigs = blocks(setup, 'network_interfaces').flatMap((n) => blocks(n, 'access_configs'));
    if (!disabled) return ['gce_setup.disable_public_ip is not true: the instance gets an external IP'];
    return accessConfigs.length ? ['network_interfaces.access_configs assigns an external IP'] : [];
  },
});
