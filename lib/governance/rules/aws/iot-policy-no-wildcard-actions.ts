import { defineRule } from '../../rule';
import { allOf, anyStatement, coversServiceActions, hasEffect, policyStatements } from '../../support/policy-document';
import { UNKNOWN } from '../../values';

/** IoT policies list actions instead of iot:* or *. */
export const iotPolicyNoWildcardActions = defineRule({
  id: 'aws-iot-policy-no-wildcard-actions',
  severity: 'error',
  category: 'least-privilege',
  description: 'IoT policy does not allow iot:* or *.',
  remediation: 'Allow only iot:Connect, iot:Publish, iot:Subscribe, iot:Receive on the thing\'s own client id and topics.',
  references: ['AWS IoT Device Defender: overly permissive policy'],
  appliesTo: ['aws_iot_policy'],
  packs: ['baseline'],
  evaluate(resource) {
    const statements = policyStatements(resource.values.policy);
    if (statements === UNKNOWN) return [];
    const allowsAllIot = anyStatement(statements, (s) => allOf(hasEffect(s, 'Allow'), coversServiceActions(s, 'iot')));
    return allowsAllIot === true ? ['policy allows iot:* (or *, or a NotAction)'] : [];
  },
});
