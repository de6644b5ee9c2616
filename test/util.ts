import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { DataClassification, PlatformLabels, StandardLabels } from '../lib/core/labels';
import { Governance } from '../lib/governance/governance';
import { ReviewResult } from '../lib/governance/model';
import { reviewTerraformJson } from '../lib/governance/review';
import { GovernanceParameters } from '../lib/governance/rule';
import { Construct } from 'constructs';

/** A synthesized stack, parsed: Terraform JSON with snake_case attributes, as `cdktf synth` writes it. */
export interface Synth {
  readonly json: any;
  readonly text: string;
  /** Every resource of a type, without cdktf's `//` metadata. */
  resources(type: string): any[];
  /** The one resource of a type whose construct path ends with `pathSuffix`. */
  resource(type: string, pathSuffix: string): any;
  /** Every data source of a type. */
  data(type: string): any[];
}

/**
 * Builds a stack with `build` and synthesizes it with validations on (`Testing.synth(stack, true)`),
 * as `cdktf synth` does.
 */
export function synth(build: (stack: TerraformStack) => void): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  build(stack);
  const text = Testing.synth(stack, true);
  return parse(text);
}

/** Parses synthesized JSON text into a {@link Synth}. */
export function parse(text: string): Synth {
  const json = JSON.parse(text);
  const strip = (r: any) => {
    const { ['//']: _meta, ...rest } = r;
    return rest;
  };
  return {
    json,
    text,
    resources: (type) => Object.values(json.resource?.[type] ?? {}).map(strip),
    resource: (type, pathSuffix) => {
      const found = Object.values(json.resource?.[type] ?? {}).filter((r: any) => r['//']?.metadata?.path?.endsWith(pathSuffix));
      if (found.length !== 1) throw new Error(`expected one ${type} at *${pathSuffix}, found ${found.length}`);
      return strip(found[0]);
    },
    data: (type) => Object.values(json.data?.[type] ?? {}).map(strip),
  };
}

/** Runs `build` in a fresh stack and returns the thrown error's message (fails the test if nothing throws). */
export function errorOf(build: (scope: Construct) => void): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  try {
    build(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw, but it did not');
}

const SECRET_KEYS = /^(token|password|master_password|client_key|client_certificate|secret|secret_key|access_key|private_key|auth_token)$/i;
const SECRET_VALUES = [/AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /ghp_[A-Za-z0-9]{36}/, /xox[baprs]-[A-Za-z0-9-]{10,}/];

/**
 * Every place in synthesized JSON that holds a literal secret: a credential-named attribute with a literal
 * value (a Terraform reference such as `${data.x.access_token}` is not a secret in the output), or a value
 * that looks like a key. Returns their JSON paths.
 */
export function literalSecrets(json: unknown, path = '$'): string[] {
  if (typeof json === 'string') return SECRET_VALUES.some((p) => p.test(json)) ? [path] : [];
  if (Array.isArray(json)) return json.flatMap((v, i) => literalSecrets(v, `${path}[${i}]`));
  if (json && typeof json === 'object') {
    return Object.entries(json as Record<string, unknown>).flatMap(([k, v]) => {
      const here = `${path}.${k}`;
      // A Secret Manager secret version data source names its secret in `secret`: an id, not a value.
      const secretId = k === 'secret' && /^\$\.data\.google_secret_manager_secret_version\./.test(path);
      if (SECRET_KEYS.test(k) && typeof v === 'string' && !/^\$\{[^}]+\}$/.test(v) && !secretId) return [here];
      return literalSecrets(v, here);
    });
  }
  return [];
}

/**
 * Builds a whole app with `build` and synthesizes it as `cdktf synth` does (validations on, `//` metadata
 * kept, no stack traces) into a temporary folder. Returns each stack's parsed output by stack name.
 */
export function synthApp(build: (app: App) => void, options: { skipValidation?: boolean } = {}): Record<string, Synth> {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-app-'));
  try {
    const app = new App({ outdir, stackTraces: false, ...(options.skipValidation ? { skipValidation: true } : {}) });
    build(app);
    app.synth();
    const out: Record<string, Synth> = {};
    for (const name of readdirSync(join(outdir, 'stacks'))) out[name] = parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    return out;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Options for {@link reviewAsSynthesized}. */
export interface ReviewAsSynthesizedOptions {
  /** Standard labels for the stack. @default owner ml, cost centre cc-1, environment test, internal data */
  readonly labels?: StandardLabels;
  /** Governance parameters, at synth and in the review. @default - none */
  readonly parameters?: GovernanceParameters;
  /** Record rule × resource passes in the result. @default false */
  readonly recordPasses?: boolean;
}

/**
 * Builds a labelled stack with governance (baseline + ml-guardrails) on, synthesizes it as `cdktf synth` does
 * (error findings fail the synth; the `//` metadata that carries suppressions is kept) and reviews the written
 * cdk.tf.json with the same packs: what `ml-platform review cdktf.out` would report.
 */
export function reviewAsSynthesized(build: (stack: TerraformStack) => void, options: ReviewAsSynthesizedOptions = {}): ReviewResult {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-review-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'reviewed');
    PlatformLabels.apply(stack, options.labels ?? { owner: 'ml', costCenter: 'cc-1', environment: 'test', dataClassification: DataClassification.INTERNAL });
    const governance = Governance.of(stack).addPack('ml-guardrails');
    if (options.parameters) governance.configure({ parameters: options.parameters });
    build(stack);
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'reviewed', 'cdk.tf.json'), 'utf8'));
    return reviewTerraformJson(json, { packs: ['baseline', 'ml-guardrails'], parameters: options.parameters, recordPasses: options.recordPasses });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
