import { writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdktf';
import { platformReport } from '../../lib';
import { buildHybridPlatform } from './platform';

// No stack traces in annotation metadata: cdktf.out stays byte-identical across machines and checkouts.
const app = new App({ stackTraces: false });
const platform = buildHybridPlatform(app);
app.synth();
// Beside the stacks: the platform's shape for reviewers, and what was created per stack with its governance.
writeFileSync(join(app.outdir, 'platform.mmd'), platform.diagram());
console.log(`\n${platformReport(app.outdir)}\n\nDiagram: ${join(app.outdir, 'platform.mmd')}`);
