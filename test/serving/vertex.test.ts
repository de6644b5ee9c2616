import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Traffic } from '../../lib/serving/traffic';
import { VertexInferenceEndpoint, VertexInferenceEndpointProps, VertexVariantProps } from '../../lib/serving/vertex';
import { errorOf, literalSecrets, synth } from '../util';

const variant = (name: string, id: string, version: string): VertexVariantProps => ({
  name, deployedModelId: id, vertexModel: `projects/ml-prod/locations/us-central1/models/churn@${version}`, machineType: 'g2-standard-8', acceleratorType: 'NVIDIA_L4',
});
const base: VertexInferenceEndpointProps = {
  name: 'churn', project: 'ml-prod', location: 'us-central1', endpointId: '1234567',
  variants: [variant('stable', '101', '3'), variant('canary', '102', '4')],
  traffic: Traffic.canary('stable', 'canary', 10),
};

function vertex(props: Partial<VertexInferenceEndpointProps> = {}) {
  return synth((stack) => {
    new GoogleProvider(stack, 'google', { project: 'ml-prod' });
    new VertexInferenceEndpoint(stack, 'endpoint', { ...base, ...props });
  });
}

describe('VertexInferenceEndpoint', () => {
  const out = vertex();
  const endpoint = out.resources('google_vertex_ai_endpoint')[0];

  test('the endpoint is private (Private Service Connect for this project only) and CMEK-encrypted', () => {
    expect(endpoint.private_service_connect_config).toEqual({ enable_private_service_connect: true, project_allowlist: ['ml-prod'] });
    expect(endpoint.network).toBeUndefined();
    expect(endpoint.encryption_spec.kms_key_name).toMatch(/google_kms_crypto_key\..+\.id/);
    expect(vertex({ network: 'projects/123/global/networks/ml' }).resources('google_vertex_ai_endpoint')[0]).toMatchObject({ network: 'projects/123/global/networks/ml' });
  });

  test('requests and responses are sampled into a CMEK-encrypted BigQuery dataset that survives destroy', () => {
    expect(endpoint.predict_request_response_logging_config).toEqual({
      enabled: true, sampling_rate: 0.2, bigquery_destination: { output_uri: expect.stringMatching(/^bq:\/\/ml-prod\.\$\{google_bigquery_dataset\..+\.dataset_id\}$/) },
    });
    const dataset = out.resources('google_bigquery_dataset')[0];
    expect(dataset).toMatchObject({ dataset_id: 'churn_predictions', location: 'us-central1', delete_contents_on_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(dataset.default_encryption_configuration.kms_key_name).toMatch(/google_kms_crypto_key/);
    expect(out.resources('google_kms_crypto_key_iam_member').map((m) => m.member)).toEqual([
      expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\..+\.number\}@gcp-sa-aiplatform\.iam\.gserviceaccount\.com$/),
      expect.stringMatching(/^serviceAccount:\$\{data\.google_bigquery_default_service_account\..+\.email\}$/),
    ]);
  });

  test('Terraform leaves traffic_split to the rollout, and the split and deploy commands are outputs', () => {
    expect(endpoint.traffic_split).toBeUndefined();
    expect(endpoint.lifecycle.ignore_changes).toEqual(['traffic_split']);
    const outputs = Object.values(out.json.output) as any[];
    expect(outputs.map((o) => o.value)).toContainEqual(JSON.stringify({ 101: 90, 102: 10 }));
    const commands = outputs.find((o) => Array.isArray(o.value)).value as string[];
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(/^gcloud ai endpoints deploy-model 1234567 .*--model=projects\/ml-prod\/locations\/us-central1\/models\/churn@3 --deployed-model-id=101 .*--accelerator=type=nvidia-l4,count=1 .*--traffic-split=0=100$/);
    expect(commands[1]).toMatch(/--deployed-model-id=102 .*--traffic-split=0=0,101=100$/);
    expect(commands[2]).toBe('gcloud ai endpoints update 1234567 --project=ml-prod --region=us-central1 --traffic-split=101=90,102=10');
  });

  test('no literal secret and identical output on every synth', () => {
    expect(literalSecrets(out.json)).toEqual([]);
    expect(vertex().text).toBe(out.text);
  });

  test('shadow traffic is refused with where to run it instead', () => {
    expect(errorOf((stack) => new VertexInferenceEndpoint(stack, 'endpoint', { ...base, traffic: Traffic.championChallenger('stable', 'canary') })))
      .toMatch(/^test\/endpoint: traffic \(champion-challenger\(stable: 100; shadow canary\)\) needs shadow \(mirrored\) traffic, which Vertex AI endpoints do not offer/);
  });

  test('given a stack whose Google provider sets project and region, then the endpoint inherits both', () => {
    const { project: _p, location: _l, ...withoutEnvironment } = base;
    const inherited = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-inherited', region: 'europe-west4' });
      new VertexInferenceEndpoint(stack, 'endpoint', withoutEnvironment);
    });
    expect(inherited.resources('google_vertex_ai_endpoint')[0]).toMatchObject({
      project: 'ml-inherited', location: 'europe-west4', region: 'europe-west4',
      private_service_connect_config: { project_allowlist: ['ml-inherited'] },
    });
    expect(inherited.resources('google_bigquery_dataset')[0]).toMatchObject({ project: 'ml-inherited', location: 'europe-west4' });
    const commands = (Object.values(inherited.json.output) as any[]).find((o) => Array.isArray(o.value)).value as string[];
    expect(commands[commands.length - 1]).toMatch(/ --project=ml-inherited --region=europe-west4 /);
    // A prop given wins over the provider's.
    expect(vertex({ location: 'us-east1' }).resources('google_vertex_ai_endpoint')[0]).toMatchObject({ project: 'ml-prod', location: 'us-east1' });
  });

  test('given neither the props nor a provider that sets them, then both props are named with both ways to set them', () => {
    const { project: _p, location: _l, ...withoutEnvironment } = base;
    const message = errorOf((stack) => new VertexInferenceEndpoint(stack, 'endpoint', withoutEnvironment));
    expect(message).toMatch(/^2 problems:/);
    expect(message).toContain('test/endpoint: project (undefined) is required: set project, or place the construct in a stack whose Google provider sets project');
    expect(message).toContain('test/endpoint: location (undefined) is required: set location, or place the construct in a stack whose Google provider sets region');
  });

  test('unpinned models, bad ids and duplicate deployed model ids are reported together', () => {
    const message = errorOf((stack) => new VertexInferenceEndpoint(stack, 'endpoint', {
      ...base, endpointId: '0123',
      variants: [{ ...variant('stable', '101', '3'), vertexModel: 'projects/ml-prod/locations/us-central1/models/churn' }, variant('canary', '101', '4')],
    }));
    expect(message).toMatch(/^3 problems:/);
    expect(message).toContain('test/endpoint: endpointId ("0123") must be numeric with no leading zero');
    expect(message).toContain('test/endpoint: variants[1] ("101") repeats an earlier deployedModelId');
    expect(message).toContain('test/endpoint: variants[0].vertexModel ("projects/ml-prod/locations/us-central1/models/churn") must be a pinned Model Registry version');
  });
});
