/**
 * The value types a feature or an entity join key can have, and what each backend calls them.
 * Closed set, so an enum; the mappings below are the single source of truth for every backend.
 */
export enum ValueType {
  INT32 = 'int32',
  INT64 = 'int64',
  FLOAT32 = 'float32',
  FLOAT64 = 'float64',
  STRING = 'string',
  BYTES = 'bytes',
  BOOL = 'bool',
  /** A point in time (Feast `UnixTimestamp`, BigQuery `TIMESTAMP`). */
  UNIX_TIMESTAMP = 'unix_timestamp',
  INT64_LIST = 'int64_list',
  FLOAT32_LIST = 'float32_list',
  FLOAT64_LIST = 'float64_list',
  STRING_LIST = 'string_list',
}

interface Mapping {
  /** Feast `feast.types` dtype expression. */
  readonly feast: string;
  /** Feast `ValueType` (entities). */
  readonly feastValueType: string;
  /** SageMaker `FeatureType`; undefined where SageMaker has no scalar equivalent. */
  readonly sagemaker?: 'Integral' | 'Fractional' | 'String';
  /** The BigQuery column type Vertex AI Feature Store reads the feature from. */
  readonly bigQuery: string;
}

const MAPPINGS: Record<ValueType, Mapping> = {
  [ValueType.INT32]: { feast: 'Int32', feastValueType: 'INT32', sagemaker: 'Integral', bigQuery: 'INT64' },
  [ValueType.INT64]: { feast: 'Int64', feastValueType: 'INT64', sagemaker: 'Integral', bigQuery: 'INT64' },
  [ValueType.FLOAT32]: { feast: 'Float32', feastValueType: 'FLOAT', sagemaker: 'Fractional', bigQuery: 'FLOAT64' },
  [ValueType.FLOAT64]: { feast: 'Float64', feastValueType: 'DOUBLE', sagemaker: 'Fractional', bigQuery: 'FLOAT64' },
  [ValueType.STRING]: { feast: 'String', feastValueType: 'STRING', sagemaker: 'String', bigQuery: 'STRING' },
  [ValueType.BYTES]: { feast: 'Bytes', feastValueType: 'BYTES', sagemaker: 'String', bigQuery: 'BYTES' },
  // SageMaker has no boolean: 0/1 integers are the documented convention.
  [ValueType.BOOL]: { feast: 'Bool', feastValueType: 'BOOL', sagemaker: 'Integral', bigQuery: 'BOOL' },
  // SageMaker reads event times as Fractional seconds since the epoch (or ISO-8601 strings).
  [ValueType.UNIX_TIMESTAMP]: { feast: 'UnixTimestamp', feastValueType: 'UNIX_TIMESTAMP', sagemaker: 'Fractional', bigQuery: 'TIMESTAMP' },
  // SageMaker collection types (List/Set/Vector) exist only for the InMemory online tier, which this library does not create.
  [ValueType.INT64_LIST]: { feast: 'Array(Int64)', feastValueType: 'INT64_LIST', bigQuery: 'ARRAY<INT64>' },
  [ValueType.FLOAT32_LIST]: { feast: 'Array(Float32)', feastValueType: 'FLOAT_LIST', bigQuery: 'ARRAY<FLOAT64>' },
  [ValueType.FLOAT64_LIST]: { feast: 'Array(Float64)', feastValueType: 'DOUBLE_LIST', bigQuery: 'ARRAY<FLOAT64>' },
  [ValueType.STRING_LIST]: { feast: 'Array(String)', feastValueType: 'STRING_LIST', bigQuery: 'ARRAY<STRING>' },
};

/** True for a known {@link ValueType}. */
export function isValueType(value: unknown): value is ValueType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MAPPINGS, value);
}

/** The Feast dtype (`Int64`, `Array(Float32)`, …) used in `Field(dtype=…)`. */
export function feastType(type: ValueType): string {
  return MAPPINGS[type].feast;
}

/** The Feast `ValueType` member used for entities (`ValueType.INT64`). */
export function feastEntityValueType(type: ValueType): string {
  return MAPPINGS[type].feastValueType;
}

/** The SageMaker feature type, or undefined where SageMaker cannot hold the type. */
export function sagemakerType(type: ValueType): 'Integral' | 'Fractional' | 'String' | undefined {
  return MAPPINGS[type].sagemaker;
}

/** The BigQuery column type Vertex AI reads the value from. */
export function bigQueryType(type: ValueType): string {
  return MAPPINGS[type].bigQuery;
}
