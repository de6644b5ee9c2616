import { TerraformElement } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/** Key under `//.ml_platform` where a stack records the custom resource kinds its constructs make available. */
export const CRDS_METADATA_KEY = 'crds';

/**
 * Writes `{ '//': { ml_platform: { crds: { '<group>/<Kind>': '<construct path>' } } } }` into its stack's JSON.
 * cdktf deep-merges every element's JSON, so records of several constructs in one stack add up (an object, not a
 * list: lists would not merge). A deploy-order check reads it: a `kubernetes_manifest` of a kind may only be
 * planned in a stack that depends on the stack recording the kind.
 */
class CustomResourceRecord extends TerraformElement {
  constructor(scope: Construct, id: string, private readonly owner: IConstruct, private readonly kinds: () => readonly string[]) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    const kinds = this.kinds();
    if (kinds.length === 0) return {};
    const record: Record<string, string> = {};
    for (const kind of [...kinds].sort()) record[kind] = this.owner.node.path;
    return { '//': { ml_platform: { [CRDS_METADATA_KEY]: record } } };
  }
}

/**
 * Records that `owner` makes `kinds` (`group/Kind`, e.g. `gateway.networking.k8s.io/HTTPRoute`) available to later
 * stacks. Read at synth, so kinds may be added after the call.
 */
export function recordCustomResources(owner: Construct, kinds: () => readonly string[]): void {
  new CustomResourceRecord(owner, 'custom-resource-record', owner, kinds);
}

/** The kinds a synthesized stack records, by `group/Kind`, with the path of the construct that installs them. */
export function recordedCustomResources(stackJson: unknown): Record<string, string> {
  const recorded = (stackJson as Record<string, any> | undefined)?.['//']?.ml_platform?.[CRDS_METADATA_KEY];
  if (!recorded || typeof recorded !== 'object' || Array.isArray(recorded)) return {};
  return Object.fromEntries(Object.entries(recorded).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
