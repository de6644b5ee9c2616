/** Monitoring on an existing GPU cluster, in Amazon Managed Prometheus and in Google Managed Prometheus: see stacks.ts. */
import { App } from 'cdktf';
import { buildMonitoringExample } from './stacks';

// No stack traces in annotation metadata: cdktf.out stays byte-identical across machines and checkouts.
const app = new App({ stackTraces: false });
buildMonitoringExample(app);
app.synth();
