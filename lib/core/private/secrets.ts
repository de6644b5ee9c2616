import { Token } from 'cdktf';
import { Validator } from '../errors';
import { RESOURCE_NAME } from '../names';
import type { SecretKeyRef } from '../secrets';

/** A secret key: letters, digits, `-`, `_` and `.` (Kubernetes' rule for data keys). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Checks a {@link SecretKeyRef} prop: present (unless optional), a valid secret name and data key.
 * @param example a whole example value for the message, e.g. `{ name: "mlflow-db", key: "password" }`
 * @returns whether the reference is usable
 */
export function checkSecretKeyRef(v: Validator, prop: string, ref: SecretKeyRef | undefined, example: string, optional = false): boolean {
  if (ref === undefined && optional) return true;
  if (!v.check(typeof ref === 'object' && ref !== null && typeof ref.name === 'string' && typeof ref.key === 'string', prop, ref,
    `is required as { name, key } of an existing Kubernetes secret, e.g. ${example}`)) return false;
  let ok = true;
  if (!Token.isUnresolved(ref!.name)) {
    ok = v.check(RESOURCE_NAME.test(ref!.name.replace(/\./g, '-')) && ref!.name.length <= 253, `${prop}.name`, ref!.name,
      'is not a valid secret name; use lowercase letters, digits, "-" and "."') && ok;
  }
  if (!Token.isUnresolved(ref!.key)) {
    ok = v.check(SECRET_KEY.test(ref!.key) && ref!.key.length <= 253, `${prop}.key`, ref!.key,
      'is not a valid secret key; use letters, digits, "-", "_" and "."') && ok;
  }
  return ok;
}

/** Checks a whole-secret name prop (`credentialsSecret`). */
export function checkSecretName(v: Validator, prop: string, name: string | undefined): boolean {
  if (name === undefined || Token.isUnresolved(name)) return true;
  return v.check(typeof name === 'string' && RESOURCE_NAME.test(name.replace(/\./g, '-')) && name.length <= 253, prop, name,
    'must be the name of an existing Kubernetes secret in the same namespace (lowercase letters, digits, "-" and ".")');
}

/** A container environment variable read from a secret key (the kubernetes provider's spelling). */
export function secretEnv(name: string, ref: SecretKeyRef): { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } } {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** `envFrom` for a whole secret, or nothing when there is none. */
export function secretEnvFrom(credentialsSecret: string | undefined): { envFrom?: Array<{ secretRef: { name: string } }> } {
  return credentialsSecret ? { envFrom: [{ secretRef: { name: credentialsSecret } }] } : {};
}
