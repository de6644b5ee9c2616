import { App } from 'cdktf';
import { buildRetrainingExample } from './stacks';

// No stack traces in annotation metadata: cdktf.out stays byte-identical across machines and checkouts.
const app = new App({ stackTraces: false });
buildRetrainingExample(app);
app.synth();
