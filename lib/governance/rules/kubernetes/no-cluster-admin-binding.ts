import { defineRule } from '../../rule';
import { block, str } from '../../values';

/** Nothing is bound to the cluster-admin ClusterRole from Terraform. */
export const noClusterAdminBinding = defineRule({
  id: 'k8s-no-cluster-admin-binding',
  severity: 'error',
  category: 'least-privilege',
  description: 'ClusterRoleBindings do not grant cluster-admin.',
  remediation: 'Bind a ClusterRole or namespaced Role with only the verbs and resources needed.',
  references: ['CIS Kubernetes 1.10 5.1.1', 'AVD-KSV-0111'],
  appliesTo: ['kubernetes_cluster_role_binding', 'kubernetes_cluster_role_binding_v1'],
  packs: ['baseline'],
  evaluate(resource) {
    return str(block(resource.values, 'role_ref')?.name) === 'cluster-admin' ? ['binds the cluster-admin ClusterRole'] : [];
  },
});
