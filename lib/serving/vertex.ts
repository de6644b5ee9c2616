import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { VertexAiEndpoint } from '@cdktf/provider-google/lib/vertex-ai-endpoint';
import { Validator } from '../core/errors';
import { MonitoredKind, MonitoredWorkload } from '../core/monitoring-contract';
import { qualifyProviderSources } from '../core/private/provider-sources';
import { GcpKmsKey } from '../storage/gcp-kms-key';
import { googleSetting } from '../core/private/environment';
import { IInferenceEndpoint, InferenceEndpointProps } from './inference-endpoint';
import { checkEndpointProps, checkVariantNames } from './private/endpoint-checks';
import { checkTraffic } from './private/traffic-checks';
import { Traffic } from './traffic';

/** One deployed model of a {@link VertexInferenceEndpoint}. Terraform cannot deploy it (see the class doc). */
export interface VertexVariantProps {
  /** Variant name, at most 20 characters. */
  readonly name: string;
  /** The Vertex AI Model Registry version: `projects/<p>/locations/<l>/models/<id>@<version>`. */
  readonly vertexModel: string;
  /**
   * The DeployedModel id to deploy it under: 1-10 digits, chosen here so the traffic split can name it before
   * the deployment exists.
   */
  readonly deployedModelId: string;
  /** Machine type, e.g. `g2-standard-8`. */
  readonly machineType: string;
  /** Accelerator type, e.g. `NVIDIA_L4`. @default - none */
  readonly acceleratorType?: string;
  /** @default 1 when acceleratorType is set */
  readonly acceleratorCount?: number;
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 4 */
  readonly maxReplicas?: number;
}

/** Props for {@link VertexInferenceEndpoint}. */
export interface VertexInferenceEndpointProps extends InferenceEndpointProps {
  /** The Google Cloud project. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** Region, e.g. `us-central1`. @default - the region of the stack's Google provider */
  readonly location?: string;
  /** The endpoint's resource name: numeric, no leading zero, at most 10 digits (Vertex AI's rule). */
  readonly endpointId: string;
  /** The models to deploy, each under its own DeployedModel id; the traffic strategy names them. */
  readonly variants: VertexVariantProps[];
  /**
   * Peer the endpoint into this VPC (`projects/<number>/global/networks/<vpc>`; private services access must
   * exist). @default - Private Service Connect, allowing only `project`
   */
  readonly network?: string;
  /** Projects allowed to connect through Private Service Connect. @default - the endpoint's project only */
  readonly pscProjectAllowlist?: string[];
  /** CMEK for the endpoint and the logging dataset. @default - a new Cloud KMS key in `location` */
  readonly kmsKey?: GcpKmsKey;
  /** Fraction (0 to 1) of requests logged to BigQuery. @default 0.2 */
  readonly loggingSamplingRate?: number;
}

/**
 * An online inference endpoint on Vertex AI — the part Terraform can express.
 *
 * Creates the `google_vertex_ai_endpoint` (Private Service Connect or VPC peering, CMEK, request/response
 * logging to a CMEK-encrypted BigQuery dataset), the service account the deployed models run as, and the
 * key grants for the Vertex AI and BigQuery service agents.
 *
 * The hashicorp/google provider (6.50) has no resource that deploys a custom model to an endpoint, and
 * `traffic_split` can only name DeployedModels that already exist. So deployments and the split are written
 * as Terraform outputs (`deploy_commands`: one `gcloud ai endpoints deploy-model` per variant with the chosen
 * `--deployed-model-id`, the last one setting `--traffic-split`), and Terraform ignores later changes to
 * `traffic_split` so it never reverts a rollout. Shadow traffic does not exist on Vertex AI.
 */
export class VertexInferenceEndpoint extends Construct implements IInferenceEndpoint {
  public readonly endpointName: string;
  public readonly traffic: Traffic;
  public readonly endpoint: VertexAiEndpoint;
  public readonly kmsKey: GcpKmsKey;
  public readonly loggingDataset: BigqueryDataset;
  /** The identity deployed models run as (`--service-account`). */
  public readonly serviceAccount: ServiceAccount;
  /** `{ "<deployedModelId>": percent }`, as the Vertex AI API takes it. */
  public readonly trafficSplit: Record<string, number>;
  private readonly slo: InferenceEndpointProps['slo'];

  constructor(scope: Construct, id: string, props: VertexInferenceEndpointProps) {
    super(scope, id);
    qualifyProviderSources(this);
    const { project, location } = VertexInferenceEndpoint.validate(this, props);
    this.endpointName = props.name;
    this.traffic = props.traffic;
    this.slo = props.slo;
    const { name } = props;
    const byName = new Map(props.variants.map((v) => [v.name, v]));
    this.trafficSplit = Object.fromEntries(props.traffic.weights.map((w) => [byName.get(w.variant)!.deployedModelId, w.weight]));

    const projectNumber = new DataGoogleProject(this, 'project', { projectId: project }).number;
    this.kmsKey = props.kmsKey ?? new GcpKmsKey(this, 'kms', { project, location, keyRingName: `${name}-vertex`, keyName: 'endpoint' });
    const vertexAgent = this.kmsKey.allowServiceAgent(`serviceAccount:service-${projectNumber}@gcp-sa-aiplatform.iam.gserviceaccount.com`);
    const bigqueryAgent = new DataGoogleBigqueryDefaultServiceAccount(this, 'bigquery-agent', { project });
    const bigqueryKey = this.kmsKey.allowServiceAgent(`serviceAccount:${bigqueryAgent.email}`);

    this.loggingDataset = new BigqueryDataset(this, 'logging-dataset', {
      project,
      datasetId: `${name.replace(/-/g, '_')}_predictions`,
      location,
      description: `Vertex AI endpoint ${name}: sampled prediction requests and responses`,
      defaultEncryptionConfiguration: { kmsKeyName: this.kmsKey.key.id },
      deleteContentsOnDestroy: false,
      lifecycle: { preventDestroy: true },
      dependsOn: [bigqueryKey],
    });

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      project,
      accountId: `${name}-vertex`.slice(0, 30),
      displayName: `Vertex AI endpoint ${name}: deployed models`,
    });

    this.endpoint = new VertexAiEndpoint(this, 'endpoint', {
      project,
      location,
      region: location,
      name: props.endpointId,
      displayName: name,
      description: `Inference endpoint ${name} (${props.traffic})`,
      ...(props.network
        ? { network: props.network }
        : { privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: props.pscProjectAllowlist ?? [project] } }),
      encryptionSpec: { kmsKeyName: this.kmsKey.key.id },
      predictRequestResponseLoggingConfig: {
        enabled: true,
        samplingRate: props.loggingSamplingRate ?? 0.2,
        bigqueryDestination: { outputUri: `bq://${project}.${this.loggingDataset.datasetId}` },
      },
      // Deployments and the split are made by `gcloud` from the outputs; Terraform must not revert them.
      lifecycle: { ignoreChanges: ['traffic_split'] },
      dependsOn: [vertexAgent],
    });

    new TerraformOutput(this, 'traffic_split', { value: JSON.stringify(this.trafficSplit), description: `Traffic split of ${name} by DeployedModel id` });
    new TerraformOutput(this, 'deploy_commands', {
      value: this.deployCommands(props, project, location),
      description: `Run in order after apply to deploy the variants of ${name} and set the traffic split (Terraform cannot deploy models to Vertex AI endpoints)`,
    });
  }

  /** Watched by a MonitoringStack: a managed endpoint (Cloud Monitoring metrics, no scrape targets). */
  public monitoredWorkloads(): MonitoredWorkload[] {
    return [{
      kind: MonitoredKind.INFERENCE_ENDPOINT,
      name: this.endpointName,
      slo: this.slo,
      attributes: { platform: 'vertex-ai', trafficStrategy: this.traffic.kind, trafficSplit: JSON.stringify(this.trafficSplit) },
    }];
  }

  /**
   * The initial rollout: the first live variant is deployed taking 100%, the others at 0% (so a canary never
   * receives everything), then one `endpoints update` sets the split. Every step's split sums to 100.
   */
  private deployCommands(props: VertexInferenceEndpointProps, project: string, location: string): string[] {
    const byName = new Map(props.variants.map((v) => [v.name, v]));
    const where = [`--project=${project}`, `--region=${location}`];
    const firstId = byName.get(props.traffic.weights[0].variant)!.deployedModelId;
    const deploys = props.traffic.weights.map((w, i) => {
      const v = byName.get(w.variant)!;
      return [
        `gcloud ai endpoints deploy-model ${props.endpointId}`, ...where,
        `--model=${v.vertexModel}`, `--deployed-model-id=${v.deployedModelId}`, `--display-name=${props.name}-${v.name}`,
        `--machine-type=${v.machineType}`,
        ...(v.acceleratorType ? [`--accelerator=type=${v.acceleratorType.toLowerCase().replace(/_/g, '-')},count=${v.acceleratorCount ?? 1}`] : []),
        `--min-replica-count=${v.minReplicas ?? 2}`, `--max-replica-count=${v.maxReplicas ?? 4}`,
        `--service-account=${this.serviceAccount.email}`,
        i === 0 ? '--traffic-split=0=100' : `--traffic-split=0=0,${firstId}=100`,
      ].join(' ');
    });
    if (props.traffic.weights.length === 1) return deploys;
    const split = Object.entries(this.trafficSplit).map(([id, weight]) => `${id}=${weight}`).join(',');
    return [...deploys, [`gcloud ai endpoints update ${props.endpointId}`, ...where, `--traffic-split=${split}`].join(' ')];
  }

  /** @returns the project and region, given or inherited from the stack's Google provider */
  private static validate(self: Construct, props: VertexInferenceEndpointProps): { project: string; location: string } {
    const v = new Validator(self);
    if (!props || typeof props !== 'object') {
      v.add('props', props, 'are required: { name, endpointId, variants, traffic }');
      v.throwIfAny();
    }
    const project = googleSetting(self, v, 'project', 'project', props.project);
    const location = googleSetting(self, v, 'location', 'region', props.location);
    // Service account ids are 6-30 characters: "<name>-vertex".
    checkEndpointProps(v, props, 23);
    const names = checkVariantNames(v, props.variants, 20);
    if (checkTraffic(v, props.traffic, names)) {
      v.check(props.traffic.shadow === undefined, 'traffic', props.traffic,
        'needs shadow (mirrored) traffic, which Vertex AI endpoints do not offer; use Traffic.canary on Vertex AI, or serve the challenger ' +
        'on KubernetesInferenceEndpoint (Gateway API) or SageMaker');
    }
    v.matches('endpointId', props.endpointId, /^[1-9]\d{0,9}$/, 'must be numeric with no leading zero, at most 10 digits (Vertex AI endpoint resource name)');
    if (location) v.matches('location', location, /^[a-z]+-[a-z]+\d+$/, 'must be a region, e.g. us-central1');
    v.matches('network', props.network, /^projects\/\d+\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be projects/<project number>/global/networks/<vpc>');
    v.check(props.featureStore === undefined, 'featureStore', 'set',
      'is not supported on Vertex AI yet: feature store grants go to Kubernetes workload identities; grant the endpoint\'s serviceAccount yourself');
    if (props.loggingSamplingRate !== undefined) {
      v.check(props.loggingSamplingRate > 0 && props.loggingSamplingRate <= 1, 'loggingSamplingRate', props.loggingSamplingRate, 'must be above 0 and at most 1');
    }
    v.unique('variants', props.variants ?? [], (x) => String(x?.deployedModelId), 'deployedModelId');
    (props.variants ?? []).forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      v.matches(`variants[${i}].vertexModel`, p.vertexModel, /^projects\/[^/]+\/locations\/[^/]+\/models\/[^/@]+@\d+$/,
        'must be a pinned Model Registry version: projects/<p>/locations/<l>/models/<id>@<version>');
      v.matches(`variants[${i}].deployedModelId`, p.deployedModelId, /^\d{1,10}$/, 'must be 1-10 digits (Vertex AI DeployedModel id)');
      v.integer(`variants[${i}].minReplicas`, p.minReplicas, 1, 1000);
      v.integer(`variants[${i}].maxReplicas`, p.maxReplicas, 1, 1000);
    });
    v.throwIfAny();
    return { project, location };
  }
}
