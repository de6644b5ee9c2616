import { Validator } from '../../core/errors';
import { SageMakerDeployment, SageMakerTrafficShift } from '../sagemaker-deployment';

/** Checks a deployment policy against the limits of the SageMaker API. */
export function checkDeployment(v: Validator, d: SageMakerDeployment | undefined): void {
  if (d === undefined) return;
  if (!(d instanceof SageMakerDeployment)) {
    v.add('deployment', d, 'must be SageMakerDeployment.canary(percent, bake), .linear(stepPercent, bake) or .allAtOnce(bake)');
    return;
  }
  const wait = d.bake.toSeconds();
  v.check(Number.isInteger(wait) && wait >= 0 && wait <= 3600, 'deployment.bake', d.bake, 'must be a whole number of seconds from 0 to 1 hour');
  if (d.shift === SageMakerTrafficShift.CANARY) {
    v.integer('deployment.percent', d.percent, 1, 50, 'must be a whole percent of capacity from 1 to 50');
  }
  if (d.shift === SageMakerTrafficShift.LINEAR) {
    v.integer('deployment.percent', d.percent, 10, 50, 'must be a whole percent of capacity from 10 to 50 per step');
  }
}
