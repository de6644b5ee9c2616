import { Construct } from 'constructs';
import { VertexAiFeatureGroup } from '@cdktf/provider-google/lib/vertex-ai-feature-group';
import { VertexAiFeatureGroupFeature } from '@cdktf/provider-google/lib/vertex-ai-feature-group-feature';
import {
  VertexAiFeatureOnlineStore, VertexAiFeatureOnlineStoreBigtable, VertexAiFeatureOnlineStoreDedicatedServingEndpoint,
  VertexAiFeatureOnlineStoreOptimized,
} from '@cdktf/provider-google/lib/vertex-ai-feature-online-store';
import { VertexAiFeatureOnlineStoreFeatureview } from '@cdktf/provider-google/lib/vertex-ai-feature-online-store-featureview';
import { Validator } from '../core/errors';
import { googleSetting } from '../core/private/environment';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { WorkloadIdentity } from '../core/workload-identity';
import { DataAccessAuditLogs } from '../storage/gcp-audit-logs';
import { checkFeatureDefinitions, cronFor, FeatureDefinitions, FeatureStoreBackend } from './definitions';
import { IFeatureStore } from './feature-store';
import { grantBigQueryRead, grantBigQueryWrite, grantProjectRole } from './private/gcp-grants';

/** Props for {@link VertexOnlineServing.bigtable}. */
export interface VertexBigtableServingProps {
  /** Fewest Bigtable nodes. @default 1 */
  readonly minNodes?: number;
  /** Most Bigtable nodes. @default 3 */
  readonly maxNodes?: number;
  /** CPU utilization the autoscaler keeps, in percent (10 to 80). @default 50 */
  readonly cpuTarget?: number;
}

/** The serving settings of a Vertex AI feature online store (the resource's `bigtable` or `optimized` blocks). */
export interface VertexOnlineServingConfig {
  /** @default - not Bigtable serving */
  readonly bigtable?: VertexAiFeatureOnlineStoreBigtable;
  /** @default - not Optimized serving */
  readonly optimized?: VertexAiFeatureOnlineStoreOptimized;
  /** @default - no dedicated endpoint */
  readonly dedicatedServingEndpoint?: VertexAiFeatureOnlineStoreDedicatedServingEndpoint;
}

/** How the Vertex AI online store serves: `VertexOnlineServing.bigtable()` or `VertexOnlineServing.optimizedPrivate([...])`. */
export abstract class VertexOnlineServing {
  /** Bigtable online serving, autoscaled between `minNodes` and `maxNodes` at `cpuTarget` percent CPU. */
  public static bigtable(props: VertexBigtableServingProps = {}): VertexOnlineServing {
    return new BigtableServing(props.minNodes ?? 1, props.maxNodes ?? 3, props.cpuTarget ?? 50);
  }

  /**
   * Optimized online serving through a Private Service Connect endpoint, reachable only from the listed
   * projects' VPCs (never a public endpoint).
   */
  public static optimizedPrivate(allowedProjects: string[]): VertexOnlineServing {
    return new OptimizedPrivateServing(allowedProjects);
  }

  protected constructor() {}

  /** Adds every problem with the settings to `v` (props under `serving`). */
  public abstract validate(v: Validator): void;

  /** The online store's serving blocks. */
  public abstract bind(scope: Construct): VertexOnlineServingConfig;
}

class BigtableServing extends VertexOnlineServing {
  constructor(private readonly minNodes: number, private readonly maxNodes: number, private readonly cpuTarget: number) {
    super();
  }

  public validate(v: Validator): void {
    v.integer('serving.minNodes', this.minNodes, 1, 1000);
    v.integer('serving.maxNodes', this.maxNodes, 1, 1000);
    v.check(this.maxNodes >= this.minNodes, 'serving.maxNodes', this.maxNodes, `is below minNodes (${this.minNodes}); raise maxNodes`);
    v.integer('serving.cpuTarget', this.cpuTarget, 10, 80, 'must be a CPU utilization target from 10 to 80 percent');
  }

  public bind(): VertexOnlineServingConfig {
    return { bigtable: { autoScaling: { minNodeCount: this.minNodes, maxNodeCount: this.maxNodes, cpuUtilizationTarget: this.cpuTarget } } };
  }
}

class OptimizedPrivateServing extends VertexOnlineServing {
  constructor(private readonly allowedProjects: string[]) {
    super();
  }

  public validate(v: Validator): void {
    v.nonEmpty('serving.allowedProjects', this.allowedProjects, 'must list the projects whose VPCs may reach the Private Service Connect endpoint');
  }

  public bind(): VertexOnlineServingConfig {
    return {
      optimized: {},
      dedicatedServingEndpoint: { privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: this.allowedProjects } },
    };
  }
}

/** Props for {@link VertexFeatureStore}. */
export interface VertexFeatureStoreProps {
  /** The entities, BigQuery sources and feature views; one feature group and one feature view per view. */
  readonly definitions: FeatureDefinitions;
  /** The project of the store (and of its BigQuery jobs). @default - the project of the stack's Google provider */
  readonly project?: string;
  /**
   * Region, e.g. `us-central1`; the BigQuery sources must be readable from it.
   * @default - the region of the stack's Google provider
   */
  readonly region?: string;
  /** @default VertexOnlineServing.bigtable() (1 to 3 nodes, 50% CPU) */
  readonly serving?: VertexOnlineServing;
  /** Protect the online store from `terraform destroy`. @default true */
  readonly protectFromDeletion?: boolean;
  /** Turn on BigQuery data-access audit logs in the project (who read which feature table). @default true */
  readonly auditDataAccess?: boolean;
}

/**
 * Vertex AI Feature Store from typed definitions: a feature online store (Bigtable or Optimized behind
 * Private Service Connect), one feature group per view over its BigQuery table (entity id columns = the
 * join keys) with one feature per feature, and one online feature view per online view that syncs on a cron
 * derived from `materializeEvery`.
 *
 * Not covered by the Google provider 6.50 (GA): CMEK on feature online stores (`encryption_spec` is not in
 * the resource) and IAM on one feature view, so read grants bind `roles/aiplatform.featurestoreDataViewer`
 * on the project; data grants are per BigQuery table, plus the project roles that run BigQuery jobs and read
 * sessions on them (see ./private/gcp-grants.ts for Google's role definitions).
 */
export class VertexFeatureStore extends Construct implements IFeatureStore {
  public readonly backend = FeatureStoreBackend.VERTEX_AI;
  public readonly definitions: FeatureDefinitions;
  public readonly onlineStore: VertexAiFeatureOnlineStore;
  public readonly featureGroups: Record<string, VertexAiFeatureGroup> = {};
  public readonly features: Record<string, VertexAiFeatureGroupFeature[]> = {};
  public readonly featureViews: Record<string, VertexAiFeatureOnlineStoreFeatureview> = {};
  private readonly project: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: VertexFeatureStoreProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const v = new Validator(this);
    checkFeatureDefinitions(v, props.definitions, FeatureStoreBackend.VERTEX_AI);
    const project = googleSetting(this, v, 'project', 'project', props.project);
    const region = googleSetting(this, v, 'region', 'region', props.region);
    v.matches('project', props.project, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'is not a Google Cloud project id');
    v.matches('region', props.region, /^[a-z]+-[a-z]+\d+$/, 'must be a region, e.g. us-central1 (Vertex AI Feature Store is regional)');
    const serving = props.serving ?? VertexOnlineServing.bigtable();
    if (v.check(serving instanceof VertexOnlineServing, 'serving', serving, 'must be VertexOnlineServing.bigtable({...}) or VertexOnlineServing.optimizedPrivate([...])')) {
      serving.validate(v);
    }
    v.throwIfAny();
    this.definitions = props.definitions;
    this.project = project;
    const defs = props.definitions;

    this.onlineStore = new VertexAiFeatureOnlineStore(this, 'online-store', {
      project,
      region,
      name: defs.project,
      forceDestroy: false,
      lifecycle: { preventDestroy: props.protectFromDeletion ?? true },
      ...serving.bind(this),
    });

    for (const view of defs.featureViews) {
      const group = new VertexAiFeatureGroup(this, `group-${view.name}`, {
        project,
        region,
        name: view.name,
        description: view.description,
        labels: { ...view.tags },
        bigQuery: {
          bigQuerySource: { inputUri: `bq://${view.source.location}` },
          entityIdColumns: view.entities.map((e) => e.joinKey),
        },
      });
      this.featureGroups[view.name] = group;
      this.features[view.name] = view.features.map((f) => new VertexAiFeatureGroupFeature(this, `feature-${view.name}-${f.name}`, {
        project,
        region,
        featureGroup: group.name,
        name: f.name,
        description: f.description,
      }));
      if (!view.online) continue;
      this.featureViews[view.name] = new VertexAiFeatureOnlineStoreFeatureview(this, `view-${view.name}`, {
        project,
        region,
        name: view.name,
        featureOnlineStore: this.onlineStore.name,
        labels: { ...view.tags },
        syncConfig: { cron: cronFor(view.materializeEvery)! },
        featureRegistrySource: {
          featureGroups: [{ featureGroupId: group.name, featureIds: view.features.map((f) => f.name) }],
        },
        dependsOn: this.features[view.name],
      });
    }
    if (props.auditDataAccess ?? true) DataAccessAuditLogs.ensure(this, project, 'bigquery.googleapis.com');
  }

  /**
   * Lets a workload fetch online values (`roles/aiplatform.featurestoreDataViewer` on the project: the GA
   * provider has no feature-view IAM) and read this store's BigQuery source tables for historical features:
   * `roles/bigquery.dataViewer` on each table, and on the store's project `roles/bigquery.jobUser` (run
   * queries) and `roles/bigquery.readSessionUser` (Storage Read API). Never a role that writes.
   */
  public grantRead(workload: WorkloadIdentity): void {
    const member = this.memberOf(workload);
    const id = `grant-${this.grants++}`;
    grantProjectRole(this, `${id}-online`, this.project, 'roles/aiplatform.featurestoreDataViewer', member);
    grantBigQueryRead(this, id, member, this.sources(), this.project);
  }

  /**
   * Lets a workload write feature values: Vertex AI reads them from the BigQuery source tables, so this is
   * `roles/bigquery.dataEditor` on each of this store's tables (never the dataset) and `roles/bigquery.jobUser`
   * on the store's project for the load and DML jobs, plus online reads. Grant read separately for read sessions.
   */
  public grantWrite(workload: WorkloadIdentity): void {
    const member = this.memberOf(workload);
    const id = `grant-${this.grants++}`;
    grantProjectRole(this, `${id}-online`, this.project, 'roles/aiplatform.featurestoreDataViewer', member);
    grantBigQueryWrite(this, id, member, this.sources(), this.project);
  }

  private sources() {
    return this.definitions.featureViews.map((fv) => fv.source);
  }

  private memberOf(workload: WorkloadIdentity): string {
    const member = workload.gcpMember;
    if (!member) {
      throw new Error(`${this.node.path}: workload ${workload.node.path} has no Google identity (its cluster is not GKE); ` +
        'run it on a GKE cluster with Workload Identity, or give it credentials through an existing Kubernetes secret');
    }
    return member;
  }
}
