import { GovernedResource } from '../model';
import { containers, SERVING_WORKLOAD_TYPES } from './workloads';
import { blocks, str } from '../values';

/** Resource types whose images serve models. */
export const SERVING_IMAGE_TYPES: readonly string[] = ['aws_sagemaker_model', ...SERVING_WORKLOAD_TYPES];

/** Images a serving resource runs, with a label for messages. */
export function servingImages(resource: GovernedResource): Array<{ label: string; image: string }> {
  if (resource.type === 'aws_sagemaker_model') {
    return [...blocks(resource.values, 'primary_container'), ...blocks(resource.values, 'container')]
      .map((c, i) => ({ label: `container ${i}`, image: str(c.image) ?? '' }))
      .filter((c) => c.image !== '');
  }
  return containers(resource)
    .map(({ label, container }) => ({ label, image: str(container.image) ?? '' }))
    .filter((c) => c.image !== '');
}
