import { defineRule } from '../../rule';
import { cloudSqlTls } from '../../support/cloud-sql-tls';

/**
 * Cloud SQL instances with a public IP require TLS. ip_configuration.ipv4_enabled defaults to true;
 * ssl_mode defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED (require_ssl is the deprecated form).
 */
export const sqlSslRequired = defineRule({
  id: 'gcp-sql-ssl-required',
  severity: 'error',
  category: 'encryption-in-transit',
  description: 'Cloud SQL instance has no public IP, or requires TLS (ssl_mode ENCRYPTED_ONLY or stricter).',
  remediation: 'Set settings.ip_configuration { ipv4_enabled = false, private_network = ... } or ssl_mode = "ENCRYPTED_ONLY".',
  references: ['CKV_GCP_6', 'AVD-GCP-0015', 'CIS GCP 3.0 6.4'],
  appliesTo: ['google_sql_database_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const tls = cloudSqlTls(resource.values);
    if (tls.publicIp !== true) return [];
    return tls.acceptsPlaintext === true ? ['public IP enabled without requiring TLS (ssl_mode)'] : [];
  },
});
