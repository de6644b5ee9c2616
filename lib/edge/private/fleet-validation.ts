import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Validator } from '../../core/errors';
import { checkImageDigest } from '../../core/images';
import { checkResourceName } from '../../core/names';
import { checkSecretKeyRef } from '../../core/private/secrets';
import { EdgeAccelerator } from '../accelerator';
import type { EdgeFleetProps } from '../fleet';
import { DEFAULT_SITES_PER_STACK, stacksForRing } from './sharding';
import { Architecture, EdgeWorkloadKind } from '../site';

/** The URI schemes the edge fetcher reads. */
export type FetchScheme = 's3' | 'gs' | 'models';

/** The scheme of a URI the edge fetcher reads, or undefined. */
export function fetchScheme(uri: string): FetchScheme | undefined {
  if (/^s3:\/\/[^/\s]+(\/|$)/.test(uri)) return 's3';
  if (/^gs:\/\/[^/\s]+(\/|$)/.test(uri)) return 'gs';
  if (/^models:\/[^/\s]+\/[^/\s]+$/.test(uri)) return 'models';
  return undefined;
}

/**
 * Checks an EdgeFleet's props, collecting every problem into one error. Returns the number of stacks of each ring
 * (0 for a ring without sites).
 */
export function validateFleetProps(self: Construct, props: EdgeFleetProps): Map<string, number> {
  const v = new Validator(self);
  if (!props || typeof props !== 'object') {
    v.add('props', props, 'are required: { fleetName, model, rings, sites, image, modelFetcher }');
    v.throwIfAny();
  }
  checkResourceName(v, 'fleetName', props.fleetName, 30);
  v.check(typeof props.fleetName === 'string', 'fleetName', props.fleetName, 'is required');
  const rings = Array.isArray(props.rings) ? props.rings : [];
  const sites = Array.isArray(props.sites) ? props.sites : [];
  v.nonEmpty('rings', props.rings, 'must list at least one ring, e.g. [{ name: "all", modelVersion: "3" }]');
  v.nonEmpty('sites', props.sites, 'is empty; a fleet needs at least one site');
  v.unique('rings', rings, (r) => String(r?.name), 'ring name');
  v.unique('sites', sites, (s) => String(s?.name), 'site name');
  const source = props.model?.source;
  v.check(!!source && typeof source.hasModelVersion === 'function', 'model.source', source, 'must be a model source such as a ModelRegistry');
  rings.forEach((r, i) => {
    checkResourceName(v, `rings[${i}].name`, r?.name, 63);
    if (source && typeof source.hasModelVersion === 'function' && typeof r?.modelVersion === 'string') {
      v.check(source.hasModelVersion(props.model.name, r.modelVersion), `rings[${i}].modelVersion`, r.modelVersion,
        `is not a version of model "${props.model.name}" in ${source.registryName}; register it first or pin the ring to an existing version`);
    } else {
      v.check(typeof r?.modelVersion === 'string', `rings[${i}].modelVersion`, r?.modelVersion, 'is required');
    }
    v.integer(`rings[${i}].stacks`, r?.stacks, 1, 10000);
    // Stack names are `<id>-<ring>-<n>`: with rings "early" and "early-eu", `cdktf deploy '<id>-early-*'` would
    // deploy both rings at once.
    const other = rings.find((o) => o !== r && typeof o?.name === 'string' && typeof r?.name === 'string' && r.name.startsWith(`${o.name}-`));
    if (other) {
      v.add(`rings[${i}].name`, r.name, `starts with ring "${other.name}" and a dash, so the stack pattern '<fleet>-${other.name}-*' would ` +
        `deploy this ring's stacks too; rename one of the rings (e.g. "${r.name.replace(/-/g, '')}")`);
    }
  });
  if (source && typeof source.modelVersionUri === 'function') {
    rings.forEach((r) => {
      if (typeof r?.modelVersion !== 'string') return;
      const uri = source.modelVersionUri(props.model.name, r.modelVersion);
      if (Token.isUnresolved(uri)) return;
      v.check(fetchScheme(uri) !== undefined, 'model.source', uri,
        `is a model URI the edge fetcher cannot read (ring ${r.name}, from ${source.registryName}); sites fetch s3://bucket/…, gs://bucket/… ` +
        'and models:/<name>/<version> (MlflowModelRegistry); publish the model to S3 or Cloud Storage, or use a registry that does');
    });
  }
  const legacy = (props as unknown as { shards?: unknown }).shards;
  v.check(legacy === undefined, 'shards', legacy,
    'was replaced: stacks never mix rings now (`<fleet>-<ring>-<n>`); set sitesPerStack, or a fixed count per ring with rings[i].stacks');
  const perStack = props.sitesPerStack ?? DEFAULT_SITES_PER_STACK;
  const perStackOk = v.integer('sitesPerStack', props.sitesPerStack, 1, 10000);
  const accelerator = props.accelerator;
  v.check(accelerator === undefined || accelerator instanceof EdgeAccelerator, 'accelerator', accelerator,
    'must be an EdgeAccelerator, e.g. EdgeAccelerator.nvidiaJetson() or EdgeAccelerator.NONE');

  const ringNames = new Set(rings.map((r) => r?.name));
  const counts = new Map<string, number>();
  for (const s of sites) if (ringNames.has(s?.ring)) counts.set(s.ring, (counts.get(s.ring) ?? 0) + 1);
  const stacksOf = new Map<string, number>();
  for (const r of rings) {
    const n = counts.get(r?.name) ?? 0;
    stacksOf.set(r?.name, n === 0 ? 0 : r.stacks ?? stacksForRing(n, perStackOk && perStack > 0 ? perStack : DEFAULT_SITES_PER_STACK));
  }

  sites.forEach((s, i) => {
    checkResourceName(v, `sites[${i}].name`, s?.name, 40);
    v.check(ringNames.has(s?.ring), `sites[${i}].ring`, s?.ring, `is not a declared ring; use one of ${[...ringNames].join(', ')}`);
    v.check(s?.architecture === undefined || Object.values(Architecture).includes(s.architecture), `sites[${i}].architecture`, s?.architecture,
      `must be one of ${Object.values(Architecture).join(', ')}`);
    const stacks = stacksOf.get(s?.ring) ?? 0;
    if (s?.shard !== undefined && stacks > 0) {
      v.integer(`sites[${i}].shard`, s.shard, 0, stacks - 1, `must be a stack of ring ${s.ring} from 0 to ${stacks - 1}; raise rings[].stacks to pin it higher`);
    }
    const own = s?.accelerator;
    if (!v.check(own === undefined || own instanceof EdgeAccelerator, `sites[${i}].accelerator`, own,
      'must be an EdgeAccelerator, e.g. EdgeAccelerator.nvidiaJetson() or EdgeAccelerator.NONE')) return;
    const effective = own ?? (accelerator instanceof EdgeAccelerator ? accelerator : EdgeAccelerator.NONE);
    const arch = s?.architecture ?? Architecture.ARM64;
    if (effective.architectures.includes(arch)) return;
    if (own) {
      v.add(`sites[${i}].accelerator`, own.id, `exists only on ${effective.architectures.join(', ')} nodes, but site ${s.name} is ${arch}; ` +
        `set sites[${i}].architecture to Architecture.${effective.architectures[0].toUpperCase()} or remove the accelerator`);
    } else {
      v.add(`sites[${i}].architecture`, arch, `cannot run the fleet's accelerator ${effective.id}, which exists only on ` +
        `${effective.architectures.join(', ')} nodes; give site ${s.name} accelerator: EdgeAccelerator.NONE (a CPU site) or fix its architecture`);
    }
  });
  checkImageDigest(v, 'image', props.image, { explicitRegistry: true, fix: 'must be pinned by digest (registry/repo@sha256:<64 hex>) so every site runs the same bytes' });
  v.check(!!props.modelFetcher && typeof props.modelFetcher === 'object', 'modelFetcher', props.modelFetcher,
    'is required: { credentialsSecret } naming the existing secret with read-only credentials at each site');
  checkImageDigest(v, 'modelFetcher.image', props.modelFetcher?.image, { explicitRegistry: true, fix: 'must be pinned by digest (registry/repo@sha256:<64 hex>)' });
  v.matches('modelFetcher.endpointUrl', props.modelFetcher?.endpointUrl, /^https:\/\/\S+$/, 'must be an https:// URL: credentials and models cross the network');
  checkResourceName(v, 'modelFetcher.credentialsSecret', props.modelFetcher?.credentialsSecret, 253);
  if (props.metrics) {
    v.matches('metrics.remoteWriteUrl', props.metrics.remoteWriteUrl, /^https:\/\/\S+$/, 'must be an https:// URL: metrics leave the site');
    checkSecretKeyRef(v, 'metrics.password', props.metrics.password, '{ name: "remote-write", key: "password" }');
    const legacy = (props.metrics as unknown as { credentialsSecret?: unknown }).credentialsSecret;
    v.check(legacy === undefined, 'metrics.credentialsSecret', legacy,
      'was replaced by metrics.password: { name, key } (the key was "password": { name: "<secret>", key: "password" })');
  }
  checkResourceName(v, 'namespace', props.namespace, 63);
  v.integer('port', props.port, 1, 65535);
  v.integer('replicas', props.replicas, 1, 100);
  v.check(props.replicas === undefined || props.kind !== EdgeWorkloadKind.DAEMON_SET, 'replicas', props.replicas, 'does not apply to a DaemonSet (one per node); remove it');
  v.throwIfAny();
  return stacksOf;
}
