/**
 * The synthesized stacks a contract check reads, and Terraform expressions put in one canonical spelling
 * across them, so that a value written in one stack (`${aws_s3_bucket.models.arn}`) and the same value read in
 * another through remote state (`${data.terraform_remote_state.x.outputs.cross-stack-output-…}`) compare equal.
 */

/** One synthesized stack: its name and cdk.tf.json. */
export interface StackJson {
  readonly name: string;
  readonly json: unknown;
}

type Json = Record<string, any>;

/** Interpolations: `${…}` not preceded by a second `$`. Non-greedy, no nesting (what cdktf writes for references). */
const INTERPOLATION = /(^|[^$])\$\{([^{}]*)\}/g;
const REFERENCE = /^(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w]*))?((?:\.[\w-]+|\[[^\]]*\])*)$/;

/** Synthesized stacks, loaded on first use (synth-time checks load only the stacks a contract reaches). */
export class StackSet {
  private readonly loaded = new Map<string, Json>();
  private outputOwner?: Map<string, string[]>;

  /**
   * @param names every stack name
   * @param load returns a stack's JSON (called at most once per stack)
   */
  constructor(public readonly names: readonly string[], private readonly load: (name: string) => unknown) {}

  /** From stacks already in hand (a cdktf.out folder, a test). */
  public static of(stacks: readonly StackJson[]): StackSet {
    const byName = new Map(stacks.map((s) => [s.name, s.json]));
    return new StackSet(stacks.map((s) => s.name), (n) => byName.get(n));
  }

  public json(stack: string): Json | undefined {
    if (!this.loaded.has(stack)) {
      if (!this.names.includes(stack)) return undefined;
      this.loaded.set(stack, (this.load(stack) ?? {}) as Json);
    }
    return this.loaded.get(stack);
  }

  /** The stack and, transitively, every stack whose outputs it reads through remote state. */
  public related(stack: string): string[] {
    const out: string[] = [];
    const visit = (s: string) => {
      if (out.includes(s) || !this.names.includes(s)) return;
      out.push(s);
      for (const body of Object.values((this.json(s)?.data?.terraform_remote_state ?? {}) as Json)) {
        const producer = remoteStateStack(body);
        if (producer) visit(producer);
      }
    };
    visit(stack);
    return out;
  }

  private ownerOfOutput(output: string, except: string, remoteState: Json | undefined): string | undefined {
    const named = remoteStateStack(remoteState);
    if (named && this.names.includes(named)) return named;
    if (!this.outputOwner) {
      this.outputOwner = new Map();
      for (const name of this.names) {
        for (const o of Object.keys((this.json(name)?.output ?? {}) as Json)) this.outputOwner.set(o, [...(this.outputOwner.get(o) ?? []), name]);
      }
    }
    const owners = (this.outputOwner.get(output) ?? []).filter((s) => s !== except);
    return owners.length === 1 ? owners[0] : undefined;
  }

  /** The body of a resource (`type.name`) or data source (`data.type.name`) in a stack. */
  public resource(stack: string, address: string): Json | undefined {
    const json = this.json(stack);
    if (!json) return undefined;
    const parts = address.split('.');
    if (parts[0] === 'data') return json.data?.[parts[1]]?.[parts[2]];
    return json.resource?.[parts[0]]?.[parts[1]];
  }

  /** Every resource of the given types in a stack, as `[address, body]`. */
  public resourcesOfType(stack: string, ...types: string[]): Array<[string, Json]> {
    const json = this.json(stack);
    const out: Array<[string, Json]> = [];
    for (const type of types) {
      for (const [name, body] of Object.entries((json?.resource?.[type] ?? {}) as Json)) {
        if (body && typeof body === 'object') out.push([`${type}.${name}`, body]);
      }
    }
    return out;
  }

  /**
   * A string with every interpolation replaced by its canonical spelling (see {@link canonicalReference}).
   * Non-strings are returned as they are.
   */
  public canonical(stack: string, value: unknown, depth = 0): unknown {
    if (typeof value !== 'string') return value;
    return value.replace(INTERPOLATION, (_m, before: string, expr: string) => before + this.canonicalReference(stack, expr.trim(), depth));
  }

  /** Canonical string for a value, or undefined when it is not a string. */
  public text(stack: string, value: unknown): string | undefined {
    const c = this.canonical(stack, value);
    return typeof c === 'string' ? c : undefined;
  }

  /**
   * One reference in canonical spelling:
   * - remote state outputs are followed to the producing stack's output value;
   * - S3 bucket ARNs become `arn:aws:s3:::<bucket>`, with the literal bucket name where the configuration has one;
   * - IAM roles, KMS keys, service accounts and buckets have one spelling for their id, name and ARN forms;
   * - the caller's account, partition and region are the same in every stack (one account per platform);
   * - anything else becomes `{stack:expression}`, equal only to itself.
   */
  public canonicalReference(stack: string, expr: string, depth = 0): string {
    const m = REFERENCE.exec(expr);
    if (!m || depth > 8) return `{${stack}:${expr}}`;
    const [, data, type, name, attr, rest] = m;
    if (data) {
      if (type === 'terraform_remote_state' && attr === 'outputs') {
        const output = /^\.([\w-]+)/.exec(rest ?? '')?.[1] ?? /^\["([^"]+)"\]/.exec(rest ?? '')?.[1];
        const owner = output ? this.ownerOfOutput(output, stack, this.json(stack)?.data?.terraform_remote_state?.[name]) : undefined;
        if (owner) {
          const c = this.canonical(owner, this.json(owner)?.output?.[output!]?.value, depth + 1);
          if (typeof c === 'string') return c;
        }
        return `{${stack}:${expr}}`;
      }
      if (type === 'aws_caller_identity' && attr === 'account_id') return '{account}';
      if (type === 'aws_partition' && attr === 'partition') return 'aws';
      if (type === 'aws_region' && (attr === 'name' || attr === 'region' || attr === 'id')) return '{region}';
      return `{${stack}:${expr}}`;
    }
    const body = this.resource(stack, `${type}.${name}`);
    const id = `${stack}:${type}.${name}`;
    const literal = (key: string): string | undefined => {
      const v = body?.[key];
      return typeof v === 'string' && !v.includes('${') ? v : undefined;
    };
    // A namespace by reference (`kubernetes_namespace_v1.x.metadata[0].name`, or its id) is its literal name.
    if ((type === 'kubernetes_namespace_v1' || type === 'kubernetes_namespace') && ((attr === 'metadata' && /^\[0\]\.name$|^\.0\.name$/.test(rest ?? '')) || (attr === 'id' && !rest))) {
      const meta = Array.isArray(body?.metadata) ? body?.metadata[0] : body?.metadata;
      if (typeof meta?.name === 'string' && !meta.name.includes('${')) return meta.name;
    }
    if (rest) return `{${stack}:${expr}}`;
    switch (type) {
      case 'aws_s3_bucket': {
        const bucket = literal('bucket') ?? `{${id}#name}`;
        if (attr === 'arn') return `arn:aws:s3:::${bucket}`;
        if (attr === 'id' || attr === 'bucket') return bucket;
        break;
      }
      case 'aws_kms_key':
        if (attr === 'arn' || attr === 'key_id' || attr === 'id') return `{${id}#key}`;
        break;
      case 'aws_iam_role': {
        if (attr === 'arn') return `{${id}#arn}`;
        if (attr === 'name' || attr === 'id') return literal('name') ?? `{${id}#name}`;
        break;
      }
      case 'aws_iam_policy':
        if (attr === 'arn' || attr === 'id') return `{${id}#arn}`;
        break;
      case 'google_service_account': {
        if (attr === 'email') return `{${id}#email}`;
        if (attr === 'member') return `serviceAccount:{${id}#email}`;
        if (attr === 'name' || attr === 'id') return `{${id}#name}`;
        break;
      }
      case 'google_storage_bucket': {
        const bucket = literal('name') ?? `{${id}#name}`;
        if (attr === 'name' || attr === 'id') return bucket;
        if (attr === 'url') return `gs://${bucket}`;
        break;
      }
      case 'google_kms_crypto_key':
        if (attr === 'id') return `{${id}#key}`;
        break;
      case 'google_bigquery_dataset':
        if (attr === 'dataset_id') return literal('dataset_id') ?? `{${id}#dataset}`;
        break;
      default:
        break;
    }
    return `{${id}.${attr ?? ''}}`;
  }
}

/** The stack a local-backend remote state reads (`…/terraform.<stack>.tfstate`), as cdktf writes it for cross-stack references. */
function remoteStateStack(body: Json | undefined): string | undefined {
  const path = body?.config?.path;
  return typeof path === 'string' ? /terraform\.([^/\\]+)\.tfstate$/.exec(path)?.[1] : undefined;
}
