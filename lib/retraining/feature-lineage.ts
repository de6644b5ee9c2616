import { createHash } from 'crypto';
import { Annotations } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../core/errors';
import { FeatureDefinitions, FeatureView } from '../features/definitions';

/**
 * The lineage key of one feature view's version, `ml-platform.io/feature-view-version/<view>`: an MLflow model
 * version tag, or a SageMaker model package `CustomerMetadataProperties` key (1-128 characters of letters, digits,
 * spaces and `_.:/=+-@`; sagemaker service model 2017-07-24, `CustomerMetadataKey`). Next to
 * `ml-platform.io/feature-views` (the names, `LINEAGE_KEYS.featureViews`).
 */
export const FEATURE_VIEW_VERSION_KEY_PREFIX = 'ml-platform.io/feature-view-version/';

/** The lineage key recording `view`'s version. */
export function featureViewVersionKey(view: string): string {
  return `${FEATURE_VIEW_VERSION_KEY_PREFIX}${view}`;
}

/**
 * The version of a feature view's definition: `sha256:` and the first 16 hex digits of the SHA-256 of what decides
 * the values a model reads from it: its name, entities (name, join key, type), features (name, type, in order),
 * TTL (the point-in-time join window) and source (kind, location, event and created timestamp columns). Owner,
 * description, tags, online serving and the materialization interval do not change the values and do not change
 * the version. The library's FeatureView has no version field; this hash is it.
 */
export function featureViewVersion(view: FeatureView): string {
  const definition = {
    name: view.name,
    entities: view.entities.map((e) => ({ name: e.name, joinKey: e.joinKey, valueType: e.valueType })),
    features: view.features.map((f) => ({ name: f.name, valueType: f.valueType })),
    ttlSeconds: view.ttl.toSeconds(),
    source: {
      kind: view.source.kind, location: view.source.location,
      timestampField: view.source.options.timestampField, createdTimestampField: view.source.options.createdTimestampField ?? null,
    },
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16)}`;
}

/**
 * The version of each feature view a pipeline declares, `{ view: version }`, from the definitions it was given:
 * a name missing from them is refused (path, prop, value, fix); with no definitions the views are recorded by name
 * only, and the pipeline says so in a warning.
 */
export function featureViewVersions(v: Validator, scope: IConstruct, views: readonly string[] | undefined, definitions: FeatureDefinitions | undefined,
  definitionsProp: string): Record<string, string> {
  const names = [...new Set(views ?? [])].sort();
  if (names.length === 0) return {};
  if (!definitions || !Array.isArray(definitions.featureViews)) {
    Annotations.of(scope).addWarning(`${scope.node.path}: featureViews (${names.join(', ')}) are recorded by name only: ` +
      `without their definitions the registered versions cannot record which definition of each view they were trained on; set ${definitionsProp}`);
    return {};
  }
  const known = new Map(definitions.featureViews.filter((f) => f instanceof FeatureView).map((f) => [f.name, f]));
  const out: Record<string, string> = {};
  (views ?? []).forEach((name, i) => {
    const view = known.get(name);
    if (v.check(view !== undefined, `featureViews[${i}]`, name,
      `is not a feature view of ${definitionsProp} (project ${definitions.project}: ${[...known.keys()].sort().join(', ') || 'none'}); name one of them or add its definition`)) {
      out[name] = featureViewVersion(view!);
    }
  });
  return out;
}

/** `view=version` pairs, space-separated and sorted: the `ML_FEATURE_VIEW_VERSIONS` every step receives. */
export function featureViewVersionsEnv(versions: Readonly<Record<string, string>>): string {
  return Object.keys(versions).sort().map((k) => `${k}=${versions[k]}`).join(' ');
}
