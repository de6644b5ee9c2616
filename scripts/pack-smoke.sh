#!/usr/bin/env bash
# Pack smoke test: proves the package works the way users consume it.
#
#   1. `npm pack` the repo (prepack runs `npm run build` -> dist/) into a scratch dir outside the repo.
#   2. Check the tarball: dist/index.js and dist/index.d.ts are in; test/ and lib/*.ts sources are not.
#   3. `npm init -y` a fresh infra app in that scratch dir and install the tarball plus its peer
#      dependencies at the exact versions the repo pins in devDependencies (--prefer-offline, so the
#      npm cache filled by `npm ci` is reused; the provider packages are hundreds of MB).
#   4. Write a plain-JS app that requires 'cdktf-ml-platform' by package name, builds an EKS stack and an
#      on-prem Kubernetes stack, and synthesizes into the scratch dir.
#   5. Assert the synthesized EKS stack has an aws_eks_node_group with ami_type AL2023_x86_64_NVIDIA.
#   6. Install the tarball in a Google Cloud + on-prem app WITHOUT @cdktf/provider-aws (the providers are optional
#      peers), type-check a TypeScript use of it, synthesize test/packaging/google-onprem-app.js, check the clear error
#      for an AWS construct, and print node_modules' size against the app with every provider.
#   7. Copy examples/starter (the template app users start from), install it with the tarball, type-check it
#      and run its `npm run synth` (cdktf synth, checkpoint calls off).
#
# Usage: bash scripts/pack-smoke.sh        (from anywhere; exits non-zero on failure)
# Env:   PACK_SMOKE_KEEP=1 keeps the scratch dir for debugging.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/cdktf-ml-platform-pack-smoke.XXXXXX")"
STEP="setup"
START_S=$SECONDS

finish() {
  local rc=$?
  if [[ "${PACK_SMOKE_KEEP:-}" == "1" ]]; then
    echo "pack-smoke: kept scratch dir $SCRATCH"
  else
    rm -rf "$SCRATCH"
  fi
  if [[ $rc -eq 0 ]]; then
    echo "pack-smoke: PASS (tarball contents, install by name, synth, EKS NVIDIA node group, Google + on-prem app without provider-aws, starter app; $((SECONDS - START_S))s total, install ${INSTALL_S:-?}s)"
  else
    echo "pack-smoke: FAIL at step '$STEP' (exit $rc, $((SECONDS - START_S))s)" >&2
  fi
  exit $rc
}
trap finish EXIT

case "$SCRATCH" in
  "$REPO_DIR"/*) echo "pack-smoke: scratch dir $SCRATCH is inside the repo" >&2; exit 1 ;;
esac

# ---------------------------------------------------------------------------------------------------
STEP="npm pack"
echo "pack-smoke: packing $REPO_DIR into $SCRATCH"
mkdir -p "$SCRATCH/pack"
(cd "$REPO_DIR" && npm pack --pack-destination "$SCRATCH/pack" --no-audit --no-fund >"$SCRATCH/pack.log" 2>&1) \
  || { cat "$SCRATCH/pack.log" >&2; exit 1; }
shopt -s nullglob
tarballs=("$SCRATCH"/pack/*.tgz)
shopt -u nullglob
[[ ${#tarballs[@]} -eq 1 ]] || { echo "pack-smoke: expected exactly one tarball, found ${#tarballs[@]}" >&2; cat "$SCRATCH/pack.log" >&2; exit 1; }
TARBALL="${tarballs[0]}"
echo "pack-smoke: tarball $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"

# ---------------------------------------------------------------------------------------------------
STEP="tarball contents"
tar tzf "$TARBALL" > "$SCRATCH/contents.txt"
for required in package/package.json package/dist/index.js package/dist/index.d.ts; do
  grep -qxF "$required" "$SCRATCH/contents.txt" || { echo "pack-smoke: tarball is missing $required" >&2; exit 1; }
done
# No test sources, no TypeScript sources (lib/**/*.ts), no examples/bench/ci scripts. .d.ts under dist/ is fine.
if grep -E '^package/(test|lib|examples|bench|scripts|\.ci)/' "$SCRATCH/contents.txt" \
   || grep -E '\.ts$' "$SCRATCH/contents.txt" | grep -vE '\.d\.ts$'; then
  echo "pack-smoke: tarball contains sources it should not (above)" >&2
  exit 1
fi
echo "pack-smoke: tarball has $(wc -l < "$SCRATCH/contents.txt") files; dist/index.{js,d.ts} present, no test/ or lib/*.ts"

# ---------------------------------------------------------------------------------------------------
STEP="install"
APP="$SCRATCH/app"
mkdir -p "$APP"
# Peer deps at the exact versions the repo pins in devDependencies.
mapfile -t PEERS < <(node -e '
  const pkg = require(process.argv[1]);
  for (const name of Object.keys(pkg.peerDependencies || {})) {
    const v = (pkg.devDependencies || {})[name];
    if (!v) { console.error(`peer ${name} has no pinned devDependency`); process.exit(1); }
    console.log(`${name}@${v}`);
  }' "$REPO_DIR/package.json")
echo "pack-smoke: installing tarball + ${PEERS[*]}"
(cd "$APP" && npm init -y >/dev/null)
INSTALL_T0=$SECONDS
(cd "$APP" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$TARBALL" "${PEERS[@]}")
INSTALL_S=$((SECONDS - INSTALL_T0))
echo "pack-smoke: install took ${INSTALL_S}s"

# ---------------------------------------------------------------------------------------------------
STEP="synth"
cat > "$APP/main.js" <<'JS'
// A user's infra app, in plain JS, consuming the package by name.
const path = require('path');
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const {
  Accelerator, Capacity, EksTrainingCluster, KubernetesTarget, KubernetesTrainingCluster,
} = require('cdktf-ml-platform');

const resolved = require.resolve('cdktf-ml-platform');
if (!resolved.includes(path.join('node_modules', 'cdktf-ml-platform'))) {
  throw new Error(`cdktf-ml-platform resolved outside node_modules: ${resolved}`);
}
// The package's `exports` fence: internals are not importable, so refactoring them breaks no user.
try {
  require('cdktf-ml-platform/dist/core/private/secrets');
  throw new Error('a deep import of cdktf-ml-platform/dist/core/private/secrets resolved; package.json exports must fence it');
} catch (e) {
  if (e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
}

const app = new App({ outdir: path.join(__dirname, 'cdktf.out') });

const eks = new TerraformStack(app, 'smoke-eks');
new AwsProvider(eks, 'aws', { region: 'us-east-1' });
new EksTrainingCluster(eks, 'training', {
  clusterName: 'smoke-training',
  kubernetesVersion: '1.33',
  subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
  pools: [
    { name: 'h100', accelerator: Accelerator.NVIDIA_H100, acceleratorsPerNode: 8, maxNodes: 2 },
    { name: 'l4-spot', accelerator: Accelerator.NVIDIA_L4, maxNodes: 4, capacity: Capacity.SPOT },
  ],
  teams: [{ team: 'vision', maxGpus: 8 }],
});

const onprem = new TerraformStack(app, 'smoke-onprem');
const target = KubernetesTarget.fromKubeconfig(onprem, 'onprem', { clusterName: 'dc1-gpu', context: 'dc1-admin' });
new KubernetesTrainingCluster(onprem, 'training', {
  clusterName: 'dc1-gpu',
  target,
  pools: [
    { name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, acceleratorsPerNode: 8, nodeCount: 2,
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } },
  ],
  teams: [{ team: 'vision', maxGpus: 8 }],
});

app.synth();
console.log(`synthesized to ${app.outdir}`);
JS
(cd "$APP" && node main.js)

# ---------------------------------------------------------------------------------------------------
STEP="assert synth output"
node - "$APP/cdktf.out" <<'JS'
const fs = require('fs');
const path = require('path');
const out = process.argv[2];
const read = (stack) => {
  const f = path.join(out, 'stacks', stack, 'cdk.tf.json');
  if (!fs.existsSync(f)) throw new Error(`missing ${f}`);
  return JSON.parse(fs.readFileSync(f, 'utf8'));
};
const fail = (msg) => { console.error(`pack-smoke: ${msg}`); process.exit(1); };

const eks = read('smoke-eks');
const groups = Object.values((eks.resource || {}).aws_eks_node_group || {});
if (groups.length === 0) fail('smoke-eks has no aws_eks_node_group');
const nvidia = groups.filter((g) => g.ami_type === 'AL2023_x86_64_NVIDIA');
if (nvidia.length === 0) fail(`no aws_eks_node_group with ami_type AL2023_x86_64_NVIDIA (got ${groups.map((g) => g.ami_type).join(', ')})`);

const onprem = read('smoke-onprem');
const k8sResources = Object.keys(onprem.resource || {}).length;
if (!onprem.provider || !onprem.provider.kubernetes) fail('smoke-onprem has no kubernetes provider');
if (k8sResources === 0) fail('smoke-onprem synthesized no resources');
console.log(`pack-smoke: smoke-eks has ${groups.length} node groups (${nvidia.length} AL2023_x86_64_NVIDIA); smoke-onprem has ${k8sResources} resource types`);
JS
# ---------------------------------------------------------------------------------------------------
STEP="google + on-prem app without provider-aws"
# The provider packages are optional peers: a Google Cloud + on-prem app installs the tarball with cdktf, constructs,
# provider-google and provider-kubernetes only (npm 7+ would add a required peer by itself), type-checks a TypeScript
# use of the package, runs test/packaging/google-onprem-app.js (GKE with MLflow, Feast, datasets and an endpoint;
# on-prem training, MLflow and monitoring) and gets the clear install hint, not a stack trace, when it reaches for AWS.
GAPP="$SCRATCH/google-onprem-app"
mkdir -p "$GAPP"
GPEERS=()
for peer in "${PEERS[@]}"; do [[ "$peer" == @cdktf/provider-aws@* ]] || GPEERS+=("$peer"); done
(cd "$GAPP" && npm init -y >/dev/null)
(cd "$GAPP" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$TARBALL" "${GPEERS[@]}")
if [[ -e "$GAPP/node_modules/@cdktf/provider-aws" ]]; then
  echo "pack-smoke: installing the tarball without @cdktf/provider-aws installed it anyway (is it still a required peer?)" >&2; exit 1
fi
cp "$REPO_DIR/test/packaging/google-onprem-app.js" "$GAPP/"
cat > "$GAPP/check.ts" <<'TS'
import { App } from 'cdktf';
import { AlertReceiver, GkeTrainingCluster, KubernetesTrainingCluster, MlPlatform, MonitoringStack } from 'cdktf-ml-platform';

export function declare(app: App): MlPlatform {
  const platform = new MlPlatform(app, 'platform', { name: 'acme', labels: { owner: 'ml', costCenter: 'cc-1', environment: 'dev' } });
  const gcp = platform.googleCloud('gcp', { project: 'acme-ml', region: 'europe-west4' });
  const gke: GkeTrainingCluster = new GkeTrainingCluster(gcp, 'training', { clusterName: 'acme', network: 'ml-vpc', subnetwork: 'ml' });
  const onprem = platform.onPrem('onprem', { clusterName: 'dc1' });
  const cluster = new KubernetesTrainingCluster(onprem.stack, 'training', { clusterName: 'dc1', target: onprem.target });
  new MonitoringStack(onprem.workloads, 'monitoring', {
    target: cluster.kubernetes.inNamespace('monitoring'), watch: MonitoringStack.discover(onprem.stack),
    alerting: { critical: [AlertReceiver.slack({ name: 'alerting', key: 'slack-webhook-url' }, '#ml-alerts')] }, grafana: { adminCredentials: { password: { name: 'grafana-admin', key: 'admin-password' } } },
  });
  gke.teamTarget('research');
  return platform;
}
TS
# skipLibCheck, as cdktf's own templates set it: the package's .d.ts name AWS types an app without provider-aws lacks.
cat > "$GAPP/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "moduleResolution": "node", "strict": true, "skipLibCheck": true, "noEmit": true, "types": [] },
  "files": ["check.ts"] }
JSON
"$REPO_DIR/node_modules/.bin/tsc" -p "$GAPP"
report="$(cd "$GAPP" && node google-onprem-app.js cdktf.out | tail -1)"
node -e '
  const r = JSON.parse(process.argv[1]);
  const fail = (m) => { console.error(`pack-smoke: ${m}`); process.exit(1); };
  if (r.stacks.length !== 5) fail(`the Google + on-prem app wrote ${r.stacks.join(", ")}`);
  if (r.providers.includes("@cdktf/provider-aws")) fail("the Google + on-prem app loaded @cdktf/provider-aws");
  console.log(`pack-smoke: Google + on-prem app without provider-aws synthesized ${r.stacks.join(", ")} (providers loaded: ${r.providers.join(", ")})`);' "$report"
aws_error="$(cd "$GAPP" && node -e 'require("cdktf-ml-platform").SecureS3Bucket' 2>&1 || true)"
expected="cdktf-ml-platform: SecureS3Bucket needs @cdktf/provider-aws, which is not installed; run \`npm install @cdktf/provider-aws@"
if ! grep -qF "$expected" <<<"$aws_error"; then
  echo "pack-smoke: reading SecureS3Bucket without provider-aws should say: $expected..., got:" >&2; echo "$aws_error" >&2; exit 1
fi
FULL_MB=$(du -sm "$APP/node_modules" | cut -f1)
GOOGLE_MB=$(du -sm "$GAPP/node_modules" | cut -f1)
echo "pack-smoke: node_modules $GOOGLE_MB MB for the Google + on-prem app without provider-aws, $FULL_MB MB with every provider"

# ---------------------------------------------------------------------------------------------------
STEP="starter"
# examples/starter is the template users copy: install it as they would (the tarball in place of the registry
# version, everything else at the versions the repo pins), type-check it and run `npm run synth` (cdktf synth).
STARTER="$SCRATCH/starter"
mkdir -p "$STARTER"
for f in package.json cdktf.json tsconfig.json main.ts stacks.ts; do cp "$REPO_DIR/examples/starter/$f" "$STARTER/"; done
node -e '
  const fs = require("fs");
  const [file, tarball, rootFile] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  const root = JSON.parse(fs.readFileSync(rootFile, "utf8"));
  for (const deps of [pkg.dependencies, pkg.devDependencies]) {
    for (const name of Object.keys(deps)) {
      if (name === root.name) deps[name] = `file:${tarball}`;
      else if (root.devDependencies[name]) deps[name] = root.devDependencies[name];
      else { console.error(`starter dependency ${name} is not pinned in the repo`); process.exit(1); }
    }
  }
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2));' "$STARTER/package.json" "$TARBALL" "$REPO_DIR/package.json"
(cd "$STARTER" && npm install --prefer-offline --no-audit --no-fund --loglevel=error)
(cd "$STARTER" && npm run --silent typecheck)
(cd "$STARTER" && TF_CLI_CONFIG_FILE=/dev/null npm run --silent synth > "$SCRATCH/starter-synth.log" 2>&1) \
  || { cat "$SCRATCH/starter-synth.log" >&2; exit 1; }
if grep -qi 'checkpoint' "$SCRATCH/starter-synth.log"; then
  echo "pack-smoke: the starter's synth called the checkpoint service:" >&2; cat "$SCRATCH/starter-synth.log" >&2; exit 1
fi
for stack in my-ml-onprem my-ml-onprem-workloads; do
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$STARTER/cdktf.out/stacks/$stack/cdk.tf.json" \
    || { echo "pack-smoke: the starter did not synthesize $stack" >&2; exit 1; }
done
echo "pack-smoke: examples/starter installed from the tarball, type-checked and synthesized (my-ml-onprem, my-ml-onprem-workloads)"

STEP="done"
