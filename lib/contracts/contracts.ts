import { Annotations, TerraformElement, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { formatFinding } from '../governance/reports/format';
import {
  AwsPermissionContract, CapacityContract, CapacitySupply, ConfigurationContract, ContractRecord, GcpPermissionContract,
  NetworkContract, OrderContract, ResourceLocation,
} from './contract';
import { CONTRACTS_METADATA_KEY, evaluateContracts } from './evaluate';
import { liveStackJson } from './private/live-stack';
import { StackSet } from './private/stacks';

/** The two ends every declaration names, as constructs. */
export interface ContractParties {
  /** What provides the thing (registry, store, server, cluster): a construct, or a name for what is not one. */
  readonly producer: IConstruct | string;
  /** What flows, in a few words. */
  readonly what: string;
  /** How to meet the need when it is missing. */
  readonly fix: string;
}

/** Declares an AWS permission need. */
export interface AwsPermissionNeed extends ContractParties {
  /** The role that acts (`aws_iam_role`). */
  readonly role: TerraformResource & { readonly arn: string };
  readonly actions: string[];
  readonly resources: string[];
  /** KMS key ARN encrypting the resources. @default - none */
  readonly kmsKeyArn?: string;
  /** @default ['kms:Decrypt'] */
  readonly kmsActions?: string[];
  /** @default 's3' */
  readonly kmsViaService?: string;
}

/** Declares a Google Cloud permission need. */
export interface GcpPermissionNeed extends ContractParties {
  /** The service account that acts (`google_service_account`). */
  readonly serviceAccount: TerraformResource & { readonly member: string };
  readonly permissions: string[];
  readonly resource: GcpPermissionContract['resource'];
}

/** Declares a network path need. */
export interface NetworkNeed extends ContractParties {
  /** The client workload resource. */
  readonly client: TerraformResource;
  /** The server workload resource. */
  readonly server: TerraformResource;
  /** The server container port, by number or name. */
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** Declares a configuration need. */
export interface ConfigurationNeed extends ContractParties {
  readonly workload: TerraformResource;
  /** @default - every regular container */
  readonly container?: string;
  readonly env: ConfigurationContract['env'];
}

/** Declares accelerator demand. */
export interface CapacityNeed extends ContractParties {
  readonly cluster: string;
  readonly namespace: string;
  readonly resource: string;
  readonly maxDemand: number;
  readonly minDemand: number;
  readonly pool?: string;
}

/** Declares what a pool can hold. */
export interface CapacityOffer {
  readonly cluster: string;
  readonly pool: string;
  readonly resource: string;
  readonly perNode: number;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** The node group or node pool resource, so the check reads its real maximum. @default - the declared maxNodes */
  readonly nodeGroup?: TerraformResource;
}

/** Declares an order need. */
export interface OrderNeed extends ContractParties {
  readonly resource: TerraformResource;
  /** What it must follow; a function is read at synth, so grants added after the declaration count too. */
  readonly after: TerraformResource[] | (() => readonly unknown[]);
}

/** Where a resource will be in the synthesized output (read at synth, after any overrideLogicalId). */
function locate(r: TerraformResource): ResourceLocation {
  return { stack: TerraformStack.of(r).node.id, address: `${r.terraformResourceType}.${r.friendlyUniqueId}` };
}

const LEDGER_ID = 'ml-platform-contracts';

/**
 * The contracts one stack records, written under `//.ml_platform.contracts` at synth and checked by the
 * stack's validation: an error finding fails `cdktf synth`, a warning becomes an annotation.
 */
class ContractLedger extends TerraformElement {
  private readonly entries: Array<() => ContractRecord | ContractRecord[]> = [];
  private readonly annotated = new Set<string>();

  constructor(private readonly stack: TerraformStack) {
    super(stack, LEDGER_ID);
    stack.node.addValidation({ validate: () => this.validate() });
  }

  public add(entry: () => ContractRecord | ContractRecord[]): void {
    this.entries.push(entry);
  }

  public toTerraform(): Record<string, unknown> {
    if (this.entries.length === 0) return {};
    const contracts: Record<string, ContractRecord> = {};
    let i = 0;
    for (const entry of this.entries) {
      const records = entry();
      for (const r of Array.isArray(records) ? records : [records]) contracts[`c${String(i++).padStart(4, '0')}`] = r;
    }
    if (i === 0) return {};
    return { '//': { ml_platform: { [CONTRACTS_METADATA_KEY]: contracts } } };
  }

  /** Whether the stack records anything to check (supplies alone check nothing). */
  public get hasContracts(): boolean {
    return this.entries.some((e) => [e()].flat().some((r) => r.kind !== 'capacity-supply'));
  }

  /**
   * Evaluates the stack's contracts; `ownJson` is the stack's resolved JSON when the caller has it (governance
   * resolves it for its rules), so a synth resolves each stack once for both.
   */
  public check(ownJson?: unknown): string[] {
    if (!this.hasContracts) return [];
    const all = stacksOf(this.stack.node.root);
    const byName = new Map(all.map((s) => [s.node.id, s]));
    const stacks = new StackSet([...byName.keys()], (name) => (name === this.stack.node.id && ownJson !== undefined ? ownJson : liveStackJson(byName.get(name)!)));
    const dependencies = new Map(all.map((s) => [s.node.id, s.dependencies.map((d) => d.node.id)]));
    const result = evaluateContracts(stacks, { stacks: [this.stack.node.id], dependencies });
    let byPath: Map<string, IConstruct> | undefined;
    for (const f of result.findings) {
      if (f.severity === 'error') continue;
      byPath ??= new Map(this.stack.node.findAll().map((c) => [c.node.path, c]));
      const target = (f.constructPath && byPath.get(f.constructPath)) || this.stack;
      const text = formatFinding(f);
      if (this.annotated.has(text)) continue;
      this.annotated.add(text);
      if (f.severity === 'warning') Annotations.of(target).addWarning(text);
      else Annotations.of(target).addInfo(text);
    }
    return result.findings.filter((f) => f.severity === 'error').map(formatFinding);
  }

  private validate(): string[] {
    // A governed stack's contracts are checked by its governance validation, with the JSON it resolves anyway.
    if ((this.stack as unknown as Record<symbol, unknown>)[Symbol.for('cdktf-ml-platform.governance')]) return [];
    return this.check();
  }
}

/** Every stack of an app, without walking into them (a stack holds no stack). */
function stacksOf(root: IConstruct): TerraformStack[] {
  const out: TerraformStack[] = [];
  const visit = (c: IConstruct) => {
    if (TerraformStack.isStack(c)) out.push(c);
    else for (const child of c.node.children) visit(child);
  };
  visit(root);
  return out;
}

/** Checks the contracts `stack` records against `json` (its resolved JSON): error lines, as a validation returns them. */
export function checkStackContracts(stack: TerraformStack, json: unknown): string[] {
  const existing = stack.node.tryFindChild(LEDGER_ID);
  return existing instanceof ContractLedger ? existing.check(json) : [];
}

function ledger(scope: IConstruct): ContractLedger {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(LEDGER_ID);
  return existing instanceof ContractLedger ? existing : new ContractLedger(stack);
}

function ends(consumer: IConstruct, p: ContractParties): { consumer: string; producer: string; what: string; fix: string } {
  const producer = typeof p.producer === 'string' ? p.producer : p.producer.node.path;
  return { consumer: consumer.node.path, producer, what: p.what, fix: p.fix };
}

/**
 * Declares the needs of a wire between capabilities. The consumer declares what it needs; the producer's
 * grant, label, setting or quota meets it; the check proves it from the synthesized JSON at synth and in
 * `ml-platform review`. See ./contract.ts for what each kind checks.
 */
export class Contracts {
  /** `consumer` needs `role` to be allowed `actions` on `resources` (and to decrypt with their KMS key). */
  public static awsPermission(consumer: IConstruct, need: AwsPermissionNeed): void {
    ledger(consumer).add((): AwsPermissionContract => ({
      kind: 'aws-permission', ...ends(consumer, need), principal: need.role.arn, principalResource: locate(need.role),
      actions: need.actions, resources: need.resources,
      ...(need.kmsKeyArn ? { kmsKey: need.kmsKeyArn } : {}),
      ...(need.kmsActions ? { kmsActions: need.kmsActions } : {}),
      ...(need.kmsViaService ? { kmsViaService: need.kmsViaService } : {}),
    }));
  }

  /** `consumer` needs its service account to hold `permissions` on a Google Cloud resource. */
  public static gcpPermission(consumer: IConstruct, need: GcpPermissionNeed): void {
    ledger(consumer).add((): GcpPermissionContract => ({
      kind: 'gcp-permission', ...ends(consumer, need), member: need.serviceAccount.member, memberResource: locate(need.serviceAccount),
      permissions: need.permissions, resource: need.resource,
    }));
  }

  /** `consumer`'s pods (`client`) need to reach `server`'s pods on `port`. */
  public static network(consumer: IConstruct, need: NetworkNeed): void {
    ledger(consumer).add((): NetworkContract => ({
      kind: 'network', ...ends(consumer, need), client: locate(need.client), server: locate(need.server), port: need.port,
      ...(need.protocol ? { protocol: need.protocol } : {}),
    }));
  }

  /** `consumer`'s workload needs environment variables (credentials from a Secret). */
  public static configuration(consumer: IConstruct, need: ConfigurationNeed): void {
    ledger(consumer).add((): ConfigurationContract => ({
      kind: 'configuration', ...ends(consumer, need), workload: locate(need.workload),
      ...(need.container ? { container: need.container } : {}), env: need.env,
    }));
  }

  /** `consumer` may use up to `maxDemand` units of an extended resource in a namespace (and on a pool). */
  public static capacity(consumer: IConstruct, need: CapacityNeed): void {
    ledger(consumer).add((): CapacityContract => ({
      kind: 'capacity', ...ends(consumer, need), cluster: need.cluster, namespace: need.namespace, resource: need.resource,
      maxDemand: need.maxDemand, minDemand: need.minDemand, ...(need.pool ? { pool: need.pool } : {}),
    }));
  }

  /** `cluster` offers pools of extended resources; `offers` is read at synth, when every pool is declared. */
  public static capacitySupply(cluster: IConstruct, offers: () => CapacityOffer[]): void {
    ledger(cluster).add(() => offers().map((offer): CapacitySupply => ({
      kind: 'capacity-supply', producer: cluster.node.path, cluster: offer.cluster, pool: offer.pool, resource: offer.resource,
      perNode: offer.perNode, minNodes: offer.minNodes, maxNodes: offer.maxNodes,
      ...(offer.nodeGroup ? { nodeGroup: locate(offer.nodeGroup) } : {}),
    })));
  }

  /** `resource` must be created after `after`. */
  public static order(consumer: IConstruct, need: OrderNeed): void {
    ledger(consumer).add((): OrderContract => ({
      kind: 'order', ...ends(consumer, need), resource: locate(need.resource),
      after: (typeof need.after === 'function' ? need.after() : need.after).filter((r): r is TerraformResource => r instanceof TerraformResource).map(locate),
    }));
  }
}
