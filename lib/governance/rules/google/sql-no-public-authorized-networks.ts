import { defineRule } from '../../rule';
import { coversWholeInternet } from '../../support/cidr';
import { anyUnknown, block, blocks, strings } from '../../values';

/** Authorized networks never include the whole internet. */
export const sqlNoPublicAuthorizedNetworks = defineRule({
  id: 'gcp-sql-no-public-authorized-networks',
  severity: 'error',
  category: 'public-exposure',
  description: 'Cloud SQL authorized networks do not include 0.0.0.0/0.',
  remediation: 'Remove 0.0.0.0/0 from settings.ip_configuration.authorized_networks; use private IP or the Cloud SQL Auth Proxy.',
  references: ['CKV_GCP_11', 'AVD-GCP-0017', 'CIS GCP 3.0 6.5'],
  appliesTo: ['google_sql_database_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const ip = block(block(resource.values, 'settings'), 'ip_configuration');
    const networks = blocks(ip, 'authorized_networks').map((n) => n.value);
    if (coversWholeInternet(strings(networks))) return ['authorized_networks cover the whole internet (0.0.0.0/0 or ranges that add up to it)'];
    anyUnknown(networks); // an unknown network could complete the set: counted, not passed silently
    return [];
  },
});
