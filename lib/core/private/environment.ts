import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../errors';

/**
 * Region and project, inherited from the environment a construct is placed in (aws-cdk's `Stack.of(this).region`):
 * the default provider of the construct's stack (`MlPlatform.aws(name, { region })`,
 * `MlPlatform.googleCloud(name, { project, region })`, or an `AwsProvider` / `GoogleProvider` the app adds to a
 * stack) gives them, so a construct repeats them only to differ. Read through the provider objects of the stack
 * by their Terraform type, so nothing here loads a provider package.
 */

type Setting = 'project' | 'region';

/** The stack's default (unaliased) provider of a type, if there is exactly one. */
function defaultProvider(scope: IConstruct, type: 'aws' | 'google'): TerraformProvider | undefined {
  const stack = TerraformStack.of(scope);
  const found = stack.node.children.filter((c): c is TerraformProvider =>
    c instanceof TerraformProvider && c.terraformResourceType === type && !c.alias);
  return found.length === 1 ? found[0] : undefined;
}

function inherit(scope: IConstruct, type: 'aws' | 'google', setting: Setting): string | undefined {
  const provider = defaultProvider(scope, type) as unknown as Record<Setting, unknown> | undefined;
  const value = provider?.[setting];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A Google Cloud project or region: the one given, else the stack's Google provider's. Without either, a problem
 * naming the prop and both ways to set it lands in `v`.
 */
export function googleSetting(scope: IConstruct, v: Validator, prop: string, setting: Setting, given: string | undefined): string {
  const value = given ?? inherit(scope, 'google', setting);
  v.check(typeof value === 'string' && value.length > 0, prop, given,
    `is required: set ${prop}, or place the construct in a stack whose Google provider sets ${setting} ` +
    `(MlPlatform.googleCloud(name, { project, region }) does)`);
  return value ?? '';
}

/** An AWS region: the one given, else the stack's AWS provider's (a problem in `v` without either). */
export function awsRegion(scope: IConstruct, v: Validator, prop: string, given: string | undefined): string {
  const value = given ?? inherit(scope, 'aws', 'region');
  v.check(typeof value === 'string' && value.length > 0, prop, given,
    `is required: set ${prop}, or place the construct in a stack whose AWS provider sets region (MlPlatform.aws(name, { region }) does)`);
  return value ?? '';
}
