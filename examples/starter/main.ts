/** The app cdktf runs (cdktf.json): `npm run synth` writes one folder per stack to cdktf.out/. */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdktf';
import { platformReport } from 'cdktf-ml-platform';
import { buildPlatform } from './stacks';

const app = new App();
const platform = buildPlatform(app);
app.synth();
writeFileSync(join(app.outdir, 'platform.mmd'), platform.diagram());
console.log(platformReport(app.outdir));
