import { Token } from 'cdktf';
import { Validator } from '../core/errors';
import { Duration } from '../core/units';
import { isValueType, sagemakerType, ValueType } from './value-type';

/**
 * Names of projects, entities, feature views and features: lowercase snake_case, at most 60 characters.
 * This is the intersection of what Feast (Python identifiers and registry keys), SageMaker feature names
 * and Vertex AI Feature Store ids accept; SageMaker feature group names swap `_` for `-`.
 */
export const FEATURE_NAME = /^[a-z][a-z0-9_]{0,59}$/;

/**
 * Checks that a user-provided string can be written into Terraform as a literal: `${` starts an interpolation
 * and `%{` a template directive, so Terraform would evaluate them (or fail to parse) instead of keeping the text.
 * Unresolved tokens are references this library writes on purpose and are skipped.
 */
export function checkTerraformLiteral(v: Validator, prop: string, value: unknown): boolean {
  if (typeof value !== 'string' || Token.isUnresolved(value)) return true;
  return v.check(!/[$%]\{/.test(value), prop, value,
    'contains "${" or "%{", which Terraform reads as an interpolation or template directive; remove it (e.g. write "$ {" or drop the "$")');
}

/** Feature names SageMaker reserves for its own columns. */
const SAGEMAKER_RESERVED = ['is_deleted', 'write_time', 'api_invocation_time'];

/** Props for {@link Entity}. */
export interface EntityProps {
  /** Entity name, e.g. `driver`. Snake_case, at most 60 characters. */
  readonly name: string;
  /** The column that identifies one entity in every source, e.g. `driver_id`. */
  readonly joinKey: string;
  /** The join key's type. @default ValueType.INT64 */
  readonly valueType?: ValueType;
  /** What the entity is, for the registry. @default - none */
  readonly description?: string;
}

/**
 * Something features describe (a driver, a customer), identified by one join key. Feast supports exactly
 * one join key per entity; a feature view keyed by several columns lists several entities.
 */
export class Entity {
  public readonly name: string;
  public readonly joinKey: string;
  public readonly valueType: ValueType;
  public readonly description?: string;

  constructor(props: EntityProps) {
    this.name = props.name;
    this.joinKey = props.joinKey;
    this.valueType = props.valueType ?? ValueType.INT64;
    this.description = props.description;
  }
}

/** One feature of a view. */
export interface Feature {
  /** Column name in the source, e.g. `conv_rate`. */
  readonly name: string;
  readonly valueType: ValueType;
  /** @default - none */
  readonly description?: string;
}

/** Where a batch source lives. Backends accept only the kinds they can read. */
export enum DataSourceKind {
  /** Parquet files in Amazon S3. */
  S3_PARQUET = 's3-parquet',
  /** Parquet files in Cloud Storage. */
  GCS_PARQUET = 'gcs-parquet',
  /** A BigQuery table or view. */
  BIGQUERY = 'bigquery',
  /** An Amazon Redshift table. */
  REDSHIFT = 'redshift',
}

/** Options every batch source shares. */
export interface DataSourceOptions {
  /** The event-time column: when the feature values were true. */
  readonly timestampField: string;
  /** Column with the row's creation time, to break ties between rows with the same event time. @default - none */
  readonly createdTimestampField?: string;
}

/** A Redshift table: `database.schema.table`. */
export interface RedshiftTable {
  readonly database: string;
  /** @default 'public' */
  readonly schema?: string;
  readonly table: string;
}

/**
 * A feature view's batch (offline) source. A value class: `DataSource.s3Parquet('s3://bucket/prefix/', …)`,
 * `DataSource.bigQuery('project.dataset.table', …)`.
 */
export class DataSource {
  /** Parquet files under an `s3://bucket/path` URI (a file or a folder). */
  public static s3Parquet(uri: string, options: DataSourceOptions): DataSource {
    return new DataSource(DataSourceKind.S3_PARQUET, uri, options);
  }

  /** Parquet files under a `gs://bucket/path` URI. */
  public static gcsParquet(uri: string, options: DataSourceOptions): DataSource {
    return new DataSource(DataSourceKind.GCS_PARQUET, uri, options);
  }

  /** A BigQuery table or view, as `project.dataset.table`. */
  public static bigQuery(table: string, options: DataSourceOptions): DataSource {
    return new DataSource(DataSourceKind.BIGQUERY, table, options);
  }

  /** A Redshift table. */
  public static redshift(table: RedshiftTable, options: DataSourceOptions): DataSource {
    return new DataSource(DataSourceKind.REDSHIFT, `${table.database}.${table.schema ?? 'public'}.${table.table}`, options);
  }

  private constructor(
    public readonly kind: DataSourceKind,
    /** The URI (files) or fully-qualified table name (`project.dataset.table`, `database.schema.table`). */
    public readonly location: string,
    public readonly options: DataSourceOptions,
  ) {}

  /** The event-time column. */
  public get timestampField(): string {
    return this.options.timestampField;
  }

  /** For messages. */
  public toString(): string {
    return `${this.kind} ${this.location}`;
  }

  /** Checks the location's syntax; returns whether it is valid. */
  public check(v: Validator, prop: string): boolean {
    const loc = this.location;
    if (Token.isUnresolved(loc)) return true;
    let ok = true;
    switch (this.kind) {
      case DataSourceKind.S3_PARQUET:
        ok = v.check(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(loc), prop, loc, 'is not an s3://bucket/path URI; use s3://<bucket>/<prefix>');
        break;
      case DataSourceKind.GCS_PARQUET:
        ok = v.check(/^gs:\/\/[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9](\/.*)?$/.test(loc), prop, loc, 'is not a gs://bucket/path URI; use gs://<bucket>/<prefix>');
        break;
      case DataSourceKind.BIGQUERY:
        ok = v.check(/^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_$-]{1,1024}$/.test(loc), prop, loc,
          'is not a BigQuery table; use project.dataset.table');
        break;
      case DataSourceKind.REDSHIFT:
        ok = v.check(/^[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_$]*$/.test(loc), prop, loc,
          'is not a Redshift table; use { database, schema, table } with letters, digits, "_" and "$"');
        break;
    }
    const ts = this.options?.timestampField;
    ok = v.check(typeof ts === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(ts), `${prop}.timestampField`, ts,
      'must name the event-time column (letters, digits and "_")') && ok;
    return ok;
  }
}

/** Props of one feature view. */
export interface FeatureViewProps {
  /** View name, e.g. `driver_hourly_stats`. Snake_case, at most 60 characters. */
  readonly name: string;
  /** The entities the view is keyed by (each must be listed in the definitions' `entities`). */
  readonly entities: Entity[];
  /** The features, in order. */
  readonly features: Feature[];
  /**
   * How long a value stays valid after its event time: Feast's point-in-time join window, the online TTL on
   * SageMaker. Must be > 0.
   */
  readonly ttl: Duration;
  /** The batch source the values come from. */
  readonly source: DataSource;
  /** Serve the view online (materialize/sync it into the online store). @default true */
  readonly online?: boolean;
  /**
   * How often new values are materialized (Feast CronJob) or synced (Vertex AI) into the online store.
   * Whole minutes dividing an hour, whole hours dividing a day, or one day; shorter than `ttl`.
   * @default Duration.hours(1)
   */
  readonly materializeEvery?: Duration;
  /** The owning team or person (an email or team name). @default - none */
  readonly owner?: string;
  /** @default - none */
  readonly description?: string;
  /** Free-form tags for the registry. @default - none */
  readonly tags?: Record<string, string>;
}

/** A group of features with the same entities, source and TTL. */
export class FeatureView {
  public readonly name: string;
  public readonly entities: Entity[];
  public readonly features: Feature[];
  public readonly ttl: Duration;
  public readonly source: DataSource;
  public readonly online: boolean;
  public readonly materializeEvery: Duration;
  public readonly owner?: string;
  public readonly description?: string;
  public readonly tags: Record<string, string>;

  constructor(props: FeatureViewProps) {
    this.name = props.name;
    this.entities = props.entities ?? [];
    this.features = props.features ?? [];
    this.ttl = props.ttl;
    this.source = props.source;
    this.online = props.online ?? true;
    this.materializeEvery = props.materializeEvery ?? Duration.hours(1);
    this.owner = props.owner;
    this.description = props.description;
    this.tags = props.tags ?? {};
  }
}

/** Everything a feature store serves, declared once and compiled per backend. */
export interface FeatureDefinitions {
  /** The Feast project / name prefix, e.g. `ride_sharing`. Snake_case, at most 60 characters. */
  readonly project: string;
  readonly entities: Entity[];
  readonly featureViews: FeatureView[];
}

/** The backends definitions compile to; each accepts a subset of source kinds and value types. */
export enum FeatureStoreBackend {
  FEAST = 'feast',
  SAGEMAKER = 'sagemaker',
  VERTEX_AI = 'vertex-ai',
}

const BACKEND_SOURCES: Record<FeatureStoreBackend, { kinds: DataSourceKind[]; fix: string }> = {
  [FeatureStoreBackend.FEAST]: { kinds: Object.values(DataSourceKind), fix: '' },
  [FeatureStoreBackend.SAGEMAKER]: {
    kinds: [DataSourceKind.S3_PARQUET, DataSourceKind.REDSHIFT],
    fix: 'SageMaker Feature Store ingests from AWS; use DataSource.s3Parquet or DataSource.redshift, or deploy this view with Vertex AI or Feast',
  },
  [FeatureStoreBackend.VERTEX_AI]: {
    kinds: [DataSourceKind.BIGQUERY],
    fix: 'Vertex AI feature groups read BigQuery only; use DataSource.bigQuery (load the files into BigQuery), or deploy this view with Feast',
  },
};

/** The cron expression for a materialization interval, or undefined if cron cannot express it evenly. */
export function cronFor(every: Duration): string | undefined {
  const s = every.toSeconds();
  if (s <= 0 || s % 60 !== 0) return undefined;
  const minutes = s / 60;
  if (minutes < 60) return 60 % minutes === 0 ? `*/${minutes} * * * *` : undefined;
  if (minutes % 60 !== 0) return undefined;
  const hours = minutes / 60;
  if (hours === 1) return '0 * * * *';
  if (hours < 24) return 24 % hours === 0 ? `0 */${hours} * * *` : undefined;
  return hours === 24 ? '0 0 * * *' : undefined;
}

/**
 * Checks definitions for one backend, adding every problem to `v` under `prop` (e.g. `definitions`):
 * invalid names, unknown entities, duplicate views or features, TTL <= 0, materialization intervals, and
 * sources or value types the backend cannot use.
 */
export function checkFeatureDefinitions(v: Validator, defs: FeatureDefinitions | undefined, backend: FeatureStoreBackend, prop = 'definitions'): void {
  if (!defs || typeof defs !== 'object') {
    v.add(prop, defs, 'must be { project, entities, featureViews }');
    return;
  }
  const name = (p: string, value: unknown): boolean => v.check(typeof value === 'string' && FEATURE_NAME.test(value), p, value,
    'is not a valid name; use 1-60 lowercase letters, digits and "_", starting with a letter');
  name(`${prop}.project`, defs.project);

  const entities = Array.isArray(defs.entities) ? defs.entities : [];
  v.unique(`${prop}.entities`, entities, (e) => String(e?.name), 'entity name');
  entities.forEach((e, i) => {
    name(`${prop}.entities[${i}].name`, e?.name);
    checkTerraformLiteral(v, `${prop}.entities[${i}].description`, e?.description);
    name(`${prop}.entities[${i}].joinKey`, e?.joinKey);
    v.check(isValueType(e?.valueType), `${prop}.entities[${i}].valueType`, e?.valueType, `must be a ValueType (${Object.values(ValueType).join(', ')})`);
    if (backend === FeatureStoreBackend.SAGEMAKER && isValueType(e?.valueType)) {
      v.check(sagemakerType(e.valueType) !== undefined && e.valueType !== ValueType.UNIX_TIMESTAMP, `${prop}.entities[${i}].valueType`, e.valueType,
        'cannot be a SageMaker record identifier; use an integer or string join key');
    }
  });
  const known = new Set(entities.map((e) => e?.name));

  const views = Array.isArray(defs.featureViews) ? defs.featureViews : [];
  if (!v.nonEmpty(`${prop}.featureViews`, views, 'must list at least one FeatureView')) return;
  v.unique(`${prop}.featureViews`, views, (fv) => String(fv?.name), 'feature view name');
  views.forEach((view, i) => checkView(v, view, `${prop}.featureViews[${i}]`, known, backend, name));
}

function checkView(v: Validator, view: FeatureView, p: string, known: Set<string>, backend: FeatureStoreBackend,
  name: (p: string, value: unknown) => boolean): void {
  if (!(view instanceof FeatureView)) {
    v.add(p, view, 'must be a FeatureView');
    return;
  }
  name(`${p}.name`, view.name);
  if (v.nonEmpty(`${p}.entities`, view.entities, 'must list the entities the view is keyed by')) {
    view.entities.forEach((e, j) => v.check(known.has(e?.name), `${p}.entities[${j}]`, e?.name,
      'is not declared in definitions.entities; add the Entity there or use one that is'));
  }
  if (v.nonEmpty(`${p}.features`, view.features, 'must list at least one feature')) {
    v.unique(`${p}.features`, view.features, (f) => String(f?.name), 'feature name');
    view.features.forEach((f, j) => {
      name(`${p}.features[${j}].name`, f?.name);
      checkTerraformLiteral(v, `${p}.features[${j}].description`, f?.description);
      if (!v.check(isValueType(f?.valueType), `${p}.features[${j}].valueType`, f?.valueType, `must be a ValueType (${Object.values(ValueType).join(', ')})`)) return;
      v.check(!view.entities.some((e) => e?.joinKey === f.name), `${p}.features[${j}].name`, f.name, 'is the join key of an entity of this view; list only feature columns');
      if (backend === FeatureStoreBackend.SAGEMAKER) {
        v.check(sagemakerType(f.valueType) !== undefined, `${p}.features[${j}].valueType`, f.valueType,
          'has no SageMaker Feature Store type (lists need the InMemory tier); use a scalar type or deploy this view with Feast or Vertex AI');
        v.check(!SAGEMAKER_RESERVED.includes(f.name), `${p}.features[${j}].name`, f.name, `is reserved by SageMaker (${SAGEMAKER_RESERVED.join(', ')}); rename the feature`);
      }
    });
  }
  const ttlOk = v.check(view.ttl instanceof Duration && view.ttl.toSeconds() > 0, `${p}.ttl`, view.ttl, 'must be a Duration greater than zero, e.g. Duration.days(1)');
  if (backend === FeatureStoreBackend.SAGEMAKER && ttlOk) {
    v.check(Number.isInteger(view.ttl.toSeconds()), `${p}.ttl`, view.ttl, 'must be whole seconds for the SageMaker online store TTL');
  }
  const everyOk = v.check(view.materializeEvery instanceof Duration && cronFor(view.materializeEvery) !== undefined, `${p}.materializeEvery`, view.materializeEvery,
    'must be whole minutes dividing an hour (5m, 15m, 30m), whole hours dividing a day (1h, 2h, 6h) or 1d');
  if (ttlOk && everyOk && view.online) {
    v.check(view.materializeEvery.toSeconds() < view.ttl.toSeconds(), `${p}.materializeEvery`, view.materializeEvery,
      `is not shorter than the ttl (${view.ttl}); online values would expire before the next refresh. Materialize more often or raise the ttl`);
  }
  if (!(view.source instanceof DataSource)) {
    v.add(`${p}.source`, view.source, "must be a DataSource, e.g. DataSource.s3Parquet('s3://bucket/path/', { timestampField: 'event_timestamp' })");
  } else {
    if (view.source.check(v, `${p}.source`)) checkTerraformLiteral(v, `${p}.source`, view.source.location);
    const allowed = BACKEND_SOURCES[backend];
    v.check(allowed.kinds.includes(view.source.kind), `${p}.source`, view.source, `is not supported on ${backend}: ${allowed.fix}`);
    if (backend === FeatureStoreBackend.SAGEMAKER) {
      v.check(view.entities.length <= 1, `${p}.entities`, view.entities.map((e) => e?.name), 'has more than one entity; a SageMaker feature group has exactly one record identifier');
    }
    if (backend === FeatureStoreBackend.VERTEX_AI && view.source.kind === DataSourceKind.BIGQUERY) {
      v.check(view.source.timestampField === 'feature_timestamp', `${p}.source.timestampField`, view.source.timestampField,
        'must be "feature_timestamp": Vertex AI feature groups read time-series values from that TIMESTAMP column');
    }
  }
  if (view.owner !== undefined) {
    if (v.check(typeof view.owner === 'string' && view.owner.length > 0 && view.owner.length <= 256, `${p}.owner`, view.owner,
      'must be a team name or email of at most 256 characters')) checkTerraformLiteral(v, `${p}.owner`, view.owner);
  }
  checkTerraformLiteral(v, `${p}.description`, view.description);
  for (const [key, value] of Object.entries(view.tags)) {
    v.check(/^[a-z][a-z0-9_-]{0,62}$/.test(key) && typeof value === 'string' && /^[a-z0-9_-]{0,63}$/.test(value), `${p}.tags.${key}`, value,
      'must be a lowercase key and value (letters, digits, "_" and "-", at most 63), valid as Vertex AI labels and AWS tags');
  }
}
