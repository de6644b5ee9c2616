import { Validator } from '../core/errors';
import { checkResourceName } from '../core/names';

/**
 * The model versions released for deployment, declared in code. Training registers versions at run time,
 * which Terraform cannot see; releasing one to serving or an edge ring is a reviewed change that lists it
 * here, so endpoints and rings are validated against versions that exist. Model names are DNS-1123 labels;
 * versions are the registry's version numbers (MLflow `3`, SageMaker model package version `12`).
 */
export type ReleasedModelVersions = Record<string, string[]>;

/** Validates a released-versions map; problems land in `v` under `prop`. */
export function checkReleasedVersions(v: Validator, prop: string, versions: ReleasedModelVersions | undefined): void {
  for (const [model, list] of Object.entries(versions ?? {})) {
    checkResourceName(v, `${prop}.${model}`, model, 63);
    if (!v.check(Array.isArray(list), `${prop}.${model}`, list, 'must list version numbers, e.g. ["3", "4"]')) continue;
    list.forEach((version, i) => v.matches(`${prop}.${model}[${i}]`, version, /^[1-9]\d{0,8}$/, 'must be a registry version number such as "3"'));
  }
}

/** Whether `versions` declares `model` at `version`. */
export function isReleased(versions: ReleasedModelVersions | undefined, model: string, version: string): boolean {
  return (versions?.[model] ?? []).includes(version);
}
