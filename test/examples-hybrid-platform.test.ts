import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { buildHybridPlatform } from '../examples/hybrid-platform/platform';
import { MlPlatform } from '../lib/platform/ml-platform';
import { platformReport } from '../lib/platform/report';
import { reviewTerraformJson } from '../lib/governance/review';
import { literalSecrets, parse, Synth } from './util';

/** Synthesizes the reference platform as `npm run synth` does; returns stacks, the report and the diagram. */
function synthPlatform(): { stacks: Record<string, Synth>; texts: Record<string, string>; report: string; diagram: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-hybrid-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    const platform: MlPlatform = buildHybridPlatform(app);
    app.synth();
    const texts: Record<string, string> = {};
    for (const name of readdirSync(join(outdir, 'stacks'))) texts[name] = readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
    const stacks = Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, parse(v)]));
    return { stacks, texts, report: platformReport(outdir), diagram: platform.diagram() };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('examples/hybrid-platform: the reference platform', () => {
  const { stacks, texts, report, diagram } = synthPlatform();

  test('one stack per environment, and the edge ring by ring (acme-edge-<ring>-<n>)', () => {
    expect(Object.keys(stacks).sort()).toEqual(expect.arrayContaining(['acme-aws', 'acme-gcp', 'acme-onprem']));
    expect(Object.keys(stacks).filter((n) => n.startsWith('acme-edge')).sort()).toEqual(['acme-edge-all-0', 'acme-edge-canary-0']);
    const ringsIn = (name: string) => [...new Set(stacks[name].resources('kubernetes_deployment_v1')
      .filter((d) => d.metadata.name === 'churn-edge').map((d) => d.metadata.labels['ml-platform.io/ring']))];
    expect(ringsIn('acme-edge-canary-0')).toEqual(['canary']);
    expect(ringsIn('acme-edge-all-0')).toEqual(['all']);
  });

  test('on-prem GPU training with team quotas, a GKE TPU pool and an EKS GPU pool', () => {
    const quotas = stacks['acme-onprem'].resources('kubernetes_resource_quota_v1').map((q) => q.spec.hard['requests.nvidia.com/gpu']).sort();
    expect(quotas).toEqual(['0', '16', '24', '8']);
    expect(stacks['acme-gcp'].resources('google_container_node_pool').find((p) => p.name === 'v5e-2x4').placement_policy.tpu_topology).toBe('2x4');
    expect(stacks['acme-aws'].resources('aws_eks_node_group').find((g) => g.node_group_name === 'acme-train-h100').ami_type).toBe('AL2023_x86_64_NVIDIA');
  });

  test('canary serving on-prem and on SageMaker, both reading the one registry', () => {
    const route = stacks['acme-onprem-workloads'].resources('kubernetes_manifest')[0].manifest;
    expect(route.spec.rules[0].backendRefs.map((b: any) => b.weight)).toEqual([90, 10]);
    const sagemaker = stacks['acme-aws'].resources('aws_sagemaker_endpoint_configuration')[0];
    expect(sagemaker.production_variants.map((v: any) => v.initial_variant_weight)).toEqual([90, 10]);
  });

  test('stacks that use the registry or the feature lake read them through remote state', () => {
    const outputs = Object.keys(stacks['acme-aws'].json.output ?? {});
    expect(outputs.length).toBeGreaterThan(0);
    for (const name of ['acme-onprem-workloads', 'acme-edge-canary-0', 'acme-edge-all-0']) {
      expect(Object.keys(stacks[name].json.data?.terraform_remote_state ?? {})).toHaveLength(1);
    }
    expect(texts['acme-edge-canary-0']).toMatch(/"value": "s3:\/\/\$\{data\.terraform_remote_state\.[^}]+\}\/models\/churn\/1[12]\/model\.tar\.gz"/);
  });

  test('the edge fleet: two rings pinned to registry versions, metrics to the central stack that accepts remote write', () => {
    const versions = Object.values(stacks).flatMap((s) => s.resources('kubernetes_deployment_v1'))
      .filter((d) => d.metadata.name === 'churn-edge').map((d) => `${d.metadata.labels['ml-platform.io/ring']}=${d.metadata.labels['ml-platform.io/model-version']}`);
    expect(new Set(versions)).toEqual(new Set(['canary=12', 'all=11']));
    expect(versions).toHaveLength(8);
    // The Jetson canary site's server gets the GPU through k3s's NVIDIA RuntimeClass; the CPU sites do not.
    const siteWorkload = (site: string) => stacks['acme-edge-canary-0'].resources('kubernetes_deployment_v1')
      .find((d) => d.metadata.name === 'churn-edge' && d.metadata.labels['ml-platform.io/site'] === site);
    const berlin = siteWorkload('store-berlin');
    expect(berlin.spec.template.spec).toMatchObject({ runtime_class_name: 'nvidia', node_selector: { 'kubernetes.io/arch': 'arm64', 'ml-platform.io/accelerator': 'nvidia-jetson' } });
    expect(berlin.spec.template.spec.container[0].resources.limits['nvidia.com/gpu']).toBe('1');
    const paris = siteWorkload('store-paris');
    expect(paris.spec.template.spec.runtime_class_name).toBeUndefined();
    const prometheus = stacks['acme-onprem-workloads'].resources('kubernetes_stateful_set_v1').find((s) => s.metadata.name === 'prometheus');
    expect(prometheus.spec.template.spec.container[0].args).toContain('--web.enable-remote-write-receiver');
  });

  test('the report lists every stack and a clean governance summary; the diagram shows the wiring', () => {
    expect(report).toMatch(/^acme-aws\s+\d+ resources {2}governance: 0 error\(s\), 0 warning\(s\)/);
    expect(report).toMatch(/\ntotal\s+\d+ resources {2}governance: 0 error\(s\), 0 warning\(s\), 0 info/);
    expect(diagram).toContain('n_acme_aws_registry -->|models| n_platform_acme_edge');
    expect(diagram).toContain('n_acme_onprem_workloads_features -->|features| n_acme_onprem_workloads_churn');
    expect(diagram).toContain('n_platform_acme_edge -->|metrics| n_acme_onprem_workloads_monitoring');
    expect(diagram).toContain('n_acme_aws_churn -->|metrics| n_acme_aws_amp');
    // Each environment's layers nest in one subgraph, in apply order: infrastructure, add-ons, workloads.
    const onprem = diagram.slice(diagram.indexOf('subgraph n_env_acme_onprem'));
    expect(onprem.indexOf('subgraph n_acme_onprem[')).toBeLessThan(onprem.indexOf('subgraph n_acme_onprem_addons['));
    expect(onprem.indexOf('subgraph n_acme_onprem_addons[')).toBeLessThan(onprem.indexOf('subgraph n_acme_onprem_workloads['));
    expect(onprem).toMatch(/n_acme_onprem_addons_gateway_api\["GatewayApi/);
  });

  test('every stack passes baseline and ml-guardrails with no error or warning, and holds no secret', () => {
    for (const [name, s] of Object.entries(stacks)) {
      const result = reviewTerraformJson(s.json, { packs: ['baseline', 'ml-guardrails'], parameters: { approvedRegistries: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/'] } });
      expect([name, result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.address}`)]).toEqual([name, []]);
      expect([name, literalSecrets(s.json)]).toEqual([name, []]);
    }
  });

  test('the README shows exactly this diagram', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`mermaid\n${diagram}\`\`\``);
  });

  test('synthesis is deterministic', () => {
    expect(synthPlatform().texts).toEqual(texts);
  });
});
