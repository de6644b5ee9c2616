import { defineRule } from '../../rule';
import { policyStatements } from '../../support/policy-document';
import { UNKNOWN } from '../../values';

/**
 * iot:Connect is scoped to the connecting thing's own client id (${iot:Connection.Thing.ThingName}).
 * In Terraform configuration the variable is escaped as $${...}; plans show it unescaped.
 */
export const iotPolicyScopedToThing = defineRule({
  id: 'aws-iot-policy-scoped-to-thing',
  severity: 'warning',
  category: 'least-privilege',
  description: 'IoT policy scopes iot:Connect resources to ${iot:Connection.Thing.ThingName}.',
  remediation: 'Use Resource "arn:aws:iot:<region>:<account>:client/${iot:Connection.Thing.ThingName}" (escape as $${...} in Terraform).',
  references: ['AWS IoT policy variables'],
  appliesTo: ['aws_iot_policy'],
  packs: ['baseline'],
  evaluate(resource) {
    const statements = policyStatements(resource.values.policy);
    if (statements === UNKNOWN) return [];
    const connect = statements.filter((s) => s.effect === 'Allow' && s.actions.includes('iot:Connect'));
    return connect.some((s) => s.resources.some((r) => !r.includes('${iot:Connection.Thing.ThingName}')))
      ? ['iot:Connect is allowed on resources not scoped to ${iot:Connection.Thing.ThingName}']
      : [];
  },
});
