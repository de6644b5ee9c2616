import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { OPTIONAL_PROVIDERS } from '../../lib/core/private/optional-provider';
import { buildPackage, nodePath } from './build-package';

/**
 * The provider packages are optional peers: a Google-only or on-prem-only app installs no @cdktf/provider-aws (392 MB),
 * an AWS-only app no @cdktf/provider-google, an app without Kubernetes (SageMaker only) no @cdktf/provider-kubernetes.
 * Checked on the package as built, in fresh processes where test/packaging/block-providers.js makes the missing
 * packages unresolvable. scripts/pack-smoke.sh checks the same with a real install of the packed tarball.
 */
const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const AWS = '@cdktf/provider-aws';
const GOOGLE = '@cdktf/provider-google';
const KUBERNETES = '@cdktf/provider-kubernetes';
const installHint = (p: string) => `needs ${p}, which is not installed; run \`npm install ${p}@${pkg.peerDependencies[p]}\``;

/** Modules that exist to create one cloud's resources: the only ones that may require its provider at the top. */
const AWS_ONLY = /^(training\/(eks|eks-node-pool|karpenter)|storage\/(s3-bucket|aws-kms-key)|registry\/(rds-postgres|sagemaker)|features\/sagemaker|serving\/sagemaker|monitoring\/amp|retraining\/(sagemaker|private\/sagemaker-(triggers|validation))|edge\/iot)\.js$/;
const GOOGLE_ONLY = /^(training\/gke(-node-pool)?|storage\/(gcs-bucket|gcp-kms-key|gcp-audit-logs)|registry\/cloud-sql-postgres|features\/(vertex|private\/gcp-grants)|serving\/vertex|monitoring\/gmp)\.js$/;
/** Not library modules: the CLI's bin script runs on require; folder indexes re-export every module of their folder. */
const NOT_LOADED = /^(cli\/ml-platform|index|monitoring\/index|serving\/index|retraining\/index)\.js$/;

test('the optional providers are optional peers, and the error names the range package.json asks for', () => {
  const optional = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((p) => pkg.peerDependenciesMeta[p].optional).sort();
  expect(optional).toEqual([AWS, GOOGLE, KUBERNETES]);
  // cdktf and constructs stay required: every construct needs them.
  expect(Object.keys(pkg.peerDependencies).filter((p) => !optional.includes(p)).sort()).toEqual(['cdktf', 'constructs']);
  expect(OPTIONAL_PROVIDERS).toEqual(Object.fromEntries(optional.map((p) => [p, pkg.peerDependencies[p]])));
});

describe('the package as built, without some provider packages installed', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'mlp-optional-'));
  const entry = join(outdir, 'index.js');
  /** Runs `args` with node in a fresh process where `blocked` cannot be resolved; returns stdout's last line as JSON. */
  const run = (blocked: string[], args: string[], env: Record<string, string> = {}) => {
    const out = execFileSync(process.execPath, ['-r', join(__dirname, 'block-providers.js'), ...args], {
      cwd: outdir, encoding: 'utf8', env: { ...nodePath, ...env, BLOCKED_PROVIDERS: blocked.join(','), ML_PLATFORM_ENTRY: entry },
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  };
  /** Requires every library module with `blocked` missing; returns the modules and those that failed, with why. */
  const loadAll = (blocked: string[]): { modules: string[]; failed: Record<string, string> } => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    const modules = walk(outdir).map((f) => relative(outdir, f)).filter((f) => f.endsWith('.js') && !NOT_LOADED.test(f)).sort();
    const script = `const failed = {};
      for (const m of ${JSON.stringify(modules)}) { try { require('./' + m); } catch (e) { failed[m] = String(e.message).split('\\n')[0]; } }
      console.log(JSON.stringify({ failed }));`;
    return { modules, failed: run(blocked, ['-e', script]).failed };
  };

  beforeAll(() => buildPackage(outdir), 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('without provider-aws exactly the AWS modules fail to load, without provider-google exactly the Google ones', () => {
    for (const [blocked, only] of [[AWS, AWS_ONLY], [GOOGLE, GOOGLE_ONLY]] as const) {
      const { modules, failed } = loadAll([blocked]);
      expect(modules.length).toBeGreaterThan(200);
      // A shared module that failed would be listed here; an allowlisted one that loads would be missing (a stale list).
      expect(Object.keys(failed).sort()).toEqual(modules.filter((m) => only.test(m)));
      for (const why of Object.values(failed)) expect(why).toMatch(new RegExp(`^Cannot find module '${blocked}/lib/`));
    }
  }, 120_000);

  test('a Google Cloud + on-prem app synthesizes without provider-aws and never loads it', () => {
    const synthOut = join(outdir, 'google-onprem.out');
    const report = run([AWS], [join(__dirname, 'google-onprem-app.js'), synthOut]);
    expect(report.stacks).toEqual(['acme-gcp', 'acme-gcp-addons', 'acme-gcp-workloads', 'acme-onprem', 'acme-onprem-workloads']);
    expect(report.providers).toEqual([GOOGLE, KUBERNETES]);
    const resources = report.stacks.flatMap((s: string) => Object.keys(JSON.parse(readFileSync(join(synthOut, 'stacks', s, 'cdk.tf.json'), 'utf8')).resource ?? {}));
    // What the lazily loaded Google paths create: Memorystore, Cloud SQL, BigQuery grants, the endpoint's GCS read grant.
    expect(resources).toEqual(expect.arrayContaining(['google_redis_instance', 'google_sql_database_instance', 'google_bigquery_dataset_iam_member',
      'google_storage_bucket_iam_member', 'kubernetes_deployment_v1']));
    expect(resources.filter((t: string) => t.startsWith('aws_'))).toEqual([]);
  }, 120_000);

  test('an AWS construct in an app without provider-aws fails with one clear error naming the package and the install command', () => {
    const script = `const lib = require(process.env.ML_PLATFORM_ENTRY);
      const { App } = require('cdktf');
      const errorOf = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };
      const app = new App({ outdir: require('os').tmpdir() });
      const platform = new lib.MlPlatform(app, 'platform', { name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'dev' } });
      const onprem = platform.onPrem('onprem', { clusterName: 'dc1' });
      console.log(JSON.stringify({
        s3Bucket: errorOf(() => lib.SecureS3Bucket),
        eks: errorOf(() => new lib.EksTrainingCluster(onprem.stack, 'eks', {})),
        awsEnvironment: errorOf(() => platform.aws('aws', { region: 'eu-west-1' })),
        s3Store: errorOf(() => new lib.ObjectStore(onprem.workloads, 'store', { location: lib.ObjectStoreLocation.s3({ bucketName: 'acme-store' }) })),
        gke: errorOf(() => lib.GkeTrainingCluster),
      }));`;
    expect(run([AWS], ['-e', script])).toEqual({
      s3Bucket: `cdktf-ml-platform: SecureS3Bucket ${installHint(AWS)}`,
      eks: `cdktf-ml-platform: EksTrainingCluster ${installHint(AWS)}`,
      awsEnvironment: `platform: the AWS environment aws ${installHint(AWS)}`,
      s3Store: `acme-onprem-workloads/store: an S3 object store ${installHint(AWS)}`,
      gke: 'no error',
    });
  }, 60_000);

  test('an AWS-only app has the same clear errors for Google constructs without provider-google', () => {
    const script = `const lib = require(process.env.ML_PLATFORM_ENTRY);
      const { App } = require('cdktf');
      const errorOf = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };
      const app = new App({ outdir: require('os').tmpdir() });
      const platform = new lib.MlPlatform(app, 'platform', { name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'dev' } });
      const aws = platform.aws('aws', { region: 'eu-west-1' });
      console.log(JSON.stringify({
        gke: errorOf(() => lib.GkeTrainingCluster),
        googleEnvironment: errorOf(() => platform.googleCloud('gcp', { project: 'acme-ml', region: 'europe-west4' })),
        gcsStore: errorOf(() => new lib.ObjectStore(aws, 'store', { location: lib.ObjectStoreLocation.gcs({ project: 'acme-ml', bucketName: 'acme-store', location: 'EU' }) })),
        s3Store: errorOf(() => new lib.ObjectStore(aws, 's3-store', { location: lib.ObjectStoreLocation.s3({ bucketName: 'acme-store' }) })),
      }));`;
    expect(run([GOOGLE], ['-e', script])).toEqual({
      gke: `cdktf-ml-platform: GkeTrainingCluster ${installHint(GOOGLE)}`,
      googleEnvironment: `platform: the Google Cloud environment gcp ${installHint(GOOGLE)}`,
      gcsStore: `acme-aws/store: a GCS object store ${installHint(GOOGLE)}`,
      s3Store: 'no error',
    });
  }, 60_000);

  test('a SageMaker-only app synthesizes without provider-kubernetes and provider-google', () => {
    const script = `const lib = require(process.env.ML_PLATFORM_ENTRY);
      const { App } = require('cdktf');
      const errorOf = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };
      const outdir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'sagemaker-only-'));
      const app = new App({ outdir, stackTraces: false });
      const platform = new lib.MlPlatform(app, 'platform', { name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'dev' } });
      const aws = platform.aws('aws', { region: 'eu-west-1' });
      const registry = new lib.SageMakerModelRegistry(aws, 'registry', { groupName: 'churn', artifactBucketName: 'acme-models', releasedVersions: { churn: ['11'] } });
      const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn-server@sha256:' + 'c'.repeat(64);
      const endpoint = new lib.SageMakerInferenceEndpoint(aws, 'churn', {
        name: 'churn', traffic: lib.Traffic.single('stable'),
        variants: [{ name: 'stable', model: lib.ModelArtifact.fromRegistry(registry, 'churn', '11'), image, instanceType: 'ml.g5.xlarge', minInstances: 2, maxInstances: 4 }],
        subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'], securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
      });
      new lib.AmpMonitoring(aws, 'amp', { workspaceAlias: 'acme-ml', watch: [endpoint],
        alerting: { critical: [lib.AlertReceiver.sns('arn:aws:sns:eu-west-1:123456789012:ml-critical')] }, grafanaAccess: { vpceIds: ['vpce-0123456789abcdef0'] } });
      app.synth();
      const onPrem = errorOf(() => platform.onPrem('onprem', { clusterName: 'dc1' }));
      const providers = [...new Set(Object.keys(require.cache).map((f) => /@cdktf[\\\\/](provider-[a-z]+)/.exec(f)?.[1]).filter(Boolean))].sort();
      const stacks = require('fs').readdirSync(require('path').join(outdir, 'stacks'));
      require('fs').rmSync(outdir, { recursive: true, force: true });
      console.log(JSON.stringify({ stacks, providers, onPrem }));`;
    expect(run([KUBERNETES, GOOGLE], ['-e', script])).toEqual({
      stacks: ['acme-aws'],
      providers: ['provider-aws'],
      onPrem: `acme-onprem: the kubernetes provider cluster ${installHint(KUBERNETES)}`,
    });
  }, 120_000);

  test('an error that is not a missing optional provider passes through unchanged', () => {
    const script = `const { missingProviderError } = require('./core/private/optional-provider');
      const notFound = (m) => Object.assign(new Error("Cannot find module '" + m + "'"), { code: 'MODULE_NOT_FOUND' });
      console.log(JSON.stringify([
        missingProviderError(notFound('${AWS}/lib/iam-role'), 'x')?.message,
        missingProviderError(notFound('${AWS}/lib/no-such-module'), 'x') === undefined,
        missingProviderError(notFound('left-pad'), 'x') === undefined,
        missingProviderError(new TypeError('boom'), 'x') === undefined,
      ]));`;
    // provider-aws is blocked in the first run only: an installed package's missing module is a real error, not an install hint.
    expect(run([AWS], ['-e', script])[0]).toBe(`x ${installHint(AWS)}`);
    expect(run([], ['-e', script])).toEqual([null, true, true, true]);
  }, 60_000);
});

test('block-providers.js makes only the named packages unresolvable', () => {
  const probe = spawnSync(process.execPath, ['-r', join(__dirname, 'block-providers.js'), '-e',
    `for (const m of ['${AWS}/lib/iam-role', '${GOOGLE}/lib/provider']) { try { require.resolve(m); console.log('ok ' + m); } catch (e) { console.log(e.code + ' ' + m); } }`],
  { encoding: 'utf8', env: { ...nodePath, BLOCKED_PROVIDERS: AWS } });
  expect(probe.stdout.trim().split('\n')).toEqual([`MODULE_NOT_FOUND ${AWS}/lib/iam-role`, `ok ${GOOGLE}/lib/provider`]);
});
