import { defineRule } from '../../rule';
import { cloudSqlTls } from '../../support/cloud-sql-tls';

/**
 * Cloud SQL instances reachable only on a private IP also refuse plaintext connections: traffic inside the VPC (and
 * across peering or interconnect) is not encrypted by default. Instances with a public IP are
 * gcp-sql-ssl-required's (an error); this rule covers the rest, so each instance gets one finding.
 */
export const sqlPrivateIpRequiresTls = defineRule({
  id: 'gcp-sql-private-ip-requires-tls',
  severity: 'warning',
  category: 'encryption-in-transit',
  description: 'Cloud SQL instance without a public IP still requires TLS (ssl_mode ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED).',
  remediation: 'Set settings.ip_configuration { ssl_mode = "ENCRYPTED_ONLY" } (or TRUSTED_CLIENT_CERTIFICATE_REQUIRED with client certificates / the Cloud SQL Auth Proxy).',
  references: ['CKV_GCP_6', 'AVD-GCP-0015', 'CIS GCP 3.0 6.4'],
  appliesTo: ['google_sql_database_instance'],
  packs: ['baseline'],
  evaluate(resource) {
    const tls = cloudSqlTls(resource.values);
    if (tls.publicIp !== false) return []; // public IP (or unknown): gcp-sql-ssl-required
    return tls.acceptsPlaintext === true ? [`ssl_mode is ${tls.mode}: plaintext connections are accepted on the private IP`] : [];
  },
});
