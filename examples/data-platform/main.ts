import { App } from 'cdktf';
import { buildDataPlatformExample } from './stacks';

// No stack traces in annotation metadata: cdktf.out stays byte-identical across machines and checkouts.
const app = new App({ stackTraces: false });
buildDataPlatformExample(app);
app.synth();
