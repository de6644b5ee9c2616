import { execFileSync } from 'child_process';
import { join } from 'path';

/**
 * An app that only targets AWS does not load the Google bindings (the package entry is lazy, and the modules
 * an EKS cluster needs import no Google class). Checked in a fresh process, as a user's app runs.
 */
test('synthesizing an EKS training cluster loads no Google provider module', () => {
  const root = join(__dirname, '..', '..');
  const script = `
    const { App, TerraformStack } = require('cdktf');
    const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
    const { EksTrainingCluster } = require('./lib/training/eks');
    const { Accelerator } = require('./lib/core/accelerators/accelerator');
    const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'aws-only-')) });
    const stack = new TerraformStack(app, 'aws-only');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], pools: [{ name: 'l4', accelerator: Accelerator.NVIDIA_L4 }] });
    app.synth();
    require('fs').rmSync(app.outdir, { recursive: true, force: true });
    console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('provider-google'))));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_SWC: 'true' },
  });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
});
