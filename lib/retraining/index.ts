export * from './argo';
export * from './argo-workflows';
export * from './data-validation';
export { FEATURE_VIEW_VERSION_KEY_PREFIX, featureViewVersion, featureViewVersionKey } from './feature-lineage';
export * from './gates';
export * from './retraining-pipeline';
export { RETRAINING_METRIC_LABELS, RETRAINING_METRICS, retrainingRuleGroup } from './rules';
export * from './sagemaker';
