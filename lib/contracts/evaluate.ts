/**
 * Evaluates platform contracts over synthesized stacks: the same function runs inside `cdktf synth` (each
 * stack's validation) and in `ml-platform review cdktf.out`. It reads only the Terraform JSON: IAM policies,
 * bucket and key policies, IAM bindings, NetworkPolicies, pod templates, quotas, node groups and dependencies.
 */
import { Finding, Severity } from '../governance/model';
import { readSuppressions } from '../governance/normalize/terraform-json';
import {
  AwsPermissionContract, CapacityContract, CapacitySupply, ConfigurationContract, Contract, CONTRACT_RULE_IDS, ContractRecord,
  GcpPermissionContract, NetworkContract, OrderContract, ResourceLocation,
} from './contract';
import { roleGrants } from './private/gcp-roles';
import { evaluateRequest, IamPolicy, parsePolicy } from './private/iam';
import { many, namespaceLabels, networkPolicies, one, podTemplate } from './private/kubernetes';
import { evaluateConnection, resolvePort } from './private/network';
import { StackJson, StackSet } from './private/stacks';

/** Where contracts are kept in a stack's JSON: `//.ml_platform.contracts`. */
export const CONTRACTS_METADATA_KEY = 'contracts';

/** The contracts (and capacity supplies) recorded in one stack's JSON, in recording order. */
export function contractsOf(json: unknown): ContractRecord[] {
  const recorded = (json as Record<string, any>)?.['//']?.ml_platform?.[CONTRACTS_METADATA_KEY];
  if (!recorded || typeof recorded !== 'object') return [];
  return Object.keys(recorded).sort().map((k) => recorded[k] as ContractRecord).filter((r) => r && typeof r.kind === 'string');
}

/** Options for {@link evaluateContracts}. */
export interface EvaluateContractsOptions {
  /** Evaluate only the contracts recorded in these stacks. @default - every stack */
  readonly stacks?: readonly string[];
  /** Stack → the stacks it depends on (cdktf's manifest), for order contracts across stacks. */
  readonly dependencies?: ReadonlyMap<string, readonly string[]>;
  /** Today (YYYY-MM-DD) for suppression expiry. @default - the current UTC date */
  readonly today?: string;
}

/** The outcome of evaluating contracts. */
export interface ContractResult {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
  /** Contracts evaluated (capacity supplies not counted). */
  readonly evaluated: number;
}

/** Evaluate the contracts recorded in the given stacks against all of them. */
export function evaluateContracts(input: StackSet | readonly StackJson[], options: EvaluateContractsOptions = {}): ContractResult {
  const stacks = input instanceof StackSet ? input : StackSet.of(input);
  const wanted = new Set(options.stacks ?? stacks.names);
  // Capacity sums demand and supply over every stack the evaluated ones reach.
  const reach = new Set<string>();
  for (const name of wanted) for (const r of stacks.related(name)) reach.add(r);
  const all: Array<{ stack: string; record: ContractRecord }> = [];
  for (const name of stacks.names) if (reach.has(name)) for (const record of contractsOf(stacks.json(name))) all.push({ stack: name, record });
  const raw: Array<Finding & { stack: string }> = [];
  let evaluated = 0;
  const ctx: Ctx = { stacks, dependencies: options.dependencies };
  for (const { stack, record } of all) {
    if (!wanted.has(stack) || record.kind === 'capacity-supply' || record.kind === 'capacity') continue;
    evaluated++;
    for (const f of evaluateOne(ctx, stack, record)) raw.push({ ...f, stack });
  }
  const capacity = all.filter((a) => a.record.kind === 'capacity' || a.record.kind === 'capacity-supply');
  evaluated += capacity.filter((a) => a.record.kind === 'capacity' && wanted.has(a.stack)).length;
  for (const f of evaluateCapacity(ctx, capacity)) if (wanted.has(f.stack)) raw.push(f);

  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const seen = new Set<string>();
  for (const f of raw) {
    const stack = f.stack;
    const key = `${f.ruleId}\u0000${f.address}\u0000${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const body = stacks.resource(stack, f.address);
    const s = readSuppressions(body?.['//']?.ml_platform?.suppressions).find((x) => x.ruleId === f.ruleId && (!x.expires || x.expires >= today));
    if (s) suppressed.push({ ...f, suppressed: { reason: s.reason, ...(s.expires ? { expires: s.expires } : {}) } });
    else findings.push(f);
  }
  const order = (a: Finding, b: Finding) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.message < b.message ? -1 : 1);
  return { findings: findings.sort(order), suppressed: suppressed.sort(order), evaluated };
}

interface Ctx {
  readonly stacks: StackSet;
  readonly dependencies?: ReadonlyMap<string, readonly string[]>;
}

function finding(c: Contract, severity: Severity, at: ResourceLocation, message: string, remediation?: string): Finding & { stack: string } {
  return {
    ruleId: CONTRACT_RULE_IDS[c.kind],
    severity,
    category: 'platform-wiring',
    address: at.address,
    resourceType: at.address.split('.')[0],
    constructPath: c.consumer,
    message: readable(`${c.consumer} → ${c.producer} (${c.what}): ${message}`),
    remediation: remediation ?? c.fix,
    stack: at.stack,
  };
}

/** Canonical references as a reader knows them: `{stack:aws_kms_key.x#key}` → `aws_kms_key.x (stack stack)`. */
function readable(text: string): string {
  return text.replace(/\{account\}/g, '<account>').replace(/\{region\}/g, '<region>')
    .replace(/\{([^:{}]+):([^#{}]+?)(?:#\w+)?\}/g, (_m, stack: string, ref: string) => `${ref} (stack ${stack})`);
}

function evaluateOne(ctx: Ctx, stack: string, c: Contract): Finding[] {
  switch (c.kind) {
    case 'aws-permission': return awsPermission(ctx, stack, c);
    case 'gcp-permission': return gcpPermission(ctx, stack, c);
    case 'network': return network(ctx, c);
    case 'configuration': return configuration(ctx, c);
    case 'order': return order(ctx, c);
    default: return [];
  }
}

// ---- AWS permissions ---------------------------------------------------------------------------------------

/** The identity policies of a role, across stacks: inline, aws_iam_role_policy and attached customer policies. */
function identityPolicies(ctx: Ctx, role: ResourceLocation, scope: readonly string[]): { policies: IamPolicy[]; opaque: string[] } {
  const { stacks } = ctx;
  const roleName = stacks.canonicalReference(role.stack, `${role.address}.name`);
  const policies: IamPolicy[] = [];
  const opaque: string[] = [];
  const add = (source: string, stack: string, text: unknown) => {
    const p = parsePolicy(source, stacks.canonical(stack, text));
    if (p) policies.push(p); else opaque.push(source);
  };
  const body = stacks.resource(role.stack, role.address);
  for (const inline of many(body?.inline_policy)) add(`${role.address} inline policy ${inline.name ?? ''}`.trim(), role.stack, inline.policy);
  const managed: Array<{ stack: string; arn: string; source: string }> = [];
  for (const arn of (Array.isArray(body?.managed_policy_arns) ? body.managed_policy_arns : [])) managed.push({ stack: role.stack, arn: String(arn), source: role.address });
  for (const stack of scope) {
    for (const [address, p] of stacks.resourcesOfType(stack, 'aws_iam_role_policy')) {
      if (stacks.text(stack, p.role) === roleName) add(address, stack, p.policy);
    }
    for (const [address, a] of stacks.resourcesOfType(stack, 'aws_iam_role_policy_attachment')) {
      if (stacks.text(stack, a.role) === roleName) managed.push({ stack, arn: String(a.policy_arn), source: address });
    }
  }
  for (const m of managed) {
    const ref = /^\$\{(aws_iam_policy\.[\w-]+)\.(arn|id)\}$/.exec(m.arn);
    const policy = ref ? stacks.resource(m.stack, ref[1]) : undefined;
    if (policy) add(`${ref![1]} (attached by ${m.source})`, m.stack, policy.policy);
    else opaque.push(`${m.arn} (attached by ${m.source})`);
  }
  return { policies, opaque };
}

/** The bucket policy of an S3 ARN's bucket, wherever it is declared. */
function bucketPolicy(ctx: Ctx, arn: string, scope: readonly string[]): IamPolicy | undefined {
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(arn)?.[1];
  if (!bucket) return undefined;
  for (const stack of scope) {
    for (const [address, p] of ctx.stacks.resourcesOfType(stack, 'aws_s3_bucket_policy')) {
      if (ctx.stacks.text(stack, p.bucket) === bucket) return parsePolicy(address, ctx.stacks.canonical(stack, p.policy));
    }
  }
  return undefined;
}

/** The KMS key a bucket encrypts new objects with by default (SSE-KMS), as a canonical key, if the JSON says. */
function bucketKey(ctx: Ctx, arn: string, scope: readonly string[]): string | undefined {
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(arn)?.[1];
  if (!bucket) return undefined;
  for (const stack of scope) {
    for (const [, e] of ctx.stacks.resourcesOfType(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_server_side_encryption_configuration_v2')) {
      if (ctx.stacks.text(stack, e.bucket) !== bucket) continue;
      for (const rule of many(e.rule)) {
        const d = one(rule.apply_server_side_encryption_by_default);
        if (d && String(d.sse_algorithm).startsWith('aws:kms') && d.kms_master_key_id !== undefined) return ctx.stacks.text(stack, d.kms_master_key_id);
      }
    }
  }
  return undefined;
}

/** The key policy of a canonical KMS key (`{stack:aws_kms_key.x#key}`). */
function keyPolicy(ctx: Ctx, key: string, scope: readonly string[]): { policy?: IamPolicy; region?: string; found: boolean } {
  const m = /^\{([^:}]+):(aws_kms_key\.[\w-]+)#key\}$/.exec(key);
  if (!m) return { found: false };
  const [, stack, address] = m;
  const body = ctx.stacks.resource(stack, address);
  if (!body) return { found: false };
  let text: unknown = body.policy;
  let source = address;
  for (const s of scope) {
    for (const [a, kp] of ctx.stacks.resourcesOfType(s, 'aws_kms_key_policy')) {
      if (ctx.stacks.text(s, kp.key_id) === key) {
        text = kp.policy;
        source = a;
      }
    }
  }
  const region = one(ctx.stacks.json(stack)?.provider?.aws)?.region;
  // A key without a policy gets the default key policy, which delegates to the account.
  const policy = text === undefined
    ? { source: `${address} (default key policy)`, statements: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{account}:root' }, Action: 'kms:*', Resource: '*' }] }
    : parsePolicy(source, ctx.stacks.canonical(stack, text));
  return { policy, region: typeof region === 'string' && !region.includes('${') ? region : undefined, found: true };
}

function awsPermission(ctx: Ctx, stack: string, c: AwsPermissionContract): Finding[] {
  const { stacks } = ctx;
  const principal = stacks.text(stack, c.principal) ?? c.principal;
  const scope = [...new Set([...stacks.related(stack), ...stacks.related(c.principalResource.stack)])];
  const { policies, opaque } = identityPolicies(ctx, c.principalResource, scope);
  const out: Finding[] = [];
  const context = (extra: Record<string, string[]> = {}) => new Map<string, string[]>(Object.entries({
    'aws:securetransport': ['true'], 'aws:principalarn': [principal], 'aws:principalaccount': ['{account}'], ...extra,
  }));
  const report = (action: string, resource: string, decision: ReturnType<typeof evaluateRequest>, key: boolean) => {
    if (decision.decision === 'allowed') return;
    const unverifiable = decision.decision === 'unknown' || (decision.decision === 'denied' && opaque.length > 0 && !key);
    const detail = opaque.length > 0 && unverifiable ? `; policies the check cannot read: ${opaque.join(', ')}` : '';
    out.push(finding(c, unverifiable ? 'warning' : 'error', c.principalResource,
      `role ${c.principalResource.address} ${unverifiable ? 'may not be allowed' : 'is not allowed'} ${action} on ${resource}: ${decision.reason}${detail}`));
  };
  for (const resource of c.resources) {
    const r = stacks.text(stack, resource) ?? resource;
    const resourcePolicy = r.startsWith('arn:aws:s3:::') ? bucketPolicy(ctx, r, scope) : undefined;
    for (const action of c.actions) report(action, r, evaluateRequest({ principal, action, resource: r, context: context() }, policies, resourcePolicy, false), false);
  }
  // The key that encrypts the objects: the one the consumer was told, or the bucket's default encryption key.
  const kmsKey = c.kmsKey !== undefined ? stacks.text(stack, c.kmsKey) ?? c.kmsKey
    : c.resources.map((r) => bucketKey(ctx, stacks.text(stack, r) ?? r, scope)).find((k) => k !== undefined);
  if (kmsKey) {
    const key = kmsKey;
    const kp = keyPolicy(ctx, key, scope);
    const via = c.kmsViaService ?? 's3';
    const services = [`${via}.{region}.amazonaws.com`, ...(kp.region ? [`${via}.${kp.region}.amazonaws.com`] : [])];
    for (const action of c.kmsActions ?? ['kms:Decrypt']) {
      const request = { principal, action, resource: key, context: context({ 'kms:viaservice': services, 'kms:calleraccount': ['{account}'] }) };
      if (!kp.found) {
        // A key this check cannot see (created elsewhere): identity policies are all it can judge.
        const d = evaluateRequest(request, policies, undefined, false);
        if (d.decision !== 'allowed') report(action, key, d, true);
        continue;
      }
      report(action, `key ${key}`, evaluateRequest(request, policies, kp.policy, true), true);
    }
  }
  return out;
}

// ---- Google Cloud permissions ------------------------------------------------------------------------------

const GCP_BINDINGS: Record<string, { scope: GcpPermissionContract['resource']['type']; id: (b: Record<string, any>) => unknown[] }> = {
  google_project_iam_member: { scope: 'project', id: (b) => [b.project] },
  google_project_iam_binding: { scope: 'project', id: (b) => [b.project] },
  google_storage_bucket_iam_member: { scope: 'bucket', id: (b) => [b.bucket] },
  google_storage_bucket_iam_binding: { scope: 'bucket', id: (b) => [b.bucket] },
  google_bigquery_dataset_iam_member: { scope: 'bigquery-dataset', id: (b) => [b.dataset_id] },
  google_bigquery_dataset_iam_binding: { scope: 'bigquery-dataset', id: (b) => [b.dataset_id] },
  google_bigquery_table_iam_member: { scope: 'bigquery-table', id: (b) => [b.dataset_id, b.table_id] },
  google_bigquery_table_iam_binding: { scope: 'bigquery-table', id: (b) => [b.dataset_id, b.table_id] },
  google_kms_crypto_key_iam_member: { scope: 'kms-key', id: (b) => [b.crypto_key_id] },
  google_secret_manager_secret_iam_member: { scope: 'secret', id: (b) => [b.secret_id] },
  google_pubsub_subscription_iam_member: { scope: 'pubsub-subscription', id: (b) => [b.subscription] },
  google_pubsub_subscription_iam_binding: { scope: 'pubsub-subscription', id: (b) => [b.subscription] },
};

function gcpPermission(ctx: Ctx, stack: string, c: GcpPermissionContract): Finding[] {
  const { stacks } = ctx;
  const member = stacks.text(stack, c.member) ?? c.member;
  const resourceId = stacks.text(stack, c.resource.id) ?? c.resource.id;
  const project = c.resource.project !== undefined ? stacks.text(stack, c.resource.project) : undefined;
  const roles: Array<{ role: string; conditional: boolean; where: string }> = [];
  for (const s of [...new Set([...stacks.related(stack), ...stacks.related(c.memberResource.stack)])]) {
    for (const [type, spec] of Object.entries(GCP_BINDINGS)) {
      for (const [address, b] of stacks.resourcesOfType(s, type)) {
        const members = b.member !== undefined ? [b.member] : Array.isArray(b.members) ? b.members : [];
        if (!members.some((m: unknown) => stacks.text(s, m) === member)) continue;
        const ids = spec.id(b).map((x) => stacks.text(s, x));
        const applies = spec.scope === 'project'
          ? project !== undefined && ids[0] === project
          : spec.scope === c.resource.type
            ? ids.join('/') === resourceId
            : spec.scope === 'bigquery-dataset' && c.resource.type === 'bigquery-table' && resourceId.startsWith(`${ids[0]}/`);
        if (applies) roles.push({ role: String(b.role), conditional: !!one(b.condition), where: address });
      }
    }
  }
  const out: Finding[] = [];
  for (const permission of c.permissions) {
    const granting = roles.filter((r) => roleGrants(r.role, permission) === true);
    if (granting.some((r) => !r.conditional)) continue;
    const unknownRoles = roles.filter((r) => roleGrants(r.role, permission) === undefined);
    const maybe = granting.length > 0 || unknownRoles.length > 0;
    const held = roles.length > 0 ? `; it holds ${roles.map((r) => `${r.role} (${r.where})`).join(', ')}` : '; it holds no role there';
    out.push(finding(c, maybe ? 'warning' : 'error', c.memberResource,
      `${member} ${maybe ? 'may lack' : 'lacks'} ${permission} on ${c.resource.type} ${resourceId}${held}`));
  }
  return out;
}

// ---- Network paths -----------------------------------------------------------------------------------------

/**
 * The cluster a Kubernetes resource is applied to, as a comparable key: its provider configuration (`provider`
 * names `kubernetes.<alias>`, none is the default one) in canonical spelling, so two stacks that configure the same
 * cluster (a remote-state reference to one EKS cluster's endpoint, the same kubeconfig context) give the same key.
 */
function clusterKey(stacks: StackSet, stack: string, providerRef: unknown): string {
  const alias = typeof providerRef === 'string' ? /^kubernetes\.(.+)$/.exec(providerRef)?.[1] : undefined;
  const configs = many(stacks.json(stack)?.provider?.kubernetes);
  const config = configs.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
  if (!config) return `${stack}\u0000${String(providerRef ?? '')}`;
  // The API server's address names the cluster (certificates and credentials may be spelled differently per stack);
  // without one, the kubeconfig file and context do.
  const identity = config.host !== undefined ? { host: config.host } : config.config_path !== undefined || config.config_context !== undefined
    ? { path: config.config_path, context: config.config_context } : (({ alias: _alias, ...rest }) => rest)(config);
  return JSON.stringify(identity, (_k, v) => (typeof v === 'string' ? stacks.text(stack, v) : v));
}

/**
 * The stacks whose NetworkPolicies and namespaces can apply to a connection in `stack`: the stack, the stacks it
 * reads through remote state and those it depends on (the layers applied before it, where team namespaces and
 * their policies usually live), transitively.
 */
function clusterScope(ctx: Ctx, stack: string): string[] {
  const out = new Set<string>();
  const visit = (s: string) => {
    if (out.has(s) || !ctx.stacks.names.includes(s)) return;
    out.add(s);
    for (const r of ctx.stacks.related(s)) visit(r);
    for (const d of ctx.dependencies?.get(s) ?? []) visit(d);
  };
  visit(stack);
  return [...out];
}

function network(ctx: Ctx, c: NetworkContract): Finding[] {
  const { stacks } = ctx;
  const client = podTemplate(stacks, c.client.stack, c.client.address);
  const server = podTemplate(stacks, c.server.stack, c.server.address);
  if (!client || !server) {
    return [finding(c, 'error', c.client, `the ${!client ? `client ${c.client.address}` : `server ${c.server.address}`} is not a workload of stack ${!client ? c.client.stack : c.server.stack}`)];
  }
  const port = resolvePort(server, c.port);
  if (port.number === undefined) {
    return [finding(c, 'error', c.server, `the server's pods expose no container port named ${c.port}`)];
  }
  const provider = (loc: ResourceLocation) => stacks.resource(loc.stack, loc.address)?.provider;
  const cluster = clusterKey(stacks, c.server.stack, provider(c.server));
  if (clusterKey(stacks, c.client.stack, provider(c.client)) !== cluster) {
    return []; // different clusters: the path leaves the cluster and NetworkPolicies of neither side can be judged alone
  }
  // Every policy applied to the same cluster, in this stack or an earlier layer (a team namespace's default policies).
  const scope = clusterScope(ctx, c.server.stack);
  const policies = scope.flatMap((s) => {
    const refs = new Set<unknown>([undefined, ...many(stacks.json(s)?.provider?.kubernetes).map((p) => (p.alias ? `kubernetes.${p.alias}` : undefined))]);
    return [...refs].filter((ref) => clusterKey(stacks, s, ref) === cluster).flatMap((ref) => networkPolicies(stacks, s, ref as string | undefined));
  });
  const labelsOf = (namespace: string) => Object.assign({}, ...scope.map((s) => namespaceLabels(stacks, s, namespace))) as Record<string, string>;
  const end = (t: NonNullable<typeof client>) => ({ namespace: t.namespace, labels: t.labels, namespaceLabels: labelsOf(t.namespace) });
  const verdict = evaluateConnection(policies, end(client), end(server), port, c.protocol ?? 'TCP');
  if (verdict.ok) return [];
  const parts: string[] = [];
  if (verdict.ingressBlockedBy.length > 0) parts.push(`ingress to ${server.namespace} pods ${labelText(server.labels)} on port ${port.number} is admitted by none of ${verdict.ingressBlockedBy.join(', ')} for ${client.namespace} pods ${labelText(client.labels)}`);
  if (verdict.egressBlockedBy.length > 0) parts.push(`egress from ${client.namespace} pods is limited by ${verdict.egressBlockedBy.join(', ')}, which admit nothing to ${server.namespace}:${port.number}`);
  if (verdict.dnsBlocked) parts.push(`egress from ${client.namespace} pods admits no DNS (UDP 53), so the server's Service name cannot be resolved`);
  return [finding(c, 'error', c.client, parts.join('; '))];
}

function labelText(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

// ---- Configuration -----------------------------------------------------------------------------------------

function configuration(ctx: Ctx, c: ConfigurationContract): Finding[] {
  const { stacks } = ctx;
  const pod = podTemplate(stacks, c.workload.stack, c.workload.address);
  if (!pod) return [finding(c, 'error', c.workload, `${c.workload.address} is not a workload of stack ${c.workload.stack}`)];
  const containers = pod.containers.filter((x) => (c.container ? x.name === c.container : !x.init));
  if (containers.length === 0) return [finding(c, 'error', c.workload, `${c.workload.address} has no container named ${c.container}`)];
  const out: Finding[] = [];
  for (const container of containers) {
    for (const need of c.env) {
      const env = container.env.find((e) => e.name === need.name);
      const where = `container ${container.name} of ${c.workload.address}`;
      if (!env) {
        if (container.envFromSecrets.length > 0 && need.value === undefined) continue; // may come from env_from; the keys are not in the configuration
        out.push(finding(c, 'error', c.workload, `${where} has no ${need.name}${need.fromSecret ? ' (from a Secret)' : ''}`));
        continue;
      }
      if (need.fromSecret && !env.secretRef) out.push(finding(c, 'error', c.workload, `${where} sets ${need.name} as a literal; it is a credential and must come from a Secret (value_from.secret_key_ref)`));
      if (need.value !== undefined && stacks.text(c.workload.stack, env.value) !== stacks.text(c.workload.stack, need.value)) {
        out.push(finding(c, 'error', c.workload, `${where} sets ${need.name} to ${JSON.stringify(env.value ?? null)}, not ${JSON.stringify(need.value)}`));
      }
    }
  }
  return out;
}

// ---- Order -------------------------------------------------------------------------------------------------

const REFERENCE_IN_TEXT = /\$\{([^{}]*)\}/g;
const ADDRESS = /(?:^|[^\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)/g;

/** Addresses a resource depends on directly: depends_on plus every reference in its body. */
function directDependencies(stacks: StackSet, stack: string, address: string): string[] {
  const body = stacks.resource(stack, address);
  if (!body) return [];
  const out = new Set<string>();
  for (const d of Array.isArray(body.depends_on) ? body.depends_on : []) out.add(String(d).replace(/^\$\{|\}$/g, ''));
  const text = JSON.stringify({ ...body, '//': undefined, depends_on: undefined });
  let m: RegExpExecArray | null;
  REFERENCE_IN_TEXT.lastIndex = 0;
  while ((m = REFERENCE_IN_TEXT.exec(text))) {
    ADDRESS.lastIndex = 0;
    let a: RegExpExecArray | null;
    while ((a = ADDRESS.exec(m[1]))) out.add(a[1]);
  }
  return [...out];
}

function dependsOn(ctx: Ctx, from: ResourceLocation, to: ResourceLocation): boolean {
  if (from.stack !== to.stack) {
    const seen = new Set<string>();
    const visit = (s: string): boolean => {
      if (s === to.stack) return true;
      if (seen.has(s)) return false;
      seen.add(s);
      return (ctx.dependencies?.get(s) ?? []).some(visit);
    };
    return visit(from.stack);
  }
  const seen = new Set<string>([from.address]);
  const queue = [from.address];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of directDependencies(ctx.stacks, from.stack, current)) {
      if (next === to.address) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

function order(ctx: Ctx, c: OrderContract): Finding[] {
  const missing = c.after.filter((a) => !dependsOn(ctx, c.resource, a));
  if (missing.length === 0) return [];
  return [finding(c, 'error', c.resource,
    `${c.resource.address} can be created before ${missing.map((m) => (m.stack === c.resource.stack ? m.address : `${m.stack}/${m.address}`)).join(', ')}, which it uses; ` +
    'Terraform creates resources without a dependency path in parallel')];
}

// ---- Capacity ----------------------------------------------------------------------------------------------

function quantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Max nodes of a pool as the JSON has it (EKS node group, GKE node pool), or undefined to keep the declared figure. */
function nodeGroupMax(stacks: StackSet, loc: ResourceLocation | undefined): number | undefined {
  if (!loc) return undefined;
  const body = stacks.resource(loc.stack, loc.address);
  if (!body) return undefined;
  return quantity(one(body.scaling_config)?.max_size) ?? quantity(one(body.autoscaling)?.max_node_count)
    ?? quantity(one(body.autoscaling)?.total_max_node_count) ?? quantity(body.node_count);
}

function evaluateCapacity(ctx: Ctx, records: ReadonlyArray<{ stack: string; record: ContractRecord }>): Array<Finding & { stack: string }> {
  const { stacks } = ctx;
  const out: Array<Finding & { stack: string }> = [];
  const demands = records.filter((r) => r.record.kind === 'capacity') as Array<{ stack: string; record: CapacityContract }>;
  const supplies = records.filter((r) => r.record.kind === 'capacity-supply') as Array<{ stack: string; record: CapacitySupply }>;
  const poolMax = (s: CapacitySupply) => nodeGroupMax(stacks, s.nodeGroup) ?? s.maxNodes;

  // Quotas: the sum of demand in a namespace within the namespace's ResourceQuota.
  const byNamespace = new Map<string, Array<{ stack: string; record: CapacityContract }>>();
  for (const d of demands) {
    const key = `${d.stack}\u0000${d.record.cluster}\u0000${d.record.namespace}\u0000${d.record.resource}`;
    byNamespace.set(key, [...(byNamespace.get(key) ?? []), d]);
  }
  for (const group of byNamespace.values()) {
    const { stack, record: first } = group[0];
    const total = group.reduce((n, d) => n + d.record.maxDemand, 0);
    const namespace = stacks.text(stack, first.namespace);
    for (const [address, q] of stacks.resourcesOfType(stack, 'kubernetes_resource_quota_v1', 'kubernetes_resource_quota')) {
      if (stacks.text(stack, one(q.metadata)?.namespace) !== namespace) continue;
      const hard = one(q.spec)?.hard ?? {};
      for (const key of [`requests.${first.resource}`, `limits.${first.resource}`]) {
        const limit = quantity(hard[key]);
        if (limit === undefined || total <= limit) continue;
        const who = group.map((d) => `${d.record.consumer} (${d.record.what}) needs up to ${d.record.maxDemand}`).join(', ');
        out.push({ ...finding(first, 'error', { stack, address },
          `namespace ${namespace} may use ${limit} ${first.resource} (${address} ${key}), but ${who}: ${total} in all, so pods beyond the quota are refused when they scale out or roll out`,
          `raise the team's quota to at least ${total}, or lower maxReplicas / accelerators per replica`), stack });
      }
    }
  }

  // Pools: demand placed on a pool within what the pool can hold; scale-to-zero pools kept up by minimum demand.
  for (const { stack, record: supply } of supplies) {
    const onPool = demands.filter((d) => d.record.cluster === supply.cluster && d.record.pool === supply.pool && d.record.resource === supply.resource);
    const capacity = supply.perNode * poolMax(supply);
    const total = onPool.reduce((n, d) => n + d.record.maxDemand, 0);
    if (total > capacity && onPool.length > 0) {
      out.push({ ...finding(onPool[0].record, 'error', supply.nodeGroup ?? { stack, address: `pool ${supply.pool}` },
        `pool ${supply.pool} of ${supply.cluster} holds at most ${capacity} ${supply.resource} (${poolMax(supply)} nodes × ${supply.perNode}), but ${onPool.map((d) => `${d.record.consumer} (${d.record.what}) needs up to ${d.record.maxDemand}`).join(', ')}`,
        `raise the pool's maxNodes to at least ${Math.ceil(total / supply.perNode)}, or lower the endpoints' maxReplicas`), stack: onPool[0].stack });
    }
    const held = onPool.reduce((n, d) => n + d.record.minDemand, 0);
    if (supply.minNodes === 0 && held > 0) {
      out.push({ ...finding(onPool[0].record, 'warning', supply.nodeGroup ?? { stack, address: `pool ${supply.pool}` },
        `pool ${supply.pool} of ${supply.cluster} is declared to scale to zero, but ${onPool.filter((d) => d.record.minDemand > 0).map((d) => `${d.record.consumer} (${d.record.what}) keeps ${d.record.minDemand}`).join(', ')} ${supply.resource} at all times, so it never does`,
        'set minNodes to what the endpoints hold (and accept the cost), or let the endpoints scale to zero'), stack: onPool[0].stack });
    }
  }

  // Budgets: no team quota larger than everything the cluster's pools can ever hold.
  const clusters = new Map<string, { stack: string; producer: string; byResource: Map<string, number> }>();
  for (const { stack, record: s } of supplies) {
    const entry = clusters.get(`${stack}\u0000${s.cluster}`) ?? { stack, producer: s.producer, byResource: new Map<string, number>() };
    entry.byResource.set(s.resource, (entry.byResource.get(s.resource) ?? 0) + s.perNode * poolMax(s));
    clusters.set(`${stack}\u0000${s.cluster}`, entry);
  }
  const clustersPerStack = new Map<string, number>();
  for (const c of clusters.values()) clustersPerStack.set(c.stack, (clustersPerStack.get(c.stack) ?? 0) + 1);
  for (const [key, c] of clusters) {
    if (clustersPerStack.get(c.stack)! > 1) continue; // quotas cannot be told apart by cluster
    const clusterName = key.split('\u0000')[1];
    for (const [address, q] of stacks.resourcesOfType(c.stack, 'kubernetes_resource_quota_v1', 'kubernetes_resource_quota')) {
      const hard = (one(q.spec)?.hard ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(hard)) {
        const resource = k.replace(/^(requests|limits)\./, '');
        const limit = quantity(v);
        const capacity = c.byResource.get(resource);
        if (limit === undefined || capacity === undefined || limit <= capacity) continue;
        out.push({
          ruleId: 'contract-capacity', severity: 'error', category: 'platform-wiring', address, resourceType: address.split('.')[0],
          constructPath: c.producer, stack: c.stack,
          message: `namespace ${stacks.text(c.stack, one(q.metadata)?.namespace)} may use ${limit} ${resource} (${k}), more than the ${capacity} all pools of cluster ${clusterName} can ever hold, so the budget promises capacity that does not exist`,
          remediation: `lower the team's quota to at most ${capacity}, or add pool capacity (maxNodes) for ${resource}`,
        });
      }
    }
  }
  return out;
}
