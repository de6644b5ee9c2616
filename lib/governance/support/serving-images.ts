import { GovernedResource } from '../model';
import { containers, isServingKind, SERVING_WORKLOAD_TYPES, workloadMetadata } from './workloads';
import { blocks, own, str } from '../values';

/** Resource types whose images serve models. */
export const SERVING_IMAGE_TYPES: readonly string[] = ['aws_sagemaker_model', ...SERVING_WORKLOAD_TYPES];

/**
 * The label that marks a Kubernetes workload as model serving (the Kubernetes recommended
 * `app.kubernetes.io/component` label). Infrastructure workloads (Prometheus, Grafana, MLflow, device
 * plugins) are not serving; their images are covered by the general image rules instead.
 */
export const SERVING_COMPONENT_LABEL = { key: 'app.kubernetes.io/component', value: 'inference' } as const;

/** Whether a Kubernetes workload is labelled as serving, on the resource or on its pod template. */
function isServingWorkload(resource: GovernedResource): boolean {
  if (!isServingKind(resource)) return false;
  const { metadata, template } = workloadMetadata(resource);
  return [metadata, template]
    .some((m) => str(own(m?.labels as Record<string, unknown> | undefined, SERVING_COMPONENT_LABEL.key)) === SERVING_COMPONENT_LABEL.value);
}

/** Images a serving resource runs, with a label for messages. */
export function servingImages(resource: GovernedResource): Array<{ label: string; image: string }> {
  if (resource.type === 'aws_sagemaker_model') {
    return [...blocks(resource.values, 'primary_container'), ...blocks(resource.values, 'container')]
      .map((c, i) => ({ label: `container ${i}`, image: str(c.image) ?? '' }))
      .filter((c) => c.image !== '');
  }
  if (!isServingWorkload(resource)) return [];
  return containers(resource)
    .map(({ label, container }) => ({ label, image: str(container.image) ?? '' }))
    .filter((c) => c.image !== '');
}
