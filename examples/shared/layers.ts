import { TerraformStack } from 'cdktf';

/**
 * A later layer of `base` (`<id>-<name>`), applied after `after` and prepared like the base (its providers, labels,
 * governance): what runs on a cluster goes in a later stack than the cluster, whose outputs configure the layer's
 * kubernetes and helm providers, never the cluster in the same stack. MlPlatform makes these by itself
 * (`env.addons`, `env.workloads`); the examples that declare stacks by hand share this one.
 */
export function laterLayer(base: TerraformStack, after: TerraformStack, name: string, prepare: (stack: TerraformStack) => void): TerraformStack {
  const stack = new TerraformStack(base.node.scope!, `${base.node.id}-${name}`);
  stack.addDependency(after);
  prepare(stack);
  return stack;
}
