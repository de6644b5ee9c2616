import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { declareModelConsumer } from '../contracts/private/needs';
import { Validator } from '../core/errors';
import { defaultImage } from '../core/images';
import { Wiring } from '../core/wiring';
import { PlatformLabels, StandardLabels } from '../core/labels';
import { bindModelSource, IModelSource, ModelAccess, ModelRegistryUser } from '../core/model-source';
import { IMonitorable, MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { qualifyProviderSources } from '../core/private/provider-sources';
import type { SecretKeyRef } from '../core/secrets';
import { Cpu, Size } from '../core/units';
import { EdgeAccelerator } from './accelerator';
import { fetchScheme, validateFleetProps } from './private/fleet-validation';
import { assignRingStacks } from './private/sharding';
import { Architecture, EdgeSiteProps, EdgeWorkloadKind } from './site';
import { SiteWorkload } from './site-workload';

/** A rollout ring: a set of sites that runs one model version. Promote a ring by changing its version. */
export interface EdgeRing {
  /** Ring name, e.g. `canary`, `early`, `broad`. */
  readonly name: string;
  /** The model version every site of the ring runs; must exist in the model source. */
  readonly modelVersion: string;
  /**
   * Number of stacks of this ring. Fix it for a large ring: adding sites then never moves existing ones between
   * stacks (Terraform states), at the price of stacks growing past `sitesPerStack`.
   * @default - ceil(sites of the ring / sitesPerStack); none for a ring without sites
   */
  readonly stacks?: number;
}

/** The model an {@link EdgeFleet} serves. */
export interface EdgeFleetModel {
  /** Where its versions come from, usually a ModelRegistry. */
  readonly source: IModelSource;
  /** The model's name in the source. */
  readonly name: string;
}

/** Props for {@link EdgeFleet}. */
export interface EdgeFleetProps {
  /** Fleet name (DNS-1123, at most 30 characters): names the workload, its namespace objects and the stacks. */
  readonly fleetName: string;
  /** The model the fleet serves, and where its versions come from (usually a ModelRegistry). */
  readonly model: EdgeFleetModel;
  /** Rings in rollout order (e.g. canary, early, broad). */
  readonly rings: EdgeRing[];
  /** The sites. */
  readonly sites: EdgeSiteProps[];
  /** Inference image, pinned by digest (`registry/repo@sha256:…`), multi-arch for mixed fleets. */
  readonly image: string;
  /** Serving port. @default 8080 */
  readonly port?: number;
  /** @default EdgeWorkloadKind.DEPLOYMENT */
  readonly kind?: EdgeWorkloadKind;
  /** Replicas per site (Deployment only). @default 1 */
  readonly replicas?: number;
  /** CPU cap per replica (small devices). @default Cpu.cores(1) */
  readonly cpu?: Cpu;
  /** Memory cap per replica. @default Size.gibibytes(1) */
  readonly memory?: Size;
  /** Model cache per site (Deployment mode). @default Size.gibibytes(20) */
  readonly modelCacheSize?: Size;
  /** Storage class of the model cache. @default - the cluster's default (k3s: local-path) */
  readonly storageClass?: string;
  /** How sites fetch model versions: the fetcher image and the credentials secret at each site. */
  readonly modelFetcher: EdgeModelFetcherProps;
  /** Forward metrics to the central MonitoringStack by Prometheus remote write. @default - no forwarding */
  readonly metrics?: EdgeMetricsProps;
  /** @default '~/.kube/config' */
  readonly kubeconfigPath?: string;
  /** Standard labels for every resource of every stack. @default - none */
  readonly labels?: StandardLabels;
  /** Namespace at every site. @default 'ml-edge' */
  readonly namespace?: string;
  /**
   * Target sites per stack (Terraform state): the blast radius of one unreachable site, whose failed refresh
   * stops the plan and apply of every site in its stack. Each ring gets ceil(ring sites / sitesPerStack) stacks,
   * so stacks average at most this many sites; rendezvous hashing places the sites, which keeps them in place as
   * sites come and go but spreads them unevenly (1,000 sites at 10 per stack: stacks of 3 to 18). Pin sites with
   * `shard` to even a stack out. The default keeps one offline site from holding back more than about ten others,
   * while a 1,000-site fleet stays at about 100 stacks of ~120 resources (synthesis ~10% slower than at 100 per
   * stack), which a CI pool applies ten at a time.
   * @default 10
   */
  readonly sitesPerStack?: number;
  /** The sites' accelerator; a site's own `accelerator` wins. @default EdgeAccelerator.NONE (CPU sites) */
  readonly accelerator?: EdgeAccelerator;
}

/**
 * How sites fetch model versions. The source's URI scheme decides the tool: `aws` for `s3://` (AWS S3 or an
 * S3-compatible store), `gcloud` for `gs://`, `mlflow` for `models:/` (an MlflowModelRegistry with
 * `externalAccess`). Every site needs the credentials secret; what it holds depends on the scheme.
 */
export interface EdgeModelFetcherProps {
  /**
   * The fetcher image: it must contain the scheme's tool, `/bin/sh`, python (python3 or python) and, in DaemonSet
   * mode, `chown`, e.g. a mirror of the default, pinned by digest (`registry/repo@sha256:…`).
   * @default - MODEL_FETCHER_IMAGES for the source's scheme, through the app's RegistryMirrors (tag-pinned upstream
   *   images; pin them by digest for production)
   */
  readonly image?: string;
  /**
   * An existing secret at each site, read-only credentials: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` for
   * `s3://`; a `credentials.json` key (service account key or workload identity federation config) for `gs://`;
   * the MLflow user's password under `MLFLOW_TRACKING_PASSWORD` (see `registryUser`) for `models:/`.
   */
  readonly credentialsSecret: string;
  /** An S3-compatible endpoint (`https://…`) the sites read `s3://` URIs from, e.g. MinIO on the site network. @default - the source's */
  readonly endpointUrl?: string;
  /**
   * The MLflow user sites log in as (the registry grants it READ on the model).
   * @default - user `edge.<fleetName>`, password from key `MLFLOW_TRACKING_PASSWORD` of `credentialsSecret`
   */
  readonly registryUser?: ModelRegistryUser;
}

/**
 * Default fetcher images per URI scheme: the upstream images that carry the tool the fetch script runs, plus
 * `/bin/sh` and python. Pinned by version tag; pulled through the app's `RegistryMirrors`; pin by digest for
 * production (governance warns on a serving pod image without a digest).
 */
export const MODEL_FETCHER_IMAGES = {
  /** AWS CLI v2 (Amazon Linux 2: python 2.7 for unpacking), multi-arch. */
  s3: 'public.ecr.aws/aws-cli/aws-cli:2.27.0',
  /** Google Cloud CLI on Alpine (python3, busybox), multi-arch. */
  gs: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:525.0.0-alpine',
  /** MLflow's own image (python 3, the mlflow CLI). */
  models: 'ghcr.io/mlflow/mlflow:v2.22.0',
} as const;

/** How sites forward metrics to the central MonitoringStack (Prometheus remote write, labelled `site` and `ring`). */
export interface EdgeMetricsProps {
  /** The central remote-write endpoint (https). */
  readonly remoteWriteUrl: string;
  /** Basic-auth user name. @default - the fleet name */
  readonly username?: string;
  /**
   * The remote-write password: a key of an existing secret at each site, e.g. `{ name: 'remote-write', key: 'password' }`.
   * Only that key is mounted into the agent.
   */
  readonly password: SecretKeyRef;
  /** @default PROMETHEUS_AGENT_IMAGE, through the app's RegistryMirrors */
  readonly agentImage?: string;
}

/** The default Prometheus agent image (Prometheus 3.5 LTS, multi-arch). */
export const PROMETHEUS_AGENT_IMAGE = 'quay.io/prometheus/prometheus:v3.5.0';

/**
 * A fleet of edge sites receiving a model in rollout rings. Each ring's sites are spread over the ring's own
 * stacks, `<id>-<ring>-<n>`, and each stack holds about `sitesPerStack` sites, so an unreachable site holds back
 * only its stack. A stack never mixes rings, so rings deploy one after the other: ring by ring
 * (`cdktf deploy '<id>-canary-*' --ignore-missing-stack-dependencies`, check, then the next ring), or all at once
 * in ring order (`cdktf deploy '<id>-*'`: every stack depends on the stacks of the ring before it). The flag drops
 * that order; the fleet's stacks need it while they read from a stack nested in a construct (an MlPlatform
 * environment), whose dependency the cdktf 0.21 CLI cannot resolve (hashicorp/terraform-cdk#2976). Each site is
 * reached through its own kubeconfig context and gets a {@link SiteWorkload}.
 *
 * Create it in the App or in a construct of it (not inside a stack): it creates its stacks at the App root.
 */
export class EdgeFleet extends Construct implements IMonitorable {
  /** Every stack, ring by ring in rollout order, each ring's in index order. */
  public readonly stacks: TerraformStack[] = [];
  /** Per site: its workload construct. */
  public readonly sites: Record<string, SiteWorkload> = {};
  /** Per site: the index of its stack among its ring's stacks (`<id>-<ring>-<index>`). */
  public readonly shardOf: Record<string, number> = {};
  private readonly props: EdgeFleetProps;
  private readonly ringStacks = new Map<string, TerraformStack[]>();
  private readonly siteStacks = new Map<string, TerraformStack>();

  constructor(scope: Construct, id: string, props: EdgeFleetProps) {
    super(scope, id);
    const stackCounts = validateFleetProps(this, props);
    this.props = props;
    const rings = new Map(props.rings.map((r) => [r.name, r]));
    Wiring.connect(this, props.model.source, 'models');
    const access = this.bindRings();
    let previousRing: TerraformStack[] = [];
    for (const ring of props.rings) {
      const stacks: TerraformStack[] = [];
      for (let k = 0; k < (stackCounts.get(ring.name) ?? 0); k++) {
        // At the App root, so the stack's construct path is its name: cdktf 0.21 records stack dependencies by
        // construct path and the CLI looks them up by stack name (hashicorp/terraform-cdk#2976), so dependencies
        // of stacks nested in a construct never resolve. Resource addresses inside a stack do not depend on it.
        const stack = new TerraformStack(this.node.root, `${id}-${ring.name}-${k}`);
        qualifyProviderSources(stack);
        if (props.labels) PlatformLabels.apply(stack, props.labels);
        // Rollout order: `cdktf deploy '<id>-*'` applies a ring only after every stack of the ring before it
        // applied, and each apply waits for the rollout (readiness probes) of its sites; a failed stack stops the
        // rings after it. Deploying one ring by itself takes --ignore-missing-stack-dependencies.
        for (const before of previousRing) stack.addDependency(before);
        stacks.push(stack);
      }
      if (stacks.length) previousRing = stacks;
      this.ringStacks.set(ring.name, stacks);
      this.stacks.push(...stacks);
      const members = props.sites.filter((s) => s.ring === ring.name);
      Object.assign(this.shardOf, assignRingStacks(props.fleetName, members, stacks.length));
    }
    for (const site of props.sites) {
      const ring = rings.get(site.ring)!;
      const stack = this.ringStacks.get(ring.name)![this.shardOf[site.name]];
      this.siteStacks.set(site.name, stack);
      this.sites[site.name] = new SiteWorkload(stack, site.name, {
        fleetName: props.fleetName,
        site: site.name,
        ring: ring.name,
        architecture: site.architecture ?? Architecture.ARM64,
        accelerator: site.accelerator ?? props.accelerator ?? EdgeAccelerator.NONE,
        kind: props.kind ?? EdgeWorkloadKind.DEPLOYMENT,
        kubeconfigPath: site.kubeconfigPath ?? props.kubeconfigPath ?? '~/.kube/config',
        context: site.context ?? site.name,
        namespace: props.namespace ?? 'ml-edge',
        model: {
          name: props.model.name, version: ring.modelVersion,
          uri: props.model.source.modelVersionUri(props.model.name, ring.modelVersion), access: access.get(ring.modelVersion),
        },
        image: props.image,
        port: props.port ?? 8080,
        replicas: props.replicas ?? 1,
        cpu: (props.cpu ?? Cpu.cores(1)).toKubernetes(),
        memory: (props.memory ?? Size.gibibytes(1)).toKubernetes(),
        cacheSize: (props.modelCacheSize ?? Size.gibibytes(20)).toKubernetes(),
        storageClass: props.storageClass,
        fetcher: {
          image: props.modelFetcher.image ?? defaultImage(this, MODEL_FETCHER_IMAGES[fetchScheme(props.model.source.modelVersionUri(props.model.name, ring.modelVersion))!]),
          credentialsSecret: props.modelFetcher.credentialsSecret,
          endpointUrl: props.modelFetcher.endpointUrl,
        },
        metrics: props.metrics ? {
          remoteWriteUrl: props.metrics.remoteWriteUrl,
          username: props.metrics.username ?? props.fleetName,
          password: props.metrics.password,
          agentImage: props.metrics.agentImage ?? defaultImage(this, PROMETHEUS_AGENT_IMAGE),
        } : undefined,
      });
      // What the site's fetcher needs for its URI scheme (models:/ from MLflow: tracking URI and credentials),
      // checked at synth. The fetcher's MODEL_URI itself is the fleet's own setting, tested, not a wire.
      const siteWorkload = this.sites[site.name];
      const uri = props.model.source.modelVersionUri(props.model.name, ring.modelVersion);
      declareModelConsumer(siteWorkload, { workload: siteWorkload.workload, container: 'fetch-model', clusterName: `edge site ${site.name}` }, {},
        { uri, source: props.model.source, model: props.model.name, version: ring.modelVersion });
    }
  }

  /**
   * The stacks of one ring, in index order: deploy them together (`cdktf deploy '<id>-<ring>-*'`) once the ring
   * before is healthy. Empty for a ring without sites.
   */
  public stacksOfRing(ring: string): TerraformStack[] {
    const stacks = this.ringStacks.get(ring);
    if (!stacks) throw new Error(`${this.node.path}: stacksOfRing("${ring}"): no such ring; the rings are ${[...this.ringStacks.keys()].join(', ')}`);
    return [...stacks];
  }

  /** The stack that holds a site. */
  public stackOf(site: string): TerraformStack {
    const stack = this.siteStacks.get(site);
    if (!stack) throw new Error(`${this.node.path}: stackOf("${site}"): no such site in this fleet`);
    return stack;
  }

  /** Sites per ring, in ring order: what a reviewer checks before promoting a ring. */
  public get ringMembers(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of this.props.rings) out[r.name] = this.props.sites.filter((s) => s.ring === r.name).map((s) => s.name).sort();
    return out;
  }

  /** The central MonitoringStack sees the fleet through remote-written metrics labelled `site` and `ring`. */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.INFERENCE_ENDPOINT,
      name: `${this.props.fleetName}-edge`,
      attributes: { model: this.props.model.name, sites: String(this.props.sites.length), rings: this.props.rings.map((r) => `${r.name}=${r.modelVersion}`).join(',') },
    }];
  }

  /**
   * Asks the source for each ring's version: the grants (an MLflow user's READ, …) and what the fetchers need.
   * Sites are remote consumers: no workload identity, credentials from the site secret.
   */
  private bindRings(): Map<string, ModelAccess> {
    const props = this.props;
    const source = props.model.source;
    const fetcher = props.modelFetcher;
    const consumer = {
      construct: this,
      prop: 'model.source',
      credentialsSecret: fetcher.credentialsSecret,
      registryUser: fetcher.registryUser ?? {
        username: `edge.${props.fleetName}`,
        passwordSecret: { name: fetcher.credentialsSecret, key: 'MLFLOW_TRACKING_PASSWORD' },
      },
    };
    const out = new Map<string, ModelAccess>();
    const v = new Validator(this);
    for (const version of new Set(props.rings.map((r) => r.modelVersion))) {
      const uri = source.modelVersionUri(props.model.name, version);
      const access = bindModelSource(consumer, uri, source, props.model.name, version);
      // models:/ is only readable with the tracking server the source names.
      v.check(fetchScheme(uri) !== 'models' || access.env.some((e) => e.name === 'MLFLOW_TRACKING_URI'), 'model.source', uri,
        `comes from ${source.registryName}, which names no MLflow tracking server for it; use an MlflowModelRegistry (with externalAccess) as the source`);
      out.set(version, access);
    }
    v.throwIfAny();
    return out;
  }
}
