import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { MlPlatformValidationError, Validator } from './errors';

/*
 * Container image references, in one place: parsing and normalizing them, the pinning checks every construct
 * applies to the images it is given, and the registry mirrors the library's own default images are pulled through.
 * The grammar is distribution/reference's (reference.go, normalize.go): an optional registry host (a first
 * component with a dot or a port, or `localhost`), a repository path of lowercase components, an optional tag and
 * an optional digest; without a host the image is on Docker Hub, and a one-component Docker Hub name is an
 * official image under `library/`.
 */

/** The registry Docker Hub images are on, in normalized references. */
const DOCKER_HUB = 'docker.io';
/** Names Docker Hub is also reached by; they normalize to `docker.io`. */
const DOCKER_HUB_ALIASES = ['index.docker.io', 'registry-1.docker.io'];
const HOST = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/**
 * An image reference pinned by digest: `registry/repo@sha256:<64 hex>` (a tag before the digest is allowed). A quick
 * pattern for callers; the library's own checks parse the reference ({@link checkImageDigest}).
 */
export const DIGEST_PINNED_IMAGE = /^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;

/** A parsed image reference; `registry` and `repository` are in normalized form. */
interface ImageReference {
  /** The registry host, `docker.io` where the reference names none. */
  readonly registry: string;
  /** Whether the reference names its registry host itself. */
  readonly explicitRegistry: boolean;
  /** The repository path, with `library/` for Docker Hub official images. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses `ref`, or says what is wrong with it. */
function parseImage(ref: string): ImageReference | string {
  if (ref.length === 0) return 'it is empty';
  if (/[$%]\{/.test(ref)) return 'it holds "${" or "%{" interpolation; pass the resolved reference';
  if (/\s/.test(ref)) return 'it holds whitespace';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return 'it has a URL scheme; drop "https://"';
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) return `its digest "${digest}" is not <algorithm>:<hex>, e.g. sha256:<64 hex>`;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const explicitRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (explicitRegistry && !HOST.test(first)) return `its registry host "${first}" is not a host name with an optional port`;
  const rest = explicitRegistry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const tag = colon < 0 ? undefined : rest.slice(colon + 1);
  if (tag !== undefined && !TAG.test(tag)) return `its tag "${tag}" is not letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`;
  const bad = path.split('/').find((c) => !PATH_COMPONENT.test(c));
  if (bad !== undefined) return `its repository component "${bad}" is not lowercase letters and digits joined by ".", "_", "__" or "-"`;
  let registry = explicitRegistry ? first.toLowerCase() : DOCKER_HUB;
  if (DOCKER_HUB_ALIASES.includes(registry)) registry = DOCKER_HUB;
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  if (name.length > 255) return 'its name is longer than 255 characters';
  return { registry, explicitRegistry, repository, tag, digest };
}

/** The reference in fully-qualified form. */
function formatImage(r: ImageReference, registry = r.registry): string {
  return `${registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

function parseOrThrow(ref: string, path: string, prop: string): ImageReference {
  const parsed = parseImage(ref);
  if (typeof parsed === 'string') {
    throw new MlPlatformValidationError([{ path, prop, value: JSON.stringify(ref), message: `is not an image reference: ${parsed}` }]);
  }
  return parsed;
}

/**
 * The fully-qualified form of an image reference, as the container runtime resolves it: `redis:7.2.4` →
 * `docker.io/library/redis:7.2.4`, `grafana/grafana:1` → `docker.io/grafana/grafana:1`; a registry host (a first
 * component with a dot or a port, or `localhost`), the tag and the digest are kept. Throws for what is not an
 * image reference; an unresolved token is returned as it is.
 */
export function normalizeImage(ref: string): string {
  if (Token.isUnresolved(ref)) return ref;
  return formatImage(parseOrThrow(ref, 'normalizeImage', 'ref'));
}

// ---- pinning checks: every construct validates the images it is given with these ----

/** Options of {@link checkPinnedImage} and {@link checkImageDigest}. */
export interface ImageCheckOptions {
  /** What the user reads when the reference is valid but not pinned as required. @default - a generic fix */
  readonly fix?: string;
  /** A missing image is a problem too. @default false */
  readonly required?: boolean;
  /** The reference must name its registry host, not a Docker Hub short name. @default false */
  readonly explicitRegistry?: boolean;
}

const VERSION_FIX = 'must name a version: repository:tag (not latest) or repository@sha256:<digest>, without "${" or "%{"';

/** The serving fix: the digest form of the same repository, and how to find the digest. */
function digestFix(image: string | undefined): string {
  const repo = typeof image === 'string' ? image.replace(/@.*$/, '').replace(/:[^/:]*$/, '') : '<repo>';
  return `is not pinned by digest; use ${repo}@sha256:<64 hex digest> (resolve it with \`crane digest\` or ` +
    '`docker buildx imagetools inspect`) so what was reviewed is what runs';
}

function checkImage(v: Validator, prop: string, image: string | undefined, options: ImageCheckOptions, fix: string,
  pinned: (r: ImageReference) => boolean): boolean {
  if (image === undefined) return options.required ? v.check(false, prop, image, fix) : true;
  if (Token.isUnresolved(image)) return true;
  if (typeof image !== 'string') return v.check(false, prop, image, fix);
  const parsed = parseImage(image);
  if (typeof parsed === 'string') return v.check(false, prop, image, `${fix} (not an image reference: ${parsed})`);
  return v.check((!options.explicitRegistry || parsed.explicitRegistry) && pinned(parsed), prop, image, fix);
}

/** True when `r` is pinned by a sha256 digest. */
const byDigest = (r: ImageReference) => r.digest !== undefined && SHA256.test(r.digest);

/**
 * Checks an image names a version: a tag other than `latest`, or a sha256 digest. Skips a missing image (unless
 * `required`) and unresolved tokens. Returns whether it passed.
 */
export function checkPinnedImage(v: Validator, prop: string, image: string | undefined, options: ImageCheckOptions = {}): boolean {
  return checkImage(v, prop, image, options, options.fix ?? VERSION_FIX, (r) => byDigest(r) || (r.tag !== undefined && r.tag !== 'latest'));
}

/**
 * Checks an image is pinned by a sha256 digest (a tag before it is allowed): what was reviewed is what runs. The
 * default fix shows the digest form of the same repository. Returns whether it passed.
 */
export function checkImageDigest(v: Validator, prop: string, image: string | undefined, options: ImageCheckOptions = {}): boolean {
  return checkImage(v, prop, image, options, options.fix ?? digestFix(image), byDigest);
}

// ---- registry mirrors: one setting for every default image ----

const MIRRORS = Symbol.for('cdktf-ml-platform.registry-mirrors');
/** On the root: the paths of the constructs that chose a default image, to refuse mirrors configured too late. */
const CHOSEN = Symbol.for('cdktf-ml-platform.registry-mirrors.chosen');
const FROM_CONTEXT = new WeakMap<object, RegistryMirrors>();
/**
 * An Amazon ECR image, by tag and/or digest: account (1), region (2), repository (3), digest (4). The repository
 * follows ECR's own naming rule, so only names ECR would refuse are refused.
 */
export const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** The ECR repository ARN of an image, or undefined for an image elsewhere. */
export function ecrRepository(image: string, partition: string): string | undefined {
  const m = ECR_IMAGE.exec(image);
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/** The module's own way to make a RegistryMirrors (its constructor is private: users configure or look them up). */
let newRegistryMirrors: (mirrors: RegistryMirrorMap) => RegistryMirrors;

/**
 * Registry host → mirror, e.g. `{ 'quay.io': 'harbor.corp/quay-proxy', '*': 'registry.corp/mirror' }`. A key is a
 * registry host as images name it (`docker.io` for Docker Hub, `quay.io`, `nvcr.io`, `public.ecr.aws`, …) or `*`
 * for every registry without an entry of its own; a value is a registry host with an optional path, without a
 * scheme, tag or trailing `/`.
 */
export type RegistryMirrorMap = { [registry: string]: string };

/**
 * The registry mirrors (pull-through caches) the library's default images are pulled through: Prometheus, Grafana,
 * Feast, Redis, PostgreSQL, device plugins, the edge agent, the retraining gate and the images of the Helm charts
 * that let their registry be set. Images passed explicitly to a construct are never rewritten.
 *
 * An image of a registry with an entry becomes `<mirror>/<repository>`; with only `*`, `<mirror>/<registry host>/<repository>`.
 * Docker Hub official images keep `library/`, as both common pull-through caches expect it: Amazon ECR ("For Docker
 * Hub official images, the /library prefix must be included", https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working.html)
 * and Harbor proxy cache projects ("To pull official images or from single level repositories, make sure to include
 * the 'library' namespace", https://goharbor.io/docs/latest/administration/configure-proxy-cache/). So
 * `{ 'docker.io': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub' }` turns `redis:7.2.4` into
 * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.2.4`. Tags and digests are kept.
 *
 * Configure them on a scope before creating the constructs under it; the nearest configured scope wins, and without
 * one the app's context key `ml-platform:registryMirrors` (same shape, e.g. in cdktf.json) applies.
 */
export class RegistryMirrors {
  /** The context key read where no scope configures mirrors (same shape as {@link RegistryMirrorMap}). */
  public static readonly CONTEXT_KEY = 'ml-platform:registryMirrors';
  /** The key for every registry without an entry of its own. */
  public static readonly ANY_REGISTRY = '*';

  static {
    newRegistryMirrors = (mirrors) => new RegistryMirrors(mirrors);
  }

  /**
   * Pulls the default images of every construct below `scope` through `mirrors`. Throws for a bad map, naming each
   * key and value, and when constructs below `scope` already chose their default images.
   */
  public static configure(scope: IConstruct, mirrors: RegistryMirrorMap): RegistryMirrors {
    // The app's own path is empty: name it, so the message still says where.
    const v = new Validator(scope.node.path || 'app');
    checkRegistryMirrors(v, 'mirrors', mirrors);
    v.throwIfAny();
    return configureRegistryMirrors(scope, mirrors, v, 'mirrors');
  }

  /** The mirrors that apply at `scope`: the nearest configured on it or a scope above, else the context's, else none. */
  public static of(scope: IConstruct): RegistryMirrors | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      const own = (s as unknown as Record<symbol, RegistryMirrors | undefined>)[MIRRORS];
      if (own) return own;
    }
    const context: unknown = scope.node.tryGetContext(RegistryMirrors.CONTEXT_KEY);
    if (context === undefined || context === null) return undefined;
    if (typeof context === 'object' && FROM_CONTEXT.has(context)) return FROM_CONTEXT.get(context);
    const v = new Validator(scope);
    checkRegistryMirrors(v, `context["${RegistryMirrors.CONTEXT_KEY}"]`, context);
    v.throwIfAny();
    const mirrors = newRegistryMirrors(context as RegistryMirrorMap);
    FROM_CONTEXT.set(context as object, mirrors);
    return mirrors;
  }

  /** Registry host (or `*`) → mirror, as configured. */
  public readonly mirrors: RegistryMirrorMap;

  private constructor(mirrors: RegistryMirrorMap) {
    this.mirrors = Object.freeze({ ...mirrors });
  }

  /** The image pulled through its mirror, or `image` as it is where no mirror applies (or it is already a mirror's). */
  public rewrite(image: string): string {
    if (Token.isUnresolved(image)) return image;
    const ref = parseOrThrow(image, 'RegistryMirrors', 'image');
    const normalized = formatImage(ref);
    if (Object.values(this.mirrors).some((m) => normalized.startsWith(`${m}/`))) return image;
    const own = this.mirrors[ref.registry];
    if (own !== undefined) return formatImage(ref, own);
    const any = this.mirrors[RegistryMirrors.ANY_REGISTRY];
    return any !== undefined ? formatImage(ref, `${any}/${ref.registry}`) : image;
  }
}

/** Two maps with the same entries. */
function sameMirrors(a: RegistryMirrorMap, b: RegistryMirrorMap): boolean {
  const x = Object.entries(a).sort();
  const y = Object.entries(b).sort();
  return x.length === y.length && x.every(([k, m], i) => k === y[i][0] && m === y[i][1]);
}

/**
 * Stores valid `mirrors` on `scope` (for {@link RegistryMirrors.configure} and `MlPlatform`'s `registryMirrors`),
 * reporting into `v` under `prop` when the scope already has other mirrors or constructs below it already chose
 * their default images. Throws what `v` collected.
 */
export function configureRegistryMirrors(scope: IConstruct, mirrors: RegistryMirrorMap, v: Validator, prop: string): RegistryMirrors {
  const holder = scope as unknown as Record<symbol, RegistryMirrors | undefined>;
  const existing = holder[MIRRORS];
  if (existing) {
    v.check(sameMirrors(existing.mirrors, mirrors), prop, mirrors, `are already configured on ${scope.node.path || 'the app'} as ` +
      `${JSON.stringify(existing.mirrors)}; configure registry mirrors once per scope`);
    v.throwIfAny();
    return existing;
  }
  const chosen = (scope.node.root as unknown as Record<symbol, string[] | undefined>)[CHOSEN] ?? [];
  const base = scope.node.path;
  const early = chosen.find((p) => base === '' || p === base || p.startsWith(`${base}/`));
  v.check(early === undefined, prop, mirrors, `come too late: ${early} already chose its default images; ` +
    `configure registry mirrors on ${base || 'the app'} before creating the constructs below it`);
  v.throwIfAny();
  const configured = newRegistryMirrors(mirrors);
  holder[MIRRORS] = configured;
  return configured;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Checks a mirror map; every problem lands in `v` under `prop["<key>"]`. */
export function checkRegistryMirrors(v: Validator, prop: string, mirrors: unknown): boolean {
  if (!v.check(!!mirrors && typeof mirrors === 'object' && !Array.isArray(mirrors) && !Token.isUnresolved(mirrors), prop, mirrors,
    'must map registry hosts to mirrors, e.g. { "quay.io": "harbor.corp/quay-proxy", "*": "registry.corp/mirror" }')) return false;
  const before = v.collected.length;
  for (const [key, mirror] of Object.entries(mirrors as Record<string, unknown>)) {
    const at = `${prop}["${key}"]`;
    if (key !== RegistryMirrors.ANY_REGISTRY) {
      const problem = keyProblem(key);
      if (problem) {
        v.add(at, key, problem);
        continue;
      }
    }
    if (typeof mirror === 'string' && Token.isUnresolved(mirror)) continue;
    const problem = mirrorProblem(mirror);
    if (problem) v.add(at, mirror, problem);
  }
  return v.collected.length === before;
}

/** What is wrong with a mirror key (a registry host), if anything. */
function keyProblem(key: string): string | undefined {
  if (SCHEME.test(key) || key.includes('/')) {
    return 'must be a registry host only, as images name it (quay.io, docker.io, nvcr.io), or "*" for every other registry; ' +
      'a mirror stands in for a whole registry, so no scheme and no repository path';
  }
  if (DOCKER_HUB_ALIASES.includes(key.toLowerCase())) return `names Docker Hub by an alias; use the key "${DOCKER_HUB}", which every Docker Hub image matches`;
  if (!(HOST.test(key) && key === key.toLowerCase() && (key.includes('.') || key.includes(':') || key === 'localhost'))) {
    return 'is not a registry host: lowercase, with a dot or a port (quay.io, registry.local:5000) or localhost; or use "*"';
  }
  return undefined;
}

/** What is wrong with a mirror value, if anything. */
function mirrorProblem(mirror: unknown): string | undefined {
  const example = 'e.g. "harbor.corp/quay-proxy" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"';
  if (typeof mirror !== 'string' || mirror.length === 0) return `must be a registry host with an optional path, ${example}`;
  if (SCHEME.test(mirror)) return `must not have a scheme: write ${mirror.replace(SCHEME, '')}`;
  if (mirror.endsWith('/')) return `must not end with "/": write ${mirror.replace(/\/+$/, '')}`;
  const [host, ...path] = mirror.split('/');
  if (mirror.includes('@') || path.some((c) => c.includes(':'))) {
    return 'must not have a tag or digest: it replaces the registry, and every image keeps its own tag and digest';
  }
  if (!(HOST.test(host) && (host.includes('.') || host.includes(':') || host === 'localhost'))) {
    return `must start with a registry host (a name with a dot or a port, or localhost), ${example}; ` +
      `"${host}" would be read as a Docker Hub repository`;
  }
  const bad = path.find((c) => !PATH_COMPONENT.test(c));
  return bad === undefined ? undefined : `has a path component "${bad}" that is not lowercase letters and digits joined by ".", "_", "__" or "-"`;
}

/**
 * The image a construct uses when the user gave none: `ref` pulled through the registry mirror that applies at
 * `scope` ({@link RegistryMirrors}), or `ref` unchanged where none does. Only library defaults go through here;
 * an image a user passes is theirs.
 */
export function defaultImage(scope: IConstruct, ref: string): string {
  const root = scope.node.root as unknown as Record<symbol, string[] | undefined>;
  (root[CHOSEN] ??= []).push(scope.node.path);
  const mirrors = RegistryMirrors.of(scope);
  return mirrors ? mirrors.rewrite(ref) : ref;
}

/**
 * For chart values: the mirrored form of a chart's default image (or repository) where a mirror applies, else
 * undefined, so the chart's own value stays and the release is unchanged.
 */
export function mirroredChartImage(scope: IConstruct, ref: string): string | undefined {
  const mirrored = defaultImage(scope, ref);
  return mirrored === ref ? undefined : mirrored;
}

/**
 * For charts that take the registry apart from the repository (`image.registry` + `image.repository`): the
 * registry (with the mirror's path) that puts `registry/repository` behind its mirror, or undefined where none applies.
 */
export function mirroredChartRegistry(scope: IConstruct, registry: string, repository: string): string | undefined {
  const mirrored = mirroredChartImage(scope, `${registry}/${repository}`);
  return mirrored?.endsWith(`/${repository}`) ? mirrored.slice(0, -repository.length - 1) : undefined;
}
