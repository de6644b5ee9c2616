/*
 * The CRD files GatewayApi applies, pinned by commit and SHA-256. Each file holds exactly one CustomResourceDefinition
 * (the safe-upgrades file holds a ValidatingAdmissionPolicy and its binding). The checksums are of the files' bytes at
 * the pinned commits (`git show <commit>:<path> | sha256sum`), which is what raw.githubusercontent.com serves.
 */

/** One CRD file of a release. */
export interface PinnedCrdFile {
  /** API group. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /** Plural resource name (the CRD is `<plural>.<group>`). */
  readonly plural: string;
  /** Path in the repository. */
  readonly path: string;
  /** SHA-256 of the file. */
  readonly sha256: string;
}

/** A source repository at a pinned commit. */
export interface PinnedRelease {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  /** The release tag. */
  readonly version: string;
  /** The commit the tag points to: URLs use it, so a moved tag cannot change what is fetched. */
  readonly commit: string;
}

/** The URL of `path` in `release` (raw.githubusercontent.com serves a file of a commit, byte for byte). */
export function pinnedUrl(release: PinnedRelease, path: string): string {
  return `https://raw.githubusercontent.com/${release.repository}/${release.commit}/${path}`;
}

/**
 * Gateway API v1.6.1 (kubernetes-sigs/gateway-api tag v1.6.1 → 8bb74df0, 2026-07-16), the version Envoy Gateway
 * v1.9 is built against (envoyproxy/gateway site/content/en/news/releases/matrix.md: "v1.9 … Gateway API v1.6.1").
 */
export const GATEWAY_API_RELEASE: PinnedRelease = {
  repository: 'kubernetes-sigs/gateway-api',
  version: 'v1.6.1',
  commit: '8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3',
};

const standard = (plural: string, kind: string, sha256: string): PinnedCrdFile => ({
  group: 'gateway.networking.k8s.io', kind, plural, path: `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`, sha256,
});

/**
 * The standard channel: every file of config/crd/standard @ v1.6.1, each annotated
 * `gateway.networking.k8s.io/channel: standard` and `bundle-version: v1.6.1` — the same CRDs as the release's
 * standard-install.yaml ("Install Standard Channel", gateway-api.sigs.k8s.io/guides).
 */
export const GATEWAY_API_STANDARD_CRDS: readonly PinnedCrdFile[] = [
  standard('backendtlspolicies', 'BackendTLSPolicy', '0d48c9e4b53dd9510cf615b9b1192d9d7afb07a1cc0498c9515627cb1c075419'),
  standard('gatewayclasses', 'GatewayClass', '53710048ba26f8620eed59d5e51b157ecf040daf5c6eef31a4b991e0808c4be5'),
  standard('gateways', 'Gateway', '25b885f5870b8fff1ae82efa2628b2761cef3745900c2aecf8fb76629a01255a'),
  standard('grpcroutes', 'GRPCRoute', '53a8d029da8f07e55d3fa58a5cf6de5950dab19fbb8d6a8082fb5e51ca5ef6fc'),
  standard('httproutes', 'HTTPRoute', 'a424a0d6c953b162e71d1d97bb7e75012d8f1ac264e7274f2763d1b96ab39852'),
  standard('listenersets', 'ListenerSet', 'bf4d4b02564999b2558b96e31465129895db9b3a8adfb90adb9c80eac52a3a70'),
  standard('referencegrants', 'ReferenceGrant', '8c645e9333cfa67790cc2a53e0c00076f88b2bd4230d2b49688c78bc34f9b2c3'),
  standard('tcproutes', 'TCPRoute', 'd5104d0cf30e924f5e3c9e2e76abd46876401c34ca33b9e79321523eee78c7f6'),
  standard('tlsroutes', 'TLSRoute', 'bb8b67926e5d9652cbfd2e19063b7c1d9e78806c9dd671608f57baef2f2e3bbb'),
  standard('udproutes', 'UDPRoute', '4b80684c2bf8ef4b0a2a3ab45164ac9f96258fc69912645ff50ced595b0aa6de'),
];

/**
 * The standard install's `safe-upgrades.gateway.networking.k8s.io` ValidatingAdmissionPolicy and binding
 * (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml @ v1.6.1): refuses experimental CRDs over
 * standard ones and CRDs older than the bundle. admissionregistration.k8s.io/v1 policies need Kubernetes 1.30+.
 */
export const GATEWAY_API_SAFE_UPGRADES = {
  path: 'config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml',
  sha256: 'afb0ea1b3cc2e9344d93b0926fbe741aeb48ab4439f9f7b4b77b9ac94faf6c2e',
} as const;

/**
 * The kinds any standard-channel install from v1.1 on serves, recorded where the CRDs are managed elsewhere (GKE, an
 * existing controller's installer). GKE installs Gateway API v1.1.0 or later on every supported version ("Gateway API
 * versions … GKE 1.30.2-gke.1783000 or later: 1.1.0", cloud.google.com kubernetes-engine/docs/how-to/
 * gatewayclass-capabilities); GatewayClass, Gateway, HTTPRoute and ReferenceGrant are standard since v1.0
 * (gateway-api.sigs.k8s.io/guides, "Install Standard Channel"), GRPCRoute since v1.1.
 */
export const GATEWAY_API_CORE_KINDS: readonly string[] = ['Gateway', 'GatewayClass', 'GRPCRoute', 'HTTPRoute', 'ReferenceGrant']
  .map((k) => `gateway.networking.k8s.io/${k}`);

/**
 * Envoy Gateway v1.9.0 (envoyproxy/gateway tag v1.9.0 → 39763b1c, 2026-08-15). Its chart is published as
 * `oci://docker.io/envoyproxy/gateway-helm` ("Install with Helm", site/content/en/v1.9/install/install-helm.md);
 * chart versions are the release tags (`--version v1.9.0`).
 */
export const ENVOY_GATEWAY_RELEASE: PinnedRelease = {
  repository: 'envoyproxy/gateway',
  version: 'v1.9.0',
  commit: '39763b1c07ec30a5526fe70434a2cfe4181de642',
};

const envoy = (plural: string, kind: string, sha256: string): PinnedCrdFile => ({
  group: 'gateway.envoyproxy.io', kind, plural, path: `charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_${plural}.yaml`, sha256,
});

/** Envoy Gateway's own CRDs, from the chart's crds dependency @ v1.9.0 (the controller watches all of them). */
export const ENVOY_GATEWAY_CRDS: readonly PinnedCrdFile[] = [
  envoy('backends', 'Backend', 'bb1901aea758d05458b853b07db04a96a1ea4346b177e392e5ce7398573805be'),
  envoy('backendtrafficpolicies', 'BackendTrafficPolicy', 'cd75a4c222df5487aa9ca8957b48bcc3255eb25de02ed9153faf620bc160f786'),
  envoy('clienttrafficpolicies', 'ClientTrafficPolicy', '2c7eaa1ce30de626e9c362b8d9002281c2f435f970020fa81902ad7f30b38d5b'),
  envoy('envoyextensionpolicies', 'EnvoyExtensionPolicy', '92f4dfdd67be4b242511381d6175f517782e655233fdf5b5e28a400ea5601f79'),
  envoy('envoypatchpolicies', 'EnvoyPatchPolicy', '8e9110c32b414ea5c43a85e272dc2dee8917ed0bfa36a9a2b72fde1f3fba6083'),
  envoy('envoyproxies', 'EnvoyProxy', '3e9ea2f348445e3798b02daf02bf024b0d944227cf5ef8a18da7f675a1afd223'),
  envoy('httproutefilters', 'HTTPRouteFilter', 'ad46193dbec0a28cc97fa93a64bcd1f464858544d884eeac5e4d767526dcfd3d'),
  envoy('securitypolicies', 'SecurityPolicy', '6412914ec5b7c48f58b85f60a80767ba15a50c8d374480cf5f2d872e4a764466'),
];

/** The controllerName Envoy Gateway's GatewayClasses name (charts/gateway-helm/values.tmpl.yaml, examples/kubernetes/quickstart.yaml @ v1.9.0). */
export const ENVOY_GATEWAY_CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';

/**
 * Labels Envoy Gateway puts on a Gateway's proxy pods (internal/infrastructure/kubernetes/proxy/resource.go
 * EnvoyAppLabel, internal/gatewayapi/translator.go OwningGatewayNameLabel / OwningGatewayNamespaceLabel @ v1.9.0).
 */
export function envoyProxyPodLabels(gatewayName: string, gatewayNamespace: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'envoy',
    'gateway.envoyproxy.io/owning-gateway-name': gatewayName,
    'gateway.envoyproxy.io/owning-gateway-namespace': gatewayNamespace,
  };
}
