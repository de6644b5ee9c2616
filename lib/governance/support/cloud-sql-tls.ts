import { block, bool, boolOr, isUnknown, str } from '../values';

const ENCRYPTED_MODES = ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'];

/** How a Cloud SQL instance is reached and whether it refuses plaintext. */
export interface CloudSqlTls {
  /** `ip_configuration.ipv4_enabled` (defaults to true); undefined when only known at apply. */
  readonly publicIp?: boolean;
  /** The instance accepts unencrypted connections; undefined when only known at apply. */
  readonly acceptsPlaintext?: boolean;
  /** `ssl_mode` as written, or the provider's default. */
  readonly mode: string;
}

/**
 * Reads a `google_sql_database_instance`'s TLS settings: `ssl_mode` ENCRYPTED_ONLY or
 * TRUSTED_CLIENT_CERTIFICATE_REQUIRED (or the deprecated `require_ssl = true`) refuse plaintext; the default
 * ALLOW_UNENCRYPTED_AND_ENCRYPTED accepts it.
 */
export function cloudSqlTls(values: Readonly<Record<string, unknown>>): CloudSqlTls {
  const ip = block(block(values, 'settings'), 'ip_configuration');
  const ipv4 = boolOr(ip?.ipv4_enabled, true);
  const mode = ip?.ssl_mode;
  const requireSsl = bool(ip?.require_ssl);
  const known = !isUnknown(mode) && !isUnknown(requireSsl);
  return {
    publicIp: isUnknown(ipv4) ? undefined : !!ipv4,
    acceptsPlaintext: known ? !(ENCRYPTED_MODES.includes(str(mode) ?? '') || requireSsl === true) : undefined,
    mode: str(mode) ?? 'ALLOW_UNENCRYPTED_AND_ENCRYPTED',
  };
}
