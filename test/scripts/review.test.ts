import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';

// `npm run review` runs the CLI from lib/ (scripts/review.js): no build on every call, and nothing but the report
// on stdout, so its JSON can be piped or redirected. (npm itself prints a "> script" banner on stdout unless --silent.)
test('npm run --silent review -- <folder> --format json prints exactly one JSON document on stdout', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-review-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'review-me');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new SecureS3Bucket(stack, 'data', { bucketName: 'acme-review-me' });
    app.synth();

    const run = spawnSync('npm', ['run', '--silent', 'review', '--', outdir, '--format', 'json'], {
      cwd: join(__dirname, '..', '..'), encoding: 'utf8', env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
    });
    expect(run.stderr).not.toMatch(/lazy-index|error/i);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ error: 0, input: outdir });
    expect(report.summary.resourcesReviewed).toBeGreaterThan(3);
    expect(run.status).toBe(0);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
