import { Validator } from '../../core/errors';
import { checkResourceName } from '../../core/names';
import { InferenceEndpointProps } from '../inference-endpoint';

/** Checks the props every target shares. */
export function checkEndpointProps(v: Validator, props: InferenceEndpointProps, maxNameLength = 40): void {
  v.check(typeof props.name === 'string', 'name', props.name, 'is required: lowercase letters, digits and hyphens');
  checkResourceName(v, 'name', props.name, maxNameLength);
  const slo = props.slo;
  if (slo?.latencyP99Ms !== undefined) v.check(slo.latencyP99Ms > 0, 'slo.latencyP99Ms', slo.latencyP99Ms, 'must be above 0 milliseconds');
  if (slo?.errorRatePercent !== undefined) {
    v.check(slo.errorRatePercent > 0 && slo.errorRatePercent < 100, 'slo.errorRatePercent', slo.errorRatePercent, 'must be a percent above 0 and below 100');
  }
}

/** Checks a list of variant names: present, valid, unique. */
export function checkVariantNames(v: Validator, variants: readonly { name: string }[] | undefined, maxLength: number): string[] {
  if (!v.nonEmpty('variants', variants, 'must declare at least one variant: { name, model, image, ... }')) return [];
  v.unique('variants', variants!, (x) => String(x?.name), 'variant name');
  variants!.forEach((x, i) => {
    v.check(typeof x?.name === 'string', `variants[${i}].name`, x?.name, 'is required');
    checkResourceName(v, `variants[${i}].name`, x?.name, maxLength);
  });
  return variants!.map((x) => x?.name);
}
