import { defineRule } from '../../rule';
import { block, blocks } from '../../values';

/** Ingresses terminate TLS (spec.tls). */
export const ingressTls = defineRule({
  id: 'k8s-ingress-tls',
  severity: 'warning',
  category: 'encryption-in-transit',
  description: 'Ingress declares spec.tls.',
  remediation: 'Add spec { tls { hosts = [...], secret_name = "..." } } (cert-manager can issue the secret).',
  references: ['Kubernetes Ingress TLS'],
  appliesTo: ['kubernetes_ingress', 'kubernetes_ingress_v1'],
  packs: ['baseline'],
  evaluate(resource) {
    return blocks(block(resource.values, 'spec'), 'tls').length ? [] : ['Ingress has no spec.tls: traffic is served over plain HTTP'];
  },
});
