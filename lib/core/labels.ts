import { Aspects, IAspect, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from './errors';
import { checkLabels, LABEL_VALUE } from './names';

/** How sensitive the data a resource holds is. Governance rules (data residency) key off it. */
export enum DataClassification {
  PUBLIC = 'public',
  INTERNAL = 'internal',
  CONFIDENTIAL = 'confidential',
  RESTRICTED = 'restricted',
}

/** The labels every resource of the platform carries: who owns it, who pays, where it runs, what data it holds. */
export interface StandardLabels {
  /** Owning team, e.g. `ml-platform`. Lowercase letters, digits, `-` and `_` (valid on every target). */
  readonly owner: string;
  /** Cost centre to charge, e.g. `cc-1234`. */
  readonly costCenter: string;
  /** Environment, e.g. `prod`, `staging`. */
  readonly environment: string;
  /** Sensitivity of the data held. @default DataClassification.INTERNAL */
  readonly dataClassification?: DataClassification;
}

/** The label/tag keys used on every target (same spelling on AWS tags, Google labels and Kubernetes labels). */
export const STANDARD_LABEL_KEYS = {
  owner: 'owner',
  costCenter: 'cost-center',
  environment: 'environment',
  dataClassification: 'data-classification',
} as const;

/** The standard labels as a key/value map, validated so every target accepts them. */
export function standardLabelMap(path: string, labels: StandardLabels): Record<string, string> {
  const v = new Validator(path);
  const map: Record<string, string> = {
    [STANDARD_LABEL_KEYS.owner]: labels.owner,
    [STANDARD_LABEL_KEYS.costCenter]: labels.costCenter,
    [STANDARD_LABEL_KEYS.environment]: labels.environment,
    [STANDARD_LABEL_KEYS.dataClassification]: labels.dataClassification ?? DataClassification.INTERNAL,
  };
  for (const [prop, key] of Object.entries(STANDARD_LABEL_KEYS)) {
    const value = map[key];
    v.check(typeof value === 'string' && value.length > 0 && value.length <= 63 && LABEL_VALUE.test(value),
      `labels.${prop}`, value,
      'must be 1-63 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit ' +
      '(the intersection of what AWS tags, Google Cloud labels and Kubernetes labels accept)');
  }
  v.throwIfAny();
  return map;
}

/**
 * Applies the standard labels to every resource below `scope` that takes labels: AWS `tags`, Google
 * `labels` / `resource_labels` (GKE node pools' `node_config.resource_labels`, Cloud SQL's
 * `settings.user_labels`), Kubernetes
 * `metadata.labels`. A value set explicitly on a resource wins. AWS provider `default_tags` still merge
 * on top at plan time, as Terraform does.
 *
 * Runs as an aspect at synth, so resources added after this call are labelled too; it is idempotent.
 */
export class PlatformLabels implements IAspect {
  /** Applies `labels` below `scope` (usually a stack). */
  public static apply(scope: IConstruct, labels: StandardLabels): PlatformLabels {
    const aspect = new PlatformLabels(standardLabelMap(scope.node.path, labels));
    Aspects.of(scope).add(aspect);
    return aspect;
  }

  private constructor(
    /** The validated label map this aspect writes. */
    public readonly labels: Record<string, string>,
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const r = node as TerraformResource & Record<string, unknown>;
    const type = r.terraformResourceType;
    if (type.startsWith('aws_') && 'tagsInput' in r) {
      this.merge(r, 'tags', r.tagsInput as Record<string, string> | undefined);
    } else if (type === 'google_container_cluster') {
      this.merge(r, 'resource_labels', r.resourceLabelsInput as Record<string, string> | undefined);
    } else if (type === 'google_sql_database_instance') {
      // Cloud SQL keeps its labels in settings.user_labels.
      const settings = r.settingsInput as { userLabels?: Record<string, string> } | undefined;
      if (settings) this.merge(r, 'settings.user_labels', settings.userLabels);
    } else if (type === 'google_container_node_pool') {
      const nodeConfig = r.nodeConfigInput as { resourceLabels?: Record<string, string> } | undefined;
      this.merge(r, 'node_config.resource_labels', nodeConfig?.resourceLabels);
    } else if (type.startsWith('google_') && 'labelsInput' in r) {
      this.merge(r, 'labels', r.labelsInput as Record<string, string> | undefined);
    } else if (type.startsWith('kubernetes_') && 'metadataInput' in r) {
      const metadata = r.metadataInput as { labels?: Record<string, string> } | undefined;
      this.merge(r, 'metadata.labels', metadata?.labels);
    }
  }

  private merge(r: TerraformResource, path: string, explicit: Record<string, string> | undefined): void {
    for (const [key, value] of Object.entries(this.labels)) {
      if (explicit && typeof explicit === 'object' && key in explicit) continue;
      r.addOverride(`${path}.${key}`, value);
    }
  }
}

/**
 * Labels a workload's pods must carry because a producer admits its clients by pod labels (a NetworkPolicy
 * `podSelector`). The producer records them when it grants access (`featureStore.grantRead(identity)`); the
 * construct that renders the pod template of pods running as that identity reads them back with
 * {@link RequiredPodLabels.of}. Neither side assumes the other's labels, and a grant made after the pod
 * template was declared still lands on it when the template reads them lazily.
 */
export class RequiredPodLabels {
  /**
   * Records that pods running as `workload` must carry `labels` to use what `grantor` granted. Idempotent;
   * throws when another grant already asked for a different value of the same key.
   */
  public static add(workload: IConstruct, labels: Record<string, string>, grantor: IConstruct): void {
    const v = new Validator(grantor);
    checkLabels(v, 'podLabels', labels);
    let recorded = REQUIRED_POD_LABELS.get(workload);
    if (!recorded) {
      recorded = new Map();
      REQUIRED_POD_LABELS.set(workload, recorded);
    }
    for (const [key, value] of Object.entries(labels)) {
      const earlier = recorded.get(key);
      v.check(earlier === undefined || earlier.value === value, `podLabels.${key}`, value,
        `conflicts with "${earlier?.value}", which ${earlier?.grantor} requires on the pods of ${workload.node.path}; ` +
        'give the two producers different names so their client labels differ');
    }
    v.throwIfAny();
    for (const [key, value] of Object.entries(labels)) {
      if (!recorded.has(key)) recorded.set(key, { value, grantor: grantor.node.path });
    }
  }

  /** Every label grants recorded for pods running as `workload`, keys sorted (empty when none). */
  public static of(workload: IConstruct): Record<string, string> {
    const recorded = REQUIRED_POD_LABELS.get(workload);
    if (!recorded) return {};
    return Object.fromEntries([...recorded.keys()].sort().map((key) => [key, recorded.get(key)!.value]));
  }

  private constructor() {}
}

const REQUIRED_POD_LABELS = new WeakMap<IConstruct, Map<string, { value: string; grantor: string }>>();
