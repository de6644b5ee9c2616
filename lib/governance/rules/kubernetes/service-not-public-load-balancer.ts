import { defineRule } from '../../rule';
import { block, isUnknown, str, stringMap } from '../../values';

// Annotations that make a LoadBalancer Service internal on EKS (AWS LB controller / in-tree) and GKE.
const INTERNAL_ANNOTATIONS: Record<string, string[]> = {
  'service.beta.kubernetes.io/aws-load-balancer-scheme': ['internal'],
  'service.beta.kubernetes.io/aws-load-balancer-internal': ['true', '0.0.0.0/0'],
  'networking.gke.io/load-balancer-type': ['Internal'],
  'cloud.google.com/load-balancer-type': ['Internal'],
};

/** Services of type LoadBalancer are internal; an external one exposes the workload to the internet. */
export const serviceNotPublicLoadBalancer = defineRule({
  id: 'k8s-service-not-public-load-balancer',
  severity: 'warning',
  category: 'public-exposure',
  description: 'Services of type LoadBalancer carry an internal load balancer annotation.',
  remediation: 'Use type ClusterIP behind an Ingress/Gateway with TLS, or annotate the Service as internal (e.g. networking.gke.io/load-balancer-type: Internal).',
  references: ['Kubernetes Service type LoadBalancer exposure'],
  appliesTo: ['kubernetes_service', 'kubernetes_service_v1'],
  packs: ['baseline'],
  evaluate(resource) {
    const type = block(resource.values, 'spec')?.type;
    if (isUnknown(type) || str(type) !== 'LoadBalancer') return [];
    const annotations = stringMap(block(resource.values, 'metadata')?.annotations);
    const internal = Object.entries(INTERNAL_ANNOTATIONS).some(([k, values]) => values.includes(annotations[k] ?? ''));
    return internal ? [] : ['Service of type LoadBalancer is internet-facing'];
  },
});
