import { Validator } from '../../core/errors';
import { IModelSource } from '../../core/model-source';
import { IReadableModelSource, ModelArtifact } from '../model-source';

/** True when `source` can grant read access itself. */
export function canGrantRead(source: IModelSource | undefined): source is IReadableModelSource {
  return !!source && typeof (source as Partial<IReadableModelSource>).grantRead === 'function';
}

/** Checks one variant's artifact: a ModelArtifact that passes its own checks. */
export function checkModelArtifact(v: Validator, prop: string, artifact: ModelArtifact | undefined): boolean {
  if (!(artifact instanceof ModelArtifact)) {
    v.add(prop, artifact, 'must be ModelArtifact.fromRegistry(registry, model, version) or ModelArtifact.fromUri("s3://…")');
    return false;
  }
  return artifact.validate(v, prop);
}
