export * from './argo';
export * from './argo-workflows';
export * from './data-validation';
export * from './gates';
export * from './retraining-pipeline';
export { RETRAINING_METRICS, retrainingRuleGroup } from './rules';
