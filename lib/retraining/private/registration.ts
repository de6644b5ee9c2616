import { LINEAGE_KEYS } from '../../registry/lineage';
import { FEATURE_VIEW_VERSION_KEY_PREFIX } from '../feature-lineage';
import { CHALLENGER_ALIAS } from '../gates';

/**
 * The register step's Python: registers `ML_MODEL_URI` as a new version of `ML_MODEL_NAME` in MLflow
 * (`MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_USERNAME`/`PASSWORD`), writes the lineage contract's tags
 * ({@link LINEAGE_KEYS}) from the `ML_*` environment, one tag per feature view version (`ML_FEATURE_VIEW_VERSIONS`,
 * `ml-platform.io/feature-view-version/<view>`), and points the `challenger` alias at it. It never sets
 * another alias: promotion is a reviewed change to the registry's `releasedVersions`.
 */
export function registrationScript(): string {
  const tags: Array<[string, string]> = [
    [LINEAGE_KEYS.datasetUri, 'ML_DATASET_URI'],
    [LINEAGE_KEYS.datasetVersion, 'ML_DATASET_VERSION'],
    [LINEAGE_KEYS.featureViews, 'ML_FEATURE_VIEWS'],
    [LINEAGE_KEYS.trainingRun, 'ML_TRAINING_RUN'],
    [LINEAGE_KEYS.codeVersion, 'ML_CODE_VERSION'],
  ];
  return [
    'import os',
    'from mlflow import MlflowClient, register_model',
    `TAGS = {${tags.map(([k, env]) => `${JSON.stringify(k)}: os.environ.get(${JSON.stringify(env)}, "")`).join(', ')}}`,
    // Each feature view's version (view=version pairs), one tag per view.
    'for pair in os.environ.get("ML_FEATURE_VIEW_VERSIONS", "").split():',
    '    view, _, version = pair.partition("=")',
    '    if view and version:',
    `        TAGS[${JSON.stringify(FEATURE_VIEW_VERSION_KEY_PREFIX)} + view] = version`,
    'name = os.environ["ML_MODEL_NAME"]',
    'version = register_model(os.environ["ML_MODEL_URI"], name, tags={k: v for k, v in TAGS.items() if v})',
    'client = MlflowClient()',
    `client.set_registered_model_alias(name, ${JSON.stringify(CHALLENGER_ALIAS)}, version.version)`,
    'print("registered %s version %s as %s" % (name, version.version, ' + JSON.stringify(CHALLENGER_ALIAS) + '))',
    '',
  ].join('\n');
}
