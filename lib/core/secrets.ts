/**
 * Secrets the library reads but never holds. Two shapes, by what the consumer needs:
 * - one value (a password, a token, a URL, a CA file): a {@link SecretKeyRef}, `{ name, key }`;
 * - a whole secret whose keys become a container's environment (`envFrom`) or files: its name, in a prop called
 *   `credentialsSecret` (the keys it must hold are named in the prop's doc).
 * The secret exists in the consumer's namespace (External Secrets, Vault, Sealed Secrets or a CSI driver creates it);
 * only its name and key enter Terraform, never a value.
 */

/** One key of an existing Kubernetes secret in the consumer's namespace. */
export interface SecretKeyRef {
  /** The secret's name (DNS-1123). */
  readonly name: string;
  /** The key inside the secret. */
  readonly key: string;
}
