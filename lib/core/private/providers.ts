import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../errors';

/**
 * A provider handed to an add-on must be of the expected type (a kubernetes provider for helm is a common
 * mix-up) and live in the stack of the resources that use it (a provider serves one Terraform state).
 */
export function checkProvider(v: Validator, prop: string, provider: TerraformProvider | undefined, type: 'helm' | 'kubernetes', user: IConstruct): boolean {
  const hint = type === 'helm' ? 'cluster.helmProvider(scope) makes one' : 'cluster.kubernetes.providerFor(scope) gives one';
  if (!v.check(provider instanceof TerraformProvider && provider.terraformResourceType === type, prop,
    provider instanceof TerraformProvider ? `${provider.terraformResourceType} provider ${provider.node.path}` : provider,
    `must be a ${type} provider reaching the cluster; ${hint}`)) return false;
  const mine = TerraformStack.of(user);
  const theirs = TerraformStack.of(provider!);
  return v.check(mine === theirs, prop, provider!.node.path,
    `is in stack ${theirs.node.id}, but ${user.node.path} is in ${mine.node.id}; a provider serves one stack, so make it in ${mine.node.id} (${hint})`);
}
