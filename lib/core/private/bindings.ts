import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * A value as Terraform will see it (`${google_service_account.x.member}`), for comparing two values that may
 * be different tokens for the same reference: every read of an L1 attribute mints a new token.
 */
export function canonical(scope: IConstruct, value: unknown): string {
  return JSON.stringify(Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false }));
}

/** The input an L1 resource was configured with (`memberInput`), or undefined. */
function input(resource: TerraformResource, attribute: string): unknown {
  return (resource as unknown as Record<string, unknown>)[`${attribute}Input`];
}

/**
 * Resources of `type` in `scope`'s stack whose inputs equal `inputs` once resolved (attributes in the L1's
 * camelCase spelling, e.g. `{ bucket, role, member }`).
 */
export function findResources(scope: IConstruct, type: string | RegExp, inputs: Record<string, unknown>): TerraformResource[] {
  const wanted = Object.entries(inputs).map(([attribute, value]) => [attribute, canonical(scope, value)] as const);
  return TerraformStack.of(scope).node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource
    && (typeof type === 'string' ? c.terraformResourceType === type : type.test(c.terraformResourceType))
    && wanted.every(([attribute, value]) => input(c, attribute) !== undefined && canonical(scope, input(c, attribute)) === value));
}

/**
 * The Google IAM member resource (`google_*_iam_member`) in `scope`'s stack that already makes this binding,
 * or the one `create` makes. The provider identifies an `_iam_member` by (resource, role, member): two copies
 * are both applied, and destroying either revokes the binding for both.
 *
 * @param binding the resource's identifying inputs, e.g. `{ bucket, role, member }`
 */
export function uniqueIamMember<T extends TerraformResource>(scope: IConstruct, type: string, binding: Record<string, unknown>, create: () => T): T {
  const existing = findResources(scope, type, binding).find((r) => input(r, 'condition') === undefined);
  return (existing as T | undefined) ?? create();
}
