import type { SagemakerEndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfiguration } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { Duration } from '../core/units';

/** How SageMaker shifts traffic from the old fleet (blue) to the new one (green) when the endpoint config changes. */
export enum SageMakerTrafficShift {
  CANARY = 'CANARY',
  LINEAR = 'LINEAR',
  ALL_AT_ONCE = 'ALL_AT_ONCE',
}

/**
 * The blue/green update policy of a SageMaker endpoint (deployment guardrails): `SageMakerDeployment.canary(10,
 * Duration.minutes(10))`, `.linear(20, Duration.minutes(5))`, `.allAtOnce(Duration.minutes(10))`. Each step
 * bakes for the wait interval; an alarm firing during a bake rolls the whole update back.
 *
 * This governs *updates* (a new model version behind the same variant names). The steady-state split between
 * variants is the endpoint's {@link Traffic}.
 */
export class SageMakerDeployment {
  /** Shift `percent` of capacity first, bake, then the rest. @param percent 1 to 50 */
  public static canary(percent: number, bake: Duration): SageMakerDeployment {
    return new SageMakerDeployment(SageMakerTrafficShift.CANARY, bake, percent);
  }

  /** Shift `stepPercent` of capacity per step, baking after each. @param stepPercent 10 to 50 */
  public static linear(stepPercent: number, bake: Duration): SageMakerDeployment {
    return new SageMakerDeployment(SageMakerTrafficShift.LINEAR, bake, stepPercent);
  }

  /** Shift everything at once, then bake before the old fleet is terminated. */
  public static allAtOnce(bake: Duration): SageMakerDeployment {
    return new SageMakerDeployment(SageMakerTrafficShift.ALL_AT_ONCE, bake);
  }

  private constructor(
    public readonly shift: SageMakerTrafficShift,
    /** How long each step bakes (`wait_interval_in_seconds`). */
    public readonly bake: Duration,
    /** Canary size or linear step, percent of the green fleet's capacity. */
    public readonly percent?: number,
  ) {}

  /** The provider's `traffic_routing_configuration` block. */
  public toTrafficRoutingConfiguration(): SagemakerEndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfiguration {
    const size = this.percent === undefined ? undefined : { type: 'CAPACITY_PERCENT', value: this.percent };
    return {
      type: this.shift,
      waitIntervalInSeconds: this.bake.toSeconds(),
      ...(this.shift === SageMakerTrafficShift.CANARY ? { canarySize: size } : {}),
      ...(this.shift === SageMakerTrafficShift.LINEAR ? { linearStepSize: size } : {}),
    };
  }

  public toString(): string {
    return `${this.shift}${this.percent === undefined ? '' : ` ${this.percent}%`} every ${this.bake}`;
  }
}
