import { Aspects, IAspect, TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * cdktf's prebuilt providers declare their source as a bare name (`"source": "aws"`). Terraform and
 * OpenTofu both read that as `hashicorp/aws`, but only by an implicit default; this aspect writes the
 * namespace out (`hashicorp/aws`) so the output names its providers explicitly, and each tool resolves
 * them in its own registry (registry.terraform.io for Terraform, registry.opentofu.org for OpenTofu).
 */
class QualifiedProviderSources implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformProvider) || TerraformStack.of(node) !== this.stack) return;
    const source = node.terraformProviderSource;
    if (source && !source.includes('/')) {
      this.stack.addOverride(`terraform.required_providers.${node.terraformResourceType}.source`, `hashicorp/${source}`);
    }
  }
}

const qualified = new WeakSet<TerraformStack>();

/** Makes the stack that holds `scope` write fully-qualified provider sources. Safe to call many times. */
export function qualifyProviderSources(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (qualified.has(stack)) return;
  qualified.add(stack);
  Aspects.of(stack).add(new QualifiedProviderSources(stack));
}
