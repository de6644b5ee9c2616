import { Token } from 'cdktf';
import { Validator } from '../core/errors';
import { KubernetesPlatform } from '../core/kubernetes-target';

/** A network allowed to reach a cluster's control plane. */
export interface AuthorizedNetwork {
  /** IPv4 CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidrBlock: string;
  /**
   * A name for reviewers (GKE shows it beside the block; EKS has nowhere to keep it).
   * @default - none
   */
  readonly displayName?: string;
}

/** The API server endpoints a cluster writes: what {@link ControlPlaneAccess.bind} returns. */
export interface ControlPlaneAccessConfig {
  /** Whether the API server also has a public endpoint (it always has a private one). */
  readonly publicEndpoint: boolean;
  /**
   * The networks that may reach the endpoint: on a public endpoint the only sources it admits, on a private-only
   * GKE endpoint the internal ranges that may reach it beside the cluster's own. Empty: no restriction beyond the VPC.
   */
  readonly authorizedNetworks: AuthorizedNetwork[];
}

/** The prop every training cluster takes a {@link ControlPlaneAccess} in, named in errors. */
const PROP = 'controlPlaneAccess';

/**
 * Who can reach a training cluster's Kubernetes API server, the same on EKS and GKE:
 * - `ControlPlaneAccess.privateOnly()` (the default): the private endpoint only, reachable from the VPC and
 *   networks peered or connected to it; Terraform must run there;
 * - `ControlPlaneAccess.privateFrom(networks)`: GKE only, the private endpoint limited to these internal ranges
 *   (master authorized networks on a private endpoint; EKS guards its private endpoint with the cluster security group
 *   instead, so it refuses this);
 * - `ControlPlaneAccess.publicAndPrivate(networks)`: a public endpoint too, admitting only these networks (EKS
 *   `publicAccessCidrs`, GKE master authorized networks). Never the whole internet.
 */
export abstract class ControlPlaneAccess {
  /** The private endpoint only. The default of every training cluster. */
  public static privateOnly(): ControlPlaneAccess {
    return new PrivateOnly();
  }

  /**
   * The private endpoint only, reachable from these internal networks (and the cluster's own ranges). GKE only: an
   * EKS cluster rejects it (allow the networks in the cluster security group there).
   * @param networks internal IPv4 ranges that may reach the private endpoint, at least one
   */
  public static privateFrom(networks: AuthorizedNetwork[]): ControlPlaneAccess {
    return new PrivateFrom(networks);
  }

  /**
   * The private endpoint plus a public one that admits only these networks (never `0.0.0.0/0`).
   * @param networks IPv4 ranges that may reach the public endpoint, at least one
   */
  public static publicAndPrivate(networks: AuthorizedNetwork[]): ControlPlaneAccess {
    return new PublicAndPrivate(networks);
  }

  protected constructor(
    /** A short description for messages and reviews: `privateOnly`, `publicAndPrivate(203.0.113.0/24)`. */
    private readonly description: string,
  ) {}

  /** Adds every problem with the access, on a cluster of `platform`, to `v` (errors name `controlPlaneAccess`). */
  public abstract validate(v: Validator, platform: KubernetesPlatform): void;

  /** The endpoints to write. Call {@link validate} first. */
  public abstract bind(platform: KubernetesPlatform): ControlPlaneAccessConfig;

  public toString(): string {
    return this.description;
  }
}

class PrivateOnly extends ControlPlaneAccess {
  constructor() {
    super('privateOnly()');
  }

  public validate(): void {}

  public bind(): ControlPlaneAccessConfig {
    return { publicEndpoint: false, authorizedNetworks: [] };
  }
}

class PrivateFrom extends ControlPlaneAccess {
  constructor(private readonly networks: AuthorizedNetwork[]) {
    super(`privateFrom(${describe(networks)})`);
  }

  public validate(v: Validator, platform: KubernetesPlatform): void {
    if (!v.check(platform === KubernetesPlatform.GKE, PROP, this,
      'limits the private endpoint to networks, which EKS does not do (its private endpoint admits what the cluster security group allows); ' +
      'use ControlPlaneAccess.privateOnly() and allow the networks in the cluster security group, or ControlPlaneAccess.publicAndPrivate(networks)')) return;
    checkNetworks(v, this.networks, 'the private endpoint');
  }

  public bind(): ControlPlaneAccessConfig {
    return { publicEndpoint: false, authorizedNetworks: [...this.networks] };
  }
}

class PublicAndPrivate extends ControlPlaneAccess {
  constructor(private readonly networks: AuthorizedNetwork[]) {
    super(`publicAndPrivate(${describe(networks)})`);
  }

  public validate(v: Validator): void {
    checkNetworks(v, this.networks, 'the public endpoint');
  }

  public bind(): ControlPlaneAccessConfig {
    return { publicEndpoint: true, authorizedNetworks: [...this.networks] };
  }
}

function describe(networks: AuthorizedNetwork[]): string {
  return Array.isArray(networks) ? networks.map((n) => n?.cidrBlock).join(', ') : String(networks);
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** At least one network, each a valid IPv4 CIDR block that is not the whole internet. */
function checkNetworks(v: Validator, networks: AuthorizedNetwork[], endpoint: string): void {
  if (!v.check(Array.isArray(networks) && networks.length > 0, `${PROP}.networks`, networks,
    `must list at least one network that may reach ${endpoint}, e.g. [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }]`)) return;
  networks.forEach((n, i) => {
    const prop = `${PROP}.networks[${i}]`;
    if (!v.check(!!n && typeof n === 'object', prop, n, 'must be { cidrBlock, displayName? }')) return;
    v.check(n.displayName === undefined || typeof n.displayName === 'string', `${prop}.displayName`, n.displayName, 'must be a string');
    if (Token.isUnresolved(n.cidrBlock)) return;
    const m = typeof n.cidrBlock === 'string' ? IPV4_CIDR.exec(n.cidrBlock) : null;
    if (!v.check(!!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32, `${prop}.cidrBlock`, n.cidrBlock,
      'must be an IPv4 CIDR block, e.g. 203.0.113.0/24')) return;
    v.check(Number(m![5]) > 0, `${prop}.cidrBlock`, n.cidrBlock, `opens ${endpoint} to the whole internet; list your networks instead`);
  });
}
