import { defineRule } from '../../rule';
import { block, bool, boolOr, isUnknown, str } from '../../values';

const ENCRYPTED_MODES = ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'];

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
    const ip = block(block(resource.values, 'settings'), 'ip_configuration');
    const ipv4 = boolOr(ip?.ipv4_enabled, true);
    if (isUnknown(ipv4) || !ipv4) return [];
    const mode = ip?.ssl_mode;
    const requireSsl = bool(ip?.require_ssl);
    if (isUnknown(mode) || isUnknown(requireSsl)) return [];
    return ENCRYPTED_MODES.includes(str(mode) ?? '') || requireSsl === true ? [] : ['public IP enabled without requiring TLS (ssl_mode)'];
  },
});
