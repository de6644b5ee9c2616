/**
 * One training platform on three targets, declared with one accelerator vocabulary:
 *  - `training-eks`:    EKS with H100 (Capacity Block, EFA), L4 spot and Trainium pools
 *  - `training-gke`:    GKE with H100 and L4 GPU pools and TPU v5e / v5p slices
 *  - `training-onprem`: an existing cluster's A100 nodes, carved into team GPU quotas
 * Synthesizes offline: `npx cdktf synth` (no cloud credentials are read at synth time).
 */
import { App } from 'cdktf';
import { buildTrainingExample } from './stacks';

// No stack traces in annotation metadata: cdktf.out stays byte-identical across machines and checkouts.
const app = new App({ stackTraces: false });
buildTrainingExample(app);
app.synth();
