import { IMonitorable, ServiceLevelObjectives } from '../core/monitoring-contract';
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
