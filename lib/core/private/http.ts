import { TerraformDataSource, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/*
 * A small L1 for the hashicorp/http provider's `http` data source, written by hand so the library needs no extra npm
 * dependency. Arguments and attributes follow hashicorp/terraform-provider-http docs/data-sources/http.md
 * @ 54564302 (v3.6.0): `url`, `request_timeout_ms`, the `retry` block (`attempts`, `min_delay_ms`, `max_delay_ms`),
 * and the `response_body` / `status_code` attributes; its postcondition example checks `self.status_code`.
 */

/** The hashicorp/http provider version this library writes into `required_providers` (CHANGELOG 3.6.0, 2026-05-12). */
export const HTTP_PROVIDER_VERSION = '3.6.0';
/** The provider's fully qualified source. */
export const HTTP_PROVIDER_SOURCE = 'hashicorp/http';

const GENERATOR = { providerName: 'http', providerVersion: HTTP_PROVIDER_VERSION, providerVersionConstraint: HTTP_PROVIDER_VERSION };

/** The `http` provider configuration (it has no settings); one per stack, made by the first document. */
export class HttpProvider extends TerraformProvider {
  /** The stack's http provider, made on first use. */
  public static of(stack: TerraformStack): HttpProvider {
    const existing = stack.node.tryFindChild('http');
    return existing instanceof HttpProvider ? existing : new HttpProvider(stack, 'http');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'http', terraformGeneratorMetadata: GENERATOR, terraformProviderSource: HTTP_PROVIDER_SOURCE });
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return {};
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return {};
  }
}

/** Props for {@link DataHttpDocument}. */
export interface DataHttpDocumentConfig {
  /** An https URL of an immutable document (pinned by commit, never a branch). */
  readonly url: string;
  /**
   * SHA-256 (hex) of the exact bytes expected: a postcondition fails the plan when the body differs, so a moved
   * tag, a mirror or a proxy cannot change what is applied.
   */
  readonly sha256: string;
}

/**
 * One document fetched at plan time (`data "http"`), verified by status code and SHA-256 before anything reads it.
 * Registers hashicorp/http in the stack's `required_providers`, pinned, and its (empty) provider configuration.
 */
export class DataHttpDocument extends TerraformDataSource {
  public static readonly tfResourceType = 'http';

  private readonly config: DataHttpDocumentConfig;

  constructor(scope: Construct, id: string, config: DataHttpDocumentConfig) {
    super(scope, id, {
      terraformResourceType: DataHttpDocument.tfResourceType,
      terraformGeneratorMetadata: GENERATOR,
      provider: HttpProvider.of(TerraformStack.of(scope)),
      lifecycle: {
        postcondition: [
          { condition: '${self.status_code == 200}', errorMessage: `GET ${config.url} did not answer 200` },
          {
            condition: `\${sha256(self.response_body) == "${config.sha256}"}`,
            errorMessage: `${config.url} is not the pinned document (sha256 ${config.sha256}); refusing to apply it`,
          },
        ],
      },
    });
    this.config = config;
    // The provider registers its source; the version is pinned here, as for helm (lib/core/private/helm.ts).
    TerraformStack.of(this).addOverride('terraform.required_providers.http', { source: HTTP_PROVIDER_SOURCE, version: HTTP_PROVIDER_VERSION });
  }

  /** The body, as a string. */
  public get responseBody(): string {
    return this.getStringAttribute('response_body');
  }

  /** The URL and checksum as written. */
  public get documentConfig(): DataHttpDocumentConfig {
    return this.config;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    // Transient network errors and 5xx answers are retried; the document itself is verified by the postconditions.
    return { url: this.config.url, request_timeout_ms: 60000, retry: { attempts: 3, min_delay_ms: 1000, max_delay_ms: 10000 } };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const simple = (value: unknown, storageClassType: string) => ({ value, isBlock: false, type: 'simple', storageClassType });
    return {
      url: simple(this.config.url, 'string'),
      request_timeout_ms: simple(60000, 'number'),
      retry: { value: { attempts: 3, min_delay_ms: 1000, max_delay_ms: 10000 }, isBlock: true, type: 'struct', storageClassType: 'struct' },
    };
  }
}
