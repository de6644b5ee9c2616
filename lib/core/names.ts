import { Validator } from './errors';

/**
 * Name rules shared by Kubernetes and both clouds. Names that pass here are valid as a Kubernetes
 * object name (DNS-1123 label), an EKS cluster or node group name, and a GKE cluster or node pool name.
 */

/** Lowercase letters, digits and hyphens; starts with a letter, ends with a letter or digit. */
export const RESOURCE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes label value that is also a valid Google Cloud label value and AWS tag value. */
export const LABEL_VALUE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?)?$/;

/** A Kubernetes label value: at most 63 characters, alphanumerics with `-`, `_`, `.` inside. */
export const KUBERNETES_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A Kubernetes label key: optional DNS prefix and a name. */
export const LABEL_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Checks a name against {@link RESOURCE_NAME} and a length limit.
 * @param maxLength GKE caps cluster and node pool names at 40 characters; Kubernetes names at 63.
 */
export function checkResourceName(v: Validator, prop: string, name: string | undefined, maxLength: number): boolean {
  if (name === undefined) return true;
  return v.matches(prop, name, RESOURCE_NAME,
    'is not a valid name; use lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit')
    && v.check(name.length <= maxLength, prop, name, `is ${name.length} characters long; use at most ${maxLength}`);
}

/** Checks a map of Kubernetes labels (node labels, selectors): valid keys and values. */
export function checkLabels(v: Validator, prop: string, labels: Record<string, string> | undefined): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(labels ?? {})) {
    ok = v.check(LABEL_KEY.test(key) && key.length <= 316, `${prop}.${key}`, key,
      'is not a valid Kubernetes label key; use [prefix/]name with letters, digits, "-", "_" and "."') && ok;
    ok = v.check(typeof value === 'string' && KUBERNETES_LABEL_VALUE.test(value) && value.length <= 63, `${prop}.${key}`, value,
      'is not a valid Kubernetes label value; use at most 63 letters, digits, "-", "_" and ".", ' +
      'starting and ending with a letter or digit') && ok;
  }
  return ok;
}
