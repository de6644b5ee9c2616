import { TerraformProvider, TerraformResource, TerraformResourceConfig, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/*
 * A small L1 for the hashicorp/helm provider, written by hand so the library needs no extra npm dependency.
 * Attribute names and shapes follow hashicorp/terraform-provider-helm docs/index.md and docs/resources/release.md
 * @ ecffae07 (v3.1.2): in 3.x `kubernetes` and its `exec` are nested attributes (objects), which Terraform JSON
 * writes as objects, as it also accepts for 2.x blocks.
 */

/** The hashicorp/helm provider version this library writes into `required_providers` (CHANGELOG 3.1.2, 2026-05-21). */
export const HELM_PROVIDER_VERSION = '3.1.2';
/** The provider's fully qualified source. */
export const HELM_PROVIDER_SOURCE = 'hashicorp/helm';

const GENERATOR = { providerName: 'helm', providerVersion: HELM_PROVIDER_VERSION, providerVersionConstraint: HELM_PROVIDER_VERSION };

/** An exec credential plugin (`client.authentication.k8s.io`), e.g. `aws eks get-token`. */
export interface KubernetesExecCredential {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
}

/** How the helm provider reaches a cluster: the same connection a kubernetes provider takes. */
export interface HelmKubernetesConnection {
  /** The API server URL. */
  readonly host: string;
  /** The cluster CA certificate, PEM (already base64-decoded). */
  readonly clusterCaCertificate: string;
  /** Short-lived credentials from a command at plan/apply time. */
  readonly exec: KubernetesExecCredential;
}

/** Props for {@link HelmProvider}. */
export interface HelmProviderConfig {
  /** @default - the default (unaliased) helm provider */
  readonly alias?: string;
  readonly kubernetes: HelmKubernetesConnection;
}

/** The `helm` provider configuration (L1). */
export class HelmProvider extends TerraformProvider {
  /** The provider of the stack that holds `scope` with this alias, if one was made. */
  public static find(scope: IConstruct, alias: string): HelmProvider | undefined {
    const stack = TerraformStack.of(scope);
    return stack.node.findAll().find((c): c is HelmProvider => c instanceof HelmProvider && c.alias === alias);
  }

  private readonly config: HelmProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: HelmProviderConfig) {
    super(scope, id, { terraformResourceType: 'helm', terraformGeneratorMetadata: GENERATOR, terraformProviderSource: HELM_PROVIDER_SOURCE });
    this.config = config;
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const k = this.config.kubernetes;
    return {
      alias: this.alias,
      kubernetes: {
        host: k.host,
        cluster_ca_certificate: k.clusterCaCertificate,
        exec: { api_version: k.exec.apiVersion, command: k.exec.command, args: k.exec.args },
      },
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return {
      alias: { value: this.alias, isBlock: false, type: 'simple', storageClassType: 'string' },
      kubernetes: { value: this.synthesizeAttributes().kubernetes, isBlock: false, type: 'map', storageClassType: 'anyMap' },
    };
  }
}

/** Props for {@link HelmRelease}: the `helm_release` arguments this library uses. */
export interface HelmReleaseConfig extends Omit<TerraformResourceConfig, 'terraformResourceType' | 'terraformGeneratorMetadata'> {
  /** Release name, at most 53 characters. */
  readonly name: string;
  /** Repository URL (`https://…`) or OCI registry (`oci://…`). */
  readonly repository: string;
  readonly chart: string;
  /** The exact chart version: always pinned. */
  readonly version: string;
  readonly namespace: string;
  /** @default false */
  readonly createNamespace?: boolean;
  /** Values documents (YAML; JSON is YAML). */
  readonly values?: string[];
  /** @default false */
  readonly skipCrds?: boolean;
  /** Roll back a failed install or upgrade. @default false */
  readonly atomic?: boolean;
  /** @default true (the provider's default) */
  readonly wait?: boolean;
  /** Seconds per Kubernetes operation. @default 300 (the provider's default) */
  readonly timeout?: number;
  /** Revisions Helm keeps. @default 0 (unlimited, the provider's default) */
  readonly maxHistory?: number;
}

/** A `helm_release` (L1). Registers hashicorp/helm in the stack's `required_providers`, pinned. */
export class HelmRelease extends TerraformResource {
  public static readonly tfResourceType = 'helm_release';

  private readonly config: HelmReleaseConfig;

  constructor(scope: Construct, id: string, config: HelmReleaseConfig) {
    super(scope, id, {
      terraformResourceType: HelmRelease.tfResourceType,
      terraformGeneratorMetadata: GENERATOR,
      provider: config.provider,
      dependsOn: config.dependsOn,
      lifecycle: config.lifecycle,
    });
    this.config = config;
    // A stack may hold a release without holding the provider configuration (the provider lives where the
    // layer's connection is made): the requirement is written by the release itself.
    TerraformStack.of(this).addOverride('terraform.required_providers.helm', { source: HELM_PROVIDER_SOURCE, version: HELM_PROVIDER_VERSION });
  }

  /** The release name. */
  public get name(): string {
    return this.getStringAttribute('name');
  }

  /** The release status (`deployed`, …). */
  public get status(): string {
    return this.getStringAttribute('status');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      name: c.name,
      repository: c.repository,
      chart: c.chart,
      version: c.version,
      namespace: c.namespace,
      create_namespace: c.createNamespace,
      values: c.values,
      skip_crds: c.skipCrds,
      atomic: c.atomic,
      wait: c.wait,
      timeout: c.timeout,
      max_history: c.maxHistory,
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const simple = (value: unknown, storageClassType: string) => ({ value, isBlock: false, type: 'simple', storageClassType });
    const c = this.config;
    return {
      name: simple(c.name, 'string'),
      repository: simple(c.repository, 'string'),
      chart: simple(c.chart, 'string'),
      version: simple(c.version, 'string'),
      namespace: simple(c.namespace, 'string'),
      create_namespace: simple(c.createNamespace, 'boolean'),
      values: { value: c.values, isBlock: false, type: 'list', storageClassType: 'stringList' },
      skip_crds: simple(c.skipCrds, 'boolean'),
      atomic: simple(c.atomic, 'boolean'),
      wait: simple(c.wait, 'boolean'),
      timeout: simple(c.timeout, 'number'),
      max_history: simple(c.maxHistory, 'number'),
    };
  }
}
