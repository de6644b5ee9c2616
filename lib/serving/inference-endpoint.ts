import { Validator } from '../core/errors';
import { IMonitorable, ServiceLevelObjectives } from '../core/monitoring-contract';
import { checkResourceName } from '../core/names';
import { IFeatureReader } from './model-source';
import { Traffic } from './traffic';

/** What every InferenceEndpoint target takes. */
export interface InferenceEndpointProps {
  /**
   * Endpoint name: lowercase letters, digits and hyphens, at most 40 characters. Part of every object name
   * and Terraform address: renaming it replaces the endpoint.
   */
  readonly name: string;
  /** How live traffic is split between the variants. */
  readonly traffic: Traffic;
  /** Service-level objectives; alarms and MonitoringStack alerts derive from them. @default - the monitoring defaults */
  readonly slo?: ServiceLevelObjectives;
  /** A feature store the model server reads online features from. @default - none */
  readonly featureStore?: IFeatureReader;
}

/** An inference endpoint on any target. */
export interface IInferenceEndpoint extends IMonitorable {
  /** The endpoint's name. */
  readonly endpointName: string;
  /** The traffic strategy it realises. */
  readonly traffic: Traffic;
}

// Image references and their pinning checks live in lib/core/images.ts.
export { DIGEST_PINNED_IMAGE } from '../core/images';

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
