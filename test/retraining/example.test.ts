import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { buildRetrainingExample } from '../../examples/retraining/stacks';
import { checkDeployOrder } from '../../lib/platform/deploy-order';

describe('examples/retraining', () => {
  test('synthesizes with validations on (contracts and governance), and deploys in order: Argo CRDs before the pipeline; the same declaration on SageMaker', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mlp-retrain-example-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      const stacks = buildRetrainingExample(app);
      app.synth();
      expect(stacks.map((s) => s.node.id)).toEqual(['retraining-eks', 'retraining-eks-addons', 'retraining-eks-workloads', 'retraining-sagemaker']);
      expect(checkDeployOrder(outdir)).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
