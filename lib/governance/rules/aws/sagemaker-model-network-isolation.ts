import { defineRule } from '../../rule';
import { boolOr, isUnknown } from '../../values';

/** Model containers make no outbound calls (enable_network_isolation defaults to false). */
export const sagemakerModelNetworkIsolation = defineRule({
  id: 'aws-sagemaker-model-network-isolation',
  severity: 'warning',
  category: 'network-isolation',
  description: 'SageMaker model has enable_network_isolation = true.',
  remediation: 'Set enable_network_isolation = true unless the container must call out (then suppress with the reason).',
  references: ['CKV_AWS_370'],
  appliesTo: ['aws_sagemaker_model'],
  packs: ['baseline'],
  evaluate(resource) {
    const v = boolOr(resource.values.enable_network_isolation, false);
    return isUnknown(v) || v ? [] : ['enable_network_isolation is not true (default false)'];
  },
});
