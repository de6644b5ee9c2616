import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../../core/errors';
import { checkResourceName } from '../../core/names';
import { Duration, Size } from '../../core/units';
import { ObjectStore } from '../../registry/object-store';
import { SageMakerModelRegistry } from '../../registry/sagemaker';
import { SecureS3Bucket } from '../../storage/s3-bucket';
import { DataValidation } from '../data-validation';
import { featureViewVersions } from '../feature-lineage';
import { EvaluationGate } from '../gates';
import type { SageMakerRetrainingPipelineProps } from '../sagemaker';
import { eventBridgeCron } from './eventbridge-cron';
import { ECR_IMAGE } from '../../core/images';

const NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** Metric and feature names a SageMaker JsonGet path can name without quoting. */
const PATH_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** CustomerMetadataProperties values: 1-256 of letters, digits, spaces and `_.:/=+-@` (CreateModelPackage). */
const METADATA_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
const MIME = /^[-\w]+\/[-\w+.]+$/;
/** Training jobs run at most 28 days (StoppingCondition.MaxRuntimeInSeconds). */
const MAX_TRAINING_SECONDS = 28 * 24 * 3600;

function checkImage(v: Validator, prop: string, image: string | undefined, digest: boolean, why: string): void {
  if (image !== undefined && Token.isUnresolved(image)) return;
  const m = typeof image === 'string' ? ECR_IMAGE.exec(image) : null;
  if (!v.check(m !== null, prop, image,
    `must be an Amazon ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>${digest ? '@sha256:<digest>' : ':<tag>'}): the execution role is granted pulls of exactly these repositories`)) return;
  if (digest) {
    v.check(!!m![4], prop, image, `must be pinned by digest (…@sha256:<64 hex>): ${why}`);
  } else {
    v.check(!!m![4] || !/:latest$/.test(image!) && /:[^/]+$/.test(image!), prop, image, 'must name a version: repository:tag (not latest) or repository@sha256:<digest>');
  }
}

/** No Terraform interpolation in literal strings that go into `pipeline_definition`. */
function checkLiteral(v: Validator, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  v.check(!/[$%]\{/.test(value), prop, value, 'contains "${" or "%{", which Terraform would read as an interpolation in pipeline_definition; remove it');
}

/** The S3 bucket a SageMaker job reads the dataset from. */
function datasetBucket(v: Validator, store: unknown): SecureS3Bucket | undefined {
  if (store instanceof SecureS3Bucket) return store;
  if (store instanceof ObjectStore && store.s3Bucket) return store.s3Bucket;
  const path = (store as IConstruct | undefined)?.node?.path ?? store;
  v.add('dataset.store', path,
    'must be an S3 DatasetStore, ObjectStore or SecureS3Bucket: SageMaker jobs read the dataset from S3 with the execution role, which the bucket grants its objects and key');
  return undefined;
}

/**
 * Checks every prop of a SageMakerRetrainingPipeline and throws one error naming them all. Returns the dataset's
 * bucket and the schedule as an EventBridge Scheduler expression.
 */
export function validateSageMakerPipeline(self: IConstruct, props: SageMakerRetrainingPipelineProps): { bucket: SecureS3Bucket; cron: string; featureVersions: Record<string, string> } {
  const v = new Validator(self);
  if (!props || typeof props !== 'object') {
    v.add('props', props, 'are required: { name, model, dataset, dataValidation, training, evaluation, registration }');
    v.throwIfAny();
  }
  v.matches('name', props.name, NAME, 'must be a DNS-1123 label of at most 40 characters, e.g. "churn"');
  v.check(typeof props.name === 'string', 'name', props.name, 'is required, e.g. "churn"');
  checkResourceName(v, 'model', props.model, 63);

  const bucket = datasetBucket(v, props.dataset?.store);
  v.matches('dataset.prefix', props.dataset?.prefix, /^([A-Za-z0-9!_.*'()-]+\/)*$/, 'must be a key prefix ending in "/" (e.g. "churn/"), or "" for the whole bucket');
  const version = props.dataset?.version;
  if (v.check(typeof version === 'string' && version.length > 0, 'dataset.version', version,
    'is required: the dataset version runs train on unless the trigger passes one (a DVC revision or snapshot tag)') && !Token.isUnresolved(version)) {
    v.check(METADATA_VALUE.test(version) && !/[$%]\{/.test(version), 'dataset.version', version,
      'must be 1-256 letters, digits, spaces and _ . : / = + - @: it is recorded in the model package\'s CustomerMetadataProperties');
  }

  if (v.check(props.dataValidation instanceof DataValidation, 'dataValidation', props.dataValidation,
    'must be a DataValidation, e.g. DataValidation.greatExpectations({ image, checkpoint })')) {
    props.dataValidation.validate(v, 'dataValidation');
    checkImage(v, 'dataValidation.image', props.dataValidation.image, false, '');
    props.dataValidation.command().forEach((c, i) => checkLiteral(v, `dataValidation.command[${i}]`, c));
  }
  v.check(props.featureStore === undefined, 'featureStore', (props.featureStore as IConstruct | undefined)?.node?.path ?? props.featureStore,
    'is not wired on SageMaker: feature stores grant Kubernetes workload identities; grant pipeline.executionGrants read access to the ' +
    'offline store yourself, and list the views in featureViews and their definitions in featureDefinitions for the lineage');
  (props.featureViews ?? []).forEach((f, i) => v.matches(`featureViews[${i}]`, f, /^[A-Za-z0-9_][-A-Za-z0-9_.]*$/, 'is not a feature view name'));
  const views = [...new Set(props.featureViews ?? [])].sort().join(' ');
  v.check(views.length <= 256, 'featureViews', `${(props.featureViews ?? []).length} views`,
    'render to more than 256 characters, the most a CustomerMetadataProperties value holds; record a feature service name instead');
  (props.triggerWorkloads ?? []).forEach((w, i) => checkResourceName(v, `triggerWorkloads[${i}]`, w, 63));
  if (props.triggerWorkloads) v.nonEmpty('triggerWorkloads', props.triggerWorkloads, 'must name at least one endpoint, or be left unset for [model]');

  const schedule = props.schedule ?? '0 3 * * 1';
  const cron = eventBridgeCron(typeof schedule === 'string' ? schedule : '');
  if ('error' in cron) v.add('schedule', props.schedule, cron.error);

  const t = props.training;
  if (v.check(!!t && typeof t === 'object', 'training', t, 'is required: { image, instanceType }')) {
    checkImage(v, 'training.image', t.image, true, 'the digest is recorded as the code version of every model it trains');
    v.matches('training.instanceType', t.instanceType, INSTANCE_TYPE, 'must be an ML instance type such as "ml.g5.2xlarge"');
    v.check(typeof t.instanceType === 'string', 'training.instanceType', t.instanceType, 'is required, e.g. "ml.g5.2xlarge"');
    v.integer('training.instanceCount', t.instanceCount, 1, 100);
    if (t.volumeSize !== undefined) {
      v.check(t.volumeSize instanceof Size && Number.isInteger(t.volumeSize.toGibibytes()) && t.volumeSize.toGibibytes() >= 1, 'training.volumeSize', t.volumeSize,
        'must be a whole number of gibibytes, at least Size.gibibytes(1)');
    }
    if (t.timeout !== undefined) {
      v.check(t.timeout instanceof Duration && t.timeout.toSeconds() >= 1 && t.timeout.toSeconds() <= MAX_TRAINING_SECONDS, 'training.timeout', t.timeout,
        'must be a Duration from 1 second to 28 days, the longest a SageMaker training job runs');
    }
  }
  v.matches('processingInstanceType', props.processingInstanceType, INSTANCE_TYPE, 'must be an ML instance type such as "ml.m5.xlarge"');

  const e = props.evaluation;
  if (v.check(!!e && typeof e === 'object', 'evaluation', e, 'is required: { image, gates }')) {
    checkImage(v, 'evaluation.image', e.image, false, '');
    (e.command ?? []).forEach((c, i) => checkLiteral(v, `evaluation.command[${i}]`, c));
    if (v.nonEmpty('evaluation.gates', e.gates, 'must hold at least one gate, e.g. [EvaluationGate.metricAtLeast(\'auc\', 0.85)]')) {
      e.gates.forEach((g, i) => {
        const prop = `evaluation.gates[${i}]`;
        if (!v.check(g instanceof EvaluationGate, prop, g, 'must be an EvaluationGate')) return;
        // Refused rather than approximated. A pipeline definition compares values with Condition steps; its only
        // functions are Std:Join and Std:JsonGet (sagemaker-python-sdk, sagemaker.workflow.functions: Join, JsonGet),
        // so "champion + minImprovement" cannot be computed, and no step reads the approved package's metrics without
        // a container of ours. A `ChampionMetric_<name>` parameter would only hold what the starter passes: the
        // schedule and the alert Pipe start runs with fixed parameters, so every automatic run would compare with
        // the parameter's default, and the gate would pass whatever the champion scored.
        if (!v.check(!g.comparesWithChampion, prop, String(g),
          'compares with the champion, which SageMakerRetrainingPipeline cannot do honestly: a pipeline definition has no arithmetic for ' +
          'minImprovement and no step that reads the approved model package\'s metrics, and scheduled and alert runs start with fixed parameters. ' +
          'Use an absolute gate (EvaluationGate.metricAtLeast / metricAtMost) on SageMaker, or run the pipeline on Argo (ArgoRetrainingPipeline)')) return;
        g.validate(v, prop);
        // The gates read metrics.json with a JSON path (Std:JsonGet): dots and dashes in a name would split it.
        v.matches(`${prop}.metric`, g.metric, PATH_NAME, 'must be letters, digits and "_" on SageMaker, where the gate reads it with a JSON path; rename it in metrics.json');
        if (g.sensitiveFeature !== undefined) {
          v.matches(`${prop}.sensitiveFeature`, g.sensitiveFeature, PATH_NAME, 'must be letters, digits and "_" on SageMaker, where the gate reads it with a JSON path');
        }
      });
      v.unique('evaluation.gates', e.gates, (g) => String(g), 'gate');
    }
  }

  const r = props.registration;
  if (v.check(!!r && typeof r === 'object', 'registration', r, 'is required: { registry, inferenceImage }')) {
    if (v.check(r.registry instanceof SageMakerModelRegistry, 'registration.registry', (r.registry as IConstruct | undefined)?.node?.path ?? r.registry,
      'must be a SageMakerModelRegistry (a model package group); MLflow registries are served by ArgoRetrainingPipeline')) {
      v.check(Token.isUnresolved(props.model) || r.registry.groupName === props.model, 'model', props.model,
        `is not the registry's model package group "${r.registry.groupName}": the group is the registered model on SageMaker; set model to "${r.registry.groupName}"`);
    }
    checkImage(v, 'registration.inferenceImage', r.inferenceImage, true, 'the model package records the image endpoints will run');
    (r.contentTypes ?? []).forEach((c, i) => v.matches(`registration.contentTypes[${i}]`, c, MIME, 'must be a MIME type such as "text/csv"'));
    (r.responseTypes ?? []).forEach((c, i) => v.matches(`registration.responseTypes[${i}]`, c, MIME, 'must be a MIME type such as "application/json"'));
    if (r.contentTypes) v.nonEmpty('registration.contentTypes', r.contentTypes, 'must list at least one MIME type, or be left unset for ["application/json"]');
    if (r.responseTypes) v.nonEmpty('registration.responseTypes', r.responseTypes, 'must list at least one MIME type, or be left unset for ["application/json"]');
  }

  if (props.vpc !== undefined) {
    v.nonEmpty('vpc.subnetIds', props.vpc?.subnetIds, 'must list the private subnets the jobs run in');
    v.nonEmpty('vpc.securityGroupIds', props.vpc?.securityGroupIds, 'must list the security groups of the jobs');
  }
  const featureVersions = featureViewVersions(v, self, props.featureViews, props.featureDefinitions, 'featureDefinitions');
  // CustomerMetadataProperties hold at most 50 entries (sagemaker service model 2017-07-24, CustomerMetadataMap: max 50):
  // the five lineage keys and one per view.
  v.check(Object.keys(featureVersions).length <= 45, 'featureViews', `${Object.keys(featureVersions).length} versioned views`,
    'need more than the 45 CustomerMetadataProperties entries left beside the lineage keys (50 at most); record a feature service instead of each view');
  v.throwIfAny();
  return { bucket: bucket!, cron: (cron as { expression: string }).expression, featureVersions };
}
